"""The command line: ``tui`` opens the reader; subcommands are headless.

``--db`` / ``TUI_DB`` and ``--annotator`` / ``TUI_ANNOTATOR`` are accepted
before and after every subcommand. Errors print one line and exit non-zero;
nothing here imports Textual except the command that runs the app.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource
from click_default_group import DefaultGroup

from tui.core.errors import InputErrors, TuiError

if TYPE_CHECKING:
    from tui.core.workflows.importing import ImportOutcome

DEFAULT_DB = "annotations.db"
#: Format names for help texts (kept in sync with tui.core.formats.FORMATS by a test).
FORMAT_NAMES = ("text", "markdown", "jsonl", "brat", "conll", "conllu", "spacy", "labelstudio", "doccano")
MAX_ERRORS_SHOWN = 20
#: Longest one-line message printed (characters, after escaping).
MAX_MESSAGE = 2000


def say(text: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """The one way a command prints: every control character of data shown as an escape.

    Newline and tab stay (they are the output's structure); ESC, BEL, NUL, DEL,
    C1 and bidi controls become ``\\x1b`` / ``\\u202e``. JSON is made by
    :func:`tui.core.termsafe.dumps`, which leaves nothing here to escape.

    Args:
        text: the message (data included).
        err: write to standard error.
        nl: end with a newline.
    """
    from tui.core.termsafe import escape

    click.echo(escape(str(text)), err=err, nl=nl)


def _line(value: Any) -> str:
    """A piece of data inside a one-line message: newlines and tabs escaped too."""
    from tui.core.termsafe import escape

    text = escape(str(value), keep="")
    # A one-line message stays one readable line even when a parser quoted a huge input line.
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class _TerminalWriter:
    """A text stream for exports to a terminal: data's control characters escaped.

    Piped or redirected, standard output gets the exact bytes instead.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        from tui.core.termsafe import escape

        return self.stream.write(escape(text))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()


def _drop_stdout() -> None:
    """Send whatever is left of standard output to /dev/null (its reader has closed the pipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a test runner's stream)
        pass


class TuiGroup(DefaultGroup):
    """A default group that turns our errors into one-line messages and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        # Imported here, not at the top: `tui --help` need not load the store.
        from tui.core.store import DatabaseError

        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader of our output went away (`tui search X | head`): what it
            # wanted was printed, so end quietly and successfully, as `head`'s
            # caller expects. Standard output is pointed at /dev/null first, or the
            # interpreter's final flush would fail again and print a traceback
            # (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
            _drop_stdout()
            ctx.exit(0)
        except InputErrors as exc:
            for err in exc.errors[:MAX_ERRORS_SHOWN]:
                say(f"tui: error: {_line(err)}", err=True)
            if len(exc.errors) > MAX_ERRORS_SHOWN:
                say(f"tui: ... and {len(exc.errors) - MAX_ERRORS_SHOWN} more", err=True)
            say("tui: nothing was written", err=True)
            ctx.exit(1)
        except TuiError as exc:
            say(f"tui: error: {_line(exc)}", err=True)
            ctx.exit(1)
        except DatabaseError as exc:
            say(f"tui: error: database: {_line(exc)}", err=True)
            ctx.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            say(f"tui: error: {_line(where)}{_line(exc.strerror or exc)}", err=True)
            ctx.exit(1)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep --db/--annotator wherever they were given; the command line beats the environment."""
    root = ctx.find_root()
    root.ensure_object(dict)
    source = ctx.get_parameter_source(param.name)
    if value is None:
        return value
    if param.name not in root.obj or source == ParameterSource.COMMANDLINE:
        root.obj[param.name] = value
    return value


def common_options(f: Any) -> Any:
    """Add ``--db`` and ``--annotator`` to a command (the group has them too)."""
    f = click.option(
        "--annotator", envvar="TUI_ANNOTATOR", expose_value=False, callback=_remember,
        help="Who is working (default: $TUI_ANNOTATOR or the login name).",
    )(f)
    f = click.option(
        "--db", envvar="TUI_DB", type=click.Path(dir_okay=False), expose_value=False,
        callback=_remember, help=f"The database file (default: $TUI_DB or ./{DEFAULT_DB}).",
    )(f)
    return f


def open_store(ctx: click.Context, *, readonly: bool = False) -> Any:
    """Open the store named by --db / TUI_DB for the current annotator.

    Args:
        ctx: the click context (for --db and --annotator).
        readonly: for commands that only read (list, search, export, check,
            stats, agree, schema show): the file is opened read-only and is
            never created, migrated or switched to WAL. A database too old
            to read as it is gets a one-line error saying that any writing
            command upgrades it (with a backup).

    Returns:
        The open :class:`tui.core.store.Store`.

    Raises:
        StoreError: a missing file (read-only), a file that is not a tui
            database, or a read-only one opened for writing.
    """
    from tui.core.store import Store

    obj = ctx.find_root().obj or {}
    path = obj.get("db") or DEFAULT_DB
    if readonly and not Path(path).exists():
        from tui.core.errors import StoreError

        raise StoreError(f"{path}: no such database (import something first: tui import FILE)")
    return Store(path, annotator=obj.get("annotator"), readonly=readonly)


@click.group(cls=TuiGroup, default="open", default_if_no_args=True, invoke_without_command=True)
@click.version_option(package_name="tui", message="tui %(version)s")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """tui: read news articles in the terminal and annotate them.

    With no command, opens the reader on the last opened document.

    \b
    Example:
        tui import seeds/
        tui                      # read and annotate
        tui export --format jsonl --out corpus.jsonl
    """
    ctx.ensure_object(dict)
    if ctx.invoked_subcommand is None:  # `tui --db x.db`: options but no command
        ctx.invoke(open_cmd, target=None)


@cli.command("open")
@click.argument("target", required=False)
@common_options
@click.pass_context
def open_cmd(ctx: click.Context, target: str | None) -> None:
    """Open the reader (on NAME, on FILE after importing it, or the last document).

    With no terminal attached, prints the document listing instead.

    \b
    Example:
        tui open basra-offensive
        tui article.md
    """
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    store = open_store(ctx)
    try:
        doc_name = None
        if target:
            path = Path(target)
            from tui.core.fetch import is_url

            if store.find_document(target) is not None:
                doc_name = target
            elif is_url(target):
                from tui.core.workflows.importing import ImportRequest, import_files

                outcome = import_files(store, ImportRequest(paths=(), urls=(target,)))
                _say_import_notes(outcome)
                doc_name = outcome.documents[0]
            elif path.is_file():
                from tui.core.workflows.importing import ImportRequest, import_files

                outcome = import_files(store, ImportRequest(paths=(path,)))
                _say_import_notes(outcome)
                doc_name = outcome.documents[0]
            else:
                from tui.core.errors import NotFound

                raise NotFound(f"{target}: no document of that name and no such file")
        if not interactive:
            _print_listing(store)
            return
        try:
            from tui.app.app import run_app
        except ImportError:
            _print_listing(store)
            return
    finally:
        store.close()
    run_app(_db_path(ctx), annotator=(ctx.find_root().obj or {}).get("annotator"), document=doc_name)


def _db_path(ctx: click.Context) -> str:
    return (ctx.find_root().obj or {}).get("db") or DEFAULT_DB


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False))
@click.option("--format", "fmt", default="auto", show_default=True,
              help="Input format: auto (by extension and content), " + ", ".join(FORMAT_NAMES) + ".")
@click.option("--schema", "schema_opt", default=None,
              help="Schema name or TOML file to bind the documents to (default ace2005).")
@click.option("--as-suggestions", is_flag=True, help="Import annotations as pending suggestions.")
@click.option("--lenient", is_flag=True, help="Skip (and list) what breaks the schema instead of failing.")
@click.option("--offsets", type=click.Choice(["codepoint", "utf16"]), default=None,
              help="Offset unit of the input, for formats that may use either.")
@click.option("--update", is_flag=True,
              help="Re-import files whose text changed, moving their annotations (orphans are listed).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True,
              help="Seconds one URL's fetch may take, all told.")
@click.option("--max-size", "max_size", type=click.FloatRange(min=0.001), default=10.0, show_default=True,
              help="The largest page fetched from a URL, in MiB.")
@common_options
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[str, ...], fmt: str, schema_opt: str | None,
               as_suggestions: bool, lenient: bool, offsets: str | None, update: bool = False,
               timeout: float = 20.0, max_size: float = 10.0) -> None:
    """Import files, folders or web pages (URLs) as documents (all or nothing).

    A document's name is its path relative to the imported folder, without
    extension (a single file: its stem; a URL: its host and path). Importing
    the same text under the same name again changes nothing. A saved web page
    (.html) or a URL gives its article's text and metadata (title, author,
    date, site, URL); the page's HTML is kept with it.

    \b
    Example:
        tui import seeds/
        tui import article.md notes.txt --schema my-schema.toml
        tui import saved-page.html https://news.example/2024/story
        tui import corpus.jsonl
        tui import --format brat brat-folder/
    """
    from tui.core.fetch import is_url
    from tui.core.workflows.importing import ImportRequest, check_format, import_files

    _usage(check_format, fmt)
    request = ImportRequest(paths=tuple(Path(p) for p in paths if not is_url(p)),
                            urls=tuple(p for p in paths if is_url(p)), fmt=fmt, schema=schema_opt,
                            as_suggestions=as_suggestions, lenient=lenient, offsets=offsets,  # type: ignore[arg-type]
                            update=update, fetch_timeout=timeout, fetch_max_bytes=int(max_size * 2**20))
    store = open_store(ctx)
    try:
        outcome = _usage(import_files, store, request,
                         progress=_bar("importing") if sys.stderr.isatty() else None)
    finally:
        store.close()
    _say_import_notes(outcome)
    say(outcome.summary())
    for report in outcome.reanchored:
        say(report.summary())
        for line in report.orphan_lines():
            say(line)


def _say_import_notes(outcome: ImportOutcome) -> None:
    """An import's notes and skipped lines, one line each on standard error."""
    for line in outcome.notes:
        say(f"note: {_line(line)}", err=True)
    for line in outcome.skipped:
        say(f"skipped: {_line(line)}", err=True)


