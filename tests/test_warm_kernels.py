"""Warm kernels: the next submission's sandbox and kernel start (and import the preloads) while the current
one runs, and still no two submissions share anything: each gets a fresh sandbox and kernel, never reused."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from helpers import ok_test_file, run_grader, write_notebook, write_tests

pytestmark = pytest.mark.slow

# Each submission checks that nothing of another is there, then leaves traces a reused kernel or sandbox would show.
CELLS = [
    "import os, sys\n"
    "inherited = [name for name in os.listdir('.') if name.startswith('trace-')]\n"
    "clean = not inherited and not hasattr(sys, 'grader_trace') and 'pandas' in sys.modules",
    "open(f'trace-{os.getpid()}', 'w').write('x')\nsys.grader_trace = True\nimport numpy\nnumpy.mean = lambda *a, **k: 'patched'",
]


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    tests = write_tests(tmp_path / "tests", {
        "q1": ok_test_file("q1", (">>> clean\nTrue\n", False)),
        "q2": ok_test_file("q2", (">>> import numpy\n>>> float(numpy.mean([1, 3]))\n2.0\n", True)),
    })
    for index in range(5):
        write_notebook(tmp_path / "subs" / f"s{index}.ipynb", [nbformat.v4.new_code_cell(c) for c in CELLS])
    return tests


def scores(output: Path) -> dict[str, tuple[str, str, str]]:
    with open(output / "grades.csv") as f:
        return {row["submission"]: (row["status"], row["q1"], row["q2"]) for row in csv.DictReader(f)}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_each_submission_gets_a_fresh_warm_sandbox(tmp_path: Path, batch: Path, workers: str, request):
    """With preloads (pandas is there before the first cell), nothing of the submission before it (a file in
    its working directory, a module attribute, a patched numpy) is seen; the tests see a working numpy."""
    scratch = Path(tempfile.mkdtemp(prefix="warm-", dir="/tmp"))  # short: the kernel's sockets live below it
    request.addfinalizer(lambda: shutil.rmtree(scratch, ignore_errors=True))
    result = run_grader("grade", "--tests", str(batch), "subs", "--output", "out", "--isolation", "bwrap", "--require-isolation",
                        "--workers", workers, "--preload", "numpy,pandas", cwd=tmp_path, env={**os.environ, "TMPDIR": str(scratch)})
    assert result.returncode == 0, result.stderr
    assert scores(tmp_path / "out") == {f"s{i}": ("graded", "1", "1") for i in range(5)}
    assert list(scratch.glob("grader-submission-*")) == []  # every kernel, warm or used, was shut down and removed


def test_cold_kernels_preload_nothing(tmp_path: Path, batch: Path):
    result = run_grader("grade", "--tests", str(batch), "subs", "--output", "out", "--isolation", "bwrap", "--workers", "1",
                        "--preload", "numpy,pandas", "--no-warm-kernels", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert scores(tmp_path / "out") == {f"s{i}": ("graded", "0", "1") for i in range(5)}  # no pandas before the first cell


def test_kernels_that_cannot_start_stop_the_batch_loudly(tmp_path: Path, batch: Path):
    """Kernel sockets under a TMPDIR too long for a Unix socket path: every start fails. The batch must stop
    after three failures in a row, exit 1 and keep nothing as a grade (a half-started kernel's ZMQ context once
    blocked the event loop forever as it was garbage-collected)."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    result = run_grader("grade", "--tests", str(batch), "subs", "--output", "out", "--isolation", "bwrap", "--workers", "1",
                        cwd=tmp_path, env={**os.environ, "TMPDIR": str(deep)}, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "3 submissions in a row failed to grade" in result.stderr
    assert {status for status, _, _ in scores(tmp_path / "out").values()} == {"failed"}
    assert list(deep.glob("grader-submission-*")) == []
