"""brat standoff: a folder of ``.txt``/``.ann`` pairs plus brat's ``.conf`` files.

Every line kind is read and written: ``T`` (discontinuous ``0 5;9 14``),
``E`` (``Type:T1 Role:T2``, numbered roles like ``Org-Arg2`` kept as
written, events as arguments), ``R``, ``*`` equivalences, ``A`` and the old
``M`` (binary or valued), ``N`` normalisations and ``#`` notes (text kept
exactly). Offsets are code points into the text as stored.

Import then export gives the same ``.ann`` lines in the same order and a
byte-identical ``.txt``. Two facts make that possible without new columns:
the brat id of each annotation is its ``source_id`` (``*`` lines get
``*1``, ``*2``... in file order, written back as ``*``), and the document's
``meta["brat"]`` remembers the original line order (``order``, only when it
differs from the default) and, for the few lines our writer would spell
differently (an ``R`` line ending in a TAB, an ``N`` type other than
``Reference``, a ``T`` line without its text), the original line together
with the line we would write (``raw``: ``{id: [ours, original]}``); the
original is written back only while the annotation is unchanged. The
.ann's line ends (CR LF, CR, none after the last line) and blank lines are
kept there too (``eol``, ``last_eol``, ``blank``).

A ``.ann`` we write is always readable by brat, whose reader splits lines
with ``str.splitlines``: a span covering a line break (``\\n``, ``\\r``,
``\\v``, ``\\f``, ``\\x1c``-``\\x1e``, U+0085, U+2028, U+2029) is written
as fragments around it, and names and note texts never contain one.

The code is split by direction: :mod:`.lines` (the .ann line vocabulary and
rendering one line, used both ways), :mod:`.reader` (parse a .ann, import
folders and bind their .conf), :mod:`.writer` (a document's .ann text, an
export folder), :mod:`.conf` (brat's configuration files as a schema),
:mod:`.annconf` (annotation.conf line by line, as brat reads it) and
:mod:`.overlap` (brat's span overlap rules, checked on import). The registry
entries :func:`read` and :func:`export` are re-exported here. (The modules
are not named ``read``/``write``: a submodule named ``read`` would be
shadowed by the registry function of the same name.)
"""

from __future__ import annotations

# Import and export both use the .conf code (and through it the schema module):
# loaded with this package, not inside the first read or export that needs it.
from tui.core.formats.brat import conf as _brat_conf  # noqa: F401
from tui.core.formats.brat.lines import LINE_BREAKS, PREFIX, assign_ids, brat_fragments
from tui.core.formats.brat.reader import ParsedAnn, _walk_files, parse_ann, read
from tui.core.formats.brat.writer import _render, _render_rows, _usage_key, export, render_ann

SUFFIXES = (".ann",)
#: brat is a folder of files: export needs ``--out DIR``.
FOLDER = True

__all__ = [
    "FOLDER", "LINE_BREAKS", "PREFIX", "SUFFIXES", "ParsedAnn", "_render", "_render_rows", "_usage_key",
    "_walk_files", "assign_ids", "brat_fragments", "export", "parse_ann", "read", "render_ann",
]
