"""``grader validate``: prove an assignment's tests before students see them.

Three gradings per assignment, through the same engine and sandbox as real
submissions, run in parallel: the solution twice (determinism), the unmodified
release once (stubs must score zero). Mutants, equivalents and cheats do not get gradings
of their own: they are probes, forked from the solution's kernel at the point they change, so
each costs only the cells from there to its question's tests. The probes are shared
out between the two solution gradings.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..course import Assignment, Course
from ..errors import GraderError
from ..grade.engine import grade_submission
from ..grade.plan import plan_steps
from ..grade.probes import Probe
from ..grade.results import ProbeResult, QuestionResult, SubmissionResult
from ..grade.scoring import TestSuite, load_test_suite
from ..grade.setup import GradingSetup, grading_setup
from ..grade.submissions import Submission
from ..notebooks import read_notebook
from ..release.leaks import find_hidden_test_leaks, find_solution_leaks
from ..release.manifest import master_fingerprint, read_manifest
from ..sandbox import Isolation
from ..testfiles import read_tests_dir
from .answers import find_answers
from .cheats import CHEATS, cheat_probes
from .variants import VARIANT_DIRS, Variant, VariantKind, load_variants, variant_probe

SOLUTION_RUNS = 2
MIN_VARIANTS_PER_FUNCTION_QUESTION = 2
"""Mutants, and equivalents, a question whose answer is a function should have at least (fewer: a warning)."""
OUTSIDE_TARGET = 0.9
"""Share of hidden points that should be decided in the grader (see the ``integrity`` finding)."""
EPSILON = 1e-9
"""Points are sums of shared fractions (3 points over 4 cases): compare with a tolerance."""


ProbeKind = Literal["mutant", "cheat"]
Check = Literal[VariantKind, "solution", "stubs", "cheat", "leak", "determinism", "cost", "grading", "integrity"]
Severity = Literal["fail", "warn"]
"""``fail``: validate exits non-zero; ``warn``: reported only."""


@dataclass
class Finding:
    check: Check
    question: str | None
    message: str
    severity: Severity = "fail"


@dataclass
class QuestionReport:
    question: str
    points: float
    solution_score: float
    stub_score: float
    mutants: int = 0
    mutants_caught: int = 0
    mutants_hidden_only: int = 0
    equivalents: int = 0
    equivalents_kept: int = 0
    """Equivalents (other correct answers) naming this question, and those keeping full marks on it."""
    cheats: int = 0
    cheats_caught: int = 0
    deterministic: bool = True
    test_seconds: float = 0.0
    hidden_points: float = 0.0
    hidden_points_outside: float = 0.0
    """Hidden points whose verdict needs the answer itself: decided in the grader against something
    a forger cannot guess (``QuestionTests.decided_outside``)."""

    def count_probe(self, kind: ProbeKind, caught: bool) -> None:
        """One more mutant or cheat tried on this question, and whether the tests caught it."""
        if kind == "mutant":
            self.mutants += 1
            self.mutants_caught += caught
        else:
            self.cheats += 1
            self.cheats_caught += caught


@dataclass
class AssignmentReport:
    assignment: str
    questions: list[QuestionReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not any(f.severity == "fail" for f in self.findings)

    def to_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


@dataclass(frozen=True)
class _Plan:
    """What one assignment's validation runs: the gradings and the probes of each."""

    assignment: Assignment
    suite: TestSuite
    setup: GradingSetup
    solution: Path
    release: Path
    answers: dict
    variants: list[tuple[Variant, Probe]]
    cheats: list
    probe_groups: list[tuple[Probe, ...]]


def validate_assignments(course: Course, assignments: list[Assignment], isolation: Isolation, workers: int) -> list[AssignmentReport]:
    """Validate each assignment; the gradings of all of them share ``workers`` slots."""
    plans = [_prepare(course, assignment, isolation) for assignment in assignments]
    return asyncio.run(_validate_all(course, plans, workers))


async def _validate_all(course: Course, plans: list[_Plan], workers: int) -> list[AssignmentReport]:
    slots = asyncio.Semaphore(max(workers, 1))

    async def grade(plan: _Plan, path: Path, probes: tuple[Probe, ...]) -> SubmissionResult:
        async with slots:
            return await grade_submission(Submission(path.stem, path), plan.setup, probes)

    async def validate(plan: _Plan) -> AssignmentReport:
        started = time.perf_counter()
        gradings = [grade(plan, plan.solution, group) for group in plan.probe_groups] + [grade(plan, plan.release, ())]
        *solution_runs, stubs = await asyncio.gather(*gradings)
        report = _judge(plan, solution_runs, stubs)
        report.findings += _leaks(course, plan)
        report.seconds = time.perf_counter() - started
        return report

    return list(await asyncio.gather(*(validate(plan) for plan in plans)))


