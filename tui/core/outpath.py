"""Where exports write: one policy for every path that comes from data, and atomic writes.

Document names, the names of a schema's embedded brat conf blocks
(``#brat-conf NAME``) and anything else derived from data become file
names only through :func:`split_relative` and :meth:`OutputFolder.write`:

- a name is a relative ``/``-separated path: not empty, not absolute, no
  ``.``, ``..`` or empty part, no NUL, no backslash (Windows reads it as a
  separator), valid Unicode (a lone surrogate would become a raw byte);
- at most :data:`MAX_COMPONENT_BYTES` bytes (UTF-8) in a part, after the
  ``.txt``/``.ann`` suffix, :data:`MAX_PATH_BYTES` in the whole path and
  :data:`MAX_COMPONENTS` parts;
- two things written to one path are an error naming both, also when the
  paths differ only in case or Unicode normal form (one file on macOS and
  Windows);
- nothing is written through a symlink: every folder is made by the export
  itself inside a fresh temporary folder, every file is created with
  ``O_EXCL | O_NOFOLLOW``.

Exports are atomic. A folder export is written into a hidden sibling,
``.NAME.tui-partial-PID-XXXX``, synced, and renamed into place only when
complete; an earlier export at ``--out`` (a folder holding the
:data:`MARKER` file) is swapped out in one step and then removed. A folder
that tui did not write is never replaced. A single file is written to an
unnamed ``O_TMPFILE`` (Linux; a named hidden temporary file elsewhere),
synced, and renamed over the target. A process killed part-way leaves at
most a hidden ``.NAME.tui-partial-*`` entry, which the next export to the
same place removes once its owner is gone. Files and folders are created
with modes 0666/0777, so the user's umask decides.

No Textual or Rich here: the app can use the same writers.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Literal

from tui.core.errors import InputError, TuiError

try:  # advisory locks tell a live export's temporary folder from a dead one's
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The longest file or folder name most file systems accept, in bytes.
MAX_COMPONENT_BYTES = 255
#: The longest relative path written, in bytes (Linux's PATH_MAX).
MAX_PATH_BYTES = 4096
#: The most parts (folders and the file) a relative path may have.
MAX_COMPONENTS = 64
#: The file that marks a folder as a tui export, which the next export may replace.
MARKER = ".tui-export"
MARKER_TEXT = (
    "This folder was written by `tui export`. The next export to it replaces it whole:\n"
    "files added here are removed then.\n"
)
#: What every temporary name holds: ``.NAME.tui-partial-PID-RANDOM``.
PARTIAL = ".tui-partial-"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | getattr(os, "O_BINARY", 0)


class UnsafePath(InputError):
    """A name from data that cannot be a path under the output folder."""


class PathCollision(TuiError):
    """Two things (documents, conf files) that would be written to one path."""


class ExportWriteError(TuiError):
    """A write that failed (full disk, no permission...): nothing was put in place."""


def show(name: Any, limit: int = 60) -> str:
    """A name for an error message: quoted, escapes spelt out, cut at ``limit`` characters."""
    if isinstance(name, str) and len(name) > limit:
        return repr(name[:limit]) + f"... ({len(name)} characters)"
    return repr(name)


def split_relative(name: Any, what: str = "name") -> tuple[str, ...]:
    """Check a relative path that comes from data and split it into its parts.

    Args:
        name: the path, ``/``-separated (a document name, a conf block name).
        what: what the name is, for the error (``"document"``...).

    Returns:
        The parts, each a non-empty file or folder name.

    Raises:
        UnsafePath: naming ``what``, the name and why it cannot be written.
    """

    def refuse(reason: str) -> UnsafePath:
        return UnsafePath(f"{what} {show(name)}: {reason}")

    if not isinstance(name, str):
        raise refuse("not a text")
    if not name:
        raise refuse("empty: it cannot be a file name")
    if "\x00" in name:
        raise refuse("holds a NUL character, which no file name can")
    if name.startswith("/"):
        raise refuse("an absolute path: only paths inside the output folder are written")
    if "\\" in name:
        raise refuse("holds a backslash, a folder separator on Windows")
    if len(name) > MAX_PATH_BYTES:  # checked before encoding: a million characters stop here
        raise refuse(f"{len(name)} characters long (at most {MAX_PATH_BYTES} bytes)")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise refuse("not valid Unicode (a lone surrogate), so it has no file name") from None
    if size > MAX_PATH_BYTES:
        raise refuse(f"{size} bytes long (at most {MAX_PATH_BYTES})")
    depth = name.count("/") + 1
    if depth > MAX_COMPONENTS:
        raise refuse(f"{depth} folders deep (at most {MAX_COMPONENTS})")
    parts = tuple(name.split("/"))
    for part in parts:
        if part == "..":
            raise refuse("'..' would climb out of the output folder")
        if part == ".":
            raise refuse("'.' names a folder, not a file" if len(parts) > 1 else "'.' is the output folder itself")
        if not part:
            raise refuse("an empty part ('//' or a '/' at the end)")
        if len(part.encode("utf-8")) > MAX_COMPONENT_BYTES:
            raise refuse(f"a part of {len(part.encode('utf-8'))} bytes (at most {MAX_COMPONENT_BYTES} "
                         "in a file name)")
    return parts


def _check_parts(parts: Sequence[str], what: str, name: str) -> None:
    """The length limits again, on the path as written (a suffix makes the last part longer)."""
    rel = "/".join(parts)
    size = len(rel.encode("utf-8"))
    if size > MAX_PATH_BYTES:
        raise UnsafePath(f"{what} {show(name)}: written as a path of {size} bytes (at most {MAX_PATH_BYTES})")
    if len(parts) > MAX_COMPONENTS:
        raise UnsafePath(f"{what} {show(name)}: written {len(parts)} folders deep (at most {MAX_COMPONENTS})")
    last = len(parts[-1].encode("utf-8"))
    if last > MAX_COMPONENT_BYTES:
        raise UnsafePath(f"{what} {show(name)}: written as a file name of {last} bytes "
                         f"(at most {MAX_COMPONENT_BYTES})")


def fold(rel: str) -> str:
    """The key under which two paths are one file on a case-insensitive file system.

    Case-folded and in one Unicode normal form (macOS also treats ``é`` and
    ``e`` + combining accent as one name). Stricter than any one file
    system: a name refused here is one that some system would merge.
    """
    if rel.isascii():
        return rel.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", rel).casefold())


# ---------------------------------------------------------------------------
# Temporary names and what a killed export left behind


def _stem(name: str) -> str:
    """``name`` cut to 100 bytes, so that ``.NAME.tui-partial-...`` stays a valid file name."""
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= 100:
        return name
    return raw[:100].decode("utf-8", "ignore")


def _temp_name(name: str, tag: str = "") -> str:
    return f".{_stem(name)}{PARTIAL}{os.getpid()}-{tag}{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process (or no way to know): leave its files alone
    except OSError:
        return True
    return True


def _lock(fd: int, *, wait: bool = True) -> bool:
    """Take the advisory lock that marks a temporary entry as in use; False if another holds it."""
    if fcntl is None:  # pragma: no cover - Windows: no advisory locks
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def clean_stale(parent: str | Path, name: str) -> int:
    """Remove what killed exports to ``parent/name`` left behind.

    An entry ``.NAME.tui-partial-PID-...`` is removed only when process PID
    is gone and nobody holds its lock (so a live export, even one in another
    PID namespace, keeps its files). Symlinks and other odd entries with
    such a name are left alone.

    Args:
        parent: the folder holding the export.
        name: the export's file or folder name.

    Returns:
        How many entries were removed.
    """
    if fcntl is None:  # pragma: no cover - Windows: no way to tell a live export from a dead one
        return 0
    prefix = f".{_stem(name)}{PARTIAL}"
    removed = 0
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix):].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            st = os.lstat(entry.path)
        except OSError:
            continue
        if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            if not _lock(fd, wait=False):
                continue
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


# ---------------------------------------------------------------------------
# Syncing and swapping (Linux calls through libc when there; portable fallbacks)

_libc: Any = None


def _c() -> Any:
    global _libc
    if _libc is None:
        try:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        except (OSError, ImportError):  # pragma: no cover - no C library to load
            _libc = False
    return _libc


def _sync_tree(fd: int) -> None:
    """Make every file written under the folder ``fd`` durable before the rename publishes it.

    ``syncfs`` flushes the folder's file system in one call; one ``fsync``
    per file of a 20,000-file corpus would cost seconds.
    """
    libc = _c()
    if libc and hasattr(libc, "syncfs"):
        if libc.syncfs(fd) == 0:
            return
    if hasattr(os, "sync"):
        os.sync()


def _exchange(a: str, b: str) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False when not possible."""
    libc = _c()
    if not libc or not hasattr(libc, "renameat2") or not sys.platform.startswith("linux"):
        return False
    import ctypes

    at_fdcwd, rename_exchange = -100, 2
    if libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)):
        return False
    raise OSError(err, os.strerror(err), b)


