"""The role prompt: a non-modal bar under the article, shown while a target is being picked.

It serves event roles (after ``E``), relation targets (``R``) and
coreference partners (``C``). It only shows state: the reader screen owns
the keys (``tab``/``shift+tab`` cycle candidates, ``enter`` fills, a tag
key makes a new mention, ``s`` skips, a role's letter fills that role,
``+`` offers the optional roles, ``escape`` ends), so the article stays
usable while it is open.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.app.safe import safe


class RolePrompt(Static):
    """Shows what is being filled, the current candidate and the keys."""

    DEFAULT_CSS = """
    RolePrompt {
        height: auto; max-height: 5; display: none;
        background: $boost; border-top: solid $accent; padding: 0 1;
    }
    RolePrompt.-open { display: block; }
    """

    def open(
        self,
        *,
        title: str,
        role: str,
        detail: str,
        candidate_text: str | None,
        candidate_label: str | None,
        position: tuple[int, int],
        keys: str,
        empty: str = "none nearby",
        note: str = "",
        definition: str = "",
        roles: str = "",
    ) -> None:
        """Show the prompt (or update it).

        Args:
            title: what is being built, e.g. "Attack event" (plain text).
            role: the role or target being filled, e.g. "Attacker".
            detail: allowed types and cardinality, e.g. "PER|ORG|GPE, any number".
            candidate_text: the current candidate's document text (sanitised here), or None.
            candidate_label: the candidate's type.
            position: (index, count) of the candidate among the candidates; count 0 = none.
            keys: the key hints.
            empty: what to say when there is no candidate (plain text).
            note: said after the candidate, e.g. why it cannot fill the role (plain text).
            definition: the role's guideline from the schema: one line under the candidate,
                cut to the prompt's width.
            roles: a line naming the open roles with their letters (plain text; schema names).
        """
        text = Text()
        # titles, roles, details and labels name schema types: data, sanitised here
        text.append(f"{safe(title)} ▸ ", style="bold")
        text.append(safe(role), style="bold reverse")
        if detail:
            text.append(f"  ({safe(detail)})", style="dim")
        text.append("   candidate: ")
        index, count = position
        if candidate_text is None:
            text.append(safe(empty), style="italic")
        else:
            text.append(f"“{safe(candidate_text, limit=40)}”", style="bold")
            if candidate_label:
                text.append(f" {safe(candidate_label, limit=30)}")
            if count:
                text.append(f"  {index + 1}/{count}", style="dim")
        if note:
            text.append(f"  {safe(note, limit=100)}", style="bold")
        text.append("\n")
        if definition:
            width = max(self.content_size.width, 20) if self.content_size.width else 100
            text.append(safe(f"{role}: {definition}", limit=width), style="italic")
            text.append("\n")
        if roles:
            text.append(safe(roles, limit=300))
            text.append("\n")
        text.append(safe(keys), style="dim")
        self.update(text)
        self.add_class("-open")

    def close(self) -> None:
        """Hide the prompt."""
        self.remove_class("-open")
        self.update("")

    @property
    def is_open(self) -> bool:
        """Whether the prompt is showing."""
        return self.has_class("-open")
