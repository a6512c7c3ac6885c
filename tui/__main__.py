"""``python -m tui`` runs the command line."""

from tui.cli.main import cli

cli()
