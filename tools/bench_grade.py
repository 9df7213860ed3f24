"""Benchmark: grade the same trivial submissions with `otter run` and `grader grade`, side by side.

    .venv/bin/python tools/bench_grade.py [--submissions 8]

Builds N copies of a small notebook (numpy and pandas imports, three questions with
public and hidden tests), grades each with otter's local runner (`otter run`, one at
a time, as otter offers no parallel local grading), then grades the batch with
`grader grade --isolation none` with 1 and with 2 workers, and once more in each
sandbox: bwrap, and docker where an engine runs the course's image (`grader image
build`). Prints the per-submission medians and the ratios. Times are wall-clock on this
machine, all in one run.
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


def time_grader(tests: Path, submissions: Path, workdir: Path, workers: int, isolation: str = "none") -> tuple[float, list[float]]:
    output = workdir / f"grader_out_{workers}_{isolation}"
    started = time.perf_counter()
    subprocess.run([str(BIN / "grader"), "grade", "--tests", str(tests), str(submissions), "--output", str(output),
                    "--isolation", isolation, "--workers", str(workers)], check=True, capture_output=True)
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
    parser.add_argument("--submissions", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as scratch:
        workdir = Path(scratch)
        tests, submissions, zip_path = build(workdir, args.submissions)
        otter_seconds = time_otter_run(zip_path, submissions, workdir)
        wall_1, per_submission_1 = time_grader(tests, submissions, workdir, workers=1)
        wall_2, _ = time_grader(tests, submissions, workdir, workers=2)
        _, per_submission_bwrap = time_grader(tests, submissions, workdir, workers=1, isolation="bwrap")
        per_submission_docker = time_grader(tests, submissions, workdir, workers=1, isolation="docker")[1] if docker_ready() else []
    n = args.submissions
    otter_median = statistics.median(otter_seconds)
    print(f"{n} trivial submissions (numpy + pandas imports, 3 questions, 5 test cases)\n")
    print(f"{'':<44}{'seconds':>9}")
    print(f"{'otter run, median per submission':<44}{otter_median:>9.2f}")
    print(f"{'grader grade -w1, median per submission':<44}{statistics.median(per_submission_1):>9.2f}")
    print(f"{'grader grade -w1, batch wall / n':<44}{wall_1 / n:>9.2f}   (includes CLI start-up)")
    print(f"{'grader grade -w2, batch wall / n':<44}{wall_2 / n:>9.2f}")
    print(f"{'grader grade -w1 --isolation bwrap, median':<44}{statistics.median(per_submission_bwrap):>9.2f}   (sandboxed)")
    if per_submission_docker:
        docker_median = statistics.median(per_submission_docker)
        print(f"{'grader grade -w1 --isolation docker, median':<44}{docker_median:>9.2f}   "
              f"(sandboxed; {docker_median / statistics.median(per_submission_bwrap):.1f}x bwrap)")
    else:
        print("grader grade --isolation docker: not measured (no engine, or the image is not built)")
    print()
    print(f"speed-up over otter run, per submission (1 worker): {otter_median / statistics.median(per_submission_1):.1f}x")
    print(f"speed-up over otter run, batch wall (1 worker):     {sum(otter_seconds) / wall_1:.1f}x")
    print(f"speed-up from 1 to 2 workers (batch wall):          {wall_1 / wall_2:.2f}x")


if __name__ == "__main__":
    main()
