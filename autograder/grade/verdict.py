"""Pass or fail, decided in the grader process from what the kernel reported.

An OK-format case is a doctest. The grader parses it, sends the kernel only each
example's source, and gets back per example what it printed, the exception it raised
(its last traceback line) and, for ``# value`` examples, the value as data. Here,
outside the student's reach, each example is judged as doctest's own runner would
(``doctest.OutputChecker``, the example's ``# doctest:`` options, expected exceptions),
except that a ``# value`` example is compared with the reference value computed from
the master notebook at release (``grade.references``), with the comparator it states,
and an ``assert`` whose expected value is a literal (``assert f(3) == 9``) is split
so that the kernel computes ``f(3)`` and the grader compares it (``grade.asserts``).
"""

from __future__ import annotations

import ast
import doctest
from dataclasses import dataclass
from typing import Any

from .asserts import LiftedPart, split_assert
from .values import Comparator, ValueDecodeError, compare, decode_value, value_directive

MAX_REPORT = 4000
STANDARD_IMPORTS = {"numpy": ("np", "numpy"), "math": ("math",)}


@dataclass(frozen=True)
class ExampleSpec:
    source: str
    want: str
    exc_msg: str | None
    options: dict[int, bool]
    comparator: Comparator | None
    """Set for a ``# value`` example: its value is compared with the reference."""
    parts: tuple[LiftedPart, ...] = ()
    """Set for an assert with literal expectations: what the kernel runs instead, piece by piece."""

    def kernel_requests(self) -> list[dict]:
        """What the kernel is told: sources, and whether to send values back. Never ``want`` or a literal."""
        if self.parts:
            return [{"source": part.source, "value": part.check is not None} for part in self.parts]
        return [{"source": self.source, "value": self.comparator is not None}]


def parse_examples(code: str, name: str = "test", in_kernel: dict[int, frozenset[int]] | None = None) -> tuple[ExampleSpec, ...]:
    """A case's doctest examples (raises ``GraderError`` for a bad ``# value`` directive).

    ``in_kernel`` maps an example's index to the conjuncts of its assert that stay in the kernel.
    """
    specs = []
    examples = doctest.DocTestParser().get_examples(code, name)
    bound = _bound_names(e.source for e in examples)
    for index, e in enumerate(examples):
        comparator = value_directive(e.source)
        liftable = comparator is None and e.exc_msg is None and not e.want.strip()
        parts = (split_assert(e.source, bound, (in_kernel or {}).get(index, frozenset())) if liftable else None) or []
        specs.append(ExampleSpec(e.source, e.want, e.exc_msg, dict(e.options), comparator, tuple(parts)))
    return tuple(specs)


