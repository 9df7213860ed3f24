"""Grade the sample submissions of every assignment and print a gradebook.

Uses otter's own local runner (``otter run``) against the autograder bundle that
``grader release`` wrote to ``dist/<id>/``; ``grader grade`` replaces it when the
grading engine lands.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from autograder.course import load_course
from autograder.errors import GraderError
from autograder.otter_run import otter_run


def main() -> int:
    course = load_course(Path(__file__).parent)
    for assignment in course.assignments:
        samples = sorted((course.root / "tests" / "submissions" / assignment.id).glob("*.ipynb"))
        bundle = course.dist_dir / assignment.id / f"{assignment.id}-autograder.zip"
        if not samples:
            print(f"{assignment.id}: no sample submissions")
            continue
        if not bundle.is_file():
            print(f"{assignment.id}: {course.relative(bundle)} is missing; run `grader release {assignment.id}`")
            return 1
        print(f"\n{assignment.id}: {assignment.title} ({len(samples)} sample submissions, otter run)")
        rows = []
        for sample in samples:
            started = time.perf_counter()
            try:
                result = otter_run(course, bundle, sample)
            except GraderError as exc:
                print(f"  {sample.stem}: error: {exc}")
                continue
            rows.append((sample.stem, result, time.perf_counter() - started))
        if not rows:
            continue
        questions = sorted(rows[0][1].max_scores, key=_natural)
        header = f"  {'submission':<24}{'score':>12}  " + " ".join(f"{q:>5}" for q in questions) + "   time"
        print(header)
        print(f"  {'(max)':<24}{rows[0][1].max_total:>12g}  " + " ".join(f"{rows[0][1].max_scores[q]:>5g}" for q in questions))
        for name, result, seconds in rows:
            cells = " ".join(f"{result.scores.get(q, 0):>5g}" for q in questions)
            print(f"  {name:<24}{result.total:>7g} / {result.max_total:<3g} {cells}  {seconds:5.1f}s")
    return 0


def _natural(name: str) -> list:
    """q2 before q10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


if __name__ == "__main__":
    sys.exit(main())
