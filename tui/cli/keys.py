"""``tui keys``: every key binding of the app, after the user's keymap, as a table or JSON."""

from __future__ import annotations

import click

from tui.cli.main import say


def register(group: click.Group) -> None:
    """Add the ``keys`` command to the group."""

    @group.command("keys")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--keymap", "keymap_file", type=click.Path(dir_okay=False), default=None,
                  help="Keymap file to apply (default: $XDG_CONFIG_HOME/tui/keymap.toml).")
    def keys_cmd(fmt: str, keymap_file: str | None) -> None:
        """List every key binding: id, keys, the screen or widget it belongs to, what it does.

        The keys are the ones the app would use: the defaults with the user's
        keymap.toml applied (a binding without an id cannot be remapped; its
        id is empty). The app is not started. JSON is a list of objects with
        the fields id, keys, default_keys, owner, action, description, tooltip.

        \b
        Example:
            tui keys
            tui keys --format json | jq '.[] | select(.id == "tag-1")'
        """
        from tui.app.keymap import binding_rows, load_keymap, unknown_ids

        keymap = load_keymap(keymap_file)  # a broken file: one-line error (KeymapError)
        rows = binding_rows(keymap)
        if fmt == "json":
            from tui.core.termsafe import dumps

            say(dumps([r.to_dict() for r in rows], indent=2))
        else:
            header = ("ID", "KEYS", "OWNER", "DESCRIPTION")
            table = [(r.id or "-", ",".join(r.keys), r.owner.removeprefix("tui.app."),
                      r.description or r.tooltip or r.action) for r in rows]
            widths = [max(len(header[i]), *(len(t[i]) for t in table)) for i in range(3)]
            for line in (header, *table):
                say("  ".join(c.ljust(w) for c, w in zip(line[:3], widths, strict=True)) + "  " + line[3])
        unknown = unknown_ids(keymap, {r.id for r in rows if r.id})
        if unknown:
            say(f"tui: warning: keymap: no key binding has the id {', '.join(unknown)}", err=True)
