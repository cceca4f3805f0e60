"""A docgen process collects its cyclic garbage as a batch job (docgen.process_gc)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

import docgen.cli
import docgen.process_exit
from docgen.process_gc import DEFAULT_THRESHOLDS, OLDER_THRESHOLDS, YOUNG_THRESHOLD


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


def test_a_rendering_process_collects_as_usual_and_keeps_what_it_received_out_of_collections(
    restored_thresholds: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The PDF helper is forked from the build process (batch thresholds); WeasyPrint's layouts
    leave cycles behind, so it collects as usual, and the context it received is frozen."""
    import pickle
    import signal
    import tempfile
    from types import SimpleNamespace

    from docgen.build import runner

    monkeypatch.setattr(runner, "_exit_with_parent", lambda: None)
    monkeypatch.setattr(signal, "signal", lambda *_: None)
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)
    monkeypatch.setattr(runner, "_worker_context", None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)  # as the build process has it
    context = SimpleNamespace(content=[[n] for n in range(1000)])
    try:
        runner._init_worker(pickle.dumps(context), 1700000000, False, str(tmp_path))
        assert gc.get_threshold() == DEFAULT_THRESHOLDS
        assert gc.get_freeze_count() >= 1000, "the received content is out of the collector's sight"
        assert runner._worker_context == context
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("receive", ["prepared", "ahead"])
def test_the_helper_reads_each_context_it_is_sent_without_collecting_and_keeps_it_out_of_collections(
    restored_thresholds: None, monkeypatch: pytest.MonkeyPatch, receive: str
) -> None:
    """The helper collects as usual (WeasyPrint); a context sent for its jobs (the year's book,
    a sheet rendered ahead) is read with the collector off, then frozen, as the worker's is."""
    import pickle
    from types import SimpleNamespace

    from docgen.build import runner

    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.set_threshold(*DEFAULT_THRESHOLDS)
    gc.unfreeze()
    context = pickle.dumps(SimpleNamespace(content=[[n] for n in range(20_000)]))
    monkeypatch.setattr(runner, "render", lambda ctx, task: SimpleNamespace(ctx=ctx))
    gc.callbacks.append(count)
    try:
        if receive == "prepared":
            runner._prepare_context(frozenset({"a.yaml"}), context)
            assert runner._prepared_contexts.pop(frozenset({"a.yaml"})).content[-1] == [19_999]
        else:
            task = SimpleNamespace(output=SimpleNamespace(path="sheet.pdf"), fingerprint="f")
            runner._render_ahead(context, [task])  # type: ignore[list-item]
            assert runner._rendered_ahead.pop(("sheet.pdf", "f")).ctx.content[-1] == [19_999]  # type: ignore[attr-defined]
        assert collections == [], "no collection while 40,000 objects were read"
        assert gc.isenabled()
        assert gc.get_freeze_count() >= 20_000, "what it received is out of the collector's sight"
    finally:
        gc.callbacks.remove(count)
        gc.unfreeze()
