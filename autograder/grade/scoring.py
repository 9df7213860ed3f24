"""Otter's scoring rules, applied to the pass/fail of each case.

Point resolution is otter's own function (``TestFile.resolve_test_file_points``:
explicit per-case points, the rest of the question's points shared among the other
cases, a list of points, or 1 point shared when nothing is given); a question's score
is the points of its passed cases, or 0 unless all pass when ``all_or_nothing``.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from otter.test_files.abstract_test import TestCase, TestFile

from ..errors import GraderError
from ..testfiles import TestCaseSpec, TestFileSpec, read_tests_dir
from .plan import is_otter_plumbing
from .results import CaseResult, QuestionResult
from .values import ValueDecodeError, decode_value, guessable
from .verdict import ExampleSpec, judge_case, kernel_examples, parse_examples

Which = Literal["all", "public", "hidden"]
"""A subset of a question's cases: public ones run at its check cell, hidden ones after the last cell."""
IMPORTS_FILE = "imports.json"
"""Beside the test files of a bundle: the import statements of the student's release, which every test run
executes in its namespace, so a notebook that rebound ``np`` or defined its own ``train_test_split`` does
not change what the tests call (``grader release`` writes it; absent for other test directories)."""
IN_KERNEL_FILE = "in_kernel.json"
"""Beside the test files of a release (student's and instructor's): the assert conjuncts that stay in the kernel
because the grader could not judge them on the master's values (too large to send, or objects rather than
data): question -> case index -> example index -> conjunct positions. ``grader release`` writes it; without
it every assert is split (``grade.asserts``)."""
REFERENCES_FILE = "references.json"
"""Beside the test files of an instructor's bundle (``dist/<id>/tests/``): the master's values of every
``# value`` example, written by ``grader release``; never in a student's release."""

KERNEL_CASES_FILE = "kernel_cases.json"
"""Beside the test files of an instructor's bundle: the hidden OK-format cases the master failed when run in the
grader (a value too large to fetch, a context the kernel must be in), which therefore run in the kernel:
question -> case indices. ``grader release`` writes it; without it every hidden OK-format case runs in the grader."""

BESIDE_TESTS = (IMPORTS_FILE, IN_KERNEL_FILE, REFERENCES_FILE, KERNEL_CASES_FILE)
"""What a release writes beside the test files; part of the suite (and its hash) wherever the tests go."""


