"""A docgen process collects its cyclic garbage as a batch job (docgen.process_gc)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

import docgen.cli
import docgen.process_exit
from docgen.process_gc import OLDER_THRESHOLDS, YOUNG_THRESHOLD


@pytest.fixture
def restored_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _Exited(Exception):
    pass


def test_the_command_line_runs_its_command_with_the_batch_thresholds(
    restored_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.set_threshold(700, 10, 10)  # CPython's defaults
    seen: list[tuple[int, ...]] = []

    def command(**_: object) -> None:
        seen.append(gc.get_threshold())

    def exit_now(code: object) -> None:
        raise _Exited

    monkeypatch.setattr(docgen.cli, "cli", command)
    monkeypatch.setattr(docgen.process_exit, "exit_now", exit_now)
    with pytest.raises(_Exited):
        docgen.cli.main()
    assert seen == [(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)]
    assert YOUNG_THRESHOLD > 700 and all(t >= 10 for t in OLDER_THRESHOLDS)  # less often than the defaults
