"""The import and export workflows called directly (no CLI), on real files and a real store."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.conftest import SEED, db_snapshot
from tui.core.errors import InputErrors, NotFound, TuiError
from tui.core.model import Span
from tui.core.schema import SchemaError
from tui.core.store import Store
from tui.core.workflows import RequestError
from tui.core.workflows.exporting import ExportRequest, export_documents, writes_folder
from tui.core.workflows.importing import ImportRequest, import_files, read_files

TEXT = "Alice met Bob in Paris.\n"
CONF = "[entities]\nPerson\nCity\n[relations]\nMet Arg1:Person, Arg2:Person\n[events]\n[attributes]\n"
SCHEMA_TOML = """\
name = "tiny"

[[entities]]
name = "PER"
"""


def _brat(tmp_path: Path, ann: str, *, conf: str | None = CONF, text: str = TEXT) -> Path:
    folder = tmp_path / "news"
    folder.mkdir(exist_ok=True)
    (folder / "meeting.txt").write_text(text, encoding="utf-8")
    (folder / "meeting.ann").write_text(ann, encoding="utf-8")
    if conf is not None:
        (folder / "annotation.conf").write_text(conf, encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "x.db", annotator="alice") as s:
        yield s


# -- import ------------------------------------------------------------------------


def test_brat_folder_binds_and_stores_its_conf_schema(tmp_path, store):
    """A brat folder: documents bound to the schema its annotation.conf describes, stored in the same action."""
    folder = _brat(tmp_path, "T1\tPerson 0 5\tAlice\nT2\tPerson 10 13\tBob\nR1\tMet Arg1:T1 Arg2:T2\n")
    outcome = import_files(store, ImportRequest(paths=(folder,), fmt="brat"))
    assert outcome.documents == ["meeting"] and len(outcome.doc_ids) == 1
    assert (outcome.documents_added, outcome.documents_unchanged, outcome.annotations_added) == (1, 0, 3)
    assert outcome.schemas_saved == ["brat:news"]
    assert outcome.summary() == "1 document(s) imported, 0 unchanged; 3 annotation(s) added"
    doc = store.document("meeting")
    assert doc.schema == "brat:news" and store.schema("brat:news").relation_type("Met") is not None
    assert store.operations()[0].action == "import news"
    again = import_files(store, ImportRequest(paths=(folder / "meeting.ann",)))  # the tui FILE.ann request
    assert (again.documents_added, again.documents_unchanged, again.annotations_added) == (0, 1, 0)
    assert again.annotations_unchanged == 3 and again.documents == ["meeting"]


def test_inferred_schema_is_a_note(tmp_path, store):
    """Without annotation.conf the schema is inferred from the data, stored, and said in a note."""
    folder = _brat(tmp_path, "T1\tPerson 0 5\tAlice\n", conf=None)
    outcome = import_files(store, ImportRequest(paths=(folder,)))
    assert outcome.schemas_saved == ["brat:news"]
    assert len(outcome.notes) == 1 and "inferred from the data" in outcome.notes[0]
    assert store.schema(store.document("meeting").schema).span_type("Person") is not None


def test_lenient_skips_what_breaks_the_conf_and_lists_it(tmp_path, store):
    """Strict: every problem raised, nothing written; lenient: the bad line and what hangs on it skipped, listed."""
    folder = _brat(tmp_path, "T1\tPerson 0 5\tAlice\nT2\tRobot 10 13\tBob\nA1\tNegated T2\n")
    before = db_snapshot(store.path)
    with pytest.raises(InputErrors) as info:
        import_files(store, ImportRequest(paths=(folder,)))
    assert str(info.value.errors[0]).startswith(f"{folder / 'meeting.ann'}:2: T2: ")
    assert db_snapshot(store.path) == before
    outcome = import_files(store, ImportRequest(paths=(folder,), lenient=True))
    assert outcome.annotations_added == 1
    assert [line.split(": ", 1)[0] for line in outcome.skipped] == [
        f"{folder / 'meeting.ann'}:2", f"{folder / 'meeting.ann'}:3"]


def test_schema_file_is_stored_and_binds_the_documents(tmp_path, store):
    """--schema FILE: the TOML schema is stored and the documents are bound to it."""
    schema_file = tmp_path / "tiny.toml"
    schema_file.write_text(SCHEMA_TOML, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alice\n", encoding="utf-8")
    outcome = import_files(store, ImportRequest(paths=(tmp_path / "a.txt",), schema=str(schema_file)))
    assert outcome.schemas_saved == ["tiny"] and store.document("a").schema == "tiny"


def test_schema_in_force_checks_types_before_writing(tmp_path, store):
    """--schema NAME: a JSONL type the schema lacks is an error and nothing is written."""
    line = {"name": "d", "text": "Alice", "spans": [{"label": "Wizard", "fragments": [[0, 5]]}]}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    before = db_snapshot(store.path)
    with pytest.raises(InputErrors, match="Wizard"):
        import_files(store, ImportRequest(paths=(path,), schema="ace2005"))
    assert db_snapshot(store.path) == before
    with pytest.raises(SchemaError):
        import_files(store, ImportRequest(paths=(path,), schema="no-such-schema"))
    assert db_snapshot(store.path) == before


def test_read_files_writes_nothing(tmp_path, store):
    """The read step validates and binds but leaves the database as it was."""
    folder = _brat(tmp_path, "T1\tPerson 0 5\tAlice\n")
    before = db_snapshot(store.path)
    batch = read_files(store, ImportRequest(paths=(folder,)))
    assert [d.name for d, _ in batch.items] == ["meeting"] and [s.name for s in batch.schemas] == ["brat:news"]
    assert db_snapshot(store.path) == before


def test_suggestions_update_and_progress(tmp_path, store):
    """as_suggestions makes annotations pending; update re-anchors a changed text; progress sees every item."""
    folder = _brat(tmp_path, "T1\tPerson 0 5\tAlice\n")
    seen: list[int] = []

    def progress(items, total):
        seen.append(total)
        yield from items

    import_files(store, ImportRequest(paths=(folder,), as_suggestions=True), progress=progress)
    assert seen == [1]
    doc = store.document("meeting")
    assert [s.status for s in store.annotations(doc.id).spans] == ["pending"]
    _brat(tmp_path, "T1\tPerson 5 10\tAlice\n", text="Then Alice met Bob in Paris.\n")
    with pytest.raises(TuiError, match="different text"):
        import_files(store, ImportRequest(paths=(folder,)))
    outcome = import_files(store, ImportRequest(paths=(folder,), update=True))
    assert len(outcome.reanchored) == 1
    assert store.document("meeting").text == "Then Alice met Bob in Paris.\n"


def test_unknown_format_is_a_request_error(tmp_path, store):
    """A format name that is not one: refused before reading, naming the option."""
    with pytest.raises(RequestError) as info:
        import_files(store, ImportRequest(paths=(SEED,), fmt="docx"))
    assert info.value.option == "--format" and "'docx' is not one of auto" in str(info.value)


# -- export ------------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path, store):
    """Two documents: the seed article and the brat meeting (one accepted, one pending span)."""
    import_files(store, ImportRequest(paths=(SEED,)))
    import_files(store, ImportRequest(paths=(_brat(tmp_path, "T1\tPerson 0 5\tAlice\n"),)))
    doc = store.document("meeting")
    store.add(Span(doc_id=doc.id, label="Person", fragments=[(10, 13)], status="pending"))
    return store


def test_jsonl_to_a_file_then_back_gives_the_same_bytes(tmp_path, filled):
    """JSONL (every status by default) to a path; imported into a new store and exported again: same bytes."""
    out = tmp_path / "corpus.jsonl"
    outcome = export_documents(filled, ExportRequest(fmt="jsonl"), out)
    assert outcome.documents == ["basra-offensive", "meeting"] and outcome.lossless and outcome.losses == []
    # the brat-bound document's stored schema comes first, on a line of its own
    assert out.read_text(encoding="utf-8").count("\n") == 3
    with Store(tmp_path / "y.db", annotator="alice") as other:
        import_files(other, ImportRequest(paths=(out,)))
        stream = io.StringIO()
        export_documents(other, ExportRequest(fmt="jsonl"), stream)
    assert stream.getvalue() == out.read_text(encoding="utf-8")


def test_dataset_formats_default_to_accepted_and_report_losses(tmp_path, filled):
    """CoNLL exports accepted annotations only by default; what it cannot carry comes back as loss lines."""
    stream = io.StringIO()
    outcome = export_documents(filled, ExportRequest(fmt="conll", docs=("meeting",)), stream)
    assert outcome.documents == ["meeting"]
    assert "B-Person" in stream.getvalue() and stream.getvalue().count("-Person") == 1
    every = export_documents(filled, ExportRequest(fmt="conll", docs=("meeting",), status="all"), io.StringIO())
    assert every.documents == ["meeting"]
    assert ExportRequest(fmt="conll").statuses() == ["accepted"] and ExportRequest().statuses() is None


def test_brat_folder_and_its_refusals(tmp_path, filled):
    """brat writes a folder (with the stored conf); a stream is refused and nothing is read or written."""
    assert writes_folder("brat") and not writes_folder("jsonl")
    with pytest.raises(RequestError) as info:
        export_documents(filled, ExportRequest(fmt="brat"), io.StringIO())
    assert info.value.option == "--out"
    out = tmp_path / "brat-out"
    outcome = export_documents(filled, ExportRequest(fmt="brat", docs=("meeting",)), out)
    assert outcome.documents == ["meeting"]
    assert (out / "meeting.ann").read_text(encoding="utf-8") == "T1\tPerson 0 5\tAlice\n"
    assert (out / "annotation.conf").read_text(encoding="utf-8") == CONF


def test_missing_document_and_strict_write_nothing(tmp_path, filled):
    """A missing --doc name and a --strict loss are errors before any file exists."""
    out = tmp_path / "never.jsonl"
    with pytest.raises(NotFound):
        export_documents(filled, ExportRequest(fmt="jsonl", docs=("meeting", "nope")), out)
    assert not out.exists()
    doc = filled.document("meeting")
    filled.add(Span(doc_id=doc.id, label="City", fragments=[(0, 9)]))  # overlaps Alice: CoNLL cannot carry it
    with pytest.raises(TuiError, match="--strict: lost"):
        export_documents(filled, ExportRequest(fmt="conll", docs=("meeting",), strict=True), tmp_path / "x.conll")
    assert not (tmp_path / "x.conll").exists()
    with pytest.raises(RequestError, match="cannot be exported"):
        export_documents(filled, ExportRequest(fmt="markdown"), tmp_path / "x.md")


def test_doc_status_filter_and_progress(tmp_path, filled):
    """Only documents with the asked status for the store's annotator; progress is told the total."""
    filled.set_doc_status(filled.document("meeting").id, "done")
    seen: list[int] = []

    def progress(docs, total):
        seen.append(total)
        yield from docs

    outcome = export_documents(filled, ExportRequest(fmt="jsonl", doc_status="done"), io.StringIO(),
                               progress=progress)
    assert outcome.documents == ["meeting"] and seen == [2]


