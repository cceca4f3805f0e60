"""Clean-ups at exit run in the process that registered them, never in one forked from it."""

from __future__ import annotations

import atexit
import os
from pathlib import Path

import pytest

from docgen import process_exit


def test_a_clean_up_runs_in_its_own_process_and_not_in_a_fork_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = tmp_path / "ran"
    monkeypatch.setattr(process_exit, "_cleanups", [])

    def cleanup() -> None:
        with ran.open("a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\n")

    process_exit.at_exit(cleanup)
    (owned,) = process_exit._cleanups
    atexit.unregister(owned)  # not at the end of the test session
    pid = os.fork()
    if pid == 0:  # a build forked from a warm process: it must not remove its parent's font copies
        process_exit.exit_now(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not ran.exists(), "the fork ended without its parent's clean-up"
    owned()
    assert ran.read_text(encoding="utf-8") == f"{os.getpid()}\n"