def _bound_names(sources: Any) -> frozenset[str]:
    """Names a case's examples assign, import or define: in an assert they are the kernel's, even ``np`` or ``max``."""
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, ast.Import):  # ``import numpy as np`` binds what the grader's np is
                names.update(bound for alias in node.names if (bound := (alias.asname or alias.name).split(".")[0])
                             not in STANDARD_IMPORTS.get(alias.name, ()))
            elif isinstance(node, ast.ImportFrom):
                names.update(alias.asname or alias.name for alias in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
    return frozenset(names)


def reply_positions(examples: tuple[ExampleSpec, ...]) -> list[int]:
    """Where each example's replies start in the kernel's replies for its case, and, last, where they end."""
    positions = [0]
    for example in examples:
        positions.append(positions[-1] + len(example.kernel_requests()))
    return positions


def kernel_examples(examples: tuple[ExampleSpec, ...]) -> list[dict]:
    """A case's examples as the kernel runs them, in order (a split assert is several)."""
    return [request for example in examples for request in example.kernel_requests()]


def judge_case(examples: tuple[ExampleSpec, ...], replies: Any, references: dict[int, Any] | None) -> tuple[bool, str]:
    """(passed, report) for one case from the kernel's replies, one per example.

    ``references`` maps an example's index to its encoded reference value; a ``# value``
    example without one is judged by its printed output against ``want`` instead (public
    tests in a student's release have no references). Malformed replies fail the case.
    """
    try:
        return _judge_case(examples, replies, references)
    except Exception as error:  # a value built to break the judging (or exhaust memory) fails the case, no more
        return False, f"the test runner returned values the grader could not judge ({type(error).__name__})"


def _judge_case(examples: tuple[ExampleSpec, ...], replies: Any, references: dict[int, Any] | None) -> tuple[bool, str]:
    positions = reply_positions(examples)
    if not isinstance(replies, list) or len(replies) != positions[-1]:
        return False, "the test runner returned a wrong number of examples"
    if not all(isinstance(reply, dict) for reply in replies):
        return False, "the test runner returned a malformed reply"
    checker = doctest.OutputChecker()
    for index, example in enumerate(examples):
        flags = sum(flag for flag, on in example.options.items() if on)
        if example.options.get(doctest.SKIP):
            continue
        if example.parts:
            failure = _judge_parts(checker, example, replies[positions[index]:positions[index + 1]], flags)
            if failure:
                return False, failure
            continue
        reply = replies[positions[index]]
        printed, shown = str(reply.get("output", "")), str(reply.get("shown", ""))
        exception = reply.get("exception")
        if exception is not None:
            exception = str(exception)
            if example.exc_msg is None or not _exception_matches(checker, example.exc_msg, exception, flags):
                return False, _report(example, f"Exception raised:\n{_indent(exception)}")
            continue
        if example.exc_msg is not None:
            return False, _report(example, f"Expected the exception:\n{_indent(example.exc_msg)}but none was raised.")
        reference = (references or {}).get(index)
        if example.comparator is not None and reference is not None:
            try:
                why = compare(decode_value(reference), decode_value(reply.get("value")), example.comparator)
            except ValueDecodeError as error:
                why = f"the value could not be read ({error})"
            if why is not None:
                return False, _report(example, f"The value is not the expected one ({example.comparator.describe()}): {why}.")
            continue
        failure = _judge_output(checker, example, printed, shown, flags)
        if failure:
            return False, failure
    return True, ""


def _judge_output(checker: doctest.OutputChecker, example: ExampleSpec, printed: str, shown: str, flags: int) -> str:
    """Why an example's output is wrong, or "". A correct answer may print (progress, a table) on its way: an
    example that expects nothing only must display no value, and one that expects a value passes when what it
    displayed matches, whatever was printed before; otherwise doctest's rule, on everything it wrote."""
    if not example.want.strip():
        ok = not shown
    else:
        ok = checker.check_output(example.want, printed + shown, flags) or bool(shown) and checker.check_output(example.want, shown, flags)
    return "" if ok else _report(example, checker.output_difference(_as_doctest_example(example), printed + shown, flags))


def _judge_parts(checker: doctest.OutputChecker, example: ExampleSpec, replies: list[dict], flags: int) -> str:
    """Why a split assert fails (its first failing part), or "" when every part holds, as the assert would."""
    for part, reply in zip(example.parts, replies, strict=True):
        if reply.get("exception") is not None:
            return _report(example, f"Exception raised:\n{_indent(str(reply['exception']))}")
        if part.check is None:
            continue
        try:
            value = decode_value(reply.get("value"))
        except ValueDecodeError as error:
            return _report(example, f"The value of {part.source.strip()} could not be read ({error}).")
        if not part.check.holds(value):
            return _report(example, f"AssertionError: {part.check.text} does not hold.\n")
    printed = "".join(str(reply.get("output", "")) for reply in replies)
    return _judge_output(checker, example, printed, "".join(str(reply.get("shown", "")) for reply in replies), flags)


def _exception_matches(checker: doctest.OutputChecker, want: str, got: str, flags: int) -> bool:
    if checker.check_output(want, got, flags):
        return True
    if flags & doctest.IGNORE_EXCEPTION_DETAIL:
        strip = doctest._strip_exception_details  # type: ignore[attr-defined]  # doctest's own rule: the bare name
        return checker.check_output(strip(want), strip(got), flags)
    return False


def _as_doctest_example(example: ExampleSpec) -> doctest.Example:
    return doctest.Example(example.source, example.want, example.exc_msg)


def _report(example: ExampleSpec, what: str) -> str:
    text = f"Failed example:\n{_indent(example.source)}{what}"
    return text if len(text) <= MAX_REPORT else text[: MAX_REPORT - 3] + "..."


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.rstrip("\n").split("\n"))