def _prepare(course: Course, assignment: Assignment, isolation: Isolation) -> _Plan:
    label = course.relative(assignment.master)
    bundle = course.dist_dir / assignment.id
    solution_path = bundle / f"{assignment.id}.ipynb"
    release_path = course.assignments_dir / assignment.id / f"{assignment.id}.ipynb"
    for path in (bundle / "tests", solution_path, release_path):
        if not path.exists():
            raise GraderError(f"{course.relative(path)} is missing: run `grader release {assignment.id}` first")
    master = read_notebook(assignment.master, label=label)
    manifest = read_manifest(course.assignments_dir / assignment.id)
    if manifest.get("master_sha256") != master_fingerprint(master, list(assignment.files)):
        raise GraderError(f"{assignment.id}: {label} changed since its release: run `grader release {assignment.id}` first")
    suite = load_test_suite(bundle / "tests")
    solution = read_notebook(solution_path, label=course.relative(solution_path))
    answers = find_answers(master, solution, label)
    plan = plan_steps(solution, suite.names)
    variants: list[tuple[Variant, Probe]] = []
    for kind, folder in VARIANT_DIRS.items():
        folder_label = course.relative(assignment.master_dir / folder)
        variants += [(v, variant_probe(v, answers, plan, folder_label))
                     for v in load_variants(assignment.master_dir / folder, kind, folder_label)]
    cheats = cheat_probes(answers, plan)
    probes = [probe for _, probe in variants] + [c.probe for c in cheats]
    groups = [tuple(probes[i::SOLUTION_RUNS]) for i in range(SOLUTION_RUNS)]
    # The solution gradings carry their probes: give them the time those may take too.
    budget = assignment.limits.timeout + sum(p.budget(assignment.limits.cell_timeout) for p in probes)
    setup = grading_setup(suite, isolation, limits=replace(assignment.limits, timeout=budget), kernel_name=assignment.kernel,
                          data_dir=course.data_dir, support_files=assignment.files)
    return _Plan(assignment, suite, setup, solution_path, release_path, answers, variants, cheats, groups)


def _judge(plan: _Plan, solution_runs: list[SubmissionResult], stubs: SubmissionResult) -> AssignmentReport:
    report = AssignmentReport(plan.assignment.id)
    findings = report.findings
    for run, name in [(r, "the solution") for r in solution_runs] + [(stubs, "the release")]:
        if run.status != "graded":
            findings.append(Finding("grading", None, f"{name} could not be graded: {run.error}"))
        for problem in run.problems:
            findings.append(Finding("grading", None, f"grading {name}: {problem.kind}: {problem.message}"))
    probes: dict[str, ProbeResult] = {p.name: p for run in solution_runs for p in run.probes}
    budget = plan.assignment.limits.test_budget
    first = solution_runs[0]
    for question in first.questions:
        name = question.name
        stub = _question(stubs, name)
        row = QuestionReport(name, question.max_score, question.score, stub.score if stub else 0.0)
        tests = plan.suite[name]
        hidden = [(case, points) for case, points in zip(tests.spec.cases, tests.points, strict=True) if case.hidden]
        row.hidden_points = sum(points for _, points in hidden)
        row.hidden_points_outside = sum(points for case, points in hidden if tests.decided_outside(case.index))
        report.questions.append(row)
        if _lost_points(question):
            findings.append(Finding("solution", name, f"the solution scores {question.score:g}/{question.max_score:g}; "
                                    f"failing: {_failing(question)}"))
        if stub is not None and stub.score > EPSILON:
            passed = ", ".join(c.name for c in stub.cases if c.passed)
            findings.append(Finding("stubs", name, f"the unmodified release scores {stub.score:g}/{stub.max_score:g}: "
                                    f"vacuous test(s) {passed} pass the empty stub"))
        others = [_question(run, name) for run in solution_runs[1:]]
        for other in filter(None, others):
            changed = [a.name for a, b in zip(question.cases, other.cases, strict=True) if a.passed != b.passed]
            if changed:
                row.deterministic = False
                findings.append(Finding("determinism", name, f"test(s) {', '.join(changed)} passed in one grading of the "
                                        "solution and failed in another (flaky)"))
        row.test_seconds = max(q.seconds for q in [question, *filter(None, others)])
        if row.test_seconds > budget:
            findings.append(Finding("cost", name, f"its tests take {row.test_seconds:.1f} s (budget {budget:g} s, "
                                    "test_budget in course.toml)"))
    hidden_points = sum(row.hidden_points for row in report.questions)
    outside = sum(row.hidden_points_outside for row in report.questions)
    if hidden_points and outside < OUTSIDE_TARGET * hidden_points - EPSILON:
        findings.append(Finding("integrity", None, f"{outside:g} of {hidden_points:g} hidden points are decided in the grader against "
                                f"values a forger cannot guess (target {OUTSIDE_TARGET:.0%}); the rest can be forged from inside "
                                "the kernel: write them as `# value` examples (README, Writing an assignment)", "warn"))
    rows = {row.question: row for row in report.questions}
    for variant, probe in plan.variants:
        if variant.kind == "mutant":
            _judge_probe(probes.get(probe.name), variant.questions, variant.title, variant.description, "mutant", rows, findings)
        else:
            _judge_equivalent(probes.get(probe.name), variant, rows, findings)
    for cheat in plan.cheats:
        _judge_probe(probes.get(cheat.probe.name), (cheat.question,), f"cheat {cheat.cheat}",
                     CHEATS[cheat.cheat], "cheat", rows, findings)
    for name, answer in plan.answers.items():
        if not answer.functions or name not in rows:
            continue
        for kind, folder in VARIANT_DIRS.items():
            count = rows[name].mutants if kind == "mutant" else rows[name].equivalents
            if count < MIN_VARIANTS_PER_FUNCTION_QUESTION:
                findings.append(Finding(kind, name, f"{count} {kind}(s) for a question whose answer is a function "
                                        f"({', '.join(answer.functions)}); write at least {MIN_VARIANTS_PER_FUNCTION_QUESTION} "
                                        f"in {folder}/", "warn"))
    return report


