"""Fixed documents and annotations for the panel, library and snapshot tests.

Ids are fixed strings and every time comes from a frozen clock, so the
pictures and the assertions do not change from run to run.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.model import (
    Argument,
    Attribute,
    DocAnnotations,
    Document,
    Equivalence,
    Event,
    Normalization,
    Note,
    Relation,
    Span,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "app"
PANELS_TXT = DATA / "panels.txt"
HOSTILE_TXT = DATA / "hostile.txt"
FIXED_TIME = "2025-03-24T09:30:00.000Z"


def freeze_clock(monkeypatch) -> None:
    """Make every store timestamp :data:`FIXED_TIME` (the inspector shows history times)."""
    import tui.core.store.ids as store_module

    monkeypatch.setattr(store_module, "now", lambda: FIXED_TIME)


def read(path: Path) -> str:
    """A data file's exact text (no newline translation)."""
    return path.read_bytes().decode("utf-8")


def _span(text: str, sid: str, label: str, phrase: str, nth: int = 0, **kw) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(id=sid, label=label, fragments=[(start, start + len(phrase))], **kw)


def panels_annotations(text: str) -> DocAnnotations:
    """Entities, events, a relation, coreference, attributes, a note and a normalisation.

    Includes what the pictures must show: nested and overlapping spans (``Prime
    Minister Nouri al-Maliki`` over ``Nouri al-Maliki``), a discontinuous span
    (``Prime Minister … al-Maliki``), pending suggestions (``the city``, a
    pending ``Moqtada al-Sadr``) and a ``Die`` event missing its mandatory Victim.
    """
    pm_start = text.index("Prime Minister")
    maliki = text.index("al-Maliki")
    spans = [
        _span(text, "s-troops", "PER", "Iraqi troops"),
        _span(text, "s-militias", "ORG", "Shi'ite militias"),
        _span(text, "s-basra1", "GPE", "Basra"),
        _span(text, "s-monday", "TIME", "Monday"),
        _span(text, "s-attacked", "Attack", "attacked"),
        _span(text, "s-pmfull", "PER", "Prime Minister Nouri al-Maliki"),
        _span(text, "s-maliki", "PER", "Nouri al-Maliki"),
        Span(
            id="s-pmdisc",
            label="PER",
            fragments=[(pm_start, pm_start + len("Prime Minister")), (maliki, maliki + len("al-Maliki"))],
        ),
        _span(text, "s-went", "Transport", "went"),
        _span(text, "s-basra2", "GPE", "Basra", nth=1),
        _span(text, "s-pm", "PER", "The prime minister"),
        _span(text, "s-city", "GPE", "the city", origin="suggestion:gazetteer", status="pending"),
        _span(text, "s-killed", "Die", "killed"),
        _span(text, "s-sadr", "PER", "Moqtada al-Sadr", origin="suggestion:ner", status="pending"),
    ]
    events = [
        Event(
            id="e-attack",
            type="Attack",
            trigger="s-attacked",
            arguments=[
                Argument(role="Attacker", target="s-troops"),
                Argument(role="Target", target="s-militias"),
                Argument(role="Place", target="s-basra1"),
                Argument(role="Time-Within", target="s-monday"),
            ],
        ),
        Event(
            id="e-transport",
            type="Transport",
            trigger="s-went",
            arguments=[
                Argument(role="Artifact", target="s-maliki"),
                Argument(role="Destination", target="s-basra2"),
            ],
        ),
        Event(id="e-die", type="Die", trigger="s-killed", arguments=[]),
    ]
    return DocAnnotations(
        spans=spans,
        events=events,
        relations=[
            Relation(
                id="r-phys",
                type="PHYS",
                arguments=[Argument(role="Arg-1", target="s-maliki"), Argument(role="Arg-2", target="s-basra2")],
            )
        ],
        equivalences=[
            Equivalence(id="q-pm", type="Coref", members=["s-pmfull", "s-pm"]),
            Equivalence(id="q-basra", type="Coref", members=["s-basra1", "s-basra2", "s-city"]),
        ],
        attributes=[Attribute(id="a-tense", target="e-attack", name="Tense", value="Past")],
        normalizations=[
            Normalization(id="n-basra", target="s-basra1", resource="Wikidata", key="Q48195", label="Basra")
        ],
        notes=[Note(id="c-maliki", target="s-maliki", text="Prime minister of Iraq 2006-2014")],
    )


def hostile_annotations(text: str) -> DocAnnotations:
    """Spans over markup lookalikes and escape sequences, plus a note full of them."""
    return DocAnnotations(
        spans=[
            _span(text, "h-click", "ORG", "[@click=app.quit]quit[/]"),
            _span(text, "h-link", "PER", "[link=file:///etc/passwd]x[/link]"),
            _span(text, "h-clear", "GPE", "clear\x1b[2Jscreen"),
            _span(text, "h-title", "LOC", "title\x1b]0;pwned\x07here"),
            _span(text, "h-bidi", "FAC", "bidi \u202eevil\u202c"),
            _span(text, "h-basra", "GPE", "Basra"),
        ],
        notes=[Note(id="h-note", target="h-basra", text="[bold red]not bold[/] \x1b]52;c;aGk=\x07 \x07 \u202eevil")],
    )


def load(store, name: str = "panels", path: Path = PANELS_TXT, build=panels_annotations) -> Document:
    """Import a fixed document with its annotations; return the stored document."""
    text = read(path)
    store.import_documents(
        [(Document(id=f"doc-{name}", name=name, text=text), build(text))], action=f"import {name}"
    )
    return store.document(name)


def make_db(db_path: Path, *, annotator: str = "alice") -> Path:
    """A database with the ``panels`` and ``hostile`` documents and a plain third one."""
    from tui.core.store import Store

    with Store(db_path, annotator=annotator) as store:
        load(store)
        load(store, "hostile", HOSTILE_TXT, hostile_annotations)
        store.import_documents(
            [(Document(id="doc-empty", name="zz-empty-notes", text="Nothing annotated here.\n"), DocAnnotations())]
        )
    return db_path
