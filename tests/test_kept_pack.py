"""A dictionary kept between runs as a pack and the changes beside it (docgen.kept_pack)."""

from __future__ import annotations

from pathlib import Path

from docgen.kept_pack import CHANGES_BESIDE, KeptPack


def test_an_edit_writes_only_what_changed_beside_the_pack(tmp_path: Path) -> None:
    file = tmp_path / "pack.pickle"
    entries = {f"key-{n}": [n] for n in range(1000)}
    KeptPack(file).write(entries)
    changes = file.with_suffix(".changes.pickle")
    pack_bytes = file.read_bytes()

    read = KeptPack(file)
    kept = read.read()
    assert kept == entries
    kept["key-1"] = ["replaced"]  # a new object under a key
    del kept["key-2"]
    kept["key-new"] = ["added"]
    read.write(kept)  # key-3… are the objects read: not written again
    assert file.read_bytes() == pack_bytes, "the pack is left as it is"
    assert len(changes.read_bytes()) < len(pack_bytes) / 20, "three entries beside it"
    assert KeptPack(file).read() == kept

    again = KeptPack(file)
    again.write(again.read())  # the changes beside it are kept as they are
    assert KeptPack(file).read() == kept


def test_many_changes_write_the_pack_again_and_empty_the_changes_beside_it(tmp_path: Path) -> None:
    file = tmp_path / "pack.pickle"
    KeptPack(file).write({f"key-{n}": n for n in range(100)})
    pack = KeptPack(file)
    pack.write({f"other-{n}": n for n in range(CHANGES_BESIDE + 1)})
    assert KeptPack(file).read() == {f"other-{n}": n for n in range(CHANGES_BESIDE + 1)}
    assert len(file.with_suffix(".changes.pickle").read_bytes()) < 40, "nothing beside the new pack"


def test_a_damaged_file_loses_its_entries_only(tmp_path: Path) -> None:
    file = tmp_path / "pack.pickle"
    KeptPack(file).write({f"key-{n}": n for n in range(200)})
    pack = KeptPack(file)
    pack.write({**pack.read(), "key-new": "added"})
    changes = file.with_suffix(".changes.pickle")
    changes.write_bytes(changes.read_bytes()[:10])
    assert KeptPack(file).read() == {f"key-{n}": n for n in range(200)}
    file.write_bytes(b"not a pickle")
    assert KeptPack(file).read() == {}


def test_no_file_keeps_nothing() -> None:
    pack = KeptPack(None)
    pack.write({"a": 1})
    assert pack.read() == {} and KeptPack(None).read() == {}
