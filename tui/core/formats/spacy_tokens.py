"""What a spaCy ``Doc`` holds beside its spans, kept in ``doc.meta["spacy"]`` so an export gives it back.

tui has no column for spaCy's tokens and their attributes, ``cats``, span
group names and attributes, or ``user_data`` written by other tools. The
DocBin reader captures them here (:func:`capture`) and the DocBin writer
rebuilds the ``Doc`` from them (:func:`build`), so DocBin -> tui -> DocBin
gives spaCy the same documents. The layer, one JSON object per document:

- ``lengths`` and ``spaces``: each token's length in code points and
  whether a space follows it (a string of ``0``/``1``); together they cover
  the text exactly. ``unknown_spaces``: spaCy's ``has_unknown_spaces`` flag.
- ``attrs``: per-token columns, only those that are set: ``TAG``, ``POS``,
  ``MORPH``, ``LEMMA``, ``NORM`` (only when a norm differs from the
  lower-cased token), ``DEP`` and ``HEAD`` (relative, as spaCy stores it) and
  ``SENT_START`` (1, -1 or 0 for unknown).
- ``ent_missing``: token ranges ``[start, end)`` whose entity tag is
  missing (``""``), not ``O``: spaCy tells "not annotated" from "no entity".
- ``cats``: ``doc.cats``.
- ``groups``: span groups other than tui's own, in order, each
  ``{"name", "attrs", "spans"}``; a member is the source id of its tui span,
  or ``[source_id, id_]`` when spaCy gave the span an ``id_``.
- ``ents``: for a DocBin that tui did not write, the source ids of
  ``doc.ents`` (members as above): the same spans are written back as ents.
- ``user_data``: ``[key, value]`` pairs of every JSON-able ``user_data``
  entry other than tui's own (a tuple key, as spaCy's extension attributes
  use, is a list).

A span's ``kb_id_`` is not kept here: it becomes a normalisation with
resource :data:`KB_RESOURCE`, editable in tui and written back as ``kb_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

META_KEY = "spacy"
#: The normalisation resource of a spaCy ``kb_id`` (spaCy's knowledge base
#: has no name of its own; the key is the ``kb_id`` exactly, e.g. ``Q42``).
KB_RESOURCE = "kb"
#: Token attributes kept per token, in the order they are set back.
TOKEN_ATTRS = ("TAG", "POS", "MORPH", "LEMMA", "NORM", "DEP", "HEAD", "SENT_START")
_INT_ATTRS = ("HEAD", "SENT_START")


def capture(sdoc: Any) -> dict[str, Any]:
    """The layer of one spaCy ``Doc`` (tokens, token attributes, missing entity tags, cats).

    Span groups, ents and ``user_data`` are added by the reader, which knows
    the tui span each spaCy span became.
    """
    from spacy.attrs import IDS

    n = len(sdoc)
    layer: dict[str, Any] = {
        "lengths": [len(t) for t in sdoc],
        "spaces": "".join("1" if t.whitespace_ else "0" for t in sdoc),
    }
    if sdoc.has_unknown_spaces:
        layer["unknown_spaces"] = True
    attrs: dict[str, list[Any]] = {}
    if n:
        array = sdoc.to_array([IDS[a] for a in TOKEN_ATTRS])
        strings = sdoc.vocab.strings
        for j, name in enumerate(TOKEN_ATTRS):
            column = array[:, j]
            if not column.any():
                continue
            if name in _INT_ATTRS:
                attrs[name] = column.astype("int64").tolist()
                continue
            values = [strings[int(v)] if v else "" for v in column]
            if name == "NORM" and all(v == t.lower_ for v, t in zip(values, sdoc, strict=True)):
                continue  # the norm spaCy would give anyway
            attrs[name] = values
    if attrs:
        layer["attrs"] = attrs
    missing = _runs(t.ent_iob == 0 for t in sdoc)
    if missing:
        layer["ent_missing"] = missing
    if sdoc.cats:
        layer["cats"] = dict(sdoc.cats)
    return layer


def _runs(flags: Iterable[bool]) -> list[list[int]]:
    """``[start, end)`` index ranges where ``flags`` is true."""
    runs: list[list[int]] = []
    for i, flag in enumerate(flags):
        if not flag:
            continue
        if runs and runs[-1][1] == i:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return runs


def layer_problem(text: str, layer: Any) -> str | None:
    """Why ``layer`` (from the database: a JSONL import may have put anything there) cannot rebuild ``text``."""
    if not isinstance(layer, dict):
        return "not an object"
    lengths, spaces = layer.get("lengths"), layer.get("spaces")
    if not isinstance(lengths, list) or not isinstance(spaces, str) or len(lengths) != len(spaces):
        return "'lengths' and 'spaces' do not agree"
    if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in lengths):
        return "a token length is not a positive integer"
    if set(spaces) - {"0", "1"}:
        return "'spaces' holds something other than 0 and 1"
    pos = 0
    for n, space in zip(lengths, spaces, strict=True):
        pos += n
        if space == "1":
            if text[pos:pos + 1] != " ":
                return f"no space after the token ending at character {pos}"
            pos += 1
    if pos != len(text):
        return f"the tokens cover {pos} characters of {len(text)}"
    count = len(lengths)
    attrs = layer.get("attrs", {})
    if not isinstance(attrs, dict) or set(attrs) - set(TOKEN_ATTRS):
        return "'attrs' must map token attributes (" + ", ".join(TOKEN_ATTRS) + ")"
    for name, column in attrs.items():
        if not isinstance(column, list) or len(column) != count:
            return f"attrs[{name!r}] does not have one value per token"
        if name == "HEAD":
            if not all(isinstance(h, int) and not isinstance(h, bool) and 0 <= i + h < count
                       for i, h in enumerate(column)):
                return "a HEAD points outside the document"
        elif name == "SENT_START":
            if not all(v in (-1, 0, 1) and not isinstance(v, bool) for v in column):
                return "a SENT_START is not 1, -1 or 0"
        elif not all(isinstance(v, str) for v in column):
            return f"attrs[{name!r}] holds a value that is not a string"
        elif name == "POS":
            from spacy.parts_of_speech import IDS as POS_IDS

            bad = next((v for v in column if v and v not in POS_IDS), None)
            if bad is not None:
                return f"{bad[:40]!r} is not one of spaCy's universal POS tags"
    runs = layer.get("ent_missing", [])
    after = 0
    for run in runs if isinstance(runs, list) else [None]:
        if (not isinstance(run, list) or len(run) != 2 or not all(type(i) is int for i in run)
                or not after <= run[0] < run[1] <= count):
            return "'ent_missing' must be ordered token ranges [start, end) that do not overlap"
        after = run[1]
    cats = layer.get("cats", {})
    if not isinstance(cats, dict) or not all(isinstance(v, int | float) and not isinstance(v, bool)
                                             for v in cats.values()):
        return "'cats' must map labels to numbers"
    return _places_problem(layer)


def _is_member(member: Any) -> bool:
    """A kept group or ents member: a source id, or ``[source_id, id_]``."""
    return isinstance(member, str) or (isinstance(member, list) and len(member) == 2
                                       and all(isinstance(m, str) for m in member))


def _places_problem(layer: dict[str, Any]) -> str | None:
    """Why the kept span groups, ents or ``user_data`` of ``layer`` cannot be written back."""
    groups = layer.get("groups", [])
    if not isinstance(groups, list):
        return "'groups' must be a list"
    for group in groups:
        if (not isinstance(group, dict) or not isinstance(group.get("name"), str)
                or group["name"].startswith("tui") or not isinstance(group.get("attrs", {}), dict)
                or not isinstance(group.get("spans"), list) or not all(map(_is_member, group["spans"]))):
            return "a kept span group is not {name, attrs, spans} (or is named like tui's own)"
    ents = layer.get("ents", [])
    if not isinstance(ents, list) or not all(map(_is_member, ents)):
        return "'ents' must be a list of source ids"
    pairs = layer.get("user_data", [])
    if not isinstance(pairs, list):
        return "'user_data' must be a list of [key, value] pairs"
    for pair in pairs:
        if not isinstance(pair, list) or len(pair) != 2:
            return "'user_data' must be a list of [key, value] pairs"
        key = pair[0]
        if not (isinstance(key, str) or (isinstance(key, list) and all(
                k is None or isinstance(k, str) or (isinstance(k, int) and not isinstance(k, bool)) for k in key))):
            return "a 'user_data' key is not a string or a list of strings, integers and nulls"
    return None


def build(vocab: Any, text: str, layer: dict[str, Any]) -> Any:
    """The spaCy ``Doc`` of ``text`` with the tokens and token attributes of a checked ``layer``."""
    import numpy
    from spacy.attrs import IDS
    from spacy.tokens import Doc

    words, spaces, pos = [], [], 0
    for n, space in zip(layer["lengths"], layer["spaces"], strict=True):
        words.append(text[pos:pos + n])
        spaces.append(space == "1")
        pos += n + (space == "1")
    sdoc = Doc(vocab, words=words, spaces=spaces)
    if layer.get("unknown_spaces"):
        sdoc.has_unknown_spaces = True
    attrs = dict(layer.get("attrs") or {})
    if words:
        attrs.setdefault("NORM", [w.lower() for w in words])
        if "DEP" not in attrs:
            attrs.pop("HEAD", None)  # spaCy sets heads only with their labels
        names = [a for a in TOKEN_ATTRS if a in attrs]
        array = numpy.zeros((len(words), len(names)), dtype="uint64")
        strings = vocab.strings
        for j, name in enumerate(names):
            if name in _INT_ATTRS:
                array[:, j] = numpy.array(attrs[name], dtype="int64").astype("uint64")
            else:
                array[:, j] = [strings.add(v) if v else 0 for v in attrs[name]]
        sdoc.from_array([IDS[a] for a in names], array)  # type: ignore[arg-type]  # thinc types the array
    if layer.get("cats"):
        sdoc.cats = dict(layer["cats"])
    return sdoc


def missing_spans(sdoc: Any, layer: dict[str, Any] | None, taken: set[int]) -> list[Any]:
    """spaCy spans over the tokens whose entity tag was missing, less the tokens an entity now takes."""
    if not layer:
        return []
    spans = []
    for start, end in layer.get("ent_missing") or []:
        for a, b in _runs(i not in taken for i in range(start, end)):
            spans.append(sdoc[start + a:start + b])
    return spans


def user_data_pairs(user_data: Any, skip: str) -> tuple[list[list[Any]], list[str]]:
    """``user_data`` entries (but ``skip``) as JSON-able ``[key, value]`` pairs, and the keys left out.

    Values are made plain by the caller's rules later; here a key must be a
    string or a tuple of strings, ints and None (spaCy's extension keys).
    """
    pairs, left = [], []
    for key, value in user_data.items():
        if key == skip:
            continue
        if isinstance(key, str):
            pairs.append([key, value])
        elif isinstance(key, tuple) and all(k is None or isinstance(k, str | int) for k in key):
            pairs.append([list(key), value])
        else:
            left.append(repr(key)[:60])
    return pairs, left


def restore_user_data(sdoc: Any, pairs: list[list[Any]] | None) -> None:
    """Put kept ``[key, value]`` pairs (checked by :func:`layer_problem`) back in ``sdoc.user_data``.

    A list key becomes the tuple spaCy wrote.
    """
    for key, value in pairs or []:
        sdoc.user_data[tuple(key) if isinstance(key, list) else key] = value
