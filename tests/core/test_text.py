"""The text contract: exact decoding, code-point offsets, UTF-16 conversion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.errors import InputError
from tui.core.text.offsets import Utf16Map, decode_utf8, normalize_fragments, sha256_text, span_text

TRICKY = "\ufeffA\r\nB 👩‍👩‍👧 e\u0301 中文 مرحبا\x1b[31m\r\n"


def test_decode_keeps_bom_crlf_and_combining_marks():
    """A BOM stays U+FEFF at offset 0, CRLF stays two characters, nothing is normalised."""
    text = decode_utf8(TRICKY.encode("utf-8"), "x.txt")
    assert text == TRICKY
    assert text[0] == "\ufeff"
    assert text.index("\r\n") == 2
    assert "e\u0301" in text  # not composed to é


def test_decode_reports_byte_offset_of_first_bad_sequence():
    """Invalid UTF-8 names the file and the byte offset."""
    data = "héllo".encode() + b"\xc3\x28 rest"
    with pytest.raises(InputError) as exc:
        decode_utf8(data, "bad.txt")
    assert str(exc.value).startswith("bad.txt: invalid UTF-8 at byte 6")


def test_span_text_joins_fragments_with_one_space():
    assert span_text("New York and Boston", [(0, 3), (13, 19)]) == "New Boston"


def test_fragments_sorted_and_validated():
    assert normalize_fragments([[9, 14], [0, 5]]) == [(0, 5), (9, 14)]
    with pytest.raises(ValueError):
        normalize_fragments([(0, 5), (3, 8)])
    with pytest.raises(ValueError):
        normalize_fragments([])
    with pytest.raises(ValueError):
        normalize_fragments([(5, 3)])


def test_sha256_is_of_utf8_bytes():
    assert sha256_text("a") == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"


@given(st.text())
def test_utf16_round_trip(text):
    """Every code-point offset maps to UTF-16 and back, matching Python's own encoder."""
    m = Utf16Map(text)
    for i in range(len(text) + 1):
        u = m.to_utf16(i)
        assert u == len(text[:i].encode("utf-16-le")) // 2
        assert m.from_utf16(u) == i


def test_utf16_refuses_offset_inside_surrogate_pair():
    m = Utf16Map("a😀b")
    assert m.to_utf16(2) == 3
    with pytest.raises(ValueError):
        m.from_utf16(2)
