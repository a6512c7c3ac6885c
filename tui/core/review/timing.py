"""Time on task per annotator, from the operation log (``tui stats --time``).

Every action in the log has a time. An annotator's *time on task* is the sum
of the gaps between their consecutive actions on documents, leaving out every
gap longer than an idle threshold (default five minutes): a pause, a meeting,
a night. So:

- a session is a run of actions with no gap over the threshold; its first
  action counts nothing (the reading before it is not in the log), so the
  figures are a lower bound;
- a gap belongs to the document of the action that ends it;
- actions not on a document (imports, merges, corpus-wide suggestion runs)
  are machine work: they count nothing and do not start or break a session;
- undone actions count: the time they took was spent;
- entries whose time cannot be read (a hostile or hand-edited database) are
  left out and counted.

Seconds per annotation divide an annotator's time on task by their accepted
annotations (every kind) on the documents they worked on; seconds per
document divide it by those documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.core.store import Store

#: Gaps longer than this (seconds) are idle time, not time on task.
DEFAULT_IDLE_SECONDS = 300.0


@dataclass
class AnnotatorTime:
    """One annotator's time on task."""

    annotator: str
    seconds: float = 0.0
    actions: int = 0
    """Actions on the documents reported."""
    sessions: int = 0
    annotations: int = 0
    """Accepted annotations in the annotator's layer on the documents they worked on."""
    per_document: dict[str, float] = field(default_factory=dict)
    """Document name -> seconds, for every document with an action."""

    @property
    def documents(self) -> int:
        return len(self.per_document)

    @property
    def seconds_per_annotation(self) -> float | None:
        return self.seconds / self.annotations if self.annotations else None

    @property
    def seconds_per_document(self) -> float | None:
        return self.seconds / self.documents if self.documents else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "seconds": round(self.seconds, 3),
            "actions": self.actions,
            "sessions": self.sessions,
            "documents": self.documents,
            "annotations": self.annotations,
            "seconds_per_annotation": _round(self.seconds_per_annotation),
            "seconds_per_document": _round(self.seconds_per_document),
            "per_document": {k: round(v, 3) for k, v in sorted(self.per_document.items())},
        }


@dataclass
class TimeReport:
    """Time on task of every annotator with an action on the documents reported."""

    idle_seconds: float
    annotators: list[AnnotatorTime]
    unreadable: int = 0
    """Log entries whose time could not be read (left out)."""

    def to_dict(self) -> dict[str, Any]:
        return {"idle_seconds": self.idle_seconds, "unreadable_times": self.unreadable,
                "annotators": [a.to_dict() for a in self.annotators]}


def time_on_task(store: Store, *, docs: list[str] | None = None,
                 idle_seconds: float = DEFAULT_IDLE_SECONDS) -> TimeReport:
    """Time on task per annotator (see the module's docstring for the definition).

    Args:
        store: the store.
        docs: only these document names (gaps are still measured over all of
            an annotator's actions, then only those ending on these documents count).
        idle_seconds: a gap longer than this is not counted.

    Raises:
        NotFound: an unknown document name.
        ValueError: a negative threshold.
    """
    if idle_seconds < 0:
        raise ValueError("the idle threshold must not be negative")
    names = store.document_names_by_id()
    wanted = {store.document(n).id for n in docs} if docs else set(names)
    per: dict[str, AnnotatorTime] = {}
    unreadable = 0
    timeline: dict[str, list[tuple[datetime, int, str]]] = {}
    for act in store.action_times():
        if act.doc_id is None:
            continue
        try:
            when = datetime.fromisoformat(act.time)
        except ValueError:
            unreadable += 1
            continue
        if when.tzinfo is None:
            unreadable += 1
            continue
        timeline.setdefault(act.annotator, []).append((when, act.seq, act.doc_id))
    for who, acts in timeline.items():
        acts.sort()
        previous: datetime | None = None
        for when, _seq, doc_id in acts:
            gap = (when - previous).total_seconds() if previous is not None else None
            previous = when
            if doc_id not in wanted:
                continue
            row = per.setdefault(who, AnnotatorTime(who))
            row.actions += 1
            name = names.get(doc_id, doc_id)
            if gap is None or gap > idle_seconds:
                row.sessions += 1
                gap = 0.0
            row.seconds += gap
            row.per_document[name] = row.per_document.get(name, 0.0) + gap
    by_name = {v: k for k, v in names.items()}
    worked = {who: {by_name.get(n, n) for n in row.per_document} for who, row in per.items()}
    for c in store.annotation_counts(sorted(wanted) or None):
        if c.status == "accepted" and c.annotator in per and c.doc_id in worked[c.annotator]:
            per[c.annotator].annotations += c.total
    return TimeReport(idle_seconds=idle_seconds, annotators=[per[k] for k in sorted(per)],
                      unreadable=unreadable)


def format_time_report(report: TimeReport) -> str:
    """A plain-text table of :func:`time_on_task` (names escaped for the terminal)."""
    lines = [f"time on task (gaps over {report.idle_seconds:g} s between actions are idle, not counted)"]
    if not report.annotators:
        lines.append("no actions on documents in the log")
    else:
        header = ("annotator", "time", "actions", "sessions", "docs", "annotations", "s/annotation", "s/doc")
        rows = [(_p(a.annotator), _clock(a.seconds), str(a.actions), str(a.sessions), str(a.documents),
                 str(a.annotations), _num(a.seconds_per_annotation), _num(a.seconds_per_document))
                for a in report.annotators]
        widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
        for r in (header, *rows):
            lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                   for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    if report.unreadable:
        lines.append(f"{report.unreadable} log entr{'y' if report.unreadable == 1 else 'ies'} "
                     "with an unreadable time left out")
    return "\n".join(lines) + "\n"


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def _p(s: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in str(s))
