"""The pull-request workflow as documented: the GitHub Actions and GitLab CI examples and the
pre-commit hook run their docgen commands, here, on a pull request made in a real git clone."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.diff.conftest import GIT_ENV, Repo

PROJECT_2024 = "content/projects/2024/reguarantee-fee-subsidy.yaml"
PRE_COMMIT_KEYS = {
    "id", "name", "entry", "language", "files", "exclude", "types", "types_or", "exclude_types", "always_run",
    "fail_fast", "verbose", "pass_filenames", "require_serial", "description", "language_version",
    "minimum_pre_commit_version", "args", "stages",
}  # fmt: skip


@pytest.fixture
def pull_request(repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """A clone of the content repository, on a branch that raises one target, with origin/main."""
    origin = tmp_path_factory.mktemp("origin") / "content.git"
    repo.git("clone", "-q", "--bare", str(repo.root), str(origin))
    clone = Repo(tmp_path_factory.mktemp("clone") / "work")
    subprocess.run(["git", "clone", "-q", str(origin), str(clone.root)], check=True, env={**os.environ, **GIT_ENV})
    clone.git("checkout", "-q", "-b", "raise-target")
    clone.replace(PROJECT_2024, 'annual: "不低于160亿元"', 'annual: "不低于170亿元"')
    clone.commit("raise the 2024 financing target")
    return clone


def shell(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", command],
        cwd=cwd,
        env={**os.environ, **GIT_ENV, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_github_actions_example(pull_request: Repo) -> None:
    workflow = yaml.safe_load((REPO / "docs/ci/github-actions.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check-and-diff"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
    assert workflow["permissions"]["pull-requests"] == "write"
    commands = [s["run"] for s in steps if "run" in s and "docgen" in s["run"] and "pip" not in s["run"]]
    assert commands == [
        "docgen check --format github",
        'docgen diff "origin/${{ github.base_ref }}" HEAD --format markdown > docgen-diff.md',
    ]
    for command in commands:
        done = shell(command.replace("${{ github.base_ref }}", "main"), pull_request.root)
        assert done.returncode == 0, done.stderr
    comment = (pull_request.root / "docgen-diff.md").read_text(encoding="utf-8")
    assert "效益指标 › 经济效益 › 实现融资金额总量 › 年度目标" in comment
    assert f"`{PROJECT_2024}:54`" in comment and "+10亿元，+6.3%，收紧" in comment
    post = steps[-1]
    assert (
        post["uses"].startswith("marocchino/sticky-pull-request-comment@") and post["with"]["path"] == "docgen-diff.md"
    )

    pull_request.replace(PROJECT_2024, 'annual: "不低于170亿元"', "annual: 170")  # a mistake in the pull request
    done = shell(commands[0], pull_request.root)
    assert done.returncode == 1
    assert f"::error file={PROJECT_2024},line=54,col=21" in done.stdout


def test_gitlab_ci_example(pull_request: Repo) -> None:
    pipeline = yaml.safe_load((REPO / "docs/ci/gitlab-ci.yml").read_text(encoding="utf-8"))
    check_job, diff_job = pipeline["docgen-check"], pipeline["docgen-diff"]
    assert check_job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert diff_job["variables"]["GIT_DEPTH"] == "0"
    env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}  # no DOCGEN_GITLAB_TOKEN: the note is not posted
    for job in (check_job, diff_job):
        for line in job["script"]:
            done = shell(line, pull_request.root, **env)
            assert done.returncode == 0, (line, done.stderr)
    assert (pull_request.root / "gl-code-quality-report.json").read_text(encoding="utf-8").startswith("[")
    note = (pull_request.root / "docgen-diff.md").read_text(encoding="utf-8")
    assert note.startswith("<!-- docgen-diff -->") and "+10亿元，+6.3%，收紧" in note
    poster = next(line for line in diff_job["script"] if "DOCGEN_GITLAB_TOKEN" in line)
    script = re.search(r"python - <<'PY'\n(.*)\nPY", poster, re.S)
    assert script is not None
    compile(script.group(1), "gitlab-note.py", "exec")  # the note poster is valid Python


def test_pre_commit_hook(pull_request: Repo) -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {"id", "name", "entry", "language"} <= set(hook) <= PRE_COMMIT_KEYS
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search(PROJECT_2024) and files.search("templates/html/site/base.html")
    assert not files.search("docs/diff.md")
    done = subprocess.run(
        shlex.split(hook["entry"]), cwd=pull_request.root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
    pull_request.replace(PROJECT_2024, "seq: 4", "seq: four")
    done = subprocess.run(
        shlex.split(hook["entry"]), cwd=pull_request.root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and f"{PROJECT_2024}:3:6: error:" in done.stdout


def _restore(build: Path, into: Path) -> None:
    """What a CI cache does with build/ on the next runner: the same files, with new times."""
    shutil.copytree(build, into, copy_function=shutil.copyfile)


def test_the_build_jobs_build_everything_once_then_only_what_a_merge_changed(
    repo: Repo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    workflow = yaml.safe_load((REPO / "docs/ci/github-actions.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["build"]
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and job["if"] == "github.event_name == 'push'"
    assert workflow["jobs"]["check-and-diff"]["if"] == "github.event_name == 'pull_request'"
    assert job["steps"][0]["with"]["fetch-depth"] == 0, "each file's last commit dates its documents"
    cache = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/cache@"))
    assert set(cache["with"]["path"].split()) == {"build", "~/.cache/docgen"}
    (github_build,) = [step["run"] for step in job["steps"] if step.get("run", "").startswith("docgen ")]
    pages = yaml.safe_load((REPO / "docs/ci/gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]
    assert pages["variables"]["GIT_DEPTH"] == "0" and set(pages["cache"]["paths"]) == {"build/", ".docgen-cache/"}
    assert pages["artifacts"]["paths"][0] == "public"

    env = {"DOCGEN_CACHE_DIR": str(tmp_path_factory.mktemp("docgen-cache"))}
    done = shell(github_build, repo.root, **env)  # the first merge: GitHub's job
    assert done.returncode == 0, done.stderr
    first = json.loads((repo.root / "build-report.json").read_text(encoding="utf-8"))
    assert first["status"] == "ok" and len(first["rendered"]) > 300
    assert sorted(path.parent.name for path in repo.root.glob("build/*/bundle.zip")) == ["2021", "2022", "2023", "2024"]

    repo.write(".gitignore", "build/\nbuild-report.json\npublic/\n")
    repo.replace(PROJECT_2024, 'annual: "不低于160亿元"', 'annual: "不低于170亿元"')
    repo.commit("raise the 2024 financing target")  # the next merge, built by GitLab's job on another runner
    runner = Repo(tmp_path_factory.mktemp("runner") / "work")
    subprocess.run(["git", "clone", "-q", str(repo.root), str(runner.root)], check=True, env={**os.environ, **GIT_ENV})
    _restore(repo.root / "build", runner.root / "build")
    for line in pages["script"]:
        done = shell(line, runner.root, **env)
        assert done.returncode == 0, (line, done.stderr)
    report = json.loads((runner.root / "build-report.json").read_text(encoding="utf-8"))
    documents = {item["path"] for item in report["rendered"] if item["path"][:1].isdigit()}
    assert documents and all(path.startswith("2024/") for path in documents), "no document of another year"
    assert "2024/targets/reguarantee-fee-subsidy.pdf" in documents and "2024/bundle.zip" in documents
    assert report["unchanged"] > len(first["rendered"]) / 2
    assert (runner.root / "public/index.html").is_file() and (runner.root / "public/files/2024/bundle.zip").is_file()
