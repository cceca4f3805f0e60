"""Where docgen keeps what it can compute again (the user's cache folder), and how it writes there.

``$DOCGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/docgen``, else ``~/.cache/docgen``;
``DOCGEN_CACHE_DIR=off`` turns every cache off. Never inside the project: what is cached may be
a pickle (:mod:`docgen.source.cache`), and a pull request must not be able to plant one. Every
cache treats a missing or unreadable entry as a miss and a failed write as nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

CACHE_ENV = "DOCGEN_CACHE_DIR"
OFF = ("off", "0", "none", "")


def cache_home() -> Path | None:
    """docgen's cache folder; None when caching is turned off."""
    setting = os.environ.get(CACHE_ENV)
    if setting is not None:
        return None if setting.strip().lower() in OFF else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docgen"


def write_entry(target: Path, data: bytes) -> None:
    """Write a cache entry atomically (temporary file, then rename); a cache that cannot be written is skipped."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, target)
    except OSError:
        return


def read_entry(target: Path | None) -> bytes | None:
    """A cache entry's bytes; None when there is none (or no cache) or it cannot be read."""
    try:
        return target.read_bytes() if target is not None else None
    except OSError:
        return None


def kept_file(kind: str, slot: str, suffix: str) -> Path | None:
    """The file where one document keeps what it reuses between builds (its ``slot``: the project
    and the document), named by docgen's code and libraries (what it keeps is their output):
    ``<cache>/<kind>/<sha256>.<suffix>``; None when caching is off."""
    from docgen.build.inputs import code_digest

    home = cache_home()
    if home is None:
        return None
    name = hashlib.sha256(f"{code_digest()}\0{slot}".encode("utf-8", "surrogatepass")).hexdigest()
    return home / kind / f"{name}{suffix}"
