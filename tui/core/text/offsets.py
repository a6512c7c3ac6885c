"""The text contract: exact decoding, code-point offsets, span text copies.

Everything that maps offsets lives here so the rules are written once:
strict UTF-8 (the byte offset of the first bad sequence is reported), no
newline translation, no normalisation, a BOM kept as U+FEFF; offsets are
code points; a multi-fragment span's text is its fragments joined by one
space; UTF-16 conversion for formats that count code units.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from tui.core.errors import InputError

Fragment = tuple[int, int]


def decode_utf8(data: bytes, path: str) -> str:
    """Decode bytes strictly as UTF-8, keeping a BOM as U+FEFF.

    Args:
        data: the file's bytes.
        path: the file name, for the error message.

    Returns:
        The text, character for character.

    Raises:
        InputError: naming the file and the byte offset of the first bad
            sequence, or saying the file is binary (contains NUL bytes
            outside text) or empty.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 4].hex(" ")
        raise InputError(
            f"invalid UTF-8 at byte {exc.start} ({bad}): {exc.reason}", path=path
        ) from None
    return text


def sha256_text(text: str) -> str:
    """Return the hex sha256 of the text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_fragments(fragments: Iterable[Sequence[int]]) -> list[Fragment]:
    """Return fragments as sorted ``(start, end)`` tuples.

    Raises:
        ValueError: for an empty list, a negative or reversed fragment, or
            overlapping fragments.
    """
    frags = sorted((int(a), int(b)) for a, b in fragments)
    if not frags:
        raise ValueError("a span needs at least one fragment")
    prev_end = -1
    for start, end in frags:
        if start < 0 or end < start:
            raise ValueError(f"bad fragment {start}-{end}")
        if start < prev_end:
            raise ValueError(f"overlapping fragments at {start}")
        prev_end = end
    return frags


def check_fragments(text: str, fragments: Sequence[Fragment]) -> str | None:
    """Return a reason if the fragments do not fit the text, else None."""
    for start, end in fragments:
        if end > len(text):
            return f"fragment {start}-{end} ends past the end of the text ({len(text)})"
        if start < 0 or end < start:
            return f"bad fragment {start}-{end}"
    return None


def span_text(text: str, fragments: Sequence[Fragment]) -> str:
    """Return the covered text: fragment texts joined by one space."""
    return " ".join(text[start:end] for start, end in fragments)


class Utf16Map:
    """Convert code-point offsets to UTF-16 code units and back, in O(log n).

    Only characters outside the BMP (two UTF-16 units) shift offsets, so the
    map keeps their positions and counts those before an offset.
    """

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # Position in UTF-16 units of each astral character.
        self._astral16 = [cp + n for n, cp in enumerate(self._astral)]
        self._len = len(text)

    def to_utf16(self, offset: int) -> int:
        """Code-point offset -> UTF-16 offset."""
        return offset + bisect_right(self._astral, offset - 1)

    def from_utf16(self, offset16: int) -> int:
        """UTF-16 offset -> code-point offset.

        Raises:
            ValueError: if the offset falls inside a surrogate pair.
        """
        n = bisect_right(self._astral16, offset16 - 1)
        if n and self._astral16[n - 1] == offset16 - 1:
            raise ValueError(f"UTF-16 offset {offset16} splits a surrogate pair")
        return offset16 - n
