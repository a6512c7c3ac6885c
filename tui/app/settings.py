"""The user's preferences: ``$XDG_CONFIG_HOME/tui/settings.toml``.

What the app remembers between runs that is not annotation work (that is in
the database): the theme, the side panels' width, the reading measure. The
file is small and flat::

    theme = "textual-dark"
    panel_width = 48
    measure = 100

It is read once at start-up and written whenever a preference changes. A
missing, unreadable or broken file gives the defaults (a preference is never
worth an error); a value of the wrong type or out of range is ignored.
Writing is atomic (a temporary file renamed over the old one) and a failure
to write is silent: the preference then lasts until the app quits.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

#: The side panels' width when nothing is set (cells, border included).
PANEL_WIDTH = 48
#: The narrowest and widest side panels a setting may ask for.
PANEL_WIDTH_RANGE = (24, 120)
#: The reading column's measure when nothing is set (cells of text per row).
MEASURE = 100
#: The narrowest and widest measure a setting may ask for.
MEASURE_RANGE = (30, 400)


def settings_path() -> Path:
    """Where the settings live: ``$XDG_CONFIG_HOME/tui/settings.toml`` (default ``~/.config``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "tui" / "settings.toml"


@dataclass
class Settings:
    """The preferences; ``None`` means "the default"."""

    theme: str | None = None
    """The Textual theme's name."""
    panel_width: int = PANEL_WIDTH
    """The side panels' width in cells."""
    measure: int = MEASURE
    """The widest row of article text, in cells."""


def _clamp_int(value: object, bounds: tuple[int, int]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    lo, hi = bounds
    return value if lo <= value <= hi else None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings (defaults for anything missing, broken or out of range)."""
    path = path or settings_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Settings()
    settings = Settings()
    theme = data.get("theme")
    if isinstance(theme, str) and 0 < len(theme) <= 100 and theme.isprintable():
        settings.theme = theme
    width = _clamp_int(data.get("panel_width"), PANEL_WIDTH_RANGE)
    if width is not None:
        settings.panel_width = width
    measure = _clamp_int(data.get("measure"), MEASURE_RANGE)
    if measure is not None:
        settings.measure = measure
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> bool:
    """Write the settings atomically; False if they could not be written."""
    path = path or settings_path()
    lines = ["# tui preferences (written by tui; safe to edit)"]
    for f in fields(settings):
        value = asdict(settings)[f.name]
        if value is None:
            continue
        # A JSON string is a valid TOML basic string (quotes and backslashes escaped).
        lines.append(f"{f.name} = {json.dumps(value) if isinstance(value, str) else int(value)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
