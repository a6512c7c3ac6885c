"""The command line: ``tui`` and its subcommands (``tui.cli.main:cli``).

``main`` holds the group and the core subcommands (import, export, list,
check, schema, open); the other modules add one subject each with
``register(cli)`` and import heavy things (spaCy, Textual) inside their
functions so ``tui --help`` and headless commands stay fast.
"""

from tui.cli.main import cli

__all__ = ["cli"]