def _usage(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a workflow step; a request it refuses becomes click's usage error on that option."""
    from tui.core.workflows import RequestError

    try:
        return call(*args, **kwargs)
    except RequestError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.option) from None


def _bar(label: str) -> Any:
    """A workflow's ``progress(items, total)``: a bar on standard error past 20 items."""

    def progress(items: Any, total: int) -> Any:
        if total <= 20:
            yield from items
            return
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            for item in items:
                yield item
                bar.update(1)

    return progress


@cli.command("list")
@common_options
@click.pass_context
def list_cmd(ctx: click.Context) -> None:
    """List documents with their status and counts per annotation kind.

    \b
    Example:
        tui list
        tui --db team.db list --annotator alice
    """
    store = open_store(ctx, readonly=True)
    try:
        _print_listing(store)
    finally:
        store.close()


def _print_listing(store: Any) -> None:
    from tui.core.listing import format_listing

    say(format_listing(store.documents(), store.annotator), nl=False)


@cli.command("export")
@click.option("--format", "fmt", default="jsonl", show_default=True,
              help="Output format: " + ", ".join(FORMAT_NAMES) + ".")
@click.option("--out", "out", default="-", help="Output file or folder (- for standard output).")
@click.option("--doc", "docs", multiple=True, help="Only this document (repeatable).")
@click.option("--layer", "layers", multiple=True, help="Only this annotator's annotations (repeatable).")
@click.option(
    "--status", "status", type=click.Choice(["accepted", "pending", "rejected", "all"]), default=None,
    help="Which annotations (default: all for jsonl, accepted for dataset formats).",
)
@click.option("--doc-status", "doc_status", type=click.Choice(["new", "in-progress", "done"]), default=None,
              help="Only documents with this status for the current annotator.")
