"""`docgen check` on broken and hostile files: a clean diagnostic for each, never a traceback or a hang.

Each case runs the real command in a subprocess (so a crash or a hang cannot hide); the
subprocess timeout only guards against a hang, it is not a performance assertion.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, write_tree

P = "projects/2023/alpha.yaml"
BASE = textwrap.dedent(MINIMAL[P])

CASES: dict[str, tuple[str, bytes]] = {
    "unclosed bracket": (P, BASE.replace("seq: 1", "seq: [1").encode()),
    "tab indentation": (P, BASE.replace("  annual:", "\tannual:").encode()),
    "unclosed quote": (P, BASE.replace('"≥100家"', '"≥100家').encode()),
    "wrong type": (P, BASE.replace("seq: 1", "seq: one").encode()),
    "unknown key": (P, (BASE + "budgett: 1\n").encode()),
    "top-level list": (P, b"- id: alpha\n- year: 2023\n"),
    "top-level scalar": (P, b"just text\n"),
    "empty file": (P, b""),
    "only comments": (P, b"# nothing here\n"),
    "duplicate key": (P, (BASE + "seq: 2\n").encode()),
    "dangling reference": (P, BASE.replace("direction: real-economy", "direction: nowhere").encode()),
    "control character": (P, BASE.replace("name: 甲项目", "name: 甲\x01项目").encode()),
    "NUL byte": (P, BASE.replace("name: 甲项目", "name: 甲\x00项目").encode()),
    "bidi override": (P, BASE.replace("name: 甲项目", "name: 甲\u202e项目").encode()),
    "10 MB string": (P, BASE.replace("name: 甲项目", "name: " + "长" * 3_500_000).encode()),
    "1 MB line": (P, BASE.replace("name: 甲项目", "name: " + "x" * 1_000_000).encode()),
    "deep flow nesting": (P, ("id: " + "[" * 10_000 + "]" * 10_000 + "\n").encode()),
    "deep block nesting": (P, "".join(f"{'  ' * i}k{i}:\n" for i in range(300)).encode()),
    "alias bomb": (
        P,
        (
            b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        ),
    ),
    "merge key": (P, (BASE + "<<: {seq: 3}\n").encode()),
    "python object tag": (P, (BASE + "summary: !!python/object/apply:os.system ['true']\n").encode()),
    "custom tag": (P, (BASE + "summary: !secret x\n").encode()),
    "invalid UTF-8": (P, BASE.encode().replace("甲项目".encode(), b"\xff\xfe\xfa")),
    "UTF-16": (P, BASE.encode("utf-16")),
    "integer of 5000 digits": (P, BASE.replace("seq: 1", "seq: " + "9" * 5000).encode()),
    "huge exponent": (P, BASE.replace("allocated: 300", "allocated: 1e999999999").encode()),
    "negative money": (P, BASE.replace("allocated: 300", "allocated: -1").encode()),
    "year out of range": (P, BASE.replace("year: 2023", "year: 99999").encode()),
    "file over the size limit": (P, (BASE + "# " + "x" * 2_100_000 + "\n").encode()),
    "key that is a list": (P, (BASE + "[a, b]: 1\n").encode()),
    "placeholder injection": (
        "evaluations/2023/_fund.yaml",
        textwrap.dedent(MINIMAL["evaluations/2023/_fund.yaml"])
        .replace("${fund.budget}", "${__import__('os').system('x')}")
        .encode(),
    ),
    "notice without front matter": ("notices/2023-01-01-x.md", "正文\n".encode()),
    "notice with broken front matter": ("notices/2023-01-01-y.md", "---\ntitle: [x\n---\n正文\n".encode()),
    "bad file name": ("projects/2023/Bad Name.yaml", BASE.encode()),
    "unexpected file": ("projects/readme.yaml", b"x: 1\n"),
}


def _run_check(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "docgen", "check", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_gets_a_clean_diagnostic(tmp_path: Path, name: str) -> None:
    rel, data = CASES[name]
    write_tree(tmp_path, MINIMAL)
    target = tmp_path / "content" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    result = _run_check(tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.returncode == 1, output[-3000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith(f"content/{rel.split('/')[0]}")]
    assert any(": error: " in line and line.rstrip().endswith("]") for line in lines), output[-3000:]
    assert len(result.stdout) < 100_000, "diagnostics stay readable"


def test_symlink_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    write_tree(tmp_path, MINIMAL)
    (tmp_path / "content" / "projects" / "2023" / "evil.yaml").symlink_to("/etc/passwd")
    result = _run_check(tmp_path)
    assert result.returncode == 1
    assert (
        "content/projects/2023/evil.yaml:1:1: error: symbolic links are not followed in content [symlink]"
        in result.stdout
    )


def test_a_linked_folder_is_refused_and_not_walked(tmp_path: Path) -> None:
    """A folder of projects linked from elsewhere is refused, not read (its files would be outside the tree)."""
    write_tree(tmp_path, MINIMAL)
    outside = tmp_path / "outside" / "2024"
    outside.mkdir(parents=True)
    (outside / "planted.yaml").write_text("id: planted\n", encoding="utf-8")
    (tmp_path / "content" / "projects" / "2024").symlink_to(outside, target_is_directory=True)
    result = _run_check(tmp_path)
    assert result.returncode == 1
    assert "content/projects/2024:1:1: error: symbolic links are not followed in content [symlink]" in result.stdout
    assert "planted" not in result.stdout


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30
