"""Text and offsets: code points, graphemes, motions, wrapping, Markdown, tokens, re-anchoring."""
