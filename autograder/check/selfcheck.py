"""Run a notebook with its public tests, through the grading engine, and say what the hidden tests add.

The public tests are the released ``tests/`` folder beside the notebook (what
``grader.check`` cells run), or the course's ``assignments/<id>/tests`` for a notebook
whose metadata names a course assignment. Hidden tests never leave the instructor's
side; their count and points come from the release's ``release.json``. This answers
the most common complaint about autograders: "all tests passed locally, and I lost
points".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Course, Limits, load_course
from ..errors import GraderError
from ..grade.engine import grade_submission
from ..grade.scoring import load_test_suite
from ..grade.setup import grading_setup
from ..grade.submissions import Submission
from ..notebooks import read_submission
from ..release.manifest import read_manifest
from ..sandbox import Isolation


@dataclass
class QuestionCheck:
    question: str
    public_passed: int
    public_total: int
    points: float | None
    """The question's points at grading (None when the release does not say)."""
    hidden_cases: int | None
    hidden_points: float | None
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(case, what it printed) for each failing public test."""
    hidden_passed: int | None = None
    """Only when the tests beside the notebook include hidden ones (an instructor's bundle)."""


@dataclass
class CheckReport:
    notebook: str
    questions: list[QuestionCheck]
    problems: list[str]

    @property
    def all_public_pass(self) -> bool:
        return all(q.public_passed == q.public_total for q in self.questions)


@dataclass(frozen=True)
class PublicTests:
    """Where a notebook's public tests and release summary are."""

    directory: Path
    course: Course | None
    limits: Limits
    kernel: str
    data_dir: Path | None


def find_public_tests(notebook_path: Path) -> PublicTests:
    try:
        course = load_course(notebook_path.parent)
    except GraderError:
        course = None
    beside = notebook_path.parent
    notebook, _ = read_submission(notebook_path)
    name = notebook.metadata.get("otter", {}).get("assignment_name")
    assignment = None
    if course is not None and name:
        assignment = next((a for a in course.assignments if a.id == name), None)
    if (beside / "tests").is_dir():
        directory = beside
    elif course is not None and assignment is not None and (course.assignments_dir / name / "tests").is_dir():
        directory = course.assignments_dir / name
    else:
        raise GraderError(f"{notebook_path}: no public tests: run it from the released assignment's folder "
                          "(beside its tests/), or inside the course repository")
    return PublicTests(
        directory=directory,
        course=course,
        limits=assignment.limits if assignment else Limits(),
        kernel=assignment.kernel if assignment else "python3",
        data_dir=course.data_dir if course is not None else None,
    )


def check_notebook(notebook_path: Path, isolation: Isolation) -> CheckReport:
    release = find_public_tests(notebook_path)
    suite = load_test_suite(release.directory / "tests")
    summary = read_manifest(release.directory).get("questions", {})
    support_files = [p for p in release.directory.iterdir() if p.name not in ("tests", "release.json") and p.suffix != ".ipynb"]
    setup = grading_setup(suite, isolation, limits=release.limits, kernel_name=release.kernel, data_dir=release.data_dir,
                          support_files=support_files)
    result = asyncio.run(grade_submission(Submission(notebook_path.stem, notebook_path), setup))
    if result.status != "graded":
        raise GraderError(f"{notebook_path}: could not be run: {result.error}")
    questions = []
    for question in result.questions:
        known = summary.get(question.name, {})
        public = [c for c in question.cases if not c.hidden]
        hidden = [c for c in question.cases if c.hidden]
        check = QuestionCheck(
            question=question.name,
            public_passed=sum(c.passed for c in public),
            public_total=len(public),
            points=known.get("points"),
            hidden_cases=known.get("hidden_cases"),
            hidden_points=known.get("hidden_points"),
            failures=[(c.name, c.output) for c in public if not c.passed],
        )
        if hidden:  # tests/ is an autograder bundle: the hidden tests ran here too
            check.points = question.max_score
            check.hidden_cases, check.hidden_points = len(hidden), sum(c.max_score for c in hidden)
            check.hidden_passed = sum(c.passed for c in hidden)
        questions.append(check)
    return CheckReport(str(notebook_path), questions, [f"{p.kind}: {p.message}" for p in result.problems])


def format_check_report(report: CheckReport) -> str:
    lines = [f"{report.notebook}: public tests (the ones its grader.check cells run)"]
    width = max((len(q.question) for q in report.questions), default=2)
    for q in report.questions:
        if q.public_passed == q.public_total:
            verdict = f"public tests pass ({q.public_passed}/{q.public_total})"
        else:
            verdict = f"{q.public_total - q.public_passed} of {q.public_total} public tests FAIL"
        if q.hidden_passed is not None:
            hidden = f"hidden tests (present here) pass {q.hidden_passed}/{q.hidden_cases}"
        elif q.hidden_cases:
            hidden = (f"{q.hidden_cases} more hidden test{'s' if q.hidden_cases != 1 else ''}, worth "
                      f"{q.hidden_points:g} of its {q.points:g} points, run at grading")
        elif q.hidden_cases == 0:
            hidden = "no hidden tests"
        else:
            hidden = "hidden tests unknown (no release.json)"
        lines.append(f"  {q.question.ljust(width)}  {verdict}; {hidden}")
        for case, output in q.failures:
            lines.append(f"  {''.ljust(width)}    {case}: {_last_line(output)}")
    lines += [f"  problem: {problem}" for problem in report.problems]
    hidden_total = sum(q.hidden_cases or 0 for q in report.questions)
    hidden_points = sum(q.hidden_points or 0 for q in report.questions)
    passing = sum(q.public_passed == q.public_total for q in report.questions)
    lines.append(f"public tests pass on {passing} of {len(report.questions)} questions; "
                 f"{hidden_total} hidden tests worth {hidden_points:g} points run at grading")
    return "\n".join(lines)


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "failed")[:200]
