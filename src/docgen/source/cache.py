"""The parse cache (解析缓存): the plain data of content files that parsed cleanly, keyed by their text.

Parsing YAML with positions is most of what ``check`` costs (~2 ms a file: 2 s for 1,000
projects). A file whose exact text parsed without a problem before gives the same data again,
so its data is kept, and its positions are found again only if a diagnostic needs them
(:meth:`~docgen.source.yaml_loader.YamlDocument.locate`). Files that had problems are never
cached: their diagnostics come from parsing them again.

The key is the sha256 of the loader's own source, the ruamel.yaml version, the file's path and
its text: any change to either re-parses. It also keeps the analyses of the target values a
check made (:func:`docgen.facts.target_values.remember_analyses`), keyed by that module's code.
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
from docgen.source import yaml_loader


@cache
def _loader_version() -> bytes:
    """What the cached data depends on besides the file: the loader's code and ruamel.yaml's version."""
    import ruamel.yaml

    digest = hashlib.sha256(Path(yaml_loader.__file__).read_bytes())
    digest.update(f"{ruamel.yaml.__version__}|{sys.version_info[:2]}|{pickle.HIGHEST_PROTOCOL}".encode())
    return digest.digest()


class ParseCache:
    """The data of cleanly parsed files, by (path, text)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    @classmethod
    def from_environment(cls) -> ParseCache | None:
        """The user's cache (see the module's docstring); None when turned off."""
        home = cache_home()
        return None if home is None else cls(home / "yaml")

    def _file(self, path: str, text: str) -> Path:
        digest = hashlib.sha256(_loader_version())
        digest.update(path.encode("utf-8", "surrogatepass") + b"\0" + text.encode("utf-8", "surrogatepass"))
        key = digest.hexdigest()
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, path: str, text: str) -> tuple[bool, Any]:
        """(True, data) when ``text`` at ``path`` parsed cleanly before; (False, None) otherwise."""
        try:
            data = pickle.loads(self._file(path, text).read_bytes())
        except Exception:  # no entry, or a damaged one (truncated, another Python): parse again
            self.misses += 1
            return False, None
        self.hits += 1
        return True, data

    def put(self, path: str, text: str, data: Any) -> None:
        """Remember the data of a clean parse; a cache that cannot be written is skipped."""
        write_entry(self._file(path, text), pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))

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