def _fsync_dir(path: str | Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError:  # pragma: no cover - a folder one cannot open (Windows): nothing to sync
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------------
# A folder export


class OutputFolder:
    """A folder export written into a temporary sibling and put in place when complete.

    Use as a context manager: :meth:`write` each file; leaving the block
    without an exception syncs the folder and renames it to ``out`` (an
    earlier tui export there is swapped out and removed); an exception
    removes the temporary folder and leaves ``out`` as it was.

    ``out`` must be absent, an empty folder, or a folder holding
    :data:`MARKER` (written by an earlier export); anything else is refused
    before anything is written.
    """

    def __init__(self, out: str | Path) -> None:
        """Args:
            out: the folder to create or replace (``--out``).
        """
        self.out = Path(out)
        self.target = os.path.abspath(out)
        self.partial = ""
        self._fd = -1
        self._files: dict[str, tuple[str, str, str]] = {}
        self._dirs: dict[str, tuple[str, str, str]] = {}
        self._made: set[tuple[str, ...]] = {()}
        self._existed = False

    def _check_target(self) -> bool:
        """Whether ``out`` exists (and may be replaced); raises when it may not."""
        try:
            st = os.lstat(self.target)
        except FileNotFoundError:
            return False
        if stat.S_ISLNK(st.st_mode):
            raise TuiError(f"{self.out}: a symbolic link; give the folder itself or a new folder")
        if not stat.S_ISDIR(st.st_mode):
            raise TuiError(f"{self.out}: a file is there; give a new or empty folder")
        with os.scandir(self.target) as it:
            empty = next(it, None) is None
        if empty:
            return True
        try:
            mark = os.lstat(os.path.join(self.target, MARKER))
        except FileNotFoundError:
            mark = None
        if mark is None or not stat.S_ISREG(mark.st_mode):
            raise TuiError(f"{self.out}: holds files that tui export did not write; give a new or empty "
                           f"folder (a folder an earlier export wrote is replaced whole)")
        return True

    def __enter__(self) -> OutputFolder:
        """Check ``out``, remove what killed exports left, and make the temporary folder."""
        self._existed = self._check_target()
        parent, name = os.path.split(self.target)
        os.makedirs(parent, exist_ok=True)  # the user's own path: its missing folders are made
        clean_stale(parent, name)
        while True:
            path = os.path.join(parent, _temp_name(name))
            try:
                os.mkdir(path, 0o777)
                break
            except FileExistsError:  # pragma: no cover - 32 random bits taken
                continue
        self.partial = path
        self._fd = os.open(path, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
        _lock(self._fd)
        self._files[fold(MARKER)] = ("tui's marker file", MARKER, MARKER)
        return self

    def write(self, parts: Sequence[str], data: str | bytes, *, what: str, name: str) -> None:
        """Write one file at ``parts`` (checked parts from :func:`split_relative`, plus any suffix).

        Args:
            parts: the relative path, one folder or file name per item.
            data: the file's content (text is written as UTF-8).
            what: what is written, for errors (``"document"``).
            name: its name, for errors.

        Raises:
            UnsafePath: the path as written is too long.
            PathCollision: something else was written to the same path.
            OSError: the write failed.
        """
        _check_parts(parts, what, name)
        for i in range(1, len(parts)):
            folder = tuple(parts[:i])
            if folder in self._made:
                continue
            rel = "/".join(folder)
            key = fold(rel)
            clash = self._files.get(key)
            if clash is not None:
                raise self._collision(clash, (what, name, rel), rel)
            self._dirs.setdefault(key, (what, name, rel))
            path = os.path.join(self.partial, *folder)
            try:
                os.mkdir(path, 0o777)
            except FileExistsError:  # the same folder in other case, on a case-insensitive system
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    raise
            self._made.add(folder)
        rel = "/".join(parts)
        key = fold(rel)
        clash = self._files.get(key) or self._dirs.get(key)
        if clash is not None:
            raise self._collision(clash, (what, name, rel), rel)
        self._files[key] = (what, name, rel)
        fd = os.open(os.path.join(self.partial, *parts), _CREATE, 0o666)
        try:
            _write_all(fd, data.encode("utf-8") if isinstance(data, str) else data)
        finally:
            os.close(fd)

    @staticmethod
    def _collision(first: tuple[str, str, str], second: tuple[str, str, str], rel: str) -> PathCollision:
        (w1, n1, r1), (w2, n2, r2) = first, second
        why = "" if r1 == r2 else (" (paths that differ only in case or Unicode form are one file on "
                                   "macOS and Windows)")
        return PathCollision(f"{w1} {show(n1)} and {w2} {show(n2)} would both be written to "
                             f"{show(r1)}{why}; rename one of them")

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        """Put the folder in place, or remove it; an OSError becomes one :class:`ExportWriteError`."""
        try:
            if exc_type is None:
                try:
                    self._finish()
                    return False
                except BaseException as err:
                    self._discard()
                    if isinstance(err, OSError):
                        raise self._failed(err) from err
                    raise
            self._discard()
            if isinstance(exc, OSError):
                raise self._failed(exc) from exc
            return False
        finally:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def _failed(self, exc: OSError) -> ExportWriteError:
        where = ""
        if exc.filename and self.partial and str(exc.filename).startswith(self.partial + os.sep):
            where = f" ({str(exc.filename)[len(self.partial) + 1:]!r})"
        kept = "; the earlier export there is unchanged" if self._existed else ""
        return ExportWriteError(f"{self.out}: {_reason(exc)}{where}: nothing was written{kept}")

    def _finish(self) -> None:
        fd = os.open(os.path.join(self.partial, MARKER), _CREATE, 0o666)
        try:
            _write_all(fd, MARKER_TEXT.encode("utf-8"))
        finally:
            os.close(fd)
        _sync_tree(self._fd)
        if self._check_target():  # again: another process may have written there meanwhile
            if _exchange(self.partial, self.target):
                shutil.rmtree(self.partial, ignore_errors=True)  # now the earlier export
            else:
                parent, name = os.path.split(self.target)
                old = os.path.join(parent, _temp_name(name, "old-"))
                os.rename(self.target, old)
                os.rename(self.partial, self.target)
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.partial, self.target)
        self.partial = ""
        _fsync_dir(os.path.dirname(self.target))

    def _discard(self) -> None:
        if self.partial:
            shutil.rmtree(self.partial, ignore_errors=True)
            self.partial = ""


# ---------------------------------------------------------------------------
# A single-file export


def _open_unnamed(dir_fd: int) -> int | None:
    """An unnamed file in the folder (Linux ``O_TMPFILE``), or None where there is none."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(".", flag | os.O_WRONLY | _CLOEXEC, 0o666, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None  # a file system (or kernel) without O_TMPFILE
        raise


def write_file(out: str | Path, write: Callable[[IO[str]], Any]) -> None:
    """Write the file ``out`` in one step: complete, or not at all.

    ``write(fh)`` gets a UTF-8 text file object (binary writers use its
    ``buffer``). The data goes to an unnamed temporary file in the same
    folder (``O_TMPFILE``; a hidden ``.NAME.tui-partial-*`` file where there
    is none), is synced, and renamed over ``out``. Whatever goes wrong, an
    earlier ``out`` is left as it was and no temporary file remains; a kill
    -9 leaves nothing behind, or at most the hidden file, which the next
    export to ``out`` removes. The file's mode follows the umask.

    Args:
        out: the file to write (the user's ``--out``).
        write: called once with the open file.

    Raises:
        InputError: the folder of ``out`` does not exist.
        ExportWriteError: ``out`` is a folder, or a write failed.
    """
    target = Path(out)
    parent = target.parent
    if not parent.is_dir():
        raise InputError("no such directory", path=str(parent))
    name = target.name
    if not name or os.path.isdir(target):
        raise ExportWriteError(f"{out}: a folder; give a file name")
    clean_stale(parent, name)
    dir_fd = os.open(parent, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    tmp: str | None = None
    fd = -1
    try:
        try:
            unnamed = _open_unnamed(dir_fd)
            if unnamed is None:
                tmp = _temp_name(name)
                fd = os.open(tmp, _CREATE, 0o666, dir_fd=dir_fd)
            else:
                fd = unnamed
            _lock(fd)
            with os.fdopen(fd, "w", encoding="utf-8", newline="", closefd=False) as fh:
                write(fh)
                fh.flush()
            os.fsync(fd)
            if tmp is None:
                tmp = _temp_name(name)
                os.link(f"/proc/self/fd/{fd}", tmp, dst_dir_fd=dir_fd, follow_symlinks=True)
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            tmp = None
            try:
                os.fsync(dir_fd)  # the rename itself made durable
            except OSError:  # pragma: no cover - file systems that refuse fsync on folders
                pass
        except BaseException as exc:
            if tmp is not None:
                try:
                    os.unlink(tmp, dir_fd=dir_fd)
                except OSError:
                    pass
            if isinstance(exc, OSError):
                raise ExportWriteError(f"{out}: {_reason(exc)}: nothing was written"
                                       + ("; the earlier file is unchanged" if target.exists() else "")) from exc
            raise
    finally:
        if fd >= 0:
            os.close(fd)
        os.close(dir_fd)
