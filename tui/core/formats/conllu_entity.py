"""Entity encodings in the CoNLL-U MISC column: BIO tags (``name=B-PER``, as NorNE)
and CorefUD ``Entity=`` brackets (as GUM), read and written back.

A MISC value is ``_`` or ``Key=Value`` items joined by ``|``. Only the items an
export changes are touched; every other item (``SpaceAfter``, ``Bridge``,
``Discourse``...) stays where and as it was.
"""

from __future__ import annotations

import re

#: MISC keys holding BIO tags in CoNLL-U files (NorNE uses ``name``).
MISC_NER_KEYS = ("name", "NE", "NER", "ner")
ENTITY_PART = re.compile(r"\(([^()]*)(\))?|([^()]+)\)")
#: Characters an ``Entity=`` type cannot hold (they delimit attributes, mentions, items).
_ETYPE_BAD = re.compile(r"[-()|=\s]")
_ESCAPES = {"s": " ", "t": "\t", "n": "\n", "r": "\r", "p": "|", "\\": "\\"}
_UNESCAPES = {v: "\\" + k for k, v in _ESCAPES.items()}


def parse_misc(misc: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if misc == "_":
        return out
    for item in misc.split("|"):
        key, _, value = item.partition("=")
        out[key] = value
    return out


def spaces_after(value: str) -> str | None:
    """A ``SpacesAfter=`` value decoded (``\\s`` space, ``\\t``, ``\\n``, ``\\r``, ``\\p`` pipe, ``\\\\``), or None if bad."""
    out = []
    k = 0
    while k < len(value):
        c = value[k]
        if c == "\\":
            nxt = value[k + 1: k + 2]
            if nxt not in _ESCAPES:
                return None
            out.append(_ESCAPES[nxt])
            k += 2
            continue
        if not c.isspace():
            return None
        out.append(c)
        k += 1
    return "".join(out)


def encode_spaces(gap: str) -> str:
    """Whitespace as a ``SpacesAfter=`` value."""
    return "".join(_UNESCAPES.get(c, c) for c in gap)


def set_item(misc: str, key: str, value: str | None) -> str:
    """MISC with ``key`` set to ``value`` in place (None removes it); a new key goes in sorted place."""
    items = [] if misc == "_" else misc.split("|")
    for k, item in enumerate(items):
        if item.partition("=")[0] == key:
            if value is None:
                del items[k]
            else:
                items[k] = f"{key}={value}"
            return "|".join(items) or "_"
    if value is None:
        return misc
    at = next((k for k, item in enumerate(items) if item.partition("=")[0].lower() > key.lower()), len(items))
    items.insert(at, f"{key}={value}")
    return "|".join(items)


def ner_key(misc: dict[str, str]) -> str | None:
    """The MISC key holding a BIO tag, if any."""
    return next((k for k in MISC_NER_KEYS if k in misc), None)


def etype_of(label: str) -> str:
    """A label as an ``Entity=`` type: characters that delimit the notation become ``_``."""
    return _ETYPE_BAD.sub("_", label) or "_"


def entity_value(openers: list[tuple[int, str, bool]], closers: list[tuple[int, str]]) -> str:
    """One word's ``Entity=`` value.

    Args:
        openers: ``(length in tokens, attributes, closes here)`` of mentions starting at the word.
        closers: ``(start token, entity id)`` of longer mentions ending at it.

    Closers come first, innermost (latest start) first: after an opener's
    attributes a closer's id would read as more attributes (``(5-event2)``).
    Openers go longest first, a one-word mention last, closed at once: the
    order GUM and CorefUD files use.
    """
    parts = [f"{eid})" for _, eid in sorted(closers, key=lambda c: -c[0])]
    parts += [f"({attrs}{')' if single else ''}"
              for _, attrs, single in sorted(openers, key=lambda o: (o[2], -o[0], o[1]))]
    return "".join(parts)


def new_entity_id(used: set[str]) -> str:
    """An entity id not in ``used``: the next number when the file numbers them, else ``e<n>``."""
    numbers = [int(x) for x in used if x.isdigit() and len(x) < 10]
    if numbers or not used:
        n = max(numbers, default=0) + 1
        while str(n) in used:
            n += 1
        return str(n)
    n = len(used) + 1
    while f"e{n}" in used:
        n += 1
    return f"e{n}"
