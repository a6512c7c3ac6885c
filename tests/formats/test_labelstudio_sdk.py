"""Issue 15: our Label Studio files go through Label Studio's own code, ``label-studio-sdk`` (2.0.19,
pinned in the dev extra).

Three parts of the SDK are used, each on the file tui exports:

- ``LabelInterface(config).validate_prediction(group, return_errors=True)``: the SDK's check of an
  annotation's (or prediction's, or draft's) results against the project's labelling config:
  ``from_name`` names a control, ``to_name`` an object that control labels, ``type`` the control's
  tag, the labels are the control's, ``start``/``end`` are there, a relation has a direction and
  ends among the valid regions, a score lies in [0, 1].
- ``LabelInterface.create_regions`` and ``Region.add_relation``: the regions and relations the SDK
  itself writes for the store's spans and relations; ours must be the same (offsets included).
- ``Converter`` (``label_studio_sdk.converter``): Label Studio's exporter reads our file, as it
  reads an export of Label Studio, into JSON_MIN (regions with offsets and text, choices, task id,
  annotation id, annotator) and CoNLL 2003 (tokens tagged from the offsets).

The SDK does not compare ``value.text`` with the text between the offsets;
``test_labelstudio_conformance.py`` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from label_studio_sdk.converter import Converter
from label_studio_sdk.label_interface import LabelInterface

from tests.formats.test_labelstudio_keep import full_task
from tui.core.model import Argument, Document, Event, Relation, Span
from tui.core.store import Store
from tui.core.workflows.exporting import ExportRequest, export_documents
from tui.core.workflows.importing import ImportRequest, import_files

DATA = Path(__file__).resolve().parents[1] / "data" / "labelstudio"
#: An emoji before the spans: code point and UTF-16 offsets differ from "attacked" on.
TEXT = "Troops 👍 attacked Basra on Monday."
#: What the export writes for a project made in tui: one ``Labels`` control ``label`` on ``Text`` ``text``.
TUI_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="PER"/><Label value="GPE"/><Label value="Attack"/><Label value="ORG"/><Label value="TIME"/>
  </Labels>
  <Relations><Relation value="PHYS"/><Relation value="Place"/></Relations>
  <Text name="text" value="$text"/>
</View>"""
#: The project of ``completions_348.json`` (Label Studio's converter fixture): NER on ``text``.
INGREDIENTS_CONFIG = """<View>
  <Labels name="ner" toName="text"><Label value="INGREDIENT"/></Labels>
  <Text name="text" value="$text"/>
</View>"""
#: The project of ``full_task()`` (tests/formats/test_labelstudio_keep.py): NER, relations, a topic.
FULL_CONFIG = """<View>
  <Labels name="ner" toName="my_text">
    <Label value="PER"/><Label value="GPE"/><Label value="ORG"/><Label value="TIME"/><Label value="Attack"/>
  </Labels>
  <Relations><Relation value="PHYS"/></Relations>
  <Choices name="topic" toName="my_text"><Choice value="war"/><Choice value="peace"/></Choices>
  <Text name="my_text" value="$text"/>
</View>"""
#: The project of ``export_csv_test.json``: boxes on an image, the text and audio beside it.
IMAGE_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image"><Label value="Car"/></RectangleLabels>
</View>"""


def sdk_errors(config: str, tasks: Any) -> list[str]:
    """Every complaint of the SDK's validator about the results of ``tasks`` (empty: it accepts them all)."""
    interface = LabelInterface(config)
    out = []
    for n, task in enumerate(tasks if isinstance(tasks, list) else [tasks]):
        for layout in ("annotations", "completions", "predictions", "drafts"):
            for g, group in enumerate(task.get(layout) or ()):
                out += [f"task {n}, {layout}[{g}]: {e}"
                        for e in interface.validate_prediction(group, return_errors=True)]
    return out


def converted(config: str, path: Path, tmp_path: Path, fmt: str) -> Any:
    """What Label Studio's converter makes of the file at ``path``: JSON_MIN records, or CoNLL 2003 lines."""
    out = tmp_path / f"converted-{path.stem}-{fmt}"
    Converter(config, project_dir=str(tmp_path), download_resources=False).convert(
        str(path), str(out), fmt, is_dir=False)
    if fmt == "CONLL2003":
        return (out / "result.conll").read_text(encoding="utf-8").splitlines()
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


