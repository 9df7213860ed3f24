"""Reference values: what the master notebook's ``# value`` examples evaluate to, computed at release.

A hidden test written as ``predict(model, X_check)  # value: allclose`` holds no expected
number at all: ``grader release`` runs the released solution through the grading engine,
keeps the value each such example had there, and writes them to ``references.json``
beside the instructor's test files. At grading the student's value is compared with it
in the grader (``grade.verdict``); the reference never enters a student's kernel.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from ..course import Limits
from ..errors import GraderError
from ..sandbox.base import NoIsolation
from .engine import grade_submission
from .scoring import REFERENCES_FILE, TestSuite, load_test_suite
from .setup import grading_setup
from .submissions import Submission
from .verdict import reply_positions


def needs_references(suite: TestSuite) -> bool:
    return any(e.comparator is not None for q in suite.questions for case in q.examples for e in case)


def capture_references(tests_dir: Path, solution: Path, *, limits: Limits, kernel_name: str, data_dir: Path | None,
                       support_files: tuple[Path, ...]) -> dict[str, dict[str, dict[str, Any]]]:
    """Grade the solution once and keep the value of every ``# value`` example (the master is trusted code)."""
    (tests_dir / REFERENCES_FILE).unlink(missing_ok=True)
    suite = load_test_suite(tests_dir)
    setup = grading_setup(suite, NoIsolation(), limits=limits, kernel_name=kernel_name, data_dir=data_dir,
                          support_files=support_files)
    captured: dict[str, dict[int, Any]] = {}
    result = asyncio.run(grade_submission(Submission(solution.stem, solution), setup, captured=captured))
    if result.status != "graded":
        raise GraderError(f"{solution.name}: could not be run to compute reference values: {result.error}")
    references: dict[str, dict[str, dict[str, Any]]] = {}
    for question in suite.questions:
        for case in question.spec.cases:
            positions = reply_positions(question.examples[case.index])
            for index, example in enumerate(question.examples[case.index]):
                if example.comparator is None:
                    continue
                where = f"{question.name}, case {case.index + 1}, example {index + 1} ({example.source.strip()[:60]!r})"
                try:
                    reply = captured[question.name][case.index]["examples"][positions[index]]
                except (KeyError, IndexError, TypeError):
                    raise GraderError(f"{where}: the solution's tests did not run, so it has no reference value") from None
                if reply["exception"] is not None or reply["value"] is None:
                    raise GraderError(f"{where}: the solution raised {reply['exception'] or 'nothing to compare'}".strip())
                references.setdefault(question.name, {}).setdefault(str(case.index), {})[str(index)] = reply["value"]
    return references


def write_references(tests_dir: Path, references: dict) -> None:
    (tests_dir / REFERENCES_FILE).write_text(json.dumps(references, indent=1, sort_keys=True) + "\n", encoding="utf-8")