@dataclass(frozen=True)
class QuestionTests:
    """One question's test file, with its cases' resolved points and, for OK-format cases, their examples."""

    spec: TestFileSpec
    points: tuple[float, ...]
    source: str = ""
    """The test file's text, read once at load time (the file may be gone by the time tests run)."""
    examples: tuple[tuple[ExampleSpec, ...], ...] = ()
    """Per OK-format case, its parsed doctest examples (the ``want`` stays here, in the grader)."""
    references: dict[int, dict[int, Any]] = field(default_factory=dict)
    """Case index -> example index -> the encoded reference value of a ``# value`` example."""
    imports: tuple[str, ...] = ()
    """The assignment's import statements, run in the tests' namespace before the tests (``IMPORTS_FILE``)."""
    kernel_cases: frozenset[int] = frozenset()
    """Hidden OK-format cases that run in the kernel, because the master failed them run in the grader
    (``KERNEL_CASES_FILE``); every other hidden OK-format case runs in the grader (``judged_in_grader``)."""

    @property
    def name(self) -> str:
        return self.spec.question

    @property
    def max_score(self) -> float:
        return float(sum(self.points))

    def select(self, which: Which = "all") -> tuple[TestCaseSpec, ...]:
        if which == "public":
            return self.spec.public_cases
        return self.spec.hidden_cases if which == "hidden" else self.spec.cases

    def judged_in_grader(self, which: Which = "all") -> tuple[TestCaseSpec, ...]:
        """The ``which`` cases whose code runs in the grader (``grade.remote``), asking the kernel only for the
        notebook's values: Python-format ones, and hidden OK-format ones not kept in the kernel."""
        if not self.spec.ok_format:
            return self.select(which)
        return tuple(c for c in self.select(which) if c.hidden and c.index not in self.kernel_cases
                     and not shares_objects(self.examples[c.index]))

    def kernel_request(self, request_id: str, cases: tuple[TestCaseSpec, ...]) -> dict:
        """What the in-kernel runner needs for ``cases``: their code only (no expected output, no points)."""
        if self.spec.ok_format:
            test_file = {"ok_format": True, "cases": [kernel_examples(self.examples[c.index]) for c in cases]}
        else:
            test_file = {"ok_format": False, "source": _python_cases_source(self.source, cases)}
        return {"request_id": request_id, "question": self.name, "files": [test_file], "imports": list(self.imports)}

    def grader_job(self, cases: tuple[TestCaseSpec, ...]) -> dict:
        """What ``grade.judge_process`` runs for ``cases`` in the grader: the reduced test file, or the examples whole
        (an assert is not split there: the grader runs it)."""
        if not self.spec.ok_format:
            return {"functions": _python_cases_source(self.source, cases), "imports": list(self.imports)}
        return {"examples": [kernel_examples(_unsplit(self.examples[c.index])) for c in cases], "imports": list(self.imports)}

    def judge(self, replies: list, cases: tuple[TestCaseSpec, ...], in_grader: bool = False) -> list[tuple[bool, str]]:
        """Each case's (passed, report), decided here from the kernel's data (see ``grade.verdict``), or from what the
        cases gave run in the grader (``in_grader``: ``grader_job``)."""
        if len(replies) != len(cases):
            return [(False, "the test runner returned a wrong number of cases")] * len(cases)
        if not self.spec.ok_format:  # in the grader, or a probe's (grader validate): the master's own variants, in a fork
            return [(bool(r.get("passed")), str(r.get("output", ""))) if isinstance(r, dict)
                    else (bool(r[0]), str(r[1])) if isinstance(r, (list, tuple)) and len(r) == 2 else (False, "")
                    for r in replies]
        return [
            judge_case(_unsplit(self.examples[case.index]) if in_grader else self.examples[case.index],
                       reply.get("examples") if isinstance(reply, dict) else None, self.references.get(case.index))
            for case, reply in zip(cases, replies, strict=True)
        ]

    def decided_outside(self, case_index: int) -> bool:
        """Whether forging this case needs the answer: one of its examples is compared, in the grader, with
        something a forger cannot guess (a reference value that is not a bool or None, or printed output
        other than True, False, None or nothing). A Python-format function is decided in the grader too
        (``grade.remote``), but what it compares with cannot be read from it: it is not counted."""
        if not self.spec.ok_format:
            return False
        if any(c.index == case_index for c in self.judged_in_grader()) and any(
                not e.source.lstrip().startswith("assert") and e.comparator is None for e in self.examples[case_index]):
            return True  # the grader computes what the case compares with, from the notebook's values
        references = self.references.get(case_index, {})
        for index, example in enumerate(self.examples[case_index]):
            if example.comparator is not None and index in references:
                try:
                    if not guessable(decode_value(references[index])):
                        return True
                except ValueDecodeError:
                    continue
            elif example.exc_msg is None and example.want.strip() not in ("", "True", "False", "None"):
                return True
            elif any(part.check is not None and not part.check.guessable for part in example.parts):
                return True
        return False

    def score(self, outcomes: list[tuple[bool, str]] | None, checked_at_cell: int | None) -> QuestionResult:
        """Score from each case's (passed, output); ``None`` when the tests never ran."""
        ran = outcomes is not None
        if outcomes is None:
            outcomes = [(False, "not run")] * len(self.spec.cases)
        if len(outcomes) != len(self.spec.cases):
            outcomes = [(False, "the test runner returned a wrong number of cases")] * len(self.spec.cases)
        cases = [
            CaseResult(
                name=f"{self.name} - {case.index + 1}",
                hidden=case.hidden,
                passed=passed,
                score=float(points) if passed else 0.0,
                max_score=float(points),
                output=output,
            )
            for case, points, (passed, output) in zip(self.spec.cases, self.points, outcomes, strict=True)
        ]
        if self.spec.all_or_nothing and not all(c.passed for c in cases):
            score = 0.0
        else:
            score = sum(c.score for c in cases)
        return QuestionResult(self.name, score, self.max_score, cases, checked_at_cell, ran)