@click.option("--offsets", type=click.Choice(["codepoint", "utf16"]), default=None,
              help="Offset unit, for formats that may use either.")
@click.option("--label-case", type=click.Choice(["upper"]), default=None, help="Change label case (CoNLL).")
@click.option("--shape", type=click.Choice(["label", "entities"]), default=None,
              help="doccano: one record shape for the whole file, 'label' (sequence labelling) or "
                   "'entities' (relation extraction); default: entities if any document has relations or events.")
@click.option("--strict", is_flag=True, help="Fail if the format cannot carry everything.")
@common_options
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, out: str, docs: tuple[str, ...], layers: tuple[str, ...],
               status: str | None, doc_status: str | None, offsets: str | None, label_case: str | None,
               shape: str | None, strict: bool) -> None:
    """Export documents and annotations; what a format cannot carry is reported.

    JSONL is our own lossless format: export, import into an empty database
    and export again gives identical bytes.

    An export is complete or absent: a file is written beside --out and
    renamed over it at the end; a folder (brat) is written into a hidden
    .NAME.tui-partial-* sibling and renamed into place. A folder --out must
    be new, empty, or an earlier tui export (it holds a .tui-export file),
    which is then replaced whole; any other folder is refused. Document
    names become file names only inside --out: absolute names, '..', NUL,
    over-long names and two names for one file (also 'Doc' and 'doc')
    are errors, and nothing is written.

    \b
    Example:
        tui export --format jsonl --out corpus.jsonl
        tui export --doc basra-offensive --layer alice --status accepted
        tui export --format brat --out brat-folder/
    """
    from tui.core.workflows.exporting import ExportRequest, export_documents, writes_folder

    request = ExportRequest(fmt=fmt, docs=docs, layers=layers, status=status,  # type: ignore[arg-type]
                            doc_status=doc_status, offsets=offsets,  # type: ignore[arg-type]
                            label_case=label_case, strict=strict, shape=shape)  # type: ignore[arg-type]
    if _usage(writes_folder, fmt) and out == "-":
        raise click.BadParameter(f"{fmt} writes a folder: give --out DIR", param_hint="--out")
    store = open_store(ctx, readonly=True)
    try:
        progress = _bar(f"exporting {fmt}") if sys.stderr.isatty() else None
        if out == "-":
            # a terminal gets data's control characters escaped; a pipe gets the exact bytes
            stream = _TerminalWriter(sys.stdout) if sys.stdout.isatty() else sys.stdout
            outcome = _usage(export_documents, store, request, stream, progress=progress)
            sys.stdout.flush()
        else:
            outcome = _usage(export_documents, store, request, Path(out), progress=progress)
    finally:
        store.close()
    for line in outcome.losses:
        say(f"loss: {_line(line)}", err=True)
    for line in outcome.info:
        say(f"note: {_line(line)}", err=True)


