"""The reader's keys and its help text (the actions live in the modules named by subject).

Textual reads ``BINDINGS`` only from widget classes, so the mixins of the
reader declare no bindings: every key is listed here and set on
:class:`~tui.app.screens.reader.screen.ReaderScreen`.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

HELP = """\
## Reading and annotating

- **Move** with the arrows or `h j k l`, by word `w b e`, sentence `( )`,
  paragraph `{ }`, page, and `g`/`G` to the start/end.
- **Select** with `v` then motions (or shift+arrows); `escape` clears.
  With no selection, a tagging key acts on the **word under the cursor**.
- **Tag** with `1`-`9` (the schema's first nine span types) or `t` and the
  type's hotkey (`t` `p` = PER). In every type picker (`t`, `E`, `R`) `/`
  starts a filter: then letters type, `enter` picks. With an annotation
  selected, a tag key **retypes** it.
- **Select an annotation**: `enter` (or `space`) selects the one under the
  cursor (again: the next one out, for nested spans); `]`/`[` step to the
  next/previous one, relations and coreference sets included. The status line
  names it. With none selected, `R C A : @ d` act on the only span under the
  cursor, or say what to do.
- **Hold it**: `v` on the selected span holds it; the cursor and `v`
  selections may then go anywhere: `+` adds the selection as another
  fragment, `=` re-spans it to the selection. `escape` clears the selection,
  then releases it.
- **Events**: `E` on the trigger word, pick the event type (every type has a
  hotkey of one or two keys, shown in the list: `a` Attack, `t` `r` Transport), then fill each
  role from the mentions of its types near the trigger (nearest first):
  `tab`/`shift+tab` cycle candidates, `enter` fills, a selection plus a tag
  key makes a new mention for the role, `s` skips, `escape` finishes.
  Each open role shows a letter (`a c f i m p x z`): pressing it fills that
  role with the current candidate. A role with no candidate near is skipped
  (the prompt says so); optional roles (ACE's Time-*) wait for `+`; after the
  last role the prompt closes and the cursor is back on the trigger.
- `C` builds a **coreference chain** from the selected mention: `enter` adds
  the nearest candidate of its type and offers the next, `escape` ends.
- `R` relation, `A` attributes, `:` note, `@` normalisation (ranked places
  from the shipped GeoNames and ISO data for the span's text: `enter` picks
  the best, or type `resource:key`), all on the selected annotation. `d` deletes it (what depends on it is listed).
- `u` undo, `ctrl+r` redo. Everything is saved as you go: there is no save key.
- `f2` `f3` `f4` `f5` show or hide the entities, events, inspector and
  **relations** panels; `tab` goes into them, `enter` on a row selects it
  (a relation: then `d` deletes it, `:` notes it).
- `/` searches, smart case (in the prompt `ctrl+r` regex, `ctrl+t` case:
  smart, on, off, `ctrl+o` whole words; `alt+r`/`alt+c`/`alt+w` too where alt
  arrives as ESC), `n`/`N` next/previous hit, `.` repeats the last tag on the
  next hit. `*` tags **every hit** with the type you pick (one undo step), `&`
  makes them pending suggestions for `r` to review.
- `m`/`M` select the next/previous **name** (capitalised words) not yet
  annotated: then a tag key tags it. Two keys per new mention.
- `\\` shows or hides the side panels (folded under 100 columns), `|` changes
  their width, `ctrl+l` redraws the screen.
- `>`/`<` open the next/previous document of the library, `D` marks this one
  done and opens the next not done, `I` imports a file or folder and opens it.
"""

TEAM_BINDINGS: list[BindingType] = [
    Binding("r", "review_start", "Review", id="review",
            tooltip="Walk the pending suggestions of this document: a accept, x reject, space skip, "
                    "backspace back."),
    Binding("a", "suggest_defaults", "Suggest", id="suggest-defaults", show=False,
            tooltip="Run the schema's default suggestion sources on this document ([suggest]: places, "
                    "propagate, coref...), then review them."),
    Binding("P", "propagate", "Propagate", id="propagate", show=False,
            tooltip="Suggest the selected span's type on every other whole-word occurrence of its text."),
    Binding("ctrl+w", "layers", "Layers", id="layers", show=False,
            tooltip="Choose whose layer to view, and another layer to overlay read-only."),
    Binding("y", "copy_overlay", "Copy overlay", id="copy-overlay", show=False,
            tooltip="Copy the overlay annotation under the cursor into your layer."),
    Binding("Y", "copy_overlay_all", "Copy all overlay", id="copy-overlay-all", show=False,
            tooltip="Copy every annotation of the overlay layer into your layer."),
    Binding("ctrl+f", "corpus_search", "Corpus search", id="corpus-search", show=False,
            tooltip="Search every document and annotation; enter opens a hit here."),
    Binding("S", "stats", "Stats", id="stats", show=False,
            tooltip="Agreement between the annotators of this document, and counts, with bar charts."),
    Binding("J", "adjudicate", "Adjudicate", id="adjudicate", show=False,
            tooltip="Walk the disagreements between annotators and build the gold layer."),
]
"""Keys added to the reader by issue 5 (review, suggestions, layers, search, agreement)."""

"""Review, suggestions, layers, corpus search, agreement, adjudication."""

TEAM_HELP = """\

## Review and teamwork

- `r` **reviews** the pending suggestions: `a` accept, `x` reject, `space`
  skip, `backspace` back; tag keys and `=` fix an item before accepting;
  `escape` ends the review.
- `a` runs the schema's **default suggestion sources** on the document (its
  `[suggest]` table; ACE 2005: places, propagate, "same name" coreference),
  says how many each made, and opens the review on them. In review, `A` or
  `X` accepts or rejects **in bulk**: `t` (or `enter`, or the key again) every
  pending item of the document with the same text and type, `l` every one of
  the type, `d` every remaining one; `backspace` or `u` takes it back at once.
- `P` **propagates** the selected span to every other occurrence of its text
  (as suggestions; a trigger as pending events of its type).
- `ctrl+w` chooses whose **layer** to view and which to overlay (read-only);
  `y` copies the overlay annotation under the cursor into your layer, `Y` all.
- `ctrl+f` **searches the corpus**, `S` shows **agreement** and counts, `J`
  **adjudicates** disagreements into the `gold` layer.
"""
ROLE_LETTERS = "acfimpxz"
"""The letters that name roles in the role prompt. The article view's motions do not use them; the
reader's `a` (suggest) and `m` (next name) do, and while a letter names an open role it wins."""

FOOTER_PRIORITY = ("help", "tag_type", "toggle_visual", "event", "undo", "search", "delete", "library",
                   "attributes", "relation", "coreference", "note", "review_start", "quit")
"""The footer's actions, most useful first: a narrow terminal shows the first ones that fit."""

READER_BINDINGS: list[BindingType] = [
    # Role letters. Not priority (unlike the prompt's tab, enter, s and escape below): a priority key is handled when it arrives, before
    # the motions typed just before it reach the view (`w w i` would fill from the old cursor).
    # Declared first: `a` and `m` are also the reader's suggest-defaults and next-name, which
    # a letter naming an open role wins over (check_action declines it otherwise, and the key
    # goes on to the next binding); the view's motions do not use these letters.
    *[
        Binding(letter, f"pick_fill('{letter}')", f"Fill role {letter}", id=f"role-letter-{letter}",
                show=False,
                tooltip=f"Fill the open role shown with [{letter}] with the selected candidate.")
        for letter in ROLE_LETTERS
    ],
    *[
        Binding(str(n), f"tag({n})", f"Tag type {n}", show=False, id=f"tag-{n}",
                tooltip=f"Tag the selection (or the word under the cursor) with span type {n} "
                        "of the schema; retypes a selected annotation.")
        for n in range(1, 10)
    ],
    Binding("t", "tag_type", "Tag", id="tag-type",
            tooltip="Pick a span type (its hotkey picks at once, / filters) and tag the selection or word."),
    Binding("E", "event", "Event", id="event",
            tooltip="Make the selection (or word) an event trigger, pick the type, fill its roles."),
    Binding("R", "relation", "Relation", id="relation",
            tooltip="A relation from the selected annotation: pick the type, then the target."),
    Binding("C", "coreference", "Coref", id="coreference",
            tooltip="A coreference chain from the selected mention: enter adds each candidate, escape ends."),
    Binding("A", "attributes", "Attrs", id="attributes",
            tooltip="Edit the attributes of the selected annotation."),
    Binding("colon", "note", "Note", id="note", tooltip="Write a note on the selected annotation."),
    Binding("at", "normalization", "Norm", id="normalization", show=False,
            tooltip="Link the selected annotation to an entry: ranked places (GeoNames, ISO) "
                    "or resource:key typed."),
    Binding("equals_sign", "respan", "Re-span", id="respan", show=False,
            tooltip="Move the selected annotation to the current selection (keeps id, attributes, arguments)."),
    Binding("plus", "add_fragment", "Add fragment", id="add-fragment", show=False,
            tooltip="Add the selection as another fragment of the selected span."),
    Binding("full_stop", "repeat_tag", "Repeat", id="repeat-tag", show=False,
            tooltip="Repeat the last tagging action on the next search hit."),
    Binding("enter,space", "select_here", "Select here", id="select-here", show=False,
            tooltip="Select the annotation under the cursor; again: the next one out (nested, overlapping)."),
    Binding("right_square_bracket", "next_annotation", "Next ann.", id="next-annotation",
            show=False, tooltip="Select the next annotation (spans, relations, coreference sets)."),
    Binding("left_square_bracket", "previous_annotation", "Prev ann.", id="previous-annotation",
            show=False, tooltip="Select the previous annotation (spans, relations, coreference sets)."),
    Binding("escape", "release", "Deselect", id="release-annotation", show=False,
            tooltip="Deselect the annotation (and release it when held); a selection is cleared first."),
    Binding("d,delete", "delete", "Delete", id="delete",
            tooltip="Delete the selected annotation (what uses it is listed first)."),
    Binding("u,ctrl+z", "undo", "Undo", id="undo", tooltip="Undo your last action on this document."),
    Binding("ctrl+r,ctrl+y", "redo", "Redo", id="redo", show=False,
            tooltip="Redo the last undone action."),
    Binding("slash", "search", "Search", id="search",
            tooltip="Search the article (plain text, smart case; in the prompt ctrl+r regex, ctrl+t case, "
                    "ctrl+o whole word)."),
    Binding("n", "search_next", "Next hit", id="search-next", show=False,
            tooltip="Select the next search hit."),
    Binding("N", "search_previous", "Prev hit", id="search-previous", show=False,
            tooltip="Select the previous search hit."),
    Binding("asterisk", "tag_hits", "Tag all hits", id="tag-hits", show=False,
            tooltip="Pick a type and tag every hit of the last search with it (one undo step)."),
    Binding("ampersand", "suggest_hits", "Suggest all hits", id="suggest-hits", show=False,
            tooltip="Pick a type and make every hit of the last search a pending suggestion (r reviews)."),
    Binding("m", "next_name(1)", "Next name", id="next-name", show=False,
            tooltip="Select the next run of capitalised words not yet annotated: a type key then tags it."),
    Binding("M", "next_name(-1)", "Prev name", id="previous-name", show=False,
            tooltip="Select the previous run of capitalised words not yet annotated."),
    Binding("o", "library", "Library", id="library", tooltip="Open the library of documents."),
    Binding("greater_than_sign", "next_document", "Next doc", id="next-document", show=False,
            tooltip="Open the next document, in the order o lists them."),
    Binding("less_than_sign", "previous_document", "Prev doc", id="previous-document", show=False,
            tooltip="Open the previous document, in the order o lists them."),
    Binding("D", "done_next", "Done, next", id="done-next", show=False,
            tooltip="Mark this document done (your status) and open the next one not done."),
    Binding("I", "import_document", "Import", id="import-document", show=False,
            tooltip="Import a file or folder (text, Markdown, brat, JSONL...) and open it."),
    Binding("question_mark,f1", "help", "Help", id="help", tooltip="Every key, and how to annotate."),
    Binding("f2", "toggle_panel('entity-panel')", "Entities", id="toggle-entities", show=False,
            tooltip="Show or hide the entities panel."),
    Binding("f3", "toggle_panel('event-panel')", "Events", id="toggle-events", show=False,
            tooltip="Show or hide the events panel."),
    Binding("f4", "toggle_panel('inspector-panel')", "Inspector", id="toggle-inspector",
            show=False, tooltip="Show or hide the inspector panel."),
    Binding("f5", "toggle_panel('relation-panel')", "Relations", id="toggle-relations", show=False,
            tooltip="Show or hide the relations panel."),
    Binding("backslash", "toggle_panels", "Panels", id="toggle-panels", show=False,
            tooltip="Show or hide the side panels (folded in terminals under 100 columns)."),
    Binding("vertical_line", "panel_width", "Panel width", id="panel-width", show=False,
            tooltip="Make the side panels the next width (32, 40, 48, 60, 72 columns; remembered)."),
    Binding("L", "toggle_labels", "Labels", id="toggle-labels", show=False,
            tooltip="Show or hide the short type labels inline (e.g. Basra[GPE])."),
    Binding("q", "quit", "Quit", id="quit", tooltip="Quit (everything is already saved)."),
    *TEAM_BINDINGS,
    # The role prompt's keys: priority so they win over the view's escape and the
    # screen's focus keys, but only enabled while the prompt is open.
    Binding("tab", "pick_cycle(1)", "Next candidate", id="role-next", show=False, priority=True,
            tooltip="Next candidate mention for the role."),
    Binding("shift+tab", "pick_cycle(-1)", "Previous candidate", id="role-previous", show=False,
            priority=True, tooltip="Previous candidate mention for the role."),
    Binding("enter", "pick_fill", "Fill role", id="role-fill", show=False, priority=True,
            tooltip="Fill the role with the selected candidate."),
    Binding("s", "pick_skip", "Skip role", id="role-skip", show=False, priority=True,
            tooltip="Skip this role."),
    Binding("plus", "pick_more", "More roles", id="role-more", show=False,
            tooltip="Offer the optional roles too (ACE's Time-* roles), after the others."),
    Binding("escape", "pick_done", "Done", id="role-done", show=False, priority=True,
            tooltip="Stop filling roles (the event stays; missing mandatory roles are flagged)."),
    # Declaring tab here hides Screen's own tab binding, so focus moving is declared again.
    Binding("tab", "app.focus_next", "Focus next", id="focus-next", show=False,
            tooltip="Move the focus between the reader and the panels."),
    Binding("shift+tab", "app.focus_previous", "Focus previous", id="focus-previous",
            show=False, tooltip="Move the focus back between the panels and the reader."),
]
"""Tagging, editing and navigation keys of the reader (motions are on the article view)."""
