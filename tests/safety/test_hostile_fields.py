"""Every field of every annotation kind and of the schema is hostile: no byte of it reaches a terminal.

The cases are generated from the dataclasses (``tui.core.model`` and the
schema classes in ``tui.core.schema``): every string field is filled with a
payload (CSI, OSC 0/8/52, BEL, NUL, C1, bidi controls, Rich/Textual markup),
so a field added later is covered without touching this file. Only fields
that hold ids, offsets or times are left out, by name, below.

The payloads rotate over the fields: run ``r`` gives field ``i`` payload
``(i + r) % len(PAYLOADS)``, so after every run each field has carried each
payload once. Each run stores the data with :class:`tui.core.store.Store`
(the schema saved through the store), drives every screen, dialog and
notification with Pilot while :class:`tui.app.frames.FrameRecorder` keeps
every byte the app writes, and runs every CLI command (CliRunner, and one
real process on a pseudo-terminal). It asserts that no raw control
character of a payload is written and that markup lookalikes show literally.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tui.cli.main import cli
from tui.core import model
from tui.core import schema as schema_mod
from tui.core.model import Argument, Document
from tui.core.store import Store

#: name -> payload. Each carries a marker (Z..) so a leak can be told from the app's own codes.
PAYLOADS: dict[str, str] = {
    "csi": "\x1b[31mZcsi\x1b[0m",
    "clear": "\x1b[2J\x1b[?1049hZclr",
    "osc0": "\x1b]0;Ztitle\x07",
    "osc8": "\x1b]8;;file:///etc/passwd\x1b\\Zlnk\x1b]8;;\x1b\\",
    "osc52": "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "bel_nul": "Zbel\x07\x00\x7f",
    "c1": "\x9b31mZcone\x85\x90",
    "bidi": "\u202eZbidi\u2066\u2069\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068",
    "click": "[@click=app.quit]Mclick[/]",
    "link": "[link=file:///etc/passwd]Mlink[/link]",
    "bold": "[bold]Mbold[/bold]",
}
#: Markup payloads: the marker must be shown right after the literal "]" of its tag.
MARKUP_MARKERS = ("Mclick", "Mlink", "Mbold")

#: Characters that must never be written raw: C0 (but newline), DEL, C1, bidi controls.
CONTROL_CHARS = (
    {chr(c) for c in range(0x20)} - {"\n"}
    | {"\x7f"}
    | {chr(c) for c in range(0x80, 0xA0)}
    | set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)

#: Fields that hold ids, references, offsets or times (not text anyone reads), by class.
STRUCTURAL = {"id", "doc_id", "target", "trigger", "members", "fragments", "created", "modified",
              "sha256", "styles", "source"}
#: Fields whose values the store or schema checker constrains to a fixed set (payloads refused there).
CONSTRAINED = {
    ("SpanType", "color"), ("EventType", "color"), ("RelationType", "color"),
    ("SpanType", "kind"), ("Role", "cardinality"), ("Meta", "status"),
    ("Span", "status"), ("Event", "status"), ("Relation", "status"), ("Equivalence", "status"),
    ("Attribute", "status"), ("Normalization", "status"), ("Note", "status"),
    # the lexicon: words only (letters, digits, inner hyphens, single spaces), so the checker refuses
    # every payload (tests/core/test_suggest_lexicon.py: an escape in an entry is a one-line error)
    ("SpanType", "nominals"), ("EventType", "triggers"),
}


#: Fields the schema checker restricts further: the payload is adapted, not dropped.
ADAPT = {"hotkey": lambda p: "".join(c for c in p if not c.isspace())}  # hotkeys hold no spaces


def _text_fields(cls: type) -> list[str]:
    """The string fields of a dataclass a payload goes into (not ids, offsets or times)."""
    hints = typing.get_type_hints(cls, vars(model) | vars(schema_mod))
    out = []
    for f in dataclasses.fields(cls):
        if f.name in STRUCTURAL or f.name.startswith("_") or (cls.__name__, f.name) in CONSTRAINED:
            continue
        hint = hints[f.name]
        if hint is str or hint == (str | None) or hint == tuple[str, ...]:
            out.append(f.name)
    return out


class Rotation:
    """Hands out payloads to fields in turn, offset by the run number; remembers who got what."""

    def __init__(self, run: int) -> None:
        self.run = run
        self.n = 0
        self.given: list[tuple[str, str]] = []

    def __call__(self, field: str, prefix: str = "") -> str:
        names = list(PAYLOADS)
        name = names[(self.n + self.run) % len(names)]
        self.n += 1
        self.given.append((field, name))
        return prefix + PAYLOADS[name]


def _fill(cls: type, give: Rotation, fixed: dict[str, Any], prefix: str = "") -> Any:
    """An instance of ``cls`` with every text field hostile and ``fixed`` as given."""
    kwargs: dict[str, Any] = dict(fixed)
    for name in _text_fields(cls):
        if name in kwargs:
            continue
        kind = typing.get_type_hints(cls, vars(model) | vars(schema_mod))[name]
        value = ADAPT.get(name, lambda p: p)(give(f"{cls.__name__}.{name}", prefix))
        kwargs[name] = (value,) if kind == tuple[str, ...] else value
    return cls(**kwargs)


def hostile_schema(give: Rotation) -> schema_mod.Schema:
    """A schema whose every name, label, hotkey, role, value and description is a payload."""
    # one type of each; names must be distinct, so each gets a short distinct prefix
    span = _fill(schema_mod.SpanType, give, {"color": "#4179c8"}, "s")
    span2 = _fill(schema_mod.SpanType, give, {"color": "#c2675f"}, "t")
    role = _fill(schema_mod.Role, give, {"types": (span.name, span2.name)}, "r")
    event = _fill(schema_mod.EventType, give, {"color": "#22aa44", "roles": (role,)}, "e")
    arg1 = _fill(schema_mod.Role, give, {"types": (span.name, span2.name), "cardinality": "1"}, "a")
    arg2 = _fill(schema_mod.Role, give, {"types": (span.name, span2.name), "cardinality": "1"}, "b")
    rel = _fill(schema_mod.RelationType, give, {"color": "#aa22aa", "args": (arg1, arg2)}, "l")
    attr = _fill(schema_mod.AttributeDef, give, {"targets": ("span",)}, "v")
    attr = dataclasses.replace(attr, values=(attr.values[0], "plain"), default=attr.values[0])
    flag = _fill(schema_mod.AttributeDef, give, {"targets": ("span",), "values": (), "default": None}, "f")
    fixed = {"span_types": [span, span2], "event_types": [event], "relation_types": [rel],
             "attributes": [attr, flag], "equivalence_types": [give("Schema.equivalence_types", "q")]}
    sch = _fill(schema_mod.Schema, give, fixed)
    # round trip through the TOML the store keeps, as a schema file would arrive
    return schema_mod.parse_schema(sch.to_toml(), "<hostile>")


def _words(text: str) -> list[tuple[int, int]]:
    # only the plain words: a span over a payload's marker would show the marker bare
    return [m.span() for m in re.finditer(r"\b(?:Basra|offensive|began|today)\b", text)]


def build(tmp_path: Path, run: int) -> tuple[Path, Rotation, str, str]:
    """A database where every field of every kind holds a payload; returns (db, rotation, annotator, doc)."""
    give = Rotation(run)
    annotator = give("annotator (layer name)", "alice")
    other = give("annotator (second layer)", "bob")
    sch = hostile_schema(give)
    db = tmp_path / f"hostile{run}.db"
    store = Store(db, annotator=annotator)
    store.save_schema(sch)
    body = " ".join(give("Document.text", "word ") + " Basra offensive began today" for _ in range(6))
    doc = _fill(Document, give, {"text": body + "\n", "schema": sch.name, "meta": {}})
    doc.meta = {give("Document.meta key", "k"): give("Document.meta value"),
                # a web page's metadata: the reader's header line and the library's detail line
                "web": {key: give(f"Document.meta web {key}") for key in ("title", "site", "author", "date", "url")}}
    doc, _ = store.add_document(doc)
    words = _words(doc.text)
    span_t, span_t2 = sch.span_types[0].name, sch.span_types[1].name

    def meta_fields(cls: type, fixed: dict[str, Any]) -> Any:
        # annotator, origin, source_id and every kind-specific text field, from the dataclass
        return _fill(cls, give, {"doc_id": doc.id, **fixed})

    s1 = store.add(meta_fields(model.Span, {"label": span_t, "fragments": [words[0]], "annotator": annotator}))
    s2 = store.add(meta_fields(model.Span, {"label": span_t2, "fragments": [words[2]], "annotator": annotator}))
    s3 = store.add(meta_fields(model.Span, {"label": span_t, "fragments": [words[4]], "annotator": annotator}))
    trig = store.add(meta_fields(model.Span, {"label": sch.event_types[0].name, "fragments": [words[6]],
                                              "annotator": annotator}))
    store.add(meta_fields(model.Event, {"type": sch.event_types[0].name, "trigger": trig.id, "annotator": annotator,
                                        "arguments": [Argument(role=sch.event_types[0].roles[0].name, target=s1.id),
                                                      Argument(role=give("Argument.role", "x"), target=s2.id)]}))
    store.add(meta_fields(model.Relation, {"type": sch.relation_types[0].name, "annotator": annotator,
                                           "arguments": [Argument(role=sch.relation_types[0].args[0].name,
                                                                  target=s1.id),
                                                         Argument(role=sch.relation_types[0].args[1].name,
                                                                  target=s2.id)]}))
    store.add(meta_fields(model.Equivalence, {"type": sch.equivalence_types[0], "members": [s1.id, s3.id],
                                              "annotator": annotator}))
    store.add(meta_fields(model.Attribute, {"target": s1.id, "name": sch.attributes[0].name,
                                            "value": sch.attributes[0].values[0], "annotator": annotator}))
    store.add(meta_fields(model.Attribute, {"target": s2.id, "annotator": annotator}))
    store.add(meta_fields(model.Normalization, {"target": s1.id, "annotator": annotator}))
    store.add(meta_fields(model.Note, {"target": s1.id, "annotator": annotator}))
    # a pending suggestion to review, and a second layer that disagrees (adjudication, agreement)
    store.add(meta_fields(model.Span, {"label": span_t2, "fragments": [words[8]], "status": "pending",
                                       "annotator": annotator}))
    store.add(meta_fields(model.Span, {"label": span_t2, "fragments": [words[0]], "annotator": other}))
    store.add(meta_fields(model.Span, {"label": span_t, "fragments": [words[10]], "annotator": other}))
    store.set_doc_status(doc.id, "in-progress", annotator)
    name = doc.name
    store.close()
    return db, give, annotator, name


# --------------------------------------------------------------------------
# what counts as a leak

_CSI_RE = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")
_PAYLOAD_CSI = ("\x1b[31mZ", "\x1b[2J", "\x1b[?1049h")


def _folded_after_bracket(bare: str, start: int) -> bool:
    """Whether a list folded a line between a literal "]" and the marker at ``start``.

    Then the marker begins a line inside a box (``│  Mlink``, or `` Mlink`` when only
    the box's inside is redrawn) and the line above, inside the same box, ends with
    the "]" (a fold of ``t[link=...]Mlink``: interpreted markup leaves no "]").
    """
    line_start = bare.rfind("\n", 0, start) + 1
    if line_start == 0:
        return False
    inner = bare[line_start:start].rstrip(" ")
    prev = bare[bare.rfind("\n", 0, line_start - 1) + 1:line_start - 1]
    if not inner:  # the box's inside alone was redrawn: the marker starts its line
        return prev.rstrip(" ").endswith("]")
    if not inner.endswith("│"):
        return False
    col = len(inner) - 1
    if len(prev) <= col or prev[col] != "│":
        return False
    right = prev.find("│", col + 1)
    return prev[col + 1:right if right != -1 else len(prev)].rstrip(" ").endswith("]")


def leaks(output: str) -> list[str]:
    """Every sign that a payload reached the output raw, or that its markup was interpreted.

    The app's own output is CSI sequences; strip them and nothing else may be a
    control character. A payload's CSI is caught by its marker.
    """
    found = [f"payload CSI {seq!r}" for seq in _PAYLOAD_CSI if seq in output]
    bare = _CSI_RE.sub("", output)
    for ch in sorted(set(bare) & CONTROL_CHARS):
        i = bare.index(ch)
        found.append(f"raw {ch!r} in ...{bare[max(0, i - 30):i + 30]!r}")
    for marker in MARKUP_MARKERS:
        for m in re.finditer(marker, bare):
            if bare[m.start() - 1:m.start()] != "]" and not _folded_after_bracket(bare, m.start()):
                found.append(f"markup interpreted: ...{bare[max(0, m.start() - 30):m.end()]!r}")
                break
    return found


def test_generated_fields_cover_the_model():
    """Every string field of every kind is filled (so a new field is covered without editing this test)."""
    give = Rotation(0)
    for cls in (*model.KIND_CLASS.values(), Document):
        obj = _fill(cls, give, {f.name: None for f in dataclasses.fields(cls) if f.name not in _text_fields(cls)})
        for name in _text_fields(cls):
            assert any(p in str(getattr(obj, name)) for p in PAYLOADS.values()), (cls, name)
    # the kinds' own fields: label, type, name, value, resource, key, text...
    assert {"label", "text"} <= set(_text_fields(model.Span))
    assert {"name", "value"} <= set(_text_fields(model.Attribute))
    assert {"resource", "key", "label"} <= set(_text_fields(model.Normalization))
    assert {"annotator", "origin", "source_id"} <= set(_text_fields(model.Note))


# --------------------------------------------------------------------------
# the app

#: Keys that open every dialog on the selected annotation, each closed again.
_DIALOGS = [["t"], ["A"], ["colon"], ["at"], ["R"], ["C"], ["E"], ["d"]]
#: The walk: every annotation selected in turn (panels, inspector), every dialog on
#: the first, then every screen; each opened thing is closed with escape.
WALK: list[list[str]] = [
    ["right_square_bracket"],
    *[k for keys in _DIALOGS for k in (keys, ["escape"])],
    *[["right_square_bracket"], ["A"], ["escape"]] * 6,
    ["1"], ["slash"], *[[c] for c in "Basra"], ["enter"], ["n"],
    ["o"], ["escape"], ["question_mark"], ["escape"], ["r"], ["escape"], ["ctrl+w"], ["escape"],
    ["ctrl+f"], *[[c] for c in "Basra"], ["enter"], ["escape"], ["escape"],
    ["S"], ["c"], ["escape"], ["J"], ["escape"], ["u"], ["ctrl+r"], ["u"],
]
#: Screens and dialogs the walk must have shown (so a renamed key does not silently skip one).
SCREENS = {"ReaderScreen", "PickerDialog", "AttributesDialog", "NoteDialog", "NormalizationDialog",
           "ConfirmDeleteDialog", "SearchDialog", "LibraryScreen", "HelpScreen", "ReviewScreen",
           "CorpusSearchScreen", "StatsScreen", "AdjudicationScreen"}


async def drive_app(db: Path, annotator: str, doc: str) -> tuple[list[tuple[str, str]], set[str]]:
    """Walk the app over the hostile database.

    Returns:
        ``(step, bytes written during it)`` for the start and each key, and the screens seen.
    """
    from tui.app.app import make_app
    from tui.app.frames import FrameRecorder

    app = make_app(db, annotator=annotator, document=doc)
    rec = FrameRecorder()
    rec.attach(app)
    seen: set[str] = set()
    chunks: list[tuple[str, str]] = []
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        chunks.append(("start", "".join(rec.frames)))
        for n, keys in enumerate(WALK):
            done = len(rec.frames)
            await pilot.press(*keys)
            await pilot.pause()
            screen = type(app.screen).__name__
            seen.add(screen)
            chunks.append((f"key {n} {'+'.join(keys)} -> {screen}", "".join(rec.frames[done:])))
            assert app.is_running, f"markup in the data ran an action (after {keys})"
    return chunks, seen


@pytest.mark.parametrize("run", range(len(PAYLOADS)))
async def test_no_field_reaches_the_app_terminal(tmp_path, run):
    """Reader, panels, inspector, every dialog, every screen and notification: no payload byte written."""
    db, give, annotator, doc = build(tmp_path, run)
    chunks, seen = await drive_app(db, annotator, doc)
    assert any(out for _, out in chunks), "the recorder saw no frames"
    missing = SCREENS - seen
    assert not missing, f"the walk never showed {sorted(missing)}"
    found = [f"{step}: {leak}" for step, out in chunks for leak in leaks(out)]
    assert not found, f"{len(found)} leak(s):\n" + "\n".join(found)


# --------------------------------------------------------------------------
# the command line


def cli_runs(db: Path, annotator: str, doc: str, tmp_path: Path) -> list[tuple[list[str], str]]:
    """Run every command over the hostile database; return (arguments, stdout+stderr) for each."""
    from tui.core.store import Store as _Store

    store = _Store(db, annotator=annotator)
    schema_name = store.document(doc).schema
    schema_file = tmp_path / "hostile-schema.toml"
    schema_file.write_text(store.schema(schema_name).to_toml(), encoding="utf-8")
    store.close()
    evil_file = tmp_path / "evil\x1b]0;Ztitle\x07\x9b.jsonl"
    evil_file.write_text("{not json\n", encoding="utf-8")
    commands = [
        ["list"], ["check"], ["stats"], ["stats", "--format", "json"],
        ["stats", "--time"], ["stats", "--time", "--format", "json"], ["keys"],
        ["agree", "--annotators", f"{annotator},alicebob"], ["search", "Basra"],
        ["search", "Basra", "--format", "json"], ["search", "", "--annotations", "--layer", annotator],
        ["schema", "show", schema_name], ["schema", "show", str(schema_file)], ["schema", "check", str(schema_file)],
        ["import", str(evil_file)],
        ["adjudicate", "--annotators", f"{annotator},{annotator}", "--doc", doc],
        ["adjudicate", "--annotators", f"{annotator},{annotator}", "--doc", doc, "--format", "json"],
        ["suggest", "--source", "propagate"], ["suggest", "--source", "places"], ["merge", str(db)],
    ]
    for fmt in ("jsonl", "conll", "spacy", "labelstudio", "doccano", "text"):
        commands.append(["export", "--format", fmt, "--status", "all", "--out", str(tmp_path / f"out.{fmt}")])
    out = []
    for args in commands:
        r = CliRunner().invoke(cli, ["--db", str(db), "--annotator", annotator, *args])
        assert r.exception is None or isinstance(r.exception, SystemExit), (args, r.exception)
        out.append((args, r.output))
    return out


def cli_leaks(output: str) -> list[str]:
    """Raw controls in command output (tab is structure there), or an escape the terminal would run."""
    found = []
    for ch in sorted(set(output) & (CONTROL_CHARS - {"\t"})):
        i = output.index(ch)
        found.append(f"raw {ch!r} in ...{output[max(0, i - 30):i + 30]!r}")
    return found


@pytest.mark.parametrize("run", range(len(PAYLOADS)))
def test_no_field_reaches_the_terminal_from_the_cli(tmp_path, run):
    """list, check, stats, agree, search, schema, import errors, adjudicate, suggest, merge, export."""
    db, _give, annotator, doc = build(tmp_path, run)
    found = [f"tui {' '.join(args)}: {leak}" for args, out in cli_runs(db, annotator, doc, tmp_path)
             for leak in cli_leaks(out)]
    assert not found, f"{len(found)} leak(s):\n" + "\n".join(found)


def test_json_output_escapes_c1_and_bidi_and_parses_back(tmp_path):
    """stats/agree JSON: C0, C1 and bidi controls as \\uXXXX, and the data read back exactly."""
    db, _give, annotator, doc = build(tmp_path, 0)
    for args in (["stats", "--format", "json"], ["agree", "--annotators", f"{annotator},x", "--format", "json"]):
        r = CliRunner().invoke(cli, ["--db", str(db), "--annotator", annotator, *args])
        assert not cli_leaks(r.output), (args, cli_leaks(r.output))
        json.loads(r.output)


def _pty_run(args: list[str], cwd: Path) -> str:
    """Run ``tui`` in a real process whose standard output is a pseudo-terminal; return what it wrote."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "tui", *args], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, cwd=cwd, env={**os.environ, "TERM": "dumb"})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_real_terminal_gets_escapes_and_a_pipe_gets_exact_bytes(tmp_path):
    """CoNLL and JSONL export to a pty are escaped; to a pipe they are the exact data."""
    db, _give, annotator, doc = build(tmp_path, 1)
    repo = Path(__file__).resolve().parents[2]
    for fmt in ("conll", "jsonl"):
        args = ["--db", str(db), "--annotator", annotator, "export", "--format", fmt, "--status", "all"]
        shown = _pty_run(args, repo)
        assert shown and not cli_leaks(shown.replace("\r\n", "\n")), cli_leaks(shown)
    shown = _pty_run(["--db", str(db), "list"], repo)
    assert "documents" in shown or "document(s)" in shown
    assert not cli_leaks(shown.replace("\r\n", "\n"))
    piped = subprocess.run([sys.executable, "-m", "tui", "--db", str(db), "export", "--format", "conll",
                            "--status", "all"], cwd=repo, capture_output=True, check=True).stdout
    assert b"\x1b" in piped or b"\xc2\x9b" in piped or b"\xe2\x80\xae" in piped, "a pipe gets the exact data"
