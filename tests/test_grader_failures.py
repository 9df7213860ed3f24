"""A failure of the grader is never a student's zero: it stops loudly, exits non-zero and keeps what was graded.

Fake ``docker`` and ``bwrap`` commands first on PATH play a machine whose sandboxes are
broken: bwrap cannot make its namespaces; docker answers ``info`` (and, in the second
case, even the probe) but cannot start the grading container.
"""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
from pathlib import Path

import nbformat
import pytest
from helpers import GRADER, VALUE_AND_OTHER, write_notebook, write_tests

pytestmark = pytest.mark.slow

FAKE_BWRAP = "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n"
FAKE_DOCKER = """#!/bin/sh
case "$1" in
  info) echo 27.0.0 ;;
  image) {image} ;;
  run) case "$*" in *"--entrypoint python"*) {probe} ;; *) echo 'docker: Error response from daemon: failed to create task' >&2; exit 125 ;; esac ;;
  container) echo 'Error: No such container' >&2; exit 1 ;;
esac
"""


def fake_tools(directory: Path, docker_passes_probe: bool) -> dict[str, str]:
    directory.mkdir()
    ok, missing = "echo sha256:0123", "echo 'Error: No such image' >&2; exit 1"
    scripts = {"bwrap": FAKE_BWRAP,
               "docker": FAKE_DOCKER.format(image=ok if docker_passes_probe else missing, probe="echo ok" if docker_passes_probe else "exit 1")}
    for name, text in scripts.items():
        (directory / name).write_text(text)
        (directory / name).chmod(0o755 | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{directory}:{os.environ['PATH']}"}


@pytest.fixture
def batch(tmp_path: Path) -> dict:
    tests = write_tests(tmp_path / "tests", VALUE_AND_OTHER)
    for name in ("ann", "bob", "cat", "dan", "eve"):
        write_notebook(tmp_path / "submissions" / f"{name}.ipynb", [nbformat.v4.new_code_cell("value = 1\nother = 2")])
    command = [str(GRADER), "grade", "--tests", str(tests), str(tmp_path / "submissions"), "--output", str(tmp_path / "out"),
               "--workers", "1"]
    return {"root": tmp_path, "command": command, "out": tmp_path / "out"}


def run(command: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def rows(out: Path) -> dict[str, dict]:
    with open(out / "grades.csv", newline="") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


def test_no_working_sandbox_stops_before_grading_and_says_why(batch):
    env = fake_tools(batch["root"] / "fakes", docker_passes_probe=False)
    broken = run(batch["command"], env)
    assert broken.returncode == 1
    error = broken.stderr.strip().splitlines()[-1]
    assert error.startswith("error: no sandbox works here") and "uid map" in error and "is not built (run grader image build)" in error
    assert not (batch["out"] / "grades.csv").exists() or all(r["score"] == "" for r in rows(batch["out"]).values())
    fixed = run(batch["command"])  # the same command, the fakes gone
    assert fixed.returncode == 0, fixed.stderr
    assert {name: row["score"] for name, row in rows(batch["out"]).items()} == dict.fromkeys(["ann", "bob", "cat", "dan", "eve"], "2")


def test_a_backend_that_fails_at_launch_gives_no_zeros_stops_early_and_is_retried(batch):
    env = fake_tools(batch["root"] / "fakes", docker_passes_probe=True)
    broken = run([*batch["command"], "--isolation", "docker"], env)
    assert broken.returncode == 1
    assert "stopped early: 3 submissions in a row failed to grade" in broken.stderr and "2 submission(s) not started" in broken.stderr
    failed = rows(batch["out"])
    assert sorted(failed) == ["ann", "bob", "cat"]
    assert all(row["status"] == "failed" and row["score"] == "" and row["q1"] == "" for row in failed.values())
    result = json.loads((batch["out"] / "results" / "ann.json").read_text())
    assert result["status"] == "failed" and "the grader failed" in result["error"]
    feedback = (batch["out"] / "feedback" / "ann.md").read_text()
    assert "Not graded yet" in feedback and "Score" not in feedback
    fixed = run(batch["command"])  # failed ones are graded again, never "unchanged"
    assert fixed.returncode == 0, fixed.stderr
    assert "5 graded, 0 unchanged" in fixed.stdout
    assert {name: (row["status"], row["score"]) for name, row in rows(batch["out"]).items()} == dict.fromkeys(
        ["ann", "bob", "cat", "dan", "eve"], ("graded", "2"))
