"""The keys benchmark (issue 14): how many keys a fast analyst needs to reproduce a gold annotation.

``python -m bench.keys ARTICLE GOLD.json --db DB --format json`` imports ARTICLE
into DB, runs the default suggestion sources, then drives the real ``tui`` in
tmux (``tests/terminal/harness.py``: a private server, ``TERM=xterm-256color``)
with the default keys, as :class:`bench.keys.strategy.Analyst` decides them from
the live screen and database, and prints::

    {"keys_per_mention": ..., "keys_per_event": ..., "keys_per_coref_member": ...,
     "missed": N, "extra": N, ...}

Counting rules:

- Every key sent to the terminal counts one: a motion, a tag key, ``v``, ``enter``,
  ``escape``, a review decision, a picker hotkey, ``tab`` between candidates, an
  ``undo`` that repairs a wrong guess. A typed string (a search, a picker filter)
  counts one key per character, plus its ``enter``.
- Keys are charged to the phase they serve. **Mentions**: the review of the
  suggestions (opening it, every decision on a span, closing it), then every key that
  reaches and tags a missing mention; divided by the number of gold spans.
  **Events**: reaching the trigger, ``E``, the type, every role key (motions to a
  filler, a role's letter, ``tab``, ``enter``, ``s``, the final ``escape``); in the
  review, every decision on a suggested event (accepting a gold one, skipping one
  whose gold fillers are not tagged yet, rejecting the others, in bulk where a whole
  group decides alike) and the role keys of the prompt an accepted one opens; the
  second review of the skipped ones (``r``, its decisions and roles, closing it);
  divided by the number of gold events. **Coreference**: the suggestion key pressed again
  once the mentions are there (same-name links) and that review (every decision,
  closing it), then for each chain still incomplete reaching a member, selecting it
  if needed, ``C``, every motion / ``tab`` / ``enter``, the final ``escape``; divided
  by the number of members of all gold chains (the first member of a chain counts
  as a member).
- Nothing else counts: importing the article and opening the app (the command
  line), and running the default suggestion sources when no key does it (today:
  ``tui suggest --source places``, the one source that needs no input file or
  model; when the reader lists a suggestion key, that key is pressed and counted).
- Reading the screen is free: the analyst sees it.
- The end state is checked in the database: the analyst's accepted annotations
  (triggers apart) against the gold; pending and rejected leftovers do not count.
  ``missed`` counts gold spans, events and chains not there, ``extra`` accepted ones
  the gold does not have (per kind in ``missed_by_kind`` / ``extra_by_kind``). A gold
  the keys cannot reach is reported there, never forced through the database.

Which key does what comes from one table (``bench/keys/keymap.py``) read against
``tui keys --format json``: keys planned on other branches (next-name, bulk review,
a suggestion key) are used as soon as the app lists them.
"""