@dataclass(frozen=True)
class TestSuite:
    """All questions of an assignment, in a stable (natural) order, and their hash."""

    questions: tuple[QuestionTests, ...]
    sha256: str

    def __getitem__(self, name: str) -> QuestionTests:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [q.name for q in self.questions]

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    def require_references(self, directory: Path) -> None:
        """Refuse to grade hidden ``# value`` examples that have no reference value (a bundle from before
        ``grader release`` computed them, or a lost ``references.json``): they would silently fall back to
        comparing printed text."""
        missing = [
            f"{q.name} case {case.index + 1}"
            for q in self.questions for case in q.spec.hidden_cases
            if any(e.comparator is not None and i not in q.references.get(case.index, {}) for i, e in enumerate(q.examples[case.index]))
        ]
        if missing:
            raise GraderError(f"{directory}: '# value' examples without reference values in {', '.join(missing[:5])}"
                              f"{' ...' if len(missing) > 5 else ''}; run `grader release` to compute {REFERENCES_FILE}")


def load_test_suite(directory: Path) -> TestSuite:
    specs = read_tests_dir(directory)
    if not specs:
        raise GraderError(f"{directory}: no test files (*.py)")
    references = read_references(directory)
    imports = read_imports(directory)
    in_kernel = read_in_kernel(directory)
    kernel_cases = read_kernel_cases(directory)
    questions = []
    for spec in sorted(specs, key=lambda s: natural_key(s.question)):
        cases = [TestCase(f"{spec.question} - {c.index + 1}", c.code, c.hidden, c.points, None, None) for c in spec.cases]
        try:
            resolved = TestFile.resolve_test_file_points(spec.points, cases)
        except (ValueError, TypeError, AssertionError) as exc:
            raise GraderError(f"{spec.path}: invalid points ({exc})") from None
        kept = in_kernel.get(spec.question, {})
        examples = tuple(parse_examples(c.code, f"{spec.path}, case {c.index + 1}", kept.get(c.index)) if spec.ok_format else ()
                         for c in spec.cases)
        points = tuple(float(c.points) for c in resolved)
        questions.append(QuestionTests(spec, points, spec.path.read_text(encoding="utf-8"), examples, references.get(spec.question, {}),
                                       imports, frozenset(kernel_cases.get(spec.question, ()))))
    digest = hashlib.sha256()
    for path in sorted([*directory.glob("*.py"), *(directory / name for name in BESIDE_TESTS if (directory / name).is_file())]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return TestSuite(tuple(questions), digest.hexdigest())


def read_references(directory: Path) -> dict[str, dict[int, dict[int, Any]]]:
    """question -> case index -> example index -> encoded value, from ``references.json`` (empty if none)."""
    path = directory / REFERENCES_FILE
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {q: {int(c): {int(e): v for e, v in ex.items()} for c, ex in cases.items()} for q, cases in raw.items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise GraderError(f"{path}: not a references file ({exc}); run `grader release` again") from None


def read_in_kernel(directory: Path) -> dict[str, dict[int, dict[int, frozenset[int]]]]:
    path = directory / IN_KERNEL_FILE
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {q: {int(c): {int(e): frozenset(int(p) for p in parts) for e, parts in examples.items()} for c, examples in cases.items()}
                for q, cases in raw.items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise GraderError(f"{path}: not an in-kernel file ({exc}); run `grader release` again") from None


def write_in_kernel(directory: Path, in_kernel: dict[str, dict[int, dict[int, frozenset[int]]]]) -> None:
    raw = {q: {str(c): {str(e): sorted(parts) for e, parts in examples.items()} for c, examples in cases.items()}
           for q, cases in in_kernel.items()}
    (directory / IN_KERNEL_FILE).write_text(json.dumps(raw, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_kernel_cases(directory: Path) -> dict[str, list[int]]:
    path = directory / KERNEL_CASES_FILE
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {str(q): [int(c) for c in cases] for q, cases in raw.items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise GraderError(f"{path}: not a kernel-cases file ({exc}); run `grader release` again") from None


def write_kernel_cases(directory: Path, kernel_cases: dict[str, list[int]]) -> None:
    (directory / KERNEL_CASES_FILE).write_text(json.dumps(kernel_cases, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def public_in_kernel(suite: TestSuite, in_kernel: dict[str, dict[int, dict[int, frozenset[int]]]]) -> dict[str, dict[int, dict[int, frozenset[int]]]]:
    """The records of public cases, numbered as in a student's test files (which hold the public cases only, in order)."""
    public: dict[str, dict[int, dict[int, frozenset[int]]]] = {}
    for question in suite.questions:
        for position, case in enumerate(question.spec.public_cases):
            if case.index in in_kernel.get(question.name, {}):
                public.setdefault(question.name, {})[position] = in_kernel[question.name][case.index]
    return public


def read_imports(directory: Path) -> tuple[str, ...]:
    path = directory / IMPORTS_FILE
    if not path.is_file():
        return ()
    try:
        imports = json.loads(path.read_text(encoding="utf-8"))["imports"]
        for statement in imports:
            if not all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.parse(statement).body):
                raise ValueError(f"not an import: {statement!r}")
        return tuple(imports)
    except (ValueError, KeyError, TypeError, SyntaxError) as exc:
        raise GraderError(f"{path}: not an imports file ({exc}); run `grader release` again") from None


def write_imports(directory: Path, imports: list[str]) -> None:
    (directory / IMPORTS_FILE).write_text(json.dumps({"imports": imports}, indent=1) + "\n", encoding="utf-8")


def release_imports(notebook) -> list[str]:
    """The top-level import statements of a (student release) notebook's code cells, in order, once each."""
    found: dict[str, None] = {}
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            relative = isinstance(node, ast.ImportFrom) and node.level
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not relative and not is_otter_plumbing(node):
                found[ast.unparse(node)] = None
    return list(found)


def shares_objects(examples: tuple[ExampleSpec, ...]) -> bool:
    """Whether a case asks whether two values are the same object (``is``, but ``is None``), which the grader can
    tell only for the notebook's objects and the arguments it passed: such a case runs in the kernel."""
    try:
        tree = ast.parse("".join(e.source for e in examples))
    except SyntaxError:
        return True
    return any(isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops)
               and not any(isinstance(c, ast.Constant) and c.value is None for c in [node.left, *node.comparators])
               for node in ast.walk(tree))


def _unsplit(examples: tuple[ExampleSpec, ...]) -> tuple[ExampleSpec, ...]:
    return tuple(replace(e, parts=()) for e in examples)


def natural_key(name: str) -> list:
    """q2 sorts before q10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _python_cases_source(source: str, cases: tuple[TestCaseSpec, ...]) -> str:
    """A Python-format test file reduced to the given cases' functions (others never reach the kernel),
    without ``from otter.test_files import test_case``: the runner provides ``test_case``."""
    keep = {ast.parse(case.code).body[0].name for case in cases}  # type: ignore[attr-defined]
    module = ast.parse(source)
    module.body = [
        node
        for node in module.body
        if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("otter"))
        and not (isinstance(node, ast.Import) and any(a.name.startswith("otter") for a in node.names))
        and not (isinstance(node, ast.FunctionDef) and node.name not in keep and _is_test_case(node))
    ]
    return ast.unparse(module)


def _is_test_case(node: ast.FunctionDef) -> bool:
    return any("test_case" in ast.unparse(decorator) for decorator in node.decorator_list)
