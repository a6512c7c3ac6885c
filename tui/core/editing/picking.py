"""The role prompt's state: which roles are being filled, and their candidates."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.editing.results import PickPurpose
from tui.core.schema import Role


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

    @property
    def role(self) -> Role:
        """The role being filled."""
        return self.roles[self.role_index]

    def advance(self) -> bool:
        """Go to the next role (after a fill or a skip).

        Returns:
            False when the last role was just done (the pick is over).
        """
        if self.purpose != "role" or self.role_index + 1 >= len(self.roles):
            return False
        self.role_index += 1
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
