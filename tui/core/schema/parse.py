"""Reading schemas: from TOML text, from a file, and the packaged presets.

Every entry point raises :class:`~tui.core.schema.types.SchemaError` naming the
file and line; :func:`check_schema_text` lists every problem instead.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from tui.core.schema.check import _Checker
from tui.core.schema.types import Schema, SchemaError

#: The largest schema file read (a schema with every embedded brat conf is a few KiB).
MAX_SCHEMA_BYTES = 16 * 1024 * 1024


def check_schema_text(text: str, path: str = "<schema>") -> list[SchemaError]:
    """Check a schema's TOML text and report every problem found.

    Args:
        text: the TOML source.
        path: the file name used in the errors.

    Returns:
        The errors in line order; empty when the schema is valid.
    """
    checker = _Checker(text, path)
    checker.run()
    return sorted(checker.errors, key=lambda e: (e.line is None, e.line or 0))


def parse_schema(text: str, path: str = "<schema>") -> Schema:
    """Parse a schema from TOML text.

    Args:
        text: the TOML source.
        path: the file name used in errors.

    Returns:
        The schema, with ``source`` set to ``text``.

    Raises:
        SchemaError: the first problem :func:`check_schema_text` finds.
    """
    checker = _Checker(text, path)
    schema = checker.run()
    if schema is None:
        errors = sorted(checker.errors, key=lambda e: (e.line is None, e.line or 0))
        raise errors[0]
    return schema


def _read_text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SchemaError(
            f"not UTF-8 (bad byte at offset {exc.start})", path=path, line=line
        ) from None


def load_schema(path: str | Path) -> Schema:
    """Read and parse a schema file.

    Args:
        path: a UTF-8 TOML file.

    Returns:
        The schema.

    Raises:
        SchemaError: the file cannot be read or is not a valid schema.
    """
    name = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SCHEMA_BYTES + 1)  # never more: a schema is small
    except OSError as exc:
        raise SchemaError(exc.strerror or str(exc), path=name) from None
    if len(data) > MAX_SCHEMA_BYTES:
        raise SchemaError(f"larger than {MAX_SCHEMA_BYTES // 2**20} MiB: not a schema", path=name)
    return parse_schema(_read_text(data, name), name)


def _presets_dir() -> Any:
    return resources.files("tui.core.schema") / "presets"


def preset_names() -> list[str]:
    """Return the names of the packaged schemas, sorted."""
    return sorted(
        p.name[: -len(".toml")] for p in _presets_dir().iterdir() if p.name.endswith(".toml")
    )


def preset(name: str = "ace2005") -> Schema:
    """Return a packaged schema, parsed afresh.

    Args:
        name: a name from :func:`preset_names`.

    Returns:
        The schema.

    Raises:
        SchemaError: no preset has that name.
    """
    names = preset_names()
    if name not in names:
        raise SchemaError(f"unknown schema preset '{name}' (known: {', '.join(names)})", path=name)
    resource = _presets_dir() / f"{name}.toml"
    return parse_schema(
        _read_text(resource.read_bytes(), f"presets/{name}.toml"), f"presets/{name}.toml"
    )
