"""A dictionary kept between runs in the user's cache folder: a pack, and its changes beside it (缓存包).

The parse cache and the changes page's diff memo each keep one entry per content file or per
project, in one file (one read instead of thousands). An edit changes one entry, and writing the
whole pack again costs what a small edit's build is trying to save (at 1,000 projects ~0.05-0.09 s
for the parse cache, ~0.035 s to pickle the diff memo's 1.8 MB). So what differs from
the pack, the entries added or replaced and the keys dropped, is written to a second file beside
it, and the pack is written whole only when that grows past :data:`CHANGES_BESIDE` entries (or
a tenth of the pack).

An entry is replaced when the value kept for its key is not the very object read (a value taken
from the pack and kept again is not written again). The two files are written one after the
other, each atomically: users of a pack key every entry by everything its value is made from, so
that any pack read with any changes file still gives right entries (an interrupted write loses
entries, never mixes them up). Unreadable files are empty: the entries are made again.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from docgen.cache_home import write_entry

CHANGES_BESIDE = 64
"""Entries added, replaced or dropped that are written beside the pack (or a tenth of the pack, if more)."""


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class KeptPack:
    """The entries kept in ``file`` (None: kept nowhere), written with ``dump`` (pickle by default:
    a pack lives in the user's cache folder, where a pull request cannot plant one)."""

    def __init__(self, file: Path | None, dump: Callable[[object], bytes] = _pickled) -> None:
        self.file = file
        self.dump = dump
        self._base: dict[str, Any] | None = None  # the pack as read
        self._entries: dict[str, Any] = {}  # with the changes beside it applied

    def read(self) -> dict[str, Any]:
        """Every entry kept (a new dictionary; read once)."""
        if self._base is None:
            self._base = _read(self.file, dict) or {}
            entries = dict(self._base)
            changes = None if self.file is None else _read(self._changes_file(), tuple)
            if changes is not None and len(changes) == 2 and isinstance(changes[0], dict):
                added, dropped = changes
                for key in dropped if isinstance(dropped, set) else ():
                    entries.pop(key, None)
                entries.update(added)
            self._entries = entries
        return dict(self._entries)

    def write(self, entries: Mapping[str, Any]) -> None:
        """Keep ``entries`` (and no other): beside the pack when few differ from it, else as a new pack."""
        if self.file is None:
            return
        self.read()
        base = self._base or {}
        missing = object()
        added = {key: value for key, value in entries.items() if base.get(key, missing) is not value}
        dropped = base.keys() - entries.keys()
        if len(added) + len(dropped) <= max(CHANGES_BESIDE, len(base) // 10):
            write_entry(self._changes_file(), self.dump((added, dropped)))
        else:
            write_entry(self.file, self.dump(dict(entries)))
            write_entry(self._changes_file(), self.dump(({}, set())))
            self._base = dict(entries)
        self._entries = dict(entries)

    def _changes_file(self) -> Path:
        assert self.file is not None
        return self.file.with_suffix(".changes" + self.file.suffix)


def _read(path: Path | None, kind: type) -> Any:
    """The pickle at ``path`` when it holds a ``kind``; None when absent, damaged or another Python's."""
    if path is None:
        return None
    try:
        value = pickle.loads(path.read_bytes())
    except Exception:
        return None
    return value if isinstance(value, kind) else None
