"""What the report says, computed from ``grader grade``'s per-submission results."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraderError
from ..grade.outputs import load_result
from ..grade.results import SubmissionResult
from ..grade.scoring import natural_key


@dataclass(frozen=True)
class QuestionStats:
    name: str
    max_score: float
    scores: tuple[float, ...]

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
    questions: list[QuestionStats] = field(default_factory=list)
    tests: list[TestStats] = field(default_factory=list)

    @property
    def graded(self) -> list[SubmissionResult]:
        return [r for r in self.results if r.status == "graded"]

    @property
    def totals(self) -> list[float]:
        return [r.score for r in self.results if r.status != "failed"]

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


def compute_stats(results: list[SubmissionResult]) -> CourseworkStats:
    max_score = max(r.max_score for r in results)
    stats = CourseworkStats(results, max_score)
    graded = [r for r in results if r.status == "graded"]
    names = list(dict.fromkeys(q.name for r in results for q in r.questions))
    for name in names:
        found = [(r.status, q) for r in results for q in r.questions if q.name == name]
        scores = tuple(q.score for status, q in found if status != "failed")  # a grader failure is no score, not 0
        stats.questions.append(QuestionStats(name, max(q.max_score for _, q in found), scores))
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
