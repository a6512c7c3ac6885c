"""Corpus statistics: annotation counts per type, annotator, status and document."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from tui.core.model import KINDS

if TYPE_CHECKING:
    from tui.core.store import Store


def stats(store: Store, *, docs: list[str] | None = None) -> dict[str, Any]:
    """Count annotations every way an analyst asks for.

    Args:
        store: the store.
        docs: document names (default: all).

    Returns:
        A JSON-ready dict: ``documents`` (count), ``annotations`` (total),
        ``per_kind``, ``per_type`` (kind -> type -> count), ``per_annotator``,
        ``per_status``, ``per_origin`` and ``per_document`` (name -> kind ->
        count, plus its status per annotator). Rejected annotations are
        counted under ``per_status`` and ``per_document``'s ``rejected``
        only; every other count leaves them out, as the listing does.
    """
    id_to_name = store.document_names_by_id()
    ids: list[str] | None = None
    if docs:
        ids = [store.document(n).id for n in docs]
        id_to_name = {i: id_to_name[i] for i in ids}
    per_kind: Counter = Counter()
    per_type: dict[str, Counter] = {}
    per_annotator: Counter = Counter()
    per_status: Counter = Counter()
    per_origin: Counter = Counter()
    per_doc: dict[str, Counter] = {name: Counter() for name in sorted(id_to_name.values())}
    for kind, doc_id, typ, annotator, status, origin, n in store.annotation_counts(ids):
        per_status[status] += n
        name = id_to_name.get(doc_id)
        if name is None:
            continue
        if status == "rejected":
            per_doc[name]["rejected"] += n
            continue
        per_kind[kind] += n
        per_type.setdefault(kind, Counter())[typ] += n
        per_annotator[annotator] += n
        per_origin[origin] += n
        per_doc[name][kind] += n
        if status == "pending":
            per_doc[name]["pending"] += n
    statuses: dict[str, dict[str, str]] = {}
    for doc_id, annotator, status in store.doc_statuses():
        if doc_id in id_to_name:
            statuses.setdefault(id_to_name[doc_id], {})[annotator] = status
    return {
        "documents": len(id_to_name),
        "annotations": sum(per_kind.values()),
        "per_kind": {k: per_kind[k] for k in KINDS if per_kind[k]},
        "per_type": {k: dict(sorted(per_type[k].items())) for k in KINDS if k in per_type},
        "per_annotator": dict(sorted(per_annotator.items())),
        "per_status": {s: per_status[s] for s in ("accepted", "pending", "rejected") if per_status[s]},
        "per_origin": dict(sorted(per_origin.items())),
        "per_document": {
            name: {**{k: c[k] for k in (*KINDS, "pending", "rejected") if c[k]},
                   "status": statuses.get(name, {})}
            for name, c in per_doc.items()
        },
    }


def format_stats(data: dict[str, Any]) -> str:
    """Plain-text tables of :func:`stats` output (names sanitised for the terminal)."""
    lines = [f"{data['documents']} document(s), {data['annotations']} annotation(s) (rejected not counted)"]

    def table(title: str, counts: dict[str, int]) -> None:
        if not counts:
            return
        lines.append("")
        lines.append(title)
        width = max(len(_p(k)) for k in counts)
        for k, n in counts.items():
            lines.append(f"  {_p(k).ljust(width)}  {n:>7}")

    table("per kind", data["per_kind"])
    for kind, counts in data["per_type"].items():
        table(f"per type ({kind})", counts)
    table("per annotator", data["per_annotator"])
    table("per status", data["per_status"])
    table("per origin", data["per_origin"])
    if data["per_document"]:
        lines.append("")
        lines.append("per document")
        width = max(len(_p(k)) for k in data["per_document"])
        for name, c in data["per_document"].items():
            counts = " ".join(f"{k}={v}" for k, v in c.items() if k != "status")
            lines.append(f"  {_p(name).ljust(width)}  {counts or '-'}")
    return "\n".join(lines) + "\n"


def to_json(data: dict[str, Any]) -> str:
    from tui.core.termsafe import dumps

    return dumps(data, indent=2)  # C1 and bidi controls as \uXXXX too


def _p(s: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in str(s))