@cli.command("check")
@common_options
@click.pass_context
def check_cmd(ctx: click.Context) -> None:
    """Verify every document against its sha256 and every span against its text.

    \b
    Example:
        tui check && echo ok
    """
    store = open_store(ctx, readonly=True)
    try:
        problems = store.check()
    finally:
        store.close()
    for p in problems:
        say(_line(p))
    if problems:
        say(f"tui: {len(problems)} problem(s)", err=True)
        ctx.exit(1)
    say("ok: every document matches its sha256 and every span its text")


@cli.group("schema")
@common_options
def schema_group() -> None:
    """Show and check annotation schemas.

    \b
    Example:
        tui schema show ace2005
        tui schema check my-schema.toml
    """


@schema_group.command("show")
@click.argument("name", required=False, default="ace2005")
@common_options
@click.pass_context
def schema_show(ctx: click.Context, name: str) -> None:
    """Print a schema: a preset or stored name, or a TOML file.

    \b
    Example:
        tui schema show
        tui schema show my-schema.toml
    """
    from tui.core.schema import format_schema, load_schema, preset, preset_names

    if Path(name).is_file():
        schema = load_schema(name)
    else:
        db = (ctx.find_root().obj or {}).get("db") or DEFAULT_DB
        if Path(db).exists():
            store = open_store(ctx, readonly=True)
            try:
                schema = store.schema(name)
            finally:
                store.close()
        elif name in preset_names():
            schema = preset(name)
        else:
            schema = preset(name)  # raises a SchemaError naming it
    say(format_schema(schema), nl=False)


@schema_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@common_options
def schema_check(path: str) -> None:
    """Validate a schema file; every problem is listed with its line.

    \b
    Example:
        tui schema check my-schema.toml
    """
    from tui.core.schema import check_schema_text
    from tui.core.text.offsets import decode_utf8

    text = decode_utf8(Path(path).read_bytes(), path)
    errors = check_schema_text(text, path)
    for err in errors:
        say(f"tui: error: {_line(err)}", err=True)
    if errors:
        sys.exit(1)
    say(f"{_line(path)}: ok")


def main() -> None:  # pragma: no cover - console entry
    cli()


#: Modules under tui.cli that add subcommands; each defines ``register(group)``.
COMMAND_MODULES = ("suggest", "search", "agree", "adjudicate", "merge", "stats", "review", "keys")


def _register_commands() -> None:
    import importlib
    import importlib.util

    for name in COMMAND_MODULES:
        if importlib.util.find_spec(f"tui.cli.{name}") is not None:
            importlib.import_module(f"tui.cli.{name}").register(cli)


_register_commands()
