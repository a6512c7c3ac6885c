"""The role prompt's state: which roles are being filled, and their candidates.

Issue 14 (six keys per event): an event's prompt offers its roles in
schema order but holds back the **optional** ones (ACE's Time-* roles)
until :meth:`Pick.more`; every open role carries a **letter**
(:func:`role_letters`) that fills it with the current candidate out of
order; a role with no candidate is skipped by the session
(:meth:`~tui.core.editing.AnnotationSession.prepare_role`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.editing.results import PickPurpose
from tui.core.schema import EventType, Role


def role_letters(roles: list[Role], pool: str, taken: dict[str, str] | None = None) -> dict[str, str]:
    """Give each role a distinct letter from ``pool``: one of its name's letters if free, else the first free.

    Args:
        roles: the roles, in the order they get letters.
        pool: the letters that are free while the prompt is open (no other key of the reader).
        taken: letters already given (``{role: letter}``), kept as they are.

    Returns:
        ``{role name: letter}``; roles beyond the pool's size get none.
    """
    out = dict(taken or {})
    used = set(out.values())
    for role in roles:
        if role.name in out:
            continue
        name = role.name.lower()
        letter = next((c for c in name if c in pool and c not in used), None)
        if letter is None:
            letter = next((c for c in pool if c not in used), None)
        if letter is None:
            break
        out[role.name] = letter
        used.add(letter)
    return out


@dataclass
class Pick:
    """A target being picked: event roles in turn, a relation target or a coreference partner.

    The session fills :attr:`candidates` (:meth:`AnnotationSession.candidates`);
    the reader draws the prompt from it.
    """

    purpose: PickPurpose
    """``role``, ``relation`` or ``coref``."""
    source_id: str
    """The event (role), or the span the relation / coreference starts from."""
    type_name: str
    """Event type, relation type or equivalence type."""
    roles: list[Role]
    """Roles to fill in order (one pseudo-role for relation and coref)."""
    role_index: int = 0
    candidates: list[str] = field(default_factory=list)
    cand_index: int = 0
    links: int = 0
    """Coreference links made so far (the chain mode stays open after each)."""
    held: list[Role] = field(default_factory=list)
    """Optional roles not offered until :meth:`more` (ACE's Time-* roles)."""
    letters: dict[str, str] = field(default_factory=dict)
    """``{role name: letter}``: the key that fills that role with the current candidate."""
    filled: set[str] = field(default_factory=set)
    """Roles filled in this prompt (no longer open)."""
    skipped: list[str] = field(default_factory=list)
    """Roles skipped because no mention of their types was near (said in the prompt)."""
    pool: str = ""
    """The letters that may name roles (free keys of the reader while the prompt is open)."""
    skip_empty: bool = True
    """Skip a role with no candidate (a new event); False when the analyst asked for that role."""

    @classmethod
    def for_event(cls, event_id: str, event_type: EventType, pool: str) -> Pick:
        """The prompt for a new event: its roles, the optional ones held back, letters given.

        Args:
            event_id: the event.
            event_type: its type.
            pool: the letters that may name roles.
        """
        main = [r for r in event_type.roles if not r.optional]
        held = [r for r in event_type.roles if r.optional]
        if not main:  # nothing but optional roles: offer those
            main, held = held, []
        return cls("role", event_id, event_type.name, main, held=held,
                   letters=role_letters(main, pool), pool=pool)

    def open_roles(self) -> list[Role]:
        """The roles still offered: the current one and those after it, not yet filled."""
        return [r for r in self.roles[self.role_index:] if r.name not in self.filled]

    def role_by_letter(self, letter: str) -> Role | None:
        """The open role that ``letter`` names, or None."""
        return next((r for r in self.open_roles() if self.letters.get(r.name) == letter), None)

    def more(self) -> int:
        """Offer the held-back optional roles too (after the others); returns how many were added."""
        added = self.held
        self.roles = [*self.roles, *added]
        self.held = []
        self.letters = role_letters(added, self.pool, self.letters)
        return len(added)

    @property
    def role(self) -> Role:
        """The role being filled."""
        return self.roles[self.role_index]

    def advance(self) -> bool:
        """Go to the next role (after a fill or a skip).

        Returns:
            False when the last role was just done (the pick is over).
        """
        if self.purpose != "role":
            return False
        n = self.role_index + 1
        while n < len(self.roles) and self.roles[n].name in self.filled:
            n += 1
        if n >= len(self.roles):
            return False
        self.role_index = n
        self.candidates = []
        self.cand_index = 0
        return True

    def cycle(self, current: str | None, delta: int) -> str | None:
        """The candidate ``delta`` steps from ``current`` (wrapping), or None when there is none."""
        if not self.candidates:
            return None
        if current in self.candidates:
            self.cand_index = (self.candidates.index(current) + delta) % len(self.candidates)
        else:
            self.cand_index = 0 if delta > 0 else len(self.candidates) - 1
        return self.candidates[self.cand_index]
