"""Keys that open a dialog on the selected annotation: attributes, note, normalisation, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from tui.app.screens.reader.describe import consequence_line
from tui.app.screens.reader.readonly import editing
from tui.app.screens.reader.status import one_status
from tui.core.schema import AttributeDef

if TYPE_CHECKING:
    from tui.app.dialogs.attributes import AttributeValues
    from tui.app.dialogs.normalization import NormalizationInput


class DialogActionsMixin:
    """The reader's attribute, note, normalisation and delete keys."""

    def _attribute_target(self) -> Any:
        here = self._target_here()
        if self.session is None or here is None:
            return None
        return self.session.attribute_target(here.id)

    def applicable_attributes(self, ann: Any) -> list[AttributeDef]:
        """The schema's attributes that may sit on ``ann``, in schema order."""
        if self.session is None or ann is None:
            return []
        return self.session.applicable_attributes(ann)

    @editing
    def action_attributes(self) -> None:
        """Edit the attributes of the selected annotation."""
        from tui.app.dialogs.attributes import AttributesDialog

        ann = self._attribute_target()
        if ann is None or self.session is None:
            return
        defs = self.applicable_attributes(ann)
        if not defs:
            self.notify(f"no attributes apply to {self.describe(ann)}", markup=False)
            return
        have = self.session.attribute_values(ann.id)
        values: AttributeValues = {d.name: have[d.name] for d in defs if d.name in have}
        ann_id = ann.id

        def chosen(result: AttributeValues | None) -> None:
            if result is not None:
                self._perform("attributes", lambda: self.session.set_attributes(ann_id, result))

        self.app.push_screen(AttributesDialog(Text(f"Attributes of {self.describe(ann)}"), defs, values), chosen)

    @editing
    def action_note(self) -> None:
        """Write or edit the note on the selected annotation."""
        from tui.app.dialogs.note import NoteDialog

        ann = self._target_here()
        if ann is None or self.session is None:
            return
        current = self.session.note_of(ann.id)
        ann_id = ann.id

        def chosen(text: str | None) -> None:
            if text is None:
                return
            if (current is None and not text) or (current is not None and text == current.text):
                return
            what = "remove note" if not text else f"note {text}"
            self._perform(what, lambda: self.session.set_note(ann_id, text))

        self.app.push_screen(
            NoteDialog(Text(f"Note on {self.describe(ann)}"), current.text if current else ""), chosen
        )

    @editing
    def action_normalization(self) -> None:
        """Link the selected annotation to a knowledge-base entry."""
        from tui.app.dialogs.normalization import NormalizationDialog

        ann = self._target_here()
        if ann is None or self.session is None:
            return
        current = self.session.normalization_of(ann.id)
        ann_id = ann.id

        def chosen(result: NormalizationInput | None) -> None:
            if result is None:
                return
            if result.remove:
                if current is not None:
                    self._perform("remove normalisation", lambda: self.session.remove_normalisation(ann_id))
                return
            self._perform(f"normalise {result.resource}:{result.key}",
                          lambda: self.session.normalise(ann_id, result.resource, result.key, result.label))

        from tui.core.review.linking import link_candidates

        shown = self._display_span(ann)  # a span, or the trigger of an event
        dialog = NormalizationDialog(
            Text(f"Normalise {self.describe(ann)}"),
            current.resource if current else "", current.key if current else "",
            current.label if current else "",
            query=shown.text if shown is not None else "",
            lookup=link_candidates if shown is not None else None,
        )
        self.app.push_screen(dialog, chosen)

    # -- deleting ---------------------------------------------------------------------

    def consequences(self, ann_id: str) -> list[Text]:
        """What deleting ``ann_id`` does to the annotations that use it, one line each."""
        if self.session is None:
            return []
        return [consequence_line(self.session.index, c) for c in self.session.consequences(ann_id)]

    @editing
    @one_status
    def action_delete(self) -> None:
        """Delete the selected annotation; when others use it, say what happens and ask first."""
        from tui.app.dialogs.confirm_delete import ConfirmDeleteDialog

        here = self._target_here()
        if self.session is None or here is None:
            return
        ann = self.session.delete_target(here.id)
        if ann is None:
            return
        description = f"delete {self.describe(ann)}"
        target_id = ann.id

        def delete() -> None:
            if self._perform(description,
                             lambda: self.session.delete(target_id, description=description)) is not None:
                self.selected_id = None

        consequences = self.consequences(target_id)
        if not consequences:
            delete()
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                delete()

        self.app.push_screen(
            ConfirmDeleteDialog(Text(f"Delete {self.describe(ann)}?"), consequences), confirmed
        )
