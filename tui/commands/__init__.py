"""Subcommands beyond the core ones, one module each with ``register(cli)``.

Each module imports heavy things (spaCy, Textual) inside its functions so
``tui --help`` and headless commands stay fast.
"""
