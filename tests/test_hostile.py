"""Hostile submissions, graded through the real CLI in one batch with an honest one.

Under ``bwrap`` and ``docker`` every attack is contained: the host and the other results
are untouched, each notebook finishes within its limits, and scores what its honest cells
earn (``value = 1`` before the attack earns q1, ``other = 2`` after it earns q2).
Under ``none`` the same notebooks (the ones safe to run unsandboxed) show which
attacks then succeed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import threading
from pathlib import Path

import nbformat
import pytest
from helpers import REPO, VALUE_AND_OTHER, grader_containers, ok_test_file, require_docker, run_grader, write_notebook, write_tests

from autograder.course import Limits

pytestmark = pytest.mark.slow

HOSTILE = REPO / "tests" / "submissions" / "hostile"
PLANTED = [Path("/tmp/grader-hostile-probe"), Path("/root/grader-hostile-probe"), Path(os.path.expanduser("~/grader-hostile-probe"))]
PORT = 47123
# What each notebook scores when contained: its honest cells' points.
CONTAINED = ["honest", "write_outside", "network", "fork_bomb", "memory_bomb", "infinite_loop", "ignores_sigint", "sleep_forever",
             "os_exit", "segfault", "kill_parent", "kill_everything", "print_flood"]
CONTAINED_SCORE = dict.fromkeys(CONTAINED, 2) | {"read_hidden_tests": 1, "monkeypatch": 1, "forge_results": 1}
SAFE_UNSANDBOXED = ["honest", "read_hidden_tests", "plant_outside", "network", "monkeypatch", "forge_results"]
"""write_outside also vandalises every grades.csv it finds under /tmp: unsandboxed, that would reach other runs' results."""


class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self, port: int):
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.2)
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                connection, _ = self.server.accept()
                self.connections += 1
                connection.close()
            except OSError:
                continue

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fork_bomb_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"os.fork()" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def grade_hostile(tmp_path: Path, names: list[str], isolation: str, *extra: str) -> tuple[Path, Path, Listener]:
    tests = write_tests(tmp_path / "tests", VALUE_AND_OTHER)
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for name in names:
        shutil.copy(HOSTILE / f"{name}.ipynb", submissions / f"{name}.ipynb")
    for path in PLANTED:
        path.unlink(missing_ok=True)
    listener = Listener(PORT)
    output = tmp_path / "graded"
    try:
        result = run_grader("grade", "--tests", str(tests), str(submissions), "--output", str(output), "--isolation", isolation,
                            "--cell-timeout", "5", "--timeout", "90", "--memory", "2GiB", "--workers", "2", *extra, cwd=tmp_path, timeout=600)
    finally:
        listener.close()
    assert result.returncode == 0, result.stderr
    return submissions, output, listener


def orphaned_cgroups(before: set) -> set:
    """Cgroups made since ``before`` whose grader (the pid their name starts with) has exited:
    leaks. Those of a grader still running (another batch on this machine) are its own business."""
    root = Path("/sys/fs/cgroup/pids/grader")
    if not root.exists():
        return set()
    return {p for p in set(root.glob("*")) - before if not Path("/proc", p.name.split("-")[0]).exists()}


@pytest.fixture(scope="module", params=["bwrap", "docker"])
def sandboxed(request, tmp_path_factory):
    if request.param == "docker":
        require_docker()
    tmp_path = tmp_path_factory.mktemp(f"hostile_{request.param}")
    honest_hash = sha256(HOSTILE / "honest.ipynb")
    cgroups_before = set(Path("/sys/fs/cgroup/pids/grader").glob("*")) if Path("/sys/fs/cgroup/pids/grader").exists() else set()
    submissions, output, listener = grade_hostile(tmp_path, sorted(CONTAINED_SCORE), request.param, "--require-isolation")
    return {
        "containers_left": grader_containers(),
        "submissions": submissions,
        "output": output,
        "connections": listener.connections,
        "honest_hash": honest_hash,
        "planted": [p for p in PLANTED if p.exists()],
        "cgroups_left": orphaned_cgroups(cgroups_before),
        "bomb_processes": fork_bomb_processes(),
    }


def result_of(output: Path, name: str) -> dict:
    return json.loads((output / "results" / f"{name}.json").read_text())


@pytest.mark.parametrize("name", sorted(CONTAINED_SCORE))
def test_each_attack_scores_only_its_honest_cells(sandboxed, name):
    result = result_of(sandboxed["output"], name)
    assert result["status"] == "graded", result.get("error")
    assert result["score"] == CONTAINED_SCORE[name], result["problems"]
    assert result["timings"]["total"] < 90


def test_the_host_is_untouched(sandboxed):
    assert sandboxed["connections"] == 0, "a submission reached a listener on 127.0.0.1"
    assert sandboxed["planted"] == [], "a submission wrote outside its sandbox"
    assert sha256(sandboxed["submissions"] / "honest.ipynb") == sandboxed["honest_hash"]
    assert sandboxed["bomb_processes"] == [], "the fork bomb outlived its sandbox"
    assert sandboxed["cgroups_left"] == set()
    assert sandboxed["containers_left"] == [], "the grader left containers behind"
    grades = (sandboxed["output"] / "grades.csv").read_text()
    assert "pwned" not in grades and "\nhonest,graded,2,2,1,1\n" in grades


