"""Review and team work: suggestions, the review queue, agreement, adjudication, merge, statistics."""
