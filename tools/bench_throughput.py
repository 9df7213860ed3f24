"""Benchmark: grading throughput per core for each of the course's assignments.

    .venv/bin/python tools/bench_throughput.py [--submissions 6] [ASSIGNMENT ...]

Grades N copies of each assignment's correct sample with `grader grade --workers
<cores>` (bwrap, warm kernels) and prints seconds per submission, submissions per core
and hour, and what a 1,500-student batch would take on this machine. Run from the course
root, after `grader release --all`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench_cluster import generate, grade


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=["hw01", "lab02", "hw03", "hw04", "hw05"])
    parser.add_argument("--submissions", type=int, default=6)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"{args.submissions} submissions per assignment, {cores} workers (one per core), bwrap, warm kernels\n")
    print(f"{'assignment':<12}{'s / submission':>16}{'per core-hour':>15}{'1,500 here':>12}")
    for assignment in args.assignments:
        with tempfile.TemporaryDirectory(prefix="bench-throughput-") as scratch:
            submissions = generate(assignment, args.submissions, Path(scratch) / "submissions")
            started = time.perf_counter()
            grade(assignment, submissions, Path(scratch) / "out", "--workers", str(cores))
            wall = time.perf_counter() - started
        per = wall / args.submissions
        print(f"{assignment:<12}{per:>16.2f}{3600 / (per * cores):>15.0f}{1500 * per / 3600:>10.1f} h")


if __name__ == "__main__":
    main()
