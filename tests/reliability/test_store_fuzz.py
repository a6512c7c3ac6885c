"""Fuzzing the store: random actions, undo, redo, reopen and text updates keep it consistent.

Invariants after every step: every span's stored text matches the
document (``Store.check``), no annotation refers to a missing one or to
another document, every equivalence set has two members or more. At the
end, undoing everything returns the annotation tables and the document to
their initial state.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tui.core.model import (
    KINDS,
    Argument,
    Attribute,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
    kind_of,
)
from tui.core.store import Store, references

TEXT = (
    "Coalition forces attacked Basra on Monday, officials said.\n"
    "The army said the attack on Basra was over by noon; \U0001f600 residents fled.\r\n"
    "Later, Basra's governor met the commander in the city.\n"
)
LABELS = ("PER", "ORG", "GPE", "LOC")
TABLES = (*KINDS, "documents", "doc_status")


def _state(path: Path) -> dict:
    """The rows of the tables an undo must restore (the log itself is not part of it)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in TABLES}
    finally:
        conn.close()


class StoreMachine(RuleBasedStateMachine):
    """Random annotation work on one document, checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="tui-fuzz-"))
        self.path = self.dir / "fuzz.db"
        self.store = Store(self.path, annotator="fuzz")
        self.doc, _ = self.store.add_document(Document(name="d", text=TEXT))
        self.initial = _state(self.path)

    def teardown(self) -> None:
        try:
            # Undo everything: the annotations and the text are as they were at the start.
            for _ in range(10_000):
                if self.store.undo(self.doc.id) is None:
                    break
            assert _state(self.path) == self.initial
        finally:
            self.store.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------

    def anns(self):
        return self.store.annotations(self.doc.id)

    def text(self) -> str:
        return self.store.document(self.doc.id).text

    @staticmethod
    def pick(data, items):
        return data.draw(st.sampled_from(sorted(items, key=lambda a: a.id)))

    # -- rules -----------------------------------------------------------------------

    @rule(data=st.data(), label=st.sampled_from(LABELS), two=st.booleans())
    def add_span(self, data, label, two):
        n = len(self.text())
        start = data.draw(st.integers(0, n - 1))
        end = data.draw(st.integers(start, min(n, start + 15)))
        frags = [(start, end)]
        if two and end + 2 < n:
            s2 = data.draw(st.integers(end + 1, n - 1))
            frags.append((s2, data.draw(st.integers(s2, min(n, s2 + 10)))))
        self.store.add(Span(doc_id=self.doc.id, label=label, fragments=frags))

    @precondition(lambda self: self.anns().spans)
    @rule(data=st.data())
    def add_event(self, data):
        spans = self.anns().spans
        fillers = data.draw(st.lists(st.sampled_from(sorted(s.id for s in spans)), max_size=3, unique=True))
        with self.store.action("tag event", self.doc.id) as tx:
            n = len(self.text())
            start = data.draw(st.integers(0, n - 1))
            trigger = tx.add(Span(doc_id=self.doc.id, label="Conflict:Attack",
                                  fragments=[(start, min(n, start + 5))]))
            tx.add(Event(doc_id=self.doc.id, type="Conflict:Attack", trigger=trigger.id,
                         arguments=[Argument(role=f"R{i}", target=t) for i, t in enumerate(fillers)]))

    @precondition(lambda self: len(self.anns().spans) >= 2)
    @rule(data=st.data())
    def add_relation(self, data):
        a, b = data.draw(st.lists(st.sampled_from(sorted(s.id for s in self.anns().spans)),
                                  min_size=2, max_size=2, unique=True))
        self.store.add(Relation(doc_id=self.doc.id, type="PART-WHOLE", arguments=[
            Argument(role="Arg-1", target=a), Argument(role="Arg-2", target=b)]))

    @precondition(lambda self: len(self.anns().spans) >= 2)
    @rule(data=st.data())
    def add_equivalence(self, data):
        members = data.draw(st.lists(st.sampled_from(sorted(s.id for s in self.anns().spans)),
                                     min_size=2, max_size=4, unique=True))
        self.store.add(Equivalence(doc_id=self.doc.id, type="Coreference", members=members))

    @precondition(lambda self: self.anns().all())
    @rule(data=st.data(), what=st.sampled_from(["attribute", "note", "norm"]))
    def add_on_annotation(self, data, what):
        target = self.pick(data, self.anns().all()).id
        if what == "attribute":
            ann = Attribute(doc_id=self.doc.id, target=target, name="Negated")
        elif what == "note":
            ann = Note(doc_id=self.doc.id, target=target, text=data.draw(st.text(max_size=20)))
        else:
            ann = Normalization(doc_id=self.doc.id, target=target, resource="Wikidata", key="Q1")
        self.store.add(ann)

    @precondition(lambda self: self.anns().spans)
    @rule(data=st.data(), label=st.sampled_from(LABELS))
    def edit_span(self, data, label):
        span = self.pick(data, self.anns().spans)
        span.label = label
        if data.draw(st.booleans()):
            n = len(self.text())
            start = data.draw(st.integers(0, n - 1))
            span.fragments = [(start, data.draw(st.integers(start, min(n, start + 12))))]
        self.store.update(span)

    @precondition(lambda self: self.anns().all())
    @rule(data=st.data())
    def delete(self, data):
        self.store.delete(self.pick(data, self.anns().all()).id)

    @rule()
    def undo(self):
        self.store.undo(self.doc.id)

    @rule()
    def redo(self):
        self.store.redo(self.doc.id)

    @rule()
    def reopen(self):
        self.store.close()
        self.store = Store(self.path, annotator="fuzz")

    @rule(data=st.data())
    def change_text(self, data):
        text = self.text()
        a = data.draw(st.integers(0, len(text)))
        b = data.draw(st.integers(a, min(len(text), a + 20)))
        insert = data.draw(st.sampled_from(["", "new words ", "Basra ", "\n", "the attack "]))
        new = text[:a] + insert + text[b:]
        if new:
            self.store.replace_document_text(self.doc.id, Document(name="d", text=new))

    # -- invariants -----------------------------------------------------------------

    @invariant()
    def spans_match_the_text(self):
        assert self.store.check() == []

    @invariant()
    def no_dangling_references(self):
        anns = self.anns()
        ids = anns.by_id()
        for ann in anns.all():
            for ref in references(kind_of(ann), ann):
                assert ref in ids, f"{kind_of(ann)} {ann.id} refers to missing {ref}"
        for eq in anns.equivalences:
            assert len(eq.members) >= 2
        for ev in anns.events:
            assert isinstance(ids[ev.trigger], Span)
        # Nothing anywhere points outside its document either.
        for kind in KINDS:
            n = self.store.conn.execute(f"SELECT count(*) FROM {kind} WHERE doc_id != ?", (self.doc.id,))
            assert n.fetchone()[0] == 0


StoreMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestStoreMachine = StoreMachine.TestCase
