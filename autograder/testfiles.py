"""Otter test files read as data, without executing them.

Both of otter's formats are understood: the OK format (``OK_FORMAT = True`` and a
``test = {...}`` dict of doctest cases) and the Python format (``@test_case``-decorated
functions). Parsing with ``ast`` rather than ``exec`` means a tests directory can be
inspected (for leaks, counts, points) without running anything it contains.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from .errors import GraderError


@dataclass(frozen=True)
class TestCaseSpec:
    question: str
    index: int
    code: str
    """Doctest text (OK format) or the test function's source (Python format)."""
    hidden: bool
    points: float | None


@dataclass(frozen=True)
class TestFileSpec:
    question: str
    path: Path
    ok_format: bool
    points: float | list | None
    all_or_nothing: bool
    cases: tuple[TestCaseSpec, ...]

    @property
    def hidden_cases(self) -> tuple[TestCaseSpec, ...]:
        return tuple(c for c in self.cases if c.hidden)

    @property
    def public_cases(self) -> tuple[TestCaseSpec, ...]:
        return tuple(c for c in self.cases if not c.hidden)


def read_tests_dir(directory: Path) -> list[TestFileSpec]:
    """Every test file (``*.py``) in ``directory``, sorted by question name."""
    if not directory.is_dir():
        raise GraderError(f"{directory}: no such tests directory")
    specs = [read_test_file(path) for path in sorted(directory.glob("*.py")) if not path.name.startswith("__")]
    return sorted(specs, key=lambda spec: spec.question)


def read_test_file(path: Path) -> TestFileSpec:
    source = path.read_text(encoding="utf-8")
    try:
        module = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise GraderError(f"{path}: not valid Python ({exc.msg}, line {exc.lineno})") from None
    constants = _constants(module)
    if constants.get("OK_FORMAT") is True:
        return _ok_test(path, constants)
    if constants.get("OK_FORMAT") is False:
        return _python_test(path, source, module, constants)
    raise GraderError(f"{path}: not an otter test file (it does not set OK_FORMAT)")


def _constants(module: ast.Module) -> dict:
    values = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return values


def _ok_test(path: Path, constants: dict) -> TestFileSpec:
    test = constants.get("test")
    if not isinstance(test, dict) or "suites" not in test:
        raise GraderError(f"{path}: OK-format test file without a `test = {{...}}` dict")
    name = test.get("name", path.stem)
    cases: list[TestCaseSpec] = []
    for suite in test["suites"]:
        for case in suite.get("cases", []):
            cases.append(TestCaseSpec(name, len(cases), case["code"], bool(case.get("hidden", False)), case.get("points")))
    return TestFileSpec(name, path, True, test.get("points"), bool(test.get("all_or_nothing", False)), tuple(cases))


def _python_test(path: Path, source: str, module: ast.Module, constants: dict) -> TestFileSpec:
    name = constants.get("name", path.stem)
    cases: list[TestCaseSpec] = []
    for node in module.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        options = _test_case_options(node)
        if options is None:
            continue
        code = ast.get_source_segment(source, node) or ""
        cases.append(TestCaseSpec(name, len(cases), code, bool(options.get("hidden", False)), options.get("points")))
    return TestFileSpec(name, path, False, constants.get("points"), bool(constants.get("all_or_nothing", False)), tuple(cases))


def _test_case_options(node: ast.FunctionDef) -> dict | None:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name) and target.id == "test_case" or isinstance(target, ast.Attribute) and target.attr == "test_case":
            options = {}
            if isinstance(decorator, ast.Call):
                for keyword in decorator.keywords:
                    try:
                        options[keyword.arg] = ast.literal_eval(keyword.value)
                    except ValueError:
                        pass
            return options
    return None
