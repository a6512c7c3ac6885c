"""Inferred type colours stay distinct in a 256-colour terminal (issue 13).

Colours derived from each type's name alone collided: four types of one brat
corpus showed as one xterm-256 colour. The colours are checked here after
quantising to the xterm-256 palette, as Rich does it for a 256-colour terminal,
both as the schema states them and as the reader's soft fill draws them
(blended half-way into a dark or a light background).
"""

from __future__ import annotations

import colorsys
from itertools import combinations
from pathlib import Path

import pytest

from tui.core.formats import ImportOptions, read_paths
from tui.core.schema import TYPE_PALETTE, distinct_colors

TYPES = ["Person", "Organization", "Location", "GPE", "Facility", "Vehicle", "Weapon", "Date",
         "Money", "Gene", "Protein", "Cause"]
EVENTS = ["Attack", "Meet", "Die", "Transport"]


def xterm256(rgb: tuple[int, int, int]) -> int:
    """The xterm-256 colour number a true colour becomes (Rich's ``Color.downgrade``)."""
    r, g, b = rgb
    _h, light, sat = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
    if sat < 0.15:
        grey = round(light * 25.0)
        return 16 if grey == 0 else 231 if grey == 25 else 231 + grey
    six = [v / 95 if v < 95 else 1 + (v - 95) / 40 for v in rgb]
    return 16 + 36 * round(six[0]) + 6 * round(six[1]) + round(six[2])


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def blend(colour: tuple[int, int, int], background: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    """``background`` moved ``amount`` of the way to ``colour`` (the reader's fill, Textual's ``Color.blend``)."""
    return tuple(int(b + (c - b) * amount) for c, b in zip(colour, background, strict=True))  # type: ignore[return-value]


def _write_brat(folder: Path) -> None:
    folder.mkdir()
    words = TYPES + EVENTS
    text = " ".join(words)
    lines, at = [], 0
    for n, word in enumerate(words, 1):
        lines.append(f"T{n}\t{word} {at} {at + len(word)}\t{word}")
        at += len(word) + 1
    for k, word in enumerate(EVENTS, 1):
        lines.append(f"E{k}\t{word}:T{len(TYPES) + k}")
    (folder / "doc.txt").write_text(text, encoding="utf-8")
    (folder / "doc.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _inferred_colours(tmp_path: Path) -> list[str]:
    _write_brat(tmp_path / "set")
    options = ImportOptions()
    read_paths([tmp_path / "set"], "brat", options=options)
    (schema,) = options.found_schemas
    assert {t.name for t in schema.span_types} >= set(TYPES)
    return [t.color for t in schema.span_types] + [e.color for e in schema.event_types]


def test_palette_colours_are_their_own_256_colour():
    """Every palette colour is an xterm-256 cube colour: quantising it changes nothing, and no two collide."""
    cube = (0, 95, 135, 175, 215, 255)
    for colour in TYPE_PALETTE:
        assert all(v in cube for v in rgb(colour)), colour
    assert len({xterm256(rgb(c)) for c in TYPE_PALETTE}) == len(TYPE_PALETTE) == 24


def test_the_palette_matches_richs_quantisation():
    """The quantiser of these tests is Rich's (what a 256-colour terminal gets from Textual)."""
    from rich.color import Color, ColorSystem

    for colour in (*TYPE_PALETTE, "#787e25", "#9d702e", "#1D5245", "#808080", "#0a0a0a"):
        assert Color.parse(colour).downgrade(ColorSystem.EIGHT_BIT).number == xterm256(rgb(colour)), colour


@pytest.mark.parametrize("background, amount", [((0x12, 0x12, 0x12), 0.55), ((0x1e, 0x1e, 0x1e), 0.55),
                                                ((0xef, 0xef, 0xef), 0.45), ((0xff, 0xff, 0xff), 0.45)])
def test_inferred_brat_types_are_distinct_in_256_colours(tmp_path, background, amount):
    """16 types inferred from a brat folder without visual.conf: 16 different 256-colour fills."""
    colours = _inferred_colours(tmp_path)
    assert len(colours) == len(TYPES) + len(EVENTS)
    plain = [xterm256(rgb(c)) for c in colours]
    assert len(set(plain)) == len(colours), dict(zip(colours, plain, strict=True))
    fills = [xterm256(blend(rgb(c), background, amount)) for c in colours]
    same = [(a, b) for (a, fa), (b, fb) in combinations(zip(colours, fills, strict=True), 2) if fa == fb]
    assert not same, f"fills that look the same on {background}: {same}"


def test_visual_conf_colours_are_kept_and_the_rest_spread(tmp_path):
    """A colour visual.conf gives is kept; the uncoloured types still get pairwise distinct colours."""
    _write_brat(tmp_path / "set")
    (tmp_path / "set" / "visual.conf").write_text("[labels]\n[drawing]\nPerson\tbgColor:#7fa2ff\n", encoding="utf-8")
    options = ImportOptions()
    read_paths([tmp_path / "set"], "brat", options=options)
    (schema,) = options.found_schemas
    assert schema.span_type("Person").color == "#7fa2ff"
    others = [t.color for t in schema.span_types if t.name != "Person"]
    assert len({xterm256(rgb(c)) for c in others}) == len(others)


def test_distinct_colors_repeat_only_past_the_palette():
    """distinct_colors gives 24 different colours before any repeats."""
    assert len(set(distinct_colors(24))) == 24
    assert distinct_colors(25)[24] == distinct_colors(1)[0]
