"""Every event type gets a distinct hotkey for the ``E`` picker: declared, or derived.

A hotkey is one key or a sequence (``t`` ``o``; derived ones have at most two). The set of an event
type's hotkeys is *prefix-free*: no hotkey is the start of another, so a
key either picks a type or narrows the list to the types it starts, never
both. The schema may declare a type's ``hotkey``; a declared key that
repeats or starts another declared one is a schema error (``check.py``).

Types without a declared hotkey get one, deterministically, in schema order:

1. **one letter**, the type's initial, when no other undeclared type shares
   it and no declared key is or starts with it (ACE: ``b`` Be-Born,
   ``n`` Nominate, ``r`` Release-Parole, ``f`` Fine);
2. otherwise **two keys**: a prefix, then a letter that is free after that
   prefix. The prefix is the type's initial, or when that letter is taken as
   a one-key hotkey, the initial of its group (ACE's event type), then of
   its name's other words, then its other letters, then ``a``-``z``: the
   first that is not a one-key hotkey. The second key is the name's first
   letter (when the prefix is not it), then the initials of its other words,
   then its other letters, then ``a``-``z``: the first not used after that
   prefix. ACE: ``t r`` Transport, ``t o`` Transfer-Ownership, ``t m``
   Transfer-Money, ``t h`` Trial-Hearing.
"""

from __future__ import annotations

import string
from collections import Counter
from functools import lru_cache

from tui.core.schema.types import Schema

LETTERS = string.ascii_lowercase


def _words(name: str) -> list[str]:
    """The lowercase words of a type name (split on anything but letters and digits)."""
    out, word = [], ""
    for ch in name.lower():
        if ch in LETTERS:
            word += ch
        elif word:
            out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


def _initial(name: str) -> str | None:
    words = _words(name)
    return words[0][0] if words else None


def _preference(name: str, skip_initial: bool) -> list[str]:
    """Letters to try for a key of ``name``: its initial, other words' initials, its letters, a-z."""
    words = _words(name)
    order: list[str] = []
    if words and not skip_initial:
        order.append(words[0][0])
    order += [w[0] for w in words[1:]]
    for n, w in enumerate(words):
        order += list(w[1:] if n == 0 and skip_initial else w)
    order += list(LETTERS)
    return list(dict.fromkeys(order))


def prefix_clash(keys: list[str]) -> tuple[str, str] | None:
    """Two hotkeys of which one repeats or starts the other (``None`` when prefix-free)."""
    ordered = sorted(keys)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.startswith(a):
            return a, b
    return None


def assign_hotkeys(types: list[tuple[str, str | None, str | None]]) -> dict[str, str]:
    """Give every type a distinct hotkey; the result is prefix-free.

    Args:
        types: ``(name, group, declared hotkey or None)`` in schema order; the
            declared hotkeys must already be prefix-free (the schema checker says so).

    Returns:
        ``{type name: hotkey}`` for every type (one or two keys each).
    """
    out: dict[str, str] = {n: k for n, _, k in types if k}
    used = set(out.values())
    singles = {k for k in used if len(k) == 1}
    undeclared = [(n, g) for n, g, k in types if not k]
    initials = Counter(_initial(n) for n, _ in undeclared)
    # 1. a unique initial that no declared key is or starts
    for name, _ in undeclared:
        ini = _initial(name)
        if ini and initials[ini] == 1 and not any(k.startswith(ini) for k in used):
            out[name] = ini
            used.add(ini)
            singles.add(ini)
    # 2. two keys: a prefix that is no one-key hotkey, then a free letter
    for name, group in undeclared:
        if name in out:
            continue
        tries = [_initial(name) or "", _initial(group or "") or "", *_preference(name, skip_initial=True)]
        prefix = next((p for p in tries if p and p not in singles), "")
        second = next((c for c in _preference(name, skip_initial=prefix == _initial(name))
                       if prefix + c not in used), None)
        if not prefix or second is None:  # 26 x 26 keys run out only for absurd schemas
            continue
        out[name] = prefix + second
        used.add(prefix + second)
    return out


@lru_cache(maxsize=16)
def _cached(key: tuple[tuple[str, str | None, str | None], ...]) -> tuple[tuple[str, str], ...]:
    return tuple(assign_hotkeys(list(key)).items())


def event_hotkeys(schema: Schema) -> dict[str, str]:
    """``{event type: hotkey}`` for every event type of ``schema`` (see the module's rules).

    Args:
        schema: the schema (its declared event hotkeys are prefix-free).

    Returns:
        One distinct hotkey per event type, in schema order.
    """
    key = tuple((t.name, t.group, t.hotkey) for t in schema.event_types)
    return dict(_cached(key))
