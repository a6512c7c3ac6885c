"""Checks of a whole database: texts against their sha256, spans against their text, references."""

from __future__ import annotations

import json

from tui.core.model import KINDS
from tui.core.store.annotations import AnnotationStore
from tui.core.store.rows import references
from tui.core.text.offsets import check_fragments, sha256_text, span_text


class Checks(AnnotationStore):
    """``tui check``: what does not hold together."""

    def check(self) -> list[str]:
        """Verify every document against its sha256, every span against its text and every reference.

        A reference (argument, trigger, member, target) must point at another
        annotation of the same document.

        Returns:
            One line per problem (empty when all is well).
        """
        problems = []
        for doc_id, name, text, sha in self.conn.execute(
            "SELECT id, name, text, sha256 FROM documents ORDER BY name"
        ):
            if sha256_text(text) != sha:
                problems.append(f"{name}: text does not match its sha256 {sha}")
            for sid, frags, stext in self.conn.execute(
                "SELECT id, fragments, text FROM spans WHERE doc_id = ? ORDER BY start", (doc_id,)
            ):
                fr = [tuple(f) for f in json.loads(frags)]
                problem = check_fragments(text, fr)
                if problem:
                    problems.append(f"{name}: span {sid}: {problem}")
                elif span_text(text, fr) != stext:
                    problems.append(
                        f"{name}: span {sid}: stored text {stext!r} does not match "
                        f"the document ({span_text(text, fr)!r})"
                    )
        problems.extend(self._reference_problems())
        return problems

    def _reference_problems(self) -> list[str]:
        """References that do not resolve inside their own document.

        Every argument, trigger, member and target must be an annotation of
        the same document, and not the annotation itself.
        """
        problems = []
        for doc_id, name in self.conn.execute("SELECT id, name FROM documents ORDER BY name").fetchall():
            anns = self.annotations(doc_id)
            local = {a.id for a in anns.all()}
            for kind in KINDS[1:]:
                for ann in getattr(anns, kind):
                    for ref in references(kind, ann):
                        if ref == ann.id:
                            problems.append(f"{name}: {kind[:-1]} {ann.id} refers to itself")
                        elif ref not in local:
                            owner = self.find(ref)
                            if owner is None:
                                problems.append(f"{name}: {kind[:-1]} {ann.id} refers to missing annotation {ref}")
                            else:
                                other = self.conn.execute("SELECT name FROM documents WHERE id = ?",
                                                          (owner.doc_id,)).fetchone()
                                problems.append(f"{name}: {kind[:-1]} {ann.id} refers to {ref}, an annotation "
                                                f"of another document ({other[0] if other else owner.doc_id})")
        return problems
