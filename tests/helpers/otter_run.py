"""Grading through otter's own local runner (``otter run``): the reference the tests compare ``grader grade`` with.

Test-only (tests/test_hw01.py, tests/test_grade_scoring.py): the grader itself never runs otter's runner.
Results are read from the ``results.json`` otter writes (JSON, Gradescope's format), never from pickles.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.course import Course
from autograder.environment import kernel_environment


@dataclass(frozen=True)
class OtterResult:
    submission: Path
    scores: dict[str, float]
    """Score per question, in the autograder's order."""
    max_scores: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.scores.values())

    @property
    def max_total(self) -> float:
        return sum(self.max_scores.values())


def otter_run(course: Course | None, autograder_zip: Path, submission: Path, timeout: float = 900) -> OtterResult:
    """Grade one notebook with ``otter run -a autograder_zip``."""
    otter = shutil.which("otter", path=str(Path(sys.executable).parent)) or "otter"
    with tempfile.TemporaryDirectory(prefix="grader-otter-run-") as output:
        process = subprocess.run(
            [otter, "run", "-a", str(autograder_zip), "-o", output, str(submission)],
            capture_output=True,
            text=True,
            env=kernel_environment(course.data_dir if course is not None else None),
            timeout=timeout,
        )
        results_path = Path(output) / "results.json"
        if process.returncode != 0 or not results_path.is_file():
            lines = [line for line in (process.stderr + process.stdout).splitlines() if line.strip()]
            raise RuntimeError(f"otter run failed on {submission}: {lines[-1] if lines else process.returncode}")
        results = json.loads(results_path.read_text(encoding="utf-8"))
    scores, max_scores = {}, {}
    for test in results["tests"]:
        if test.get("max_score") is not None:
            scores[test["name"]] = float(test["score"])
            max_scores[test["name"]] = float(test["max_score"])
    return OtterResult(submission, scores, max_scores)
