"""The parse cache (解析缓存): the plain data of content files that parsed cleanly, keyed by their text.

Parsing YAML with positions is most of what ``check`` costs (~2 ms a file: 2 s for 1,000
projects). A file whose exact text parsed without a problem before gives the same data again,
so its data is kept, and its positions are found again only if a diagnostic needs them
(:meth:`~docgen.source.yaml_loader.YamlDocument.locate`). Files that had problems are never
cached: their diagnostics come from parsing them again.

An entry's key is the sha256 of the file's path and its text, in a pack named by the loader's
own source, the ruamel.yaml version and the content tree: any change to either re-parses. It
also keeps the analyses of the target values a check made
(:func:`docgen.facts.target_values.remember_analyses`), keyed by that module's code.
The entries are pickles, so the cache lives in the user's cache folder
(:func:`docgen.cache_home.cache_home`), where a pull request cannot plant one;
``DOCGEN_CACHE_DIR=off`` turns it off. An unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from docgen.cache_home import cache_home, write_entry
from docgen.facts import target_values
from docgen.facts.target_values import Analysis
from docgen.kept_pack import KeptPack
from docgen.source import yaml_loader


@cache
def _loader_version() -> bytes:
    """What the cached data depends on besides the file: the loader's code and ruamel.yaml's version."""
    import ruamel.yaml

    digest = hashlib.sha256(Path(yaml_loader.__file__).read_bytes())
    digest.update(f"{ruamel.yaml.__version__}|{sys.version_info[:2]}|{pickle.HIGHEST_PROTOCOL}".encode())
    return digest.digest()


def _key(path: str, text: str) -> str:
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass") + b"\0" + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ParseCache:
    """The data of cleanly parsed files, by (path, text), kept as one pack per content tree.

    A check reads the pack once (one file, not one per content file: ~0.13 s less at 1,000
    projects) and writes it again when it parsed a file or no longer has one: the pack holds the
    entries of the last check of its tree, so it does not grow with edits. An edit's changes are
    written beside the pack (:class:`~docgen.kept_pack.KeptPack`). Every entry is keyed by its
    file's text, so no combination of the two files can give wrong data.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0
        self._tree = ""
        self._store: KeptPack | None = None
        self._kept: dict[str, Any] | None = None  # the pack as read, with the changes beside it applied
        self._used: dict[str, Any] = {}  # what this check took or parsed

    @classmethod
    def from_environment(cls) -> ParseCache | None:
        """The user's cache (see the module's docstring); None when turned off."""
        home = cache_home()
        return None if home is None else cls(home / "yaml")

    def for_tree(self, root: Path) -> None:
        """Keep the entries of the content tree at ``root`` (a pack of its own)."""
        if str(root) != self._tree:
            self._tree, self._store, self._kept, self._used = str(root), None, None, {}

    def get(self, path: str, text: str) -> tuple[bool, Any]:
        """(True, data) when ``text`` at ``path`` parsed cleanly before; (False, None) otherwise."""
        key = _key(path, text)
        if key not in self._used and key in (kept := self._pack()):
            self._used[key] = kept[key]
        if key not in self._used:
            self.misses += 1
            return False, None
        self.hits += 1
        return True, self._used[key]

    def put(self, path: str, text: str, data: Any) -> None:
        """Remember the data of a clean parse (kept by :meth:`save`)."""
        self._used[_key(path, text)] = data

    def save(self) -> None:
        """Write what this check changed of the pack; a cache that cannot be written is skipped."""
        if self._used.keys() == self._pack().keys():
            return
        self._pack_store().write(self._used)
        self._kept = dict(self._used)

    def _pack(self) -> dict[str, Any]:
        if self._kept is None:
            self._kept = self._pack_store().read()
        return self._kept

    def _pack_store(self) -> KeptPack:
        if self._store is None:
            self._store = KeptPack(self._pack_file())
        return self._store

    def _pack_file(self) -> Path:
        digest = hashlib.sha256(_loader_version())
        digest.update(self._tree.encode("utf-8", "surrogatepass"))
        return self.directory / "packs" / f"{digest.hexdigest()}.pickle"

    def kept_analyses(self) -> dict[str, Analysis]:
        """The target values' analyses kept by an earlier check (:mod:`docgen.facts.target_values`)."""
        try:
            kept = pickle.loads(self._analyses_file().read_bytes())
        except Exception:  # none kept, or a damaged entry: analyse again
            return {}
        return kept if isinstance(kept, dict) else {}

    def keep_analyses(self, analyses: dict[str, Analysis]) -> None:
        write_entry(self._analyses_file(), pickle.dumps(analyses, protocol=pickle.HIGHEST_PROTOCOL))

    def _analyses_file(self) -> Path:
        """One file, keyed by what an analysis depends on (:func:`_analyses_version`)."""
        return self.directory / "target-values" / f"{_analyses_version()}.pickle"


@cache
def _analyses_version() -> str:
    """What kept analyses depend on: the target values module's code and the Unicode data (read once:
    a check asks when it starts and when it keeps them)."""
    digest = hashlib.sha256(Path(target_values.__file__).read_bytes())
    digest.update(f"{unicodedata.unidata_version}|{sys.version_info[:2]}|{pickle.HIGHEST_PROTOCOL}".encode())
    return digest.hexdigest()