def test_user_path_takes_home_and_relative_paths_and_refuses_what_is_not_there(tmp_path, monkeypatch):
    """A typed path: ~ is home, relative is from cwd, spaces kept; empty, NUL and missing are one-line errors."""
    from tui.core.errors import InputError
    from tui.core.workflows.importing import user_path

    (tmp_path / "my story.txt").write_text("x\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_path("~/my story.txt") == tmp_path / "my story.txt"
    assert user_path("  my story.txt ", tmp_path) == tmp_path / "my story.txt"
    for typed, reason in (("", "type the path"), ("a\x00b", "NUL"), ("nope.txt", "nope.txt: no such file or folder")):
        with pytest.raises(InputError, match=reason):
            user_path(typed, tmp_path)


def test_complete_path_offers_the_first_match_and_skips_names_not_shown(tmp_path):
    """Completion extends the last part to the first entry by name (folders with /), hidden files only when asked."""
    from tui.core.workflows.importing import complete_path

    (tmp_path / "brat").mkdir()
    (tmp_path / "brat" / "raid.ann").write_text("", encoding="utf-8")
    (tmp_path / "bravo.txt").write_text("", encoding="utf-8")
    (tmp_path / ".hidden").write_text("", encoding="utf-8")
    assert complete_path("br", tmp_path) == "brat/"
    assert complete_path("brat/r", tmp_path) == "brat/raid.ann"
    assert complete_path("brav", tmp_path) == "bravo.txt"
    assert complete_path("br", tmp_path, shown=lambda n: n != "brat/") == "bravo.txt"
    assert complete_path("h", tmp_path) is None and complete_path(".h", tmp_path) == ".hidden"
    assert complete_path("zz", tmp_path) is None and complete_path("", tmp_path) is None
    assert complete_path(str(tmp_path / "brat") + "/", None) == str(tmp_path / "brat" / "raid.ann")
