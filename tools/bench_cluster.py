"""Benchmark: one batch graded locally with 2 workers, then on a local 2-worker Dask cluster, side by side.

    .venv/bin/python tools/bench_cluster.py [--assignment hw05] [--submissions 200]

Generates N submissions of a course assignment (its correct sample, each with a cell
of its own so no two are the same file), grades them with `grader grade --workers 2`,
then with `grader grade --cluster` on a `dask scheduler` and two one-thread `dask
worker` processes on 127.0.0.1 (the cluster's start-up not counted), both sandboxed
with bwrap and warm kernels. Prints both wall times, the cluster's overhead, and checks
that every submission scored the same both ways. Run from the course root, after
`grader release ASSIGNMENT`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat

BIN = Path(sys.executable).parent


def generate(assignment: str, count: int, directory: Path) -> Path:
    base = nbformat.read(f"tests/submissions/{assignment}/correct.ipynb", as_version=4)
    directory.mkdir(parents=True)
    for index in range(count):
        notebook = nbformat.from_dict(base)
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(f"Student {index:04d}"))
        nbformat.write(notebook, directory / f"student{index:04d}.ipynb")
    return directory


def grade(assignment: str, submissions: Path, output: Path, *options: str) -> float:
    import subprocess

    started = time.perf_counter()
    result = subprocess.run([str(BIN / "grader"), "grade", assignment, str(submissions), "--output", str(output),
                             "--isolation", "bwrap", "--require-isolation", *options], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"grader grade {' '.join(options)} failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    from autograder.cluster.loopback import loopback_cluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="hw05")
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    if not Path(f"dist/{args.assignment}/tests").is_dir():
        raise SystemExit(f"run `grader release {args.assignment}` first (from the course root)")
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as scratch:
        workdir = Path(scratch)
        submissions = generate(args.assignment, args.submissions, workdir / "submissions")
        local = grade(args.assignment, submissions, workdir / "local", "--workers", "2")
        with loopback_cluster(workdir / "cluster", workers=2, threads=1) as cluster:
            remote = grade(args.assignment, submissions, workdir / "cluster-out", "--cluster", cluster.address)
        same = (workdir / "local" / "grades.csv").read_text() == (workdir / "cluster-out" / "grades.csv").read_text()
    n = args.submissions
    print(f"{n} submissions of {args.assignment} (its correct sample), bwrap, warm kernels\n")
    print(f"{'':<44}{'wall s':>9}{'s / submission':>16}")
    print(f"{'grader grade --workers 2 (local)':<44}{local:>9.1f}{local / n:>16.2f}")
    print(f"{'grader grade --cluster (2 workers x 1 thread)':<44}{remote:>9.1f}{remote / n:>16.2f}")
    print(f"\ncluster overhead: {100 * (remote / local - 1):+.1f}% of the local batch's wall time")
    print(f"grades.csv identical both ways: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