def _judge_equivalent(result: ProbeResult | None, equivalent: Variant, rows: dict[str, QuestionReport],
                      findings: list[Finding]) -> None:
    """Another correct answer must keep full marks on every question its run tested: a lost point is a test
    too harsh for a correct answer, named with what it said."""
    title = f"{equivalent.title} ({equivalent.description})"
    for name in equivalent.questions:
        rows[name].equivalents += 1
    if result is None or result.status != "ok" or result.cell_errors:
        why = (result.error or result.status) if result else "no result"
        if result is not None and result.cell_errors:
            why = _cell_errors(result)
        findings.append(Finding("equivalent", equivalent.questions[0], f"{title} did not run through ({why}): a correct "
                                "answer must run, or the solution it was written against changed"))
        return
    tested = {q.name: q for q in result.questions}
    for name in equivalent.questions:
        if name in tested and not _lost_points(tested[name]):
            rows[name].equivalents_kept += 1
    for question in result.questions:
        if _lost_points(question):
            findings.append(Finding("equivalent", question.name, f"{title} scores {question.score:g}/{question.max_score:g}: "
                                    f"too harsh for a correct answer: {_failing(question)}"))


def _judge_probe(result: ProbeResult | None, questions, title: str, description: str, kind: ProbeKind,
                 rows: dict[str, QuestionReport], findings: list[Finding]) -> None:
    """A mutant or cheat must lose points on each of its questions."""
    for name in questions:
        row = rows[name]
        if result is None or result.status == "not_run":
            row.count_probe(kind, caught=False)
            why = result.error if result else "no result"
            findings.append(Finding(kind, name, f"{title} could not be run ({why})"))
            continue
        question = next((q for q in reversed(result.questions) if q.name == name), None)
        caught = result.status in ("timeout", "died") or question is None or _lost_points(question)
        row.count_probe(kind, caught)
        if caught:
            if kind == "mutant" and (result.cell_errors or result.status != "ok"):
                crash = result.status if result.status != "ok" else _cell_errors(result)
                findings.append(Finding(kind, name, f"{title} is caught, but its code failed ({crash}): check that "
                                        "it is the mistake you meant", "warn"))
            if kind == "mutant" and question is not None and all(c.passed for c in question.cases if not c.hidden):
                row.mutants_hidden_only += 1
                findings.append(Finding(kind, name, f"{title} ({description}) is caught only by hidden tests: the "
                                        "student sees every public test pass", "warn"))
            continue
        cases = len(question.cases) if question is not None else 0
        findings.append(Finding(kind, name, f"{title} ({description}) survives: it passes all {cases} "
                                "test(s) with full marks"))


def _leaks(course: Course, plan: _Plan) -> list[Finding]:
    assignment = plan.assignment
    release = course.assignments_dir / assignment.id
    others = [p for p in sorted(course.assignments_dir.glob("*")) if p.is_dir() and p.name != assignment.id]
    other_public = [spec for other in others if (other / "tests").is_dir() for spec in read_tests_dir(other / "tests")]
    tests = read_tests_dir(course.dist_dir / assignment.id / "tests")
    master = read_notebook(assignment.master)
    leaks = find_hidden_test_leaks(tests, [release, *others], other_public) + find_solution_leaks(master, [release])
    return [Finding("leak", None, leak.describe(course.relative(leak.path))) for leak in leaks]


def _cell_errors(result: ProbeResult) -> str:
    return ", ".join(f"{e.ename} in cell {e.cell}" + (f" ({e.evalue[:80]})" if e.evalue else "") for e in result.cell_errors)


def _lost_points(question: QuestionResult) -> bool:
    return question.score < question.max_score - EPSILON


def _question(result: SubmissionResult, name: str) -> QuestionResult | None:
    return next((q for q in result.questions if q.name == name), None)


def _failing(question: QuestionResult) -> str:
    failed = [c for c in question.cases if not c.passed]
    first = " ".join(failed[0].output.split())[:160] if failed else ""
    return ", ".join(c.name for c in failed) + (f" ({first})" if first else "")

