"""Benchmark: grade the same trivial submissions with `otter run` and `grader grade`, side by side.

    .venv/bin/python tools/bench_grade.py [--submissions 16]

Builds N copies of a small notebook (numpy and pandas imports, three questions with
public and hidden tests), grades each with otter's local runner (`otter run`, one at
a time, as otter offers no parallel local grading), then grades the batch with
`grader grade`: unsandboxed and in bwrap, each with cold kernels (started when a
submission's turn comes) and warm ones (started, numpy and pandas imported, while the
previous submission runs), with 1 and 2 workers; and in docker where an engine runs
the course's image (`grader image build`). Prints per-submission medians (a
submission's own time, from its result), batch wall time per submission (the CLI's
start-up included) and the ratios. Wall-clock on this machine, all in one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

BIN = Path(sys.executable).parent
CELLS = [
    'import otter\ngrader = otter.Notebook("submission.ipynb")',
    "import numpy as np\nimport pandas as pd",
    "def mean_of(values):\n    return float(np.mean(values))",
    'grader.check("q1")',
    "frame = pd.DataFrame({'x': [1, 2, 3], 'y': [2, 4, 6]})",
    'grader.check("q2")',
    "ratio = (frame['y'] / frame['x']).mean()",
    'grader.check("q3")',
]
TESTS = {
    "q1": [(">>> assert mean_of([1, 2, 3]) == 2.0\n", False), (">>> assert mean_of(np.arange(10)) == 4.5\n", True)],
    "q2": [(">>> assert frame.shape == (3, 2)\n", False), (">>> assert list(frame['y']) == [2, 4, 6]\n", True)],
    "q3": [(">>> assert ratio == 2.0\n", False)],
}


def build(workdir: Path, count: int) -> tuple[Path, Path, Path]:
    tests = workdir / "tests"
    tests.mkdir()
    for name, cases in TESTS.items():
        spec = {"name": name, "points": 2, "suites": [{"cases": [{"code": c, "hidden": h, "locked": False} for c, h in cases],
                                                       "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}
        (tests / f"{name}.py").write_text(f"OK_FORMAT = True\ntest = {spec!r}\n")
    submissions = workdir / "submissions"
    submissions.mkdir()
    for index in range(count):
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, submissions / f"student{index:02d}.ipynb")
    zip_path = workdir / "autograder.zip"
    subprocess.run([str(BIN / "otter"), "generate", "-t", str(tests), "-o", str(zip_path), "--no-config",
                    "--no-requirements", "--no-environment"], cwd=workdir, check=True, capture_output=True)
    return tests, submissions, zip_path


def time_otter_run(zip_path: Path, submissions: Path, workdir: Path) -> list[float]:
    seconds = []
    for notebook in sorted(submissions.glob("*.ipynb")):
        output = workdir / "otter_out" / notebook.stem
        output.mkdir(parents=True)
        started = time.perf_counter()
        subprocess.run([str(BIN / "otter"), "run", "-a", str(zip_path), "-o", str(output), str(notebook)],
                       check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
        assert json.loads((output / "results.json").read_text())["tests"], "otter run wrote no results"
    return seconds


def time_grader(tests: Path, submissions: Path, workdir: Path, workers: int, isolation: str = "none",
                warm: bool = True) -> tuple[float, list[float]]:
    output = workdir / f"grader_out_{workers}_{isolation}_{'warm' if warm else 'cold'}"
    started = time.perf_counter()
    subprocess.run([str(BIN / "grader"), "grade", "--tests", str(tests), str(submissions), "--output", str(output),
                    "--isolation", isolation, "--workers", str(workers), "--preload", "numpy,pandas",
                    "--warm-kernels" if warm else "--no-warm-kernels"], check=True, capture_output=True)
    wall = time.perf_counter() - started
    results = [json.loads(p.read_text()) for p in sorted((output / "results").glob("*.json"))]
    assert all(r["score"] == r["max_score"] == 6 for r in results), "grader grade did not give full marks"
    return wall, [r["timings"]["total"] for r in results]


def docker_ready() -> bool:
    from autograder.image import course_image
    from autograder.sandbox.docker import docker_works

    return docker_works(course_image())[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=16)
    args = parser.parse_args()
    n = args.submissions
    runs = [("none", 1, False), ("none", 1, True), ("none", 2, True), ("bwrap", 1, False), ("bwrap", 1, True), ("bwrap", 2, False),
            ("bwrap", 2, True)]
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as scratch:
        workdir = Path(scratch)
        tests, submissions, zip_path = build(workdir, n)
        otter_seconds = time_otter_run(zip_path, submissions, workdir)
        measured = {run: time_grader(tests, submissions, workdir, run[1], run[0], run[2]) for run in runs}
        if docker_ready():
            measured[("docker", 1, True)] = time_grader(tests, submissions, workdir, 1, "docker", True)
    otter_median = statistics.median(otter_seconds)
    print(f"{n} trivial submissions (numpy + pandas imports, 3 questions, 5 test cases)\n")
    print(f"{'':<36}{'median per submission':>22}{'batch wall / n':>16}")
    print(f"{'otter run (one at a time)':<36}{otter_median:>22.2f}{sum(otter_seconds) / n:>16.2f}")
    for (isolation, workers, warm), (wall, seconds) in measured.items():
        label = f"grader -w{workers} {isolation}, {'warm' if warm else 'cold'}"
        print(f"{label:<36}{statistics.median(seconds):>22.2f}{wall / n:>16.2f}")
    if ("docker", 1, True) not in measured:
        print("grader --isolation docker: not measured (no engine, or the image is not built)")
    print()
    cold, warm = measured[("bwrap", 1, False)], measured[("bwrap", 1, True)]
    batch = measured[("bwrap", 2, True)]
    print(f"bwrap, warm kernels, per submission: {statistics.median(warm[1]):.2f} s, "
          f"{otter_median / statistics.median(warm[1]):.1f}x faster than otter run ({otter_median / statistics.median(cold[1]):.1f}x cold)")
    print(f"bwrap, warm kernels, 2 workers, batch wall per submission: {batch[0] / n:.2f} s, "
          f"{sum(otter_seconds) / batch[0]:.1f}x otter run's")
    print(f"warm over cold kernels, bwrap batch wall: {cold[0] / warm[0]:.2f}x with 1 worker, "
          f"{measured[('bwrap', 2, False)][0] / batch[0]:.2f}x with 2")


if __name__ == "__main__":
    main()
