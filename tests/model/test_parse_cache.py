"""The parse cache: the same data as parsing, positions found again when a diagnostic needs them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.api import Checked, check
from docgen.cache_home import CACHE_ENV
from docgen.diagnostics import Diagnostics
from docgen.project import ProjectPaths
from docgen.source.cache import ParseCache
from tests.conftest import REPO


def _counts(diagnostics: Diagnostics) -> list[str]:
    return [d.format() for d in diagnostics]


def test_a_cached_check_gives_the_same_content_and_diagnostics(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    paths = ProjectPaths(REPO)
    plain = check(paths, templates=False)
    first = check(paths, templates=False, cache=cache)
    assert cache.hits == 0 and cache.misses > 40
    second = check(paths, templates=False, cache=cache)
    assert cache.hits == cache.misses, "every clean file comes from the cache the second time"
    next_process = ParseCache(tmp_path / "cache")
    third = check(paths, templates=False, cache=next_process)
    assert next_process.hits == cache.misses and next_process.misses == 0, "and from the pack in another process"
    assert third.content.projects == plain.content.projects
    assert second.content.projects == plain.content.projects == first.content.projects
    assert second.content.fund_evaluations == plain.content.fund_evaluations
    # the shipped content's warnings name their line:col: positions were found again for them
    assert _counts(second.diagnostics) == _counts(plain.diagnostics) != []


def test_a_file_with_problems_is_never_cached_and_reports_every_time(
    make_content: Callable[..., Checked], tmp_path: Path
) -> None:
    checked = make_content({"projects/2023/beta.yaml": "id: beta\nyear: 2023\nid: again\n"})
    cache = ParseCache(tmp_path / "cache")
    for _ in range(2):
        result = check(checked.paths, templates=False, cache=cache)
        assert any("duplicate" in d.message for d in result.diagnostics.errors)
    beta = (checked.paths.content / "projects/2023/beta.yaml").read_text()
    assert cache.get("content/projects/2023/beta.yaml", beta) == (False, None)


def test_an_edit_misses_and_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    cache.put("content/x.yaml", "a: 1\n", {"a": 1})
    assert cache.get("content/x.yaml", "a: 1\n") == (True, {"a": 1})
    cache.save()
    later = ParseCache(tmp_path / "cache")  # the next process
    assert later.get("content/x.yaml", "a: 1\n") == (True, {"a": 1})
    assert later.get("content/x.yaml", "a: 2\n") == (False, None)
    assert later.get("content/y.yaml", "a: 1\n") == (False, None), "the path is part of the key"
    for entry in (tmp_path / "cache").rglob("*.pickle"):
        entry.write_bytes(b"\x80garbage")
    assert ParseCache(tmp_path / "cache").get("content/x.yaml", "a: 1\n") == (False, None)


def test_the_pack_holds_the_last_checks_entries_of_its_tree_only(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    cache.for_tree(Path("/a"))
    cache.put("content/x.yaml", "a: 1\n", {"a": 1})
    cache.put("content/y.yaml", "b: 1\n", {"b": 1})
    cache.save()
    next_check = ParseCache(tmp_path / "cache")
    next_check.for_tree(Path("/a"))
    assert next_check.get("content/x.yaml", "a: 1\n") == (True, {"a": 1})  # y.yaml is gone
    next_check.save()
    after = ParseCache(tmp_path / "cache")
    after.for_tree(Path("/a"))
    assert after.get("content/y.yaml", "b: 1\n") == (False, None), "not kept once no check took it"
    other_tree = ParseCache(tmp_path / "cache")
    other_tree.for_tree(Path("/b"))
    assert other_tree.get("content/x.yaml", "a: 1\n") == (False, None), "each tree has a pack of its own"


def test_the_cache_lives_outside_the_project_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "off")
    assert ParseCache.from_environment() is None
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    cache = ParseCache.from_environment()
    assert cache is not None and cache.directory == Path("/somewhere/docgen/yaml")


def test_a_check_keeps_the_target_values_it_analysed_and_the_next_process_takes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.facts import target_values

    cache = ParseCache(tmp_path / "cache")
    paths = ProjectPaths(REPO)
    plain = check(paths, templates=False)
    monkeypatch.setattr(target_values, "_ANALYSES", {})  # a fresh process
    check(paths, templates=False, cache=cache)
    kept = cache.kept_analyses()
    assert len(kept) > 100 and all(isinstance(text, str) for text in kept)

    monkeypatch.setattr(target_values, "_ANALYSES", {})  # another fresh process
    analysed: list[str] = []
    real = target_values._analysis
    monkeypatch.setattr(target_values, "_analysis", lambda text: analysed.append(text) or real(text))
    again = check(paths, templates=False, cache=cache)
    assert analysed == [], "every value's analysis came from the kept ones"
    assert again.facts == plain.facts
    assert _counts(again.diagnostics) == _counts(plain.diagnostics)
    entry = next((tmp_path / "cache" / "target-values").iterdir())
    entry.write_bytes(b"\x80garbage")
    assert cache.kept_analyses() == {}, "a damaged entry: analysed again"


def test_an_edit_writes_its_changes_beside_the_pack_and_many_write_the_pack_again(tmp_path: Path) -> None:
    """The pack of 1,000 projects is ~2.6 MB: an edit writes the entry it added and the key it
    dropped beside it, and the next check reads both; many changes write the pack whole again."""
    files = {f"content/f{n}.yaml": f"n: {n}\n" for n in range(200)}
    first = ParseCache(tmp_path / "cache")
    for path, text in files.items():
        first.put(path, text, {"n": text})
    first.save()
    (pack,) = (tmp_path / "cache" / "packs").glob("*[0-9a-f].pickle")
    whole = pack.read_bytes()

    def check(edited: dict[str, str]) -> ParseCache:
        cache = ParseCache(tmp_path / "cache")
        for path, text in {**files, **edited}.items():
            if not cache.get(path, text)[0]:
                cache.put(path, text, {"n": text})
        cache.save()
        return cache

    check({"content/f0.yaml": "n: edited\n"})
    assert pack.read_bytes() == whole, "the pack itself is not written again"
    later = ParseCache(tmp_path / "cache")
    assert later.get("content/f0.yaml", "n: edited\n") == (True, {"n": "n: edited\n"})
    assert later.get("content/f0.yaml", "n: 0\n") == (False, None), "the dropped entry is gone"
    assert later.get("content/f1.yaml", "n: 1\n")[0]

    check({f"content/f{n}.yaml": f"n: {n} edited\n" for n in range(100)})
    assert pack.read_bytes() != whole, "many changes: the pack is written whole"
    again = ParseCache(tmp_path / "cache")
    assert again.get("content/f5.yaml", "n: 5 edited\n")[0] and not again.get("content/f5.yaml", "n: 5\n")[0]
    assert again.get("content/f150.yaml", "n: 150\n")[0]

    for changes in (tmp_path / "cache" / "packs").glob("*.changes.pickle"):
        changes.write_bytes(b"\x80garbage")
    assert ParseCache(tmp_path / "cache").get("content/f150.yaml", "n: 150\n")[0], "a damaged change file: the pack"