def test_attacks_are_recorded(sandboxed):
    kinds = {name: [p["kind"] for p in result_of(sandboxed["output"], name)["problems"]] for name in CONTAINED_SCORE}
    assert kinds["honest"] == []
    # OOM-killed at the cgroup's memory limit; on a loaded machine the 5 s cell timeout may come first
    assert {"kernel_died", "cell_timeout"} & set(kinds["memory_bomb"])
    assert "kernel_died" in kinds["segfault"] and "kernel_died" in kinds["os_exit"]
    assert kinds["infinite_loop"] == ["cell_timeout"] and kinds["sleep_forever"] == ["cell_timeout"]
    assert "cell_stuck" in kinds["ignores_sigint"]
    # A flood is interrupted once its output reaches the grader, or, if the kernel buffers
    # it first, the kernel hits its memory limit: contained either way.
    assert {"output_truncated", "kernel_died"} & set(kinds["print_flood"])
    tampering = [p["message"] for p in result_of(sandboxed["output"], "monkeypatch")["problems"] if p["kind"] == "tampering"]
    assert tampering and "numpy.allclose" in tampering[0] and "builtins.AssertionError" in tampering[0]


@pytest.mark.unsandboxed
def test_without_a_sandbox_these_attacks_succeed(tmp_path: Path):
    """Evidence for the README: what --isolation none does not stop (safe attacks only)."""
    try:
        # The search walks the whole file system: on a busy machine it needs more than the suite's 5 s per cell.
        submissions, output, listener = grade_hostile(tmp_path, SAFE_UNSANDBOXED, "none", "--cell-timeout", "60")
        planted = [p for p in PLANTED if p.exists()]
    finally:
        for path in PLANTED:
            path.unlink(missing_ok=True)
    assert result_of(output, "read_hidden_tests")["score"] == 2, "reading the hidden tests should work without a sandbox"
    assert listener.connections >= 1, "the network should be reachable without a sandbox"
    assert Path("/tmp/grader-hostile-probe") in planted, "writing outside should work without a sandbox"
    # What the in-kernel defences still stop without a sandbox:
    assert result_of(output, "monkeypatch")["score"] == 1
    assert result_of(output, "forge_results")["score"] == 1


DISK_FILLER = """\
import os
written = files = 0
error = ""
try:
    for files in range(50_000):  # 2 GB in 50,000 files
        with open(f"junk_{files}.bin", "wb") as f:
            f.write(os.urandom(40_000))
        written += 40_000
except OSError as exc:
    error = os.strerror(exc.errno)
"""


def test_the_working_directory_is_bounded(tmp_path: Path):
    """A notebook writing 2 GB in 50,000 files to /sandbox is stopped at the disk limit, off the host's disk."""
    limit = Limits().disk  # --tests DIR grades with the built-in limits
    tests = write_tests(tmp_path / "tests", {"q1": ok_test_file("q1", (f">>> print(written <= {limit}, files < 50_000, error)\n"
                                                                       "True True No space left on device\n", False))})
    write_notebook(tmp_path / "submissions" / "filler.ipynb", [nbformat.v4.new_code_cell(DISK_FILLER)])
    before = shutil.disk_usage(tmp_path).used
    result = run_grader("grade", "--tests", str(tests), str(tmp_path / "submissions"), "--output", str(tmp_path / "out"),
                        "--require-isolation", cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    graded = result_of(tmp_path / "out", "filler")
    assert graded["score"] == 1, graded["questions"][0]["cases"][0]["output"]
    assert shutil.disk_usage(tmp_path).used - before < limit


def test_the_timing_attacks_score_the_same_ten_runs_in_a_row():
    """The attacks whose outcome once depended on the machine's load, graded ten times (tools/hostile_stability.py)."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, str(REPO / "tools" / "hostile_stability.py"), "--runs", "10",
                          "fork_bomb", "memory_bomb", "ignores_sigint", "print_flood"], capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout + run.stderr


EMPTY_FILES = """\
import os
files, error = 0, ""
try:
    for files in range(50_000):
        open(f"empty_{files}", "w").close()
except OSError as exc:
    error = os.strerror(exc.errno)
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="the file-count cap needs root: the launcher mounts /sandbox's tmpfs itself")
def test_the_working_directory_caps_its_file_count(tmp_path: Path):
    """50,000 empty files (no size to speak of) stop at the inode cap: one file per 16 KiB of the disk limit."""
    from autograder.sandbox.base import disk_inodes

    cap = disk_inodes(Limits().disk)
    tests = write_tests(tmp_path / "tests", {"q1": ok_test_file("q1", (f">>> print(files < {cap}, error)\nTrue No space left on device\n", False))})
    write_notebook(tmp_path / "submissions" / "files.ipynb", [nbformat.v4.new_code_cell(EMPTY_FILES)])
    result = run_grader("grade", "--tests", str(tests), str(tmp_path / "submissions"), "--output", str(tmp_path / "out"),
                        "--require-isolation", cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    graded = result_of(tmp_path / "out", "files")
    assert graded["score"] == 1, graded["questions"][0]["cases"][0]["output"]
