"""Who and when: fresh ids (UUIDv7), timestamps and the default annotator."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime


def now() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_last_uuid7 = [0, 0]  # [unix ms, 12-bit counter] of the last id made here


def new_id() -> str:
    """A fresh id, unique across databases and ordered by creation time (UUIDv7, RFC 9562).

    48 bits of Unix milliseconds, then a 12-bit counter that starts at a
    random value each millisecond and counts up within it (so ids made in
    one process sort in creation order), then 62 random bits. Written here
    rather than imported: the uuid6 package costs 30 ms of start-up time for
    these few lines.
    """
    ms = time.time_ns() // 1_000_000
    if ms <= _last_uuid7[0]:
        ms = _last_uuid7[0]
        counter = _last_uuid7[1] + 1
        if counter > 0xFFF:  # counter exhausted: borrow the next millisecond
            ms, counter = ms + 1, int.from_bytes(os.urandom(2), "big") & 0x7FF
    else:
        counter = int.from_bytes(os.urandom(2), "big") & 0x7FF
    _last_uuid7[0], _last_uuid7[1] = ms, counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_ids(n: int) -> list[str]:
    """``n`` fresh ids, as ``n`` quick calls of :func:`new_id` make them.

    Importers that give every annotation of a file an id (brat) call this
    once per file: one clock reading and one read of the random source for
    the batch, the ids counting up within the millisecond (borrowing the
    next one when the counter runs out, as :func:`new_id` does).
    """
    if n <= 0:
        return []
    hexes = os.urandom(8 * n).hex()
    last = _last_uuid7
    ms = time.time_ns() // 1_000_000
    if ms <= last[0]:
        ms, counter = last[0], last[1]
    else:
        counter = (int.from_bytes(os.urandom(2), "big") & 0x7FF) - 1
    stamp = f"{ms:012x}"
    out = []
    for k in range(0, 16 * n, 16):
        counter += 1
        if counter > 0xFFF:  # counter exhausted: borrow the next millisecond
            ms, counter = ms + 1, int.from_bytes(os.urandom(2), "big") & 0x7FF
            stamp = f"{ms:012x}"
        r = hexes[k:k + 16]  # 64 random bits, of which the top two become the variant (0b10)
        out.append(f"{stamp[:8]}-{stamp[8:]}-7{counter:03x}-{'89ab'[int(r[0], 16) & 3]}{r[1:4]}-{r[4:]}")
    last[0], last[1] = ms, counter
    return out


def default_annotator() -> str:
    """The login name, used when no ``--annotator`` or ``TUI_ANNOTATOR`` is given."""
    for var in ("TUI_ANNOTATOR", "USER", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name is not an error
        return "anonymous"
