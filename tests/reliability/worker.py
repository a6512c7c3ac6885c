"""A subprocess that annotates through the Store, acknowledging each committed action.

Usage: ``python -m tests.reliability.worker DB DOC_NAME ANNOTATOR SEED MAX_ACTIONS``

It does what the app does when an analyst tags: add a span, retag it, add
an event (trigger span plus event, with arguments) in one action, add an
attribute, delete with cascade, undo. Each action goes through the same
Store calls the app makes, and only after the call has returned (so after
COMMIT) it prints one line::

    ack <n> <seq> do|undo <json>

where ``seq`` is the oplog entry it wrote (or undid) and the JSON is the
list of ``[table, id, row-or-null]`` changes the store reports for it, so
the parent can compute the expected database from the acknowledgements
alone. ``ready`` is printed once the store is open, ``done`` at the end.
The worker only touches its own annotator's annotations, so two workers
on one document have disjoint expectations.
"""

from __future__ import annotations

import json
import random
import sys

from tui.core.model import KINDS, Argument, Attribute, Event, Span
from tui.core.store import Store, from_row, to_row

LABELS = ("PER", "ORG", "GPE", "LOC", "FAC")
ROLES = ("Attacker", "Target", "Place", "Victim")


def main(argv: list[str]) -> int:
    db, doc_name, annotator, seed, max_actions = argv[0], argv[1], argv[2], int(argv[3]), int(argv[4])
    rng = random.Random(seed)
    out = sys.stdout
    store = Store(db, annotator=annotator)
    doc = store.document(doc_name)
    text_len = len(doc.text)
    # What this worker owns now (a restart after a kill picks up where the last one stopped).
    mine = store.annotations(doc.id, annotators=[annotator])
    spans = {s.id: s for s in mine.spans}
    events = {e.id: e for e in mine.events}
    others = {a.id for a in mine.all() if a.id not in spans and a.id not in events}
    out.write("ready\n")
    out.flush()

    def ack(n: int, seq: int, changes: list, what: str = "do") -> None:
        out.write(f"ack {n} {seq} {what} {json.dumps(changes, separators=(',', ':'))}\n")
        out.flush()

    def track(changes: list) -> None:
        """Keep the local view of what exists in step with the committed changes."""
        for table, key, row in changes:
            if table == "spans":
                if row is None:
                    spans.pop(key, None)
                else:
                    spans[key] = from_row("spans", row)
            elif table == "events":
                if row is None:
                    events.pop(key, None)
                else:
                    events[key] = from_row("events", row)
            elif row is None:
                others.discard(key)
            else:
                others.add(key)

    def last_seq() -> int:
        # This worker is the only writer under its annotator name.
        return store.conn.execute("SELECT max(seq) FROM oplog WHERE annotator = ?", (annotator,)).fetchone()[0]

    def random_span(label: str) -> Span:
        start = rng.randrange(0, text_len - 1)
        end = min(text_len, start + rng.randint(1, 20))
        return Span(doc_id=doc.id, label=label, fragments=[(start, end)])

    for n in range(max_actions):
        crowded = len(spans) + len(events) > 60
        r = rng.random()
        if r < 0.30 and not crowded or not spans:
            ann = store.add(random_span(rng.choice(LABELS)))
            changes = [["spans", ann.id, to_row("spans", ann)]]
        elif r < 0.45:
            span = store.get(rng.choice(sorted(spans)))
            span.label = rng.choice([x for x in LABELS if x != span.label])
            ann = store.update(span)
            changes = [["spans", ann.id, to_row("spans", ann)]]
        elif r < 0.60 and not crowded:
            # Trigger and event in one action, like the app's "tag event".
            fillers = rng.sample(sorted(spans), k=min(len(spans), rng.randint(0, 2)))
            with store.action("tag event Conflict:Attack", doc.id) as tx:
                trigger = tx.add(random_span("Conflict:Attack"))
                tx.add(Event(doc_id=doc.id, type="Conflict:Attack", trigger=trigger.id, arguments=[
                    Argument(role=ROLES[i], target=t) for i, t in enumerate(fillers)
                ]))
            changes = [[c["table"], c["after"]["id"], c["after"]] for c in tx.changes]
        elif r < 0.68 and events:
            ann = store.add(Attribute(doc_id=doc.id, target=rng.choice(sorted(events)), name="Polarity",
                                      value=rng.choice(["Positive", "Negative"])))
            changes = [["attributes", ann.id, to_row("attributes", ann)]]
        elif r < 0.88 or crowded:
            target = rng.choice(sorted(spans) + sorted(events))
            with store.action("delete", doc.id) as tx:
                tx.delete(target)
            changes = [[c["table"], (c["before"] or c["after"])["id"], c["after"]] for c in tx.changes]
        else:
            op = store.undo(doc.id)
            if op is None:
                continue
            changes = [[c["table"], (c["before"] or c["after"])["id"], c["before"]]
                       for c in reversed(op.changes)]
            changes = [c for c in changes if c[0] in KINDS]
            track(changes)
            ack(n, op.seq, changes, "undo")
            continue
        track(changes)
        ack(n, last_seq(), changes)
    out.write("done\n")
    out.flush()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