def export_all(store: Store, out: Path) -> list[dict[str, Any]]:
    export_documents(store, ExportRequest(fmt="labelstudio", status="all"), out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    return tasks if isinstance(tasks, list) else [tasks]


def store_spans(store: Store, status: str = "accepted") -> list[dict[str, Any]]:
    """The store's spans of ``status`` as JSON_MIN regions, one per fragment, in text order."""
    out = []
    for doc in store.iter_documents():
        for s in store.annotations(doc.id).spans:
            if s.status == status:
                out += [{"start": a, "end": b, "text": doc.text[a:b], "labels": [s.label]} for a, b in s.fragments]
    return sorted(out, key=lambda r: (r["start"], r["end"], r["labels"]))


def by_offsets(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(regions, key=lambda r: (r["start"], r["end"], r["labels"]))


def tui_store(tmp_path: Path) -> tuple[Store, dict[str, Span]]:
    """A store holding what tui makes: spans after an emoji, a discontinuous span, a relation, an
    event with an argument, and a pending suggestion."""
    store = Store(tmp_path / "tui.db", annotator="alice")
    doc, _ = store.add_document(Document(name="news", text=TEXT))

    def span(label: str, *frags: tuple[int, int], **kw: Any) -> Span:
        return store.add(Span(doc_id=doc.id, label=label, fragments=list(frags),
                              text="".join(TEXT[a:b] for a, b in frags), **kw))

    spans = {"per": span("PER", (0, 6)), "gpe": span("GPE", (18, 23)), "trig": span("Attack", (9, 17)),
             "org": span("ORG", (0, 6), (27, 33)), "time": span("TIME", (27, 33), status="pending",
                                                                annotator="model")}
    store.add(Relation(doc_id=doc.id, type="PHYS", arguments=[Argument(role="Arg-1", target=spans["per"].id),
                                                              Argument(role="Arg-2", target=spans["gpe"].id)]))
    store.add(Event(doc_id=doc.id, type="Attack", trigger=spans["trig"].id,
                    arguments=[Argument(role="Place", target=spans["gpe"].id)]))
    return store, spans


def test_the_sdk_refuses_what_it_should():
    """The SDK's validator is live: a renamed from_name or to_name, a label outside the config, a wrong
    type, a missing offset and a relation to a missing region are each refused."""
    region = {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 6, "text": "Troops", "labels": ["PER"]}}
    other = {**region, "id": "b"}
    relation = {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": ["PHYS"]}
    assert sdk_errors(TUI_CONFIG, {"annotations": [{"result": [region, other, relation]}]}) == []
    broken = [
        {**region, "from_name": "labels"},
        {**region, "to_name": "txt"},
        {**region, "type": "choices"},
        {**region, "value": {**region["value"], "labels": ["PERSON"]}},
        {**region, "value": {"end": 6, "text": "Troops", "labels": ["PER"]}},
    ]
    for item in broken:
        assert sdk_errors(TUI_CONFIG, {"annotations": [{"result": [item]}]}) != [], item
    assert sdk_errors(TUI_CONFIG, {"annotations": [{"result": [region, {**relation, "to_id": "zz"}]}]}) != []


def test_export_of_tui_annotations_passes_the_sdk(tmp_path):
    """Spans, a discontinuous span, a relation, an event and a suggestion made in tui: the SDK's validator
    accepts every annotation and prediction of the export against the config the export implies."""
    store, _ = tui_store(tmp_path)
    with store:
        tasks = export_all(store, tmp_path / "o.json")
    assert [len(tasks[0]["annotations"]), len(tasks[0]["predictions"])] == [1, 1]
    assert sdk_errors(TUI_CONFIG, tasks) == []


def test_regions_and_relations_are_the_ones_the_sdk_writes(tmp_path):
    """Each exported region is the one the SDK's ``create_regions`` writes for the store's span (offsets,
    names, type, labels); each relation is what ``Region.add_relation`` writes for the store's relation
    and for the event's trigger-to-argument relation."""
    store, spans = tui_store(tmp_path)
    with store:
        (task,) = export_all(store, tmp_path / "o.json")
    interface = LabelInterface(TUI_CONFIG)
    regions = {}
    for key, span in spans.items():
        for k, (a, b) in enumerate(span.fragments):
            (region,) = interface.create_regions({"label": {"start": a, "end": b, "labels": [span.label]}})
            region.id = span.id if k == 0 else f"{span.id}-{k + 1}"
            regions[key if k == 0 else f"{key}-{k + 1}"] = region
    regions["per"].add_relation(regions["gpe"], label=["PHYS"])
    regions["trig"].add_relation(regions["gpe"], label=["Place"])
    want_annotation = [regions[k]._dict() for k in ("per", "trig", "gpe", "org", "org-2")]
    want_annotation += regions["per"]._dict_relations() + regions["trig"]._dict_relations()
    want_prediction = [regions["time"]._dict()]

    def ours(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for r in result:  # value.text is ours alone: the SDK's Region does not write it
            out.append({**r, "value": {k: v for k, v in r["value"].items() if k != "text"}} if "value" in r else r)
        return out

    def key(r: dict[str, Any]) -> str:
        return json.dumps(r, sort_keys=True)

    assert sorted(map(key, ours(task["annotations"][0]["result"]))) == sorted(map(key, want_annotation))
    assert sorted(map(key, ours(task["predictions"][0]["result"]))) == sorted(map(key, want_prediction))


def test_the_converter_reads_the_spans_the_store_holds(tmp_path):
    """Label Studio's converter reads the export back: JSON_MIN gives the store's accepted spans (offsets,
    text, labels; the discontinuous span as one region per fragment), the task id and annotation id."""
    store, _ = tui_store(tmp_path)
    with store:
        export_all(store, tmp_path / "o.json")
        want = store_spans(store)
    (record,) = converted(TUI_CONFIG, tmp_path / "o.json", tmp_path, "JSON_MIN")
    assert by_offsets(record["label"]) == want
    assert (record["id"], record["annotation_id"], record["text"], record["name"]) == (1, 1, TEXT, "news")


def test_the_converter_tags_tokens_by_our_code_point_offsets(tmp_path):
    """CoNLL 2003 from Label Studio's converter: after the emoji, each token gets the tag of the span
    tui holds there (Python string offsets, which our default code-point offsets are)."""
    with Store(tmp_path / "c.db", annotator="alice") as store:
        doc, _ = store.add_document(Document(name="news", text=TEXT))
        for label, a, b in (("PER", 0, 6), ("Attack", 9, 17), ("GPE", 18, 23), ("TIME", 27, 33)):
            store.add(Span(doc_id=doc.id, label=label, fragments=[(a, b)], text=TEXT[a:b]))
        export_all(store, tmp_path / "o.json")
    assert converted(TUI_CONFIG, tmp_path / "o.json", tmp_path, "CONLL2003") == [
        "-DOCSTART- -X- O", "Troops -X- _ B-PER", "👍 -X- _ O", "attacked -X- _ B-Attack",
        "Basra -X- _ B-GPE", "on -X- _ O", "Monday -X- _ B-TIME", ". -X- _ O", ""]


def test_relations_with_and_without_labels_as_the_sdk_writes_them(tmp_path):
    """An imported relation without labels goes back as the SDK writes one (no ``labels`` key), a labelled
    one with its labels, a ``left`` one with its direction; the SDK accepts them all."""
    def region(rid: str, a: int, b: int, label: str) -> dict[str, Any]:
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": a, "end": b, "text": TEXT[a:b], "labels": [label]}}

    task = {"id": 1, "data": {"text": TEXT}, "annotations": [{"id": 1, "result": [
        region("a", 0, 6, "PER"), region("b", 18, 23, "GPE"),
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right"},
        {"from_id": "b", "to_id": "a", "type": "relation", "direction": "left", "labels": ["PHYS"]}]}]}
    src = tmp_path / "rel.json"
    src.write_text(json.dumps([task]), encoding="utf-8")
    with Store(tmp_path / "r.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        tasks = export_all(store, tmp_path / "o.json")
    interface = LabelInterface(TUI_CONFIG)
    a, b = (interface.create_regions({"label": {"start": s, "end": e, "labels": [x]}})[0]
            for s, e, x in ((0, 6, "PER"), (18, 23, "GPE")))
    a.id, b.id = "a", "b"
    a.add_relation(b)
    b.add_relation(a, direction="left", label=["PHYS"])
    relations = [r for r in tasks[0]["annotations"][0]["result"] if r["type"] == "relation"]
    assert relations == a._dict_relations() + b._dict_relations()
    assert sdk_errors(TUI_CONFIG, tasks) == []


def test_completions_layout_imports_what_the_converter_reads(tmp_path):
    """The pre-1.0 ``completions`` file: tui imports the 38 regions Label Studio's converter reads from
    it, and after edits in tui (one span deleted, one added) the converter reads the store's spans back
    and the SDK accepts the completion."""
    src = DATA / "completions_348.json"
    (original,) = converted(INGREDIENTS_CONFIG, src, tmp_path, "JSON_MIN")
    with Store(tmp_path / "c.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        assert store_spans(store) == by_offsets(original["ner"])
        assert len(original["ner"]) == 38
        doc = store.document("completions_348")
        spans = store.annotations(doc.id).spans
        store.delete(spans[0].id)
        a = doc.text.index("Water")
        store.add(Span(doc_id=doc.id, label="INGREDIENT", fragments=[(a, a + 5)], text="Water",
                       annotator=spans[1].annotator))
        out = tmp_path / "o.json"
        export_documents(store, ExportRequest(fmt="labelstudio", status="all"), out)
        want = store_spans(store)
    task = json.loads(out.read_text(encoding="utf-8"))
    assert "completions" in task and "annotations" not in task
    assert sdk_errors(INGREDIENTS_CONFIG, task) == []
    (record,) = converted(INGREDIENTS_CONFIG, out, tmp_path, "JSON_MIN")
    assert by_offsets(record["ner"]) == want and len(want) == 38
    assert record["annotation_id"] == original["annotation_id"] == 348001


def test_kept_fields_are_what_the_converter_reads(tmp_path):
    """Ground truth, a cancelled annotation, a draft, scores, a choices result, the task id, meta and the
    other data fields come back so that the SDK accepts every group and its converter reads the same
    record from the export as from the original (the cancelled annotation skipped, as Label Studio does)."""
    src = tmp_path / "full.json"
    src.write_text(json.dumps([full_task()]), encoding="utf-8")
    assert sdk_errors(FULL_CONFIG, [full_task()]) == []
    with Store(tmp_path / "k.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        tasks = export_all(store, tmp_path / "o.json")
    assert sdk_errors(FULL_CONFIG, tasks) == []
    (record,) = converted(FULL_CONFIG, tmp_path / "o.json", tmp_path, "JSON_MIN")
    assert record == converted(FULL_CONFIG, src, tmp_path / "original", "JSON_MIN")[0]
    assert (record["id"], record["annotation_id"], record["topic"], record["source"]) == (41, 7, "war", "wire")
    assert record["annotator"] == "ann@example.org"
    assert by_offsets(record["ner"]) == [{"start": 0, "end": 6, "text": "Troops", "labels": ["PER"]},
                                         {"start": 16, "end": 21, "text": "Basra", "labels": ["GPE"]}]


def test_image_results_kept_for_re_export_pass_the_sdk(tmp_path):
    """A Label Studio 1.x export with boxes on an image (results tui does not read): the SDK accepts the
    round-tripped annotations and predictions, and its converter reads the same records as from the original."""
    src = DATA / "export_csv_test.json"
    with Store(tmp_path / "i.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        tasks = export_all(store, tmp_path / "o.json")
    assert sdk_errors(IMAGE_CONFIG, tasks) == []
    assert converted(IMAGE_CONFIG, tmp_path / "o.json", tmp_path, "JSON_MIN") == converted(
        IMAGE_CONFIG, src, tmp_path / "original", "JSON_MIN")


def test_a_span_made_in_tui_on_an_imported_task_passes_the_sdk(tmp_path):
    """A span made in tui with a label the task's regions never used takes the task's own ``Labels``
    control (``ner`` on ``my_text``), so the SDK accepts it against the project's config and the
    converter reads it in that control."""
    src = tmp_path / "full.json"
    src.write_text(json.dumps([full_task()]), encoding="utf-8")
    with Store(tmp_path / "n.db", annotator="alice") as store:
        import_files(store, ImportRequest(paths=(src,), fmt="labelstudio"))
        doc = store.document("full")
        store.add(Span(doc_id=doc.id, label="ORG", fragments=[(7, 15)], text=doc.text[7:15],
                       annotator="ann@example.org"))
        tasks = export_all(store, tmp_path / "o.json")
    assert sdk_errors(FULL_CONFIG, tasks) == []
    (record,) = converted(FULL_CONFIG, tmp_path / "o.json", tmp_path, "JSON_MIN")
    assert {"start": 7, "end": 15, "text": "attacked", "labels": ["ORG"]} in record["ner"]
