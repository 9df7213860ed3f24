"""Reference values: what the master notebook's ``# value`` examples evaluate to, computed at release.

A hidden test written as ``predict(model, X_check)  # value: allclose`` holds no expected
number at all: ``grader release`` runs the released solution through the grading engine,
keeps the value each such example had there, and writes them to ``references.json``
beside the instructor's test files. At grading the student's value is compared with it
in the grader (``grade.verdict``); the reference never enters a student's kernel.

The same run shows which split asserts (``grade.asserts``) the grader cannot judge on
the master's own values, written to ``in_kernel.json``: those conjuncts stay in the kernel.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..course import Limits
from ..errors import GraderError
from ..sandbox.base import NoIsolation
from .engine import grade_submission
from .scoring import IN_KERNEL_FILE, KERNEL_CASES_FILE, REFERENCES_FILE, TestSuite, load_test_suite
from .setup import grading_setup
from .submissions import Submission
from .values import ValueDecodeError, decode_value
from .verdict import reply_positions


def needs_capture(suite: TestSuite) -> bool:
    """Whether the master has to be graded once: for ``# value`` references, or to see which split asserts hold."""
    return (any(e.comparator is not None or e.parts for q in suite.questions for case in q.examples for e in case)
            or any(q.spec.ok_format and q.judged_in_grader("hidden") for q in suite.questions))


@dataclass
class SolutionCapture:
    """What grading the master once gives a release."""

    references: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """question -> case -> example -> the encoded value of a ``# value`` example."""
    in_kernel: dict[str, dict[int, dict[int, frozenset[int]]]] = field(default_factory=dict)
    """question -> case -> example -> the assert conjuncts the grader could not judge on the master's values."""
    kernel_cases: dict[str, list[int]] = field(default_factory=dict)
    """question -> the hidden OK-format cases the master fails when they run in the grader (``KERNEL_CASES_FILE``)."""


def capture_solution(tests_dir: Path, solution: Path, *, limits: Limits, kernel_name: str, data_dir: Path | None,
                     support_files: tuple[Path, ...]) -> SolutionCapture:
    """Grade the solution once (it is trusted code) with every assert split, and keep the value of every
    ``# value`` example and which split conjuncts did not hold: those would fail a correct answer in the
    grader (a value too large to send, an object the grader only sees as text), so they stay in the kernel."""
    for name in (REFERENCES_FILE, IN_KERNEL_FILE, KERNEL_CASES_FILE):
        (tests_dir / name).unlink(missing_ok=True)
    suite = load_test_suite(tests_dir)
    setup = grading_setup(suite, NoIsolation(), limits=limits, kernel_name=kernel_name, data_dir=data_dir,
                          support_files=support_files)
    captured: dict[str, dict[int, Any]] = {}
    in_grader: dict[str, dict[int, Any]] = {}
    result = asyncio.run(grade_submission(Submission(solution.stem, solution), setup, captured=captured,
                                          captured_in_grader=in_grader))
    if result.status != "graded":
        raise GraderError(f"{solution.name}: could not be run to compute reference values: {result.error}")
    capture = SolutionCapture()
    for question in suite.questions:
        for case in question.spec.cases:
            positions = reply_positions(question.examples[case.index])
            for index, example in enumerate(question.examples[case.index]):
                if example.comparator is None and not example.parts:
                    continue
                where = f"{question.name}, case {case.index + 1}, example {index + 1} ({example.source.strip()[:60]!r})"
                try:
                    replies = captured[question.name][case.index]["examples"][positions[index]:positions[index + 1]]
                except (KeyError, IndexError, TypeError):
                    replies = []
                if len(replies) != positions[index + 1] - positions[index]:
                    raise GraderError(f"{where}: the solution's tests did not run, so it has no reference value")
                if example.parts:
                    failing = frozenset(i for i, (part, reply) in enumerate(zip(example.parts, replies, strict=True))
                                        if part.check is not None and not _holds(part.check, reply))
                    if failing:
                        capture.in_kernel.setdefault(question.name, {}).setdefault(case.index, {})[index] = failing
                    continue
                reply = replies[0]
                if reply["exception"] is not None or reply["value"] is None:
                    raise GraderError(f"{where}: the solution raised {reply['exception'] or 'nothing to compare'}".strip())
                capture.references.setdefault(question.name, {}).setdefault(str(case.index), {})[str(index)] = reply["value"]
    capture.kernel_cases = _failing_in_grader(suite, capture.references, in_grader)
    return capture


def _failing_in_grader(suite: TestSuite, references: dict[str, dict[str, dict[str, Any]]],
                       in_grader: dict[str, dict[int, Any]]) -> dict[str, list[int]]:
    """The cases meant to run in the grader that the master does not pass there, with its own reference values."""
    failing: dict[str, list[int]] = {}
    for question in suite.questions:
        cases = question.judged_in_grader("hidden") if question.spec.ok_format else ()
        if not cases:
            continue
        known = {int(c): {int(e): v for e, v in examples.items()} for c, examples in references.get(question.name, {}).items()}
        judged = replace(question, references=known)
        replies = [in_grader.get(question.name, {}).get(case.index) for case in cases]
        for case, reply, (passed, _) in zip(cases, replies, judged.judge(replies, cases, in_grader=True), strict=True):
            if reply is None or not passed:
                failing.setdefault(question.name, []).append(case.index)
    return failing


def _holds(check: Any, reply: dict) -> bool:
    if reply.get("exception") is not None:
        return False
    try:
        return bool(check.holds(decode_value(reply.get("value"))))
    except ValueDecodeError:
        return False


def write_references(tests_dir: Path, references: dict) -> None:
    (tests_dir / REFERENCES_FILE).write_text(json.dumps(references, indent=1, sort_keys=True) + "\n", encoding="utf-8")
