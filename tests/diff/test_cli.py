"""docgen diff, docgen check --format github|gitlab and docgen schema, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import cli
from docgen.project import ProjectPaths
from tests.conftest import REPO
from tests.diff.conftest import Repo

PROJECT_2024 = "content/projects/2024/reguarantee-fee-subsidy.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_diff_two_years_in_every_format() -> None:
    code, out, _ = run("diff", "2023", "2024", "--root", str(REPO), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["old"]["kind"], data["old"]["label"], data["new"]["label"]) == ("year", "2023", "2024")
    code, out, _ = run("diff", "2023", "2024", "--root", str(REPO), "--format", "markdown", "--exit-code")
    assert code == 1 and out.startswith("<!-- docgen-diff -->\n### docgen diff：2023年 → 2024年")
    code, out, _ = run("diff", "2023", "2024", "--root", str(REPO), "--project", "reguarantee-fee-subsidy")
    assert code == 0 and "年度目标 › 第1项" in out and "content/projects/2024/reguarantee-fee-subsidy.yaml:12" in out
    code, out, _ = run("diff", "2023", "2024", "--root", str(REPO), "--format", "html")
    assert out.startswith("<!DOCTYPE html>") and '<section class="diff">' in out
    code, out, _ = run("diff", "2024", "2024", "--root", str(REPO), "--exit-code")
    assert code == 0 and "没有变化" in out


def test_diff_revisions_and_errors(repo: Repo) -> None:
    repo.replace(PROJECT_2024, 'annual: "不低于160亿元"', 'annual: "不低于170亿元"')
    code, out, _ = run("diff", "HEAD", "--root", str(repo.root), "--format", "json", "--exit-code")
    assert code == 1
    (change,) = json.loads(out)["comparisons"][0]["changes"]
    assert change["location"]["line"] == 54 and json.loads(out)["new"]["kind"] == "working-tree"
    code, _, err = run("diff", "no-such-ref", "--root", str(repo.root))
    assert code == 2 and err.startswith("error: cannot find revision 'no-such-ref'")
    code, _, err = run("diff", "2019", "2024", "--root", str(repo.root))
    assert code == 2 and "no year 2019" in err
    repo.replace(PROJECT_2024, "seq: 4", "seq: [4")
    code, _, err = run("diff", "HEAD", "--root", str(repo.root))
    assert code == 2 and "the working tree has 1 error(s)" in err
    assert f"{PROJECT_2024}:4:" in err and "Traceback" not in err


def test_check_annotations_for_github_and_gitlab(repo: Repo) -> None:
    code, out, _ = run("check", "--root", str(repo.root), "--format", "github")
    assert code == 0 and all(line.startswith("::warning file=content/") for line in out.splitlines())
    repo.replace(PROJECT_2024, 'annual: "不低于160亿元"', "annual: 160")
    code, out, _ = run("check", "--root", str(repo.root), "--format", "github")
    assert code == 1
    (error,) = [line for line in out.splitlines() if line.startswith("::error")]
    assert error.startswith(f"::error file={PROJECT_2024},line=54,col=21,title=type::")
    assert "%0A" not in error.split("::", 2)[1]  # one line per annotation
    code, out, _ = run("check", "--root", str(repo.root), "--format", "gitlab")
    assert code == 1
    report = json.loads(out)
    (issue,) = [i for i in report if i["severity"] == "major"]
    assert issue["location"] == {"path": PROJECT_2024, "lines": {"begin": 54}} and issue["check_name"] == "type"
    assert len({i["fingerprint"] for i in report}) == len(report)


def test_github_escapes_what_would_break_a_command() -> None:
    from docgen.diagnostics import Diagnostics

    diagnostics = Diagnostics()
    diagnostics.error("content/a,b:c.yaml", 3, 1, "100% wrong\nsecond line", "x")
    assert (
        diagnostics.to_github()
        == "::error file=content/a%2Cb%3Ac.yaml,line=3,col=1,title=x::100%25 wrong%0Asecond line"
    )


def test_schema_command_writes_what_is_committed(tmp_path: Path) -> None:
    code, out, _ = run("schema", "--out", str(tmp_path / "schemas"))
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    committed = sorted(p.name for p in (ProjectPaths(REPO).root / "schemas").iterdir())
    assert written == committed and len(out.splitlines()) == len(written)
