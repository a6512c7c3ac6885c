"""The role prompt: filling an event's roles, choosing a relation's target or a coreference partner.

The prompt's state is a :class:`~tui.core.editing.Pick`; its candidates come
from the session (:meth:`~tui.core.editing.AnnotationSession.candidates`).
Tab cycles them, enter fills the role with the selected one, a tag key
tags the selection as a new mention and fills the role with it (one action).

Issue 14 (six keys per event): a role with no candidate is skipped and the
prompt says so; optional roles wait for ``+``; each open role shows a letter
that fills it with the current candidate; after the last role the prompt
closes by itself and the cursor is back on the trigger.
"""

from __future__ import annotations

from tui.app.safe import safe
from tui.app.screens.reader.bindings import ROLE_LETTERS
from tui.app.screens.reader.readonly import editing
from tui.app.screens.reader.status import one_status
from tui.core.editing import Edit, NewMention, Pick, Target, filler_problem
from tui.core.editing.picking import role_letters
from tui.core.model import Event, Span
from tui.core.schema import Role


def _cardinality(card: str) -> str:
    return {"1": "exactly one", "?": "optional", "*": "any number", "+": "at least one"}.get(card, card)


class PickingMixin:
    """The reader's role prompt (event roles, relation targets, coreference)."""

    def _anchor(self, pick: Pick) -> Span | None:
        return self._display_span(self.by_id.get(pick.source_id))

    def _start_pick(self, pick: Pick) -> None:
        self.pick = pick
        self._prepare_role()

    def _edit_roles(self, event_id: str, type_name: str, roles: list[Role]) -> None:
        """Open the prompt on roles the analyst asked for (the events panel's ``e``).

        They stay open even with no candidate near: a selection and a tag key make one.
        """
        self._start_pick(Pick("role", event_id, type_name, roles, letters=role_letters(roles, ROLE_LETTERS),
                              pool=ROLE_LETTERS, skip_empty=False))

    def _prepare_role(self) -> None:
        """Compute the candidates of the current role and select the first (roles with none are skipped)."""
        pick = self.pick
        assert pick is not None and self.session is not None
        with self._one_status():
            if not self.session.prepare_role(pick):
                self._end_pick(report=True)
                return
            candidates = pick.candidates
            if candidates:
                self._select(candidates[0])
            elif pick.purpose != "role" and pick.source_id in self.by_id:
                self._select(pick.source_id)  # nothing to offer: the mention it starts from stays selected
            else:
                self.selected_id = None
            self._show_pick()
            self.refresh_bindings()

    def _show_pick(self) -> None:
        pick = self.pick
        if pick is None or self.schema is None:
            return
        role = pick.role
        current = self.by_id.get(self.selected_id) if self.selected_id else None
        types = "|".join(role.types) or "mention"
        roles_line = ""
        if pick.purpose == "role":
            title = f"{pick.type_name} event · role {pick.role_index + 1}/{len(pick.roles)}"
            keys = ("tab/shift+tab candidate · enter fill · a role's letter fills it · "
                    "select + 1-9/t new mention · s skip · "
                    + ("+ more roles · " if pick.held else "") + "esc done")
            empty = f"no {types} near the trigger"
            roles_line = self._roles_line(pick)
        elif pick.purpose == "relation":
            title = f"{pick.type_name} relation from {self.describe(self.by_id.get(pick.source_id))}"
            keys = "tab/shift+tab candidate · enter choose · select + 1-9/t new mention · esc cancel"
            empty = f"no {types} nearby"
        else:
            members = self._chain_size(pick)
            title = (f"Coreference chain of {self.describe(self.by_id.get(pick.source_id))}"
                     + (f" · {members} in the set" if members else ""))
            keys = "tab/shift+tab candidate · enter adds it to the chain · select + 1-9/t new mention · esc done"
            empty = f"no other {types} in the document"
        if pick.candidates:
            empty = f"none here: tab to one of {len(pick.candidates)}"
        detail = "|".join(role.types) or "any type"
        if pick.purpose == "role":
            detail += f", {_cardinality(role.cardinality)}"
        position = (0, 0)
        note = ""
        shown = current if isinstance(current, Span) else None
        if shown is not None and shown.id in pick.candidates:
            position = (pick.candidates.index(shown.id), len(pick.candidates))
        elif shown is not None and self.session is not None:
            # The cursor is on a mention the role cannot take: say so beside "no candidate".
            note = self.session.filler_problem(role, shown.id) or ""
            if note:
                shown = None
        self.prompt.open(
            title=title,
            role=role.name,
            detail=detail,
            candidate_text=shown.text if shown is not None else None,
            candidate_label=shown.label if shown is not None else None,
            position=position,
            keys=keys,
            empty=empty,
            note=note,
            definition=getattr(role, "definition", ""),
            roles=roles_line,
        )
        self._update_status()

    @staticmethod
    def _roles_line(pick: Pick) -> str:
        """The open roles with their letters, the roles skipped for want of a candidate, the held ones."""
        parts = [f"[{pick.letters[r.name]}] {r.name}" if r.name in pick.letters else r.name
                 for r in pick.open_roles()]
        line = "roles: " + " · ".join(parts)
        if pick.held:
            line += f"   + {len(pick.held)} more ({', '.join(r.name for r in pick.held[:3])}…)"
        if pick.skipped:
            line += f"   skipped, none near: {', '.join(pick.skipped)}"
        return line

    def _chain_size(self, pick: Pick) -> int:
        """How many mentions the coreference source's set holds (0: none yet)."""
        return next((len(eq.members) for eq in self.anns.equivalences
                     if eq.type == pick.type_name and pick.source_id in eq.members), 0)

    @one_status
    def action_pick_cycle(self, delta: int) -> None:
        """Select the next (or previous) candidate mention."""
        pick = self.pick
        if pick is None:
            return
        found = pick.cycle(self.selected_id, delta)
        if found is None:
            self.app.bell()
            return
        with self._one_status():
            self._select(found)
            self._show_pick()

    def _pick_target(self) -> Span | None:
        pick = self.pick
        assert pick is not None
        current = self.by_id.get(self.selected_id) if self.selected_id else None
        if isinstance(current, Span) and not self._contains(current, self.view.cursor):
            # Keys typed in a burst (motions, then a role's letter): the cursor has left the
            # selected candidate but the CursorMoved message that deselects it is still queued.
            current = None
        anchor = self._anchor(pick)
        if isinstance(current, Span) and current.id not in self.event_of_trigger and (
            anchor is None or current.id != anchor.id
        ):
            return current
        under = self._span_at(self.view.cursor, prefer=pick.role.types)
        if under is not None and (anchor is None or under.id != anchor.id):
            return under
        return None

    @one_status
    def action_pick_fill(self, letter: str = "") -> None:
        """Fill the role (or choose the relation/coreference target) with the selected candidate.

        Args:
            letter: a role's letter: fill that role instead of the current one.
        """
        if self.pick is None:
            return
        role = self.pick.role_by_letter(letter) if letter else self.pick.role
        if role is None:
            self.app.bell()
            return
        target = self._pick_target()
        if target is None:
            self.notify("no candidate: tab to one, or select text and press a tag key",
                        severity="warning")
            return
        problem = self.session.filler_problem(role, target.id) if self.session is not None else None
        if problem is not None:
            self.message = problem
            self._update_status()
            self.notify(f"{problem} (tab to a candidate, or select text and press a tag key)",
                        severity="warning", markup=False)
            return
        self._fill(target.id, target.text, by_letter=role if letter else None)

    @one_status
    def action_pick_more(self) -> None:
        """Offer the optional roles (ACE's Time-*) too, after the others."""
        pick = self.pick
        if pick is None or pick.purpose != "role":
            return
        added = pick.more()
        self.message = f"{added} more roles offered" if added else "no more roles"
        self._show_pick()

    def _pick_new_mention(self, label: str) -> None:
        """Tag the selection (or word) and fill the current role with the new mention, in one action."""
        pick = self.pick
        assert pick is not None and self.doc is not None
        target = self.view.target_range()
        if target is None:
            self.notify("select the mention (or move onto its word) first", severity="warning")
            return
        problem = filler_problem(pick.role, label, self.doc.text[target[0]:target[1]])
        if problem is not None:
            self.message = problem
            self._update_status()
            self.notify(problem, severity="warning", markup=False)
            return
        existing = self.live.find_span(target[0], target[1], label) if self.live is not None else None
        if existing is not None:
            self._fill(existing.id, existing.text)
        else:
            self._fill(NewMention(target[0], target[1], label), self.doc.text[target[0]:target[1]])

    def _fill(self, target: Target, what: str, by_letter: Role | None = None) -> None:
        """Write one pick: fill a role, add a relation, or join a coreference set (one action).

        ``by_letter`` is the role named by its letter (default: the current role).
        """
        pick = self.pick
        assert pick is not None and self.doc is not None and self.schema is not None
        source_id, type_name = pick.source_id, pick.type_name
        edit: Edit[object] | None
        if pick.purpose == "role":
            role = (by_letter or pick.role).name
            edit = self._perform(f"{type_name} {role} = {what}",
                                 lambda: self.session.fill_role(source_id, role, target))
            if edit is not None:
                with self._one_status():
                    self.view.clear_selection()
                    pick.filled.add(role)
                    if role == pick.role.name:
                        self._advance_role()
                    else:  # another role filled by its letter: the current one stays, minus that mention
                        self._prepare_role()
        elif pick.purpose == "relation":
            edit = self._perform(f"relation {type_name} → {what}",
                                 lambda: self.session.relate(source_id, type_name, target))
            if edit is not None:
                with self._one_status():
                    self._end_pick(report=False)
                    self.view.clear_selection()
                    self.selected_id = edit.value.id  # type: ignore[attr-defined]
        else:
            edit = self._perform(f"coreference {what}",
                                 lambda: self.session.corefer(source_id, type_name, target))
            if edit is not None:
                # Chain mode: the prompt stays open on the next nearest mention (each link is
                # one action, so one undo step); escape ends the chain.
                with self._one_status():
                    self.view.clear_selection()
                    pick.links += 1
                    self._prepare_role()
                    self.message = f"coreference: {self._chain_size(pick)} mentions in the chain"

    @one_status
    def action_pick_skip(self) -> None:
        """Skip the current role."""
        if self.pick is not None and self.pick.purpose == "role":
            self._advance_role()

    def _advance_role(self) -> None:
        pick = self.pick
        assert pick is not None
        if not pick.advance():
            self._end_pick(report=True)
            return
        self._prepare_role()

    @one_status
    def action_pick_done(self) -> None:
        """Stop picking: the event stays (missing mandatory roles are flagged); a relation or
        coreference not yet chosen is cancelled."""
        self._end_pick(report=True)

    def _end_pick(self, *, report: bool) -> None:
        pick = self.pick
        if pick is None:
            return
        self.pick = None
        if self.is_mounted:
            self.prompt.close()
        if pick.purpose == "role" and report and self.session is not None:
            event = self.by_id.get(pick.source_id)
            if isinstance(event, Event):
                self._select(event.id)  # the cursor back on the trigger: the next event starts from here
                missing = self.session.missing_roles(event.id)
                if missing:
                    self.notify(safe("; ".join(missing), limit=300), title="Missing mandatory roles",
                                severity="warning", markup=False)
        elif pick.purpose == "coref" and pick.links:
            self.selected_id = pick.source_id if pick.source_id in self.by_id else None
            if report:
                self.notify(f"coreference chain: {self._chain_size(pick)} mentions", markup=False)
        elif report:
            if pick.source_id in self.by_id:
                self.selected_id = pick.source_id  # back where it started
            self.notify(f"{pick.purpose} cancelled", markup=False)
        if self.is_mounted:
            self._update_status()
            self.refresh_bindings()

    # -- starting a relation or a coreference -------------------------------------------

    @editing
    def action_relation(self) -> None:
        """Start a relation from the selected mention: pick the type, then the target."""
        from tui.app.dialogs.picker import PickerDialog, PickerItem

        source = self._target_here()
        if not isinstance(source, Span) or self.schema is None:
            return
        fits = [rt for rt in self.schema.relation_types
                if not rt.args[0].types or source.label in rt.args[0].types]
        rest = [rt for rt in self.schema.relation_types if rt not in fits]
        items = [
            PickerItem(rt.name, rt.name, rt.hotkey,
                       detail=f"{'|'.join(rt.args[0].types) or 'any'} → {'|'.join(rt.args[1].types) or 'any'}",
                       color=rt.color)
            for rt in fits + rest
        ]

        def chosen(name: str | None) -> None:
            if not name or self.schema is None:
                return
            rt = self.schema.relation_type(name)
            role = rt.args[1] if rt is not None else Role("Arg-2")
            self._start_pick(Pick("relation", source.id, name, [role]))

        self.app.push_screen(PickerDialog(f"Relation from {self.describe(source)}", items), chosen)

    @editing
    def action_coreference(self) -> None:
        """Build a coreference chain from the selected mention: enter adds each candidate, escape ends.

        Candidates are the mentions of its type in the whole document, nearest first;
        each link is one action (one undo step).
        """
        source = self._target_here()
        if not isinstance(source, Span) or self.schema is None:
            return
        type_name = self.schema.equivalence_types[0] if self.schema.equivalence_types else "Coref"
        self._start_pick(Pick("coref", source.id, type_name, [Role(type_name, (source.label,), "*")]))
