"""What the report says, computed from ``grader grade``'s per-submission results."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraderError
from ..grade.outputs import load_result
from ..grade.results import SubmissionResult
from ..grade.scoring import natural_key
from ..manual.scores import ManualScores


@dataclass(frozen=True)
class QuestionStats:
    name: str
    max_score: float
    scores: tuple[float, ...]
    manual: bool = False
    """Graded by hand (``grader report --manual``): ``scores`` holds the graded ones only."""
    pending: int = 0

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0

    @property
    def full_marks(self) -> int:
        return sum(score >= self.max_score - 1e-9 for score in self.scores)


@dataclass(frozen=True)
class TestStats:
    name: str
    question: str
    hidden: bool
    max_score: float
    passed: int
    total: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass
class CourseworkStats:
    """Everything the report and the gradebook show for one assignment's batch."""

    results: list[SubmissionResult]
    max_score: float
    """Every question's points: the autograded ones, plus the manual ones when their scores are merged."""
    questions: list[QuestionStats] = field(default_factory=list)
    tests: list[TestStats] = field(default_factory=list)
    manual: ManualScores | None = None

    def total(self, result: SubmissionResult) -> float | None:
        """The submission's total, or None when it has none yet: the grader failed, or a manual question is pending."""
        if result.status == "failed":
            return None
        if self.manual is None:
            return result.score
        by_hand = self.manual.total(result.submission)
        return None if by_hand is None else result.score + by_hand

    @property
    def pending(self) -> list[SubmissionResult]:
        """Submissions with a manual question not graded yet."""
        if self.manual is None:
            return []
        return [r for r in self.results if r.status != "failed" and self.manual.pending(r.submission)]

    @property
    def graded(self) -> list[SubmissionResult]:
        return [r for r in self.results if r.status == "graded"]

    @property
    def totals(self) -> list[float]:
        return [total for r in self.results if (total := self.total(r)) is not None]

    @property
    def with_problems(self) -> list[SubmissionResult]:
        return [r for r in self.results if r.status != "graded" or r.problems or r.timed_out]

    def slowest(self, count: int = 10) -> list[SubmissionResult]:
        return sorted(self.graded, key=lambda r: -r.timings.get("total", 0.0))[:count]

    def tests_by_failure(self) -> list[TestStats]:
        """Most failed first; ties by question order."""
        return sorted(self.tests, key=lambda t: (t.pass_rate, natural_key(t.name)))


def load_results(results_dir: Path) -> list[SubmissionResult]:
    folder = results_dir / "results"
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    results = [r for r in (load_result(path) for path in paths) if r is not None]
    if not results:
        raise GraderError(f"no grading results in {folder}: run `grader grade` first (or pass --results DIR)")
    return sorted(results, key=lambda r: natural_key(r.submission))


def _manual_question_stats(results: list[SubmissionResult], manual: ManualScores) -> list[QuestionStats]:
    marked = [mark for r in results if r.status != "failed" for mark in manual.marks(r.submission)]
    found = []
    for spec in manual.manual.questions:
        marks = [m for m in marked if m.question == spec.name]
        scores = tuple(m.score for m in marks if m.score is not None)
        found.append(QuestionStats(spec.name, spec.points, scores, manual=True, pending=len(marks) - len(scores)))
    return found


def compute_stats(results: list[SubmissionResult], manual: ManualScores | None = None) -> CourseworkStats:
    max_score = max(r.max_score for r in results) + (manual.manual.max_points if manual else 0.0)
    stats = CourseworkStats(results, max_score, manual=manual)
    graded = [r for r in results if r.status == "graded"]
    names = list(dict.fromkeys(q.name for r in results for q in r.questions))
    for name in names:
        found = [(r.status, q) for r in results for q in r.questions if q.name == name]
        scores = tuple(q.score for status, q in found if status != "failed")  # a grader failure is no score, not 0
        stats.questions.append(QuestionStats(name, max(q.max_score for _, q in found), scores))
    if manual is not None:
        stats.questions += _manual_question_stats(results, manual)
        stats.questions.sort(key=lambda q: natural_key(q.name))
    cases: dict[str, TestStats] = {}
    for result in graded:
        for question in result.questions:
            for case in question.cases:
                known = cases.get(case.name)
                passed = (known.passed if known else 0) + case.passed
                total = (known.total if known else 0) + 1
                cases[case.name] = TestStats(case.name, question.name, case.hidden, case.max_score, passed, total)
    stats.tests = list(cases.values())
    return stats
