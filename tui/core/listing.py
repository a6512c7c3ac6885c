"""The document listing printed by ``tui list`` (and by ``tui`` with no terminal)."""

from __future__ import annotations

from tui.core.store import DocumentInfo

COLUMNS = (
    ("spans", "SPANS"),
    ("events", "EVENTS"),
    ("relations", "RELS"),
    ("equivalences", "COREF"),
    ("attributes", "ATTRS"),
    ("normalizations", "NORMS"),
    ("notes", "NOTES"),
)


def format_listing(infos: list[DocumentInfo], annotator: str) -> str:
    """Return an aligned table: name, status for ``annotator``, counts, pending.

    Args:
        infos: the documents, as :meth:`Store.documents` returns them.
        annotator: whose status to show.
    """
    if not infos:
        return "no documents yet: import some with `tui import PATH`\n"
    header = ["NAME", "STATUS", "CHARS", *(h for _, h in COLUMNS), "PENDING", "REJECTED"]
    rows = [header]
    for info in infos:
        rows.append(
            [
                _printable(info.name),
                info.status.get(annotator, "new"),
                str(info.length),
                *(str(info.counts[k]) for k, _ in COLUMNS),
                str(info.by_status.get("pending", 0)),
                str(info.by_status.get("rejected", 0)),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(r[2:], widths[2:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    total = sum(i.counts["spans"] for i in infos)
    lines.append(f"{len(infos)} document(s), {total} span(s); annotator: {_printable(annotator)}")
    return "\n".join(lines) + "\n"


def _printable(s: str) -> str:
    """Names are data too: show control characters as escapes, never raw."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in s)
