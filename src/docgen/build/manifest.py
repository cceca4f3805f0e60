"""The build manifest (构建清单): ``<out>/.docgen-manifest.json``.

It records, for every output the build wrote, the fingerprint it was made from, what the
file on disk is (sha256, size, modification time in ns) and how long its render took (the next
build's estimate of what rendering it again costs, to share the work out); and, for each selection of outputs
(``--year`` / ``--only``) that last built completely, the digest of all inputs at the time.

* An output is unchanged when its fingerprint equals the recorded one and its file still has
  the recorded size and modification time, or, with another time, the recorded size and sha256
  (a build folder restored from a CI cache or unpacked elsewhere: the next manifest takes the
  new times); a file deleted, replaced or edited by hand is rendered again.
* A build with the same input digest as the last complete build of its selection, whose
  outputs are all intact, has nothing to do: it neither loads content nor plans (the
  no-op rebuild).

The manifest is written atomically, and only when the output folder matches it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from docgen.build.writer import OutputFolder, write_atomic

FORMAT = 2


@dataclass(slots=True)
class OutputRecord:
    """One output as written: what it was made from and what the file is."""

    kind: str
    fingerprint: str
    sha256: str
    size: int
    mtime_ns: int
    renderer: str  # what made it; its content files and templates are in the bundle's manifest.json
    seconds: float = 0.0  # how long its last render took: what the next build expects it to cost (0: unknown)

    def matches(self, result: os.stat_result | None) -> bool:
        """Whether the file on disk is still the one this record describes."""
        return result is not None and result.st_size == self.size and result.st_mtime_ns == self.mtime_ns


@dataclass(slots=True)
class CompleteBuild:
    """A selection that last built completely, and the digest of the inputs it was built from."""

    inputs: str
    outputs: list[str]


@dataclass(slots=True)
class Manifest:
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    complete: dict[str, CompleteBuild] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: OutputFolder) -> Manifest:
        """The folder's manifest; an absent, unreadable or foreign one counts as empty (all outputs rebuild)."""
        try:
            raw: Any = json.loads(folder.manifest_path.read_bytes())
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            return cls()
        try:
            outputs = {path: OutputRecord(**record) for path, record in raw.get("outputs", {}).items()}
            complete = {key: CompleteBuild(**value) for key, value in raw.get("complete", {}).items()}
        except TypeError:
            return cls()
        return cls(outputs, complete)

    def save(self, folder: OutputFolder) -> None:
        """Write the manifest atomically: sorted, one key or value per line.

        (Written by one call of json's C encoder: ``indent=`` would take the pure-Python one, ~0.25 s
        for the 6,000 outputs of 1,000 projects, and encoding each record by itself ~0.05 s; a
        build saves twice.)
        """
        write_atomic(folder.manifest_path, self.to_json().encode("utf-8"))

    def to_json(self) -> str:
        document = {
            "format": FORMAT,
            "outputs": {path: _record(record) for path, record in self.outputs.items()},
            "complete": {key: {"inputs": b.inputs, "outputs": b.outputs} for key, b in self.complete.items()},
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",\n", ": ")) + "\n"

    def intact(self, folder: OutputFolder, selection: str, inputs_digest: str) -> bool:
        """Whether ``selection`` last built completely from these inputs and its outputs are untouched."""
        complete = self.complete.get(selection)
        if complete is None or complete.inputs != inputs_digest:
            return False
        for path in complete.outputs:
            record = self.outputs.get(path)
            if record is None or not record.matches(folder.stat(path)):
                return False
        return True


def _record(record: OutputRecord) -> dict[str, object]:
    return {
        "fingerprint": record.fingerprint,
        "kind": record.kind,
        "mtime_ns": record.mtime_ns,
        "renderer": record.renderer,
        "seconds": round(record.seconds, 3),
        "sha256": record.sha256,
        "size": record.size,
    }
