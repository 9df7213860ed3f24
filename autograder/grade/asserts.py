"""Assert lines whose expected value is written in the test: decided in the grader, not in the kernel.

``assert f(3) == 9`` run in the student's kernel is a verdict the kernel reports, so a
notebook that hooks the runner can say it passed. But the ``9`` is right there in the
test: the grader keeps it and sends the kernel ``f(3)`` only, gets the value back as
data and applies the same comparison itself, with Python's (or NumPy's) own semantics.
A conjunct of ``and`` is lifted when it is

- ``X == L`` or ``L == X``, or ``X in L`` (``L`` a literal: numbers, strings, tuples,
  lists, sets, dicts of those; ``True``, ``False`` and ``None`` too, though a forger can
  guess them);
- ``np.isclose(X, L, ...)`` / ``np.allclose`` / ``numpy.`` / ``math.isclose``, with
  literal keyword arguments, either argument order.

Any other conjunct is split by ``grade.predicates`` (``0 <= acc <= 1``: the kernel sends
``acc``, the grader compares), unless it is a single value the kernel computes
(``isinstance(m, Model)``), which stays an assert run there. Outcomes are the same as the assert's: a value
that is not plain data (an object the kernel can describe only by its ``repr``) fails
the comparison, as does anything whose truth value is ambiguous (``bool(array)``).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .predicates import PredicateCheck, lift_predicate
from .values import FrameValue, ReprValue, SeriesValue, SetValue, blind_forgeries, quiet_numerics, safely_hashable

CLOSE_FUNCTIONS: dict[tuple[str, str], Callable[..., Any]] = {
    ("np", "isclose"): np.isclose, ("numpy", "isclose"): np.isclose,
    ("np", "allclose"): np.allclose, ("numpy", "allclose"): np.allclose,
    ("math", "isclose"): math.isclose,
}


@dataclass(frozen=True)
class LiftedCheck:
    """One comparison the grader applies to the value of an expression evaluated in the kernel."""

    operation: str
    """``==``, ``in``, or the dotted name of a closeness function (``np.isclose``)."""
    literal: Any
    literal_first: bool = False
    """Whether the literal is the left operand (``8 == f(2)``, ``np.isclose(1.0, x)``)."""
    keywords: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    """The conjunct as written, for reports."""

    def holds(self, value: Any) -> bool:
        """The truth of the original comparison for ``value``; False where the assert would have raised."""
        if isinstance(value, ReprValue):
            return False
        value = set(value) if isinstance(value, SetValue) and all(safely_hashable(v) for v in value) else value
        if isinstance(value, (SeriesValue, FrameValue)):  # compared by their values, as NumPy and pandas compare them
            value = value.as_array()
        left, right = (self.literal, value) if self.literal_first else (value, self.literal)
        with quiet_numerics():
            return self._holds(left, right)

    def _holds(self, left: Any, right: Any) -> bool:
        try:
            if self.operation == "==":
                return bool(operator.eq(left, right))
            if self.operation == "in":
                return bool(operator.contains(right, left))
            module, name = self.operation.split(".")
            return bool(CLOSE_FUNCTIONS[(module, name)](left, right, **self.keywords))
        except Exception:  # an ambiguous truth value, an unsupported type: the assert fails too
            return False

    @property
    def guessable(self) -> bool:
        """Whether a forger who does not know the test passes it anyway (``np.allclose(x, 1)`` takes ``[]``)."""
        return any(self.holds(forgery) for forgery in blind_forgeries())


@dataclass(frozen=True)
class LiftedPart:
    """A piece of a split assert: an expression whose value the grader checks, or a conjunct left in the kernel."""

    source: str
    check: LiftedCheck | PredicateCheck | None


def split_assert(source: str, kernel_names: frozenset[str] = frozenset(),
                 in_kernel: frozenset[int] = frozenset()) -> list[LiftedPart] | None:
    """The assert in ``source`` as parts, or None when nothing in it can be decided in the grader.

    ``kernel_names`` are names the test itself binds in the kernel (``max = ...``): never NumPy's or a builtin.
    ``in_kernel`` are the conjuncts (by position) ``grader release`` found the grader cannot judge on the
    master's values (too large to send, or objects rather than data): they stay asserts run in the kernel.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assert):
        return None
    test = tree.body[0].test
    conjuncts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    parts = [LiftedPart(f"assert {ast.unparse(conjunct)}\n", None) if index in in_kernel else _lift(conjunct, kernel_names)
             for index, conjunct in enumerate(conjuncts)]
    if all(part.check is None for part in parts):
        return None
    return parts


def _lift(node: ast.expr, kernel_names: frozenset[str]) -> LiftedPart:
    text = ast.unparse(node)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.In)):
        left, right = node.left, node.comparators[0]
        operation = "==" if isinstance(node.ops[0], ast.Eq) else "in"
        literal_right, literal_left = _literal(right), _literal(left)
        if literal_right is not _NOT and literal_left is _NOT:
            return LiftedPart(ast.unparse(left) + "\n", LiftedCheck(operation, literal_right, False, text=text))
        if operation == "==" and literal_left is not _NOT and literal_right is _NOT:
            return LiftedPart(ast.unparse(right) + "\n", LiftedCheck(operation, literal_left, True, text=text))
    if isinstance(node, ast.Call) and len(node.args) == 2 and not any(k.arg is None for k in node.keywords):
        function = node.func
        if (isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name)
                and (function.value.id, function.attr) in CLOSE_FUNCTIONS):
            keywords = {str(k.arg): _literal(k.value) for k in node.keywords}
            first, second = (_literal(a) for a in node.args)
            if all(v is not _NOT for v in keywords.values()) and (first is _NOT) != (second is _NOT):
                name = f"{function.value.id}.{function.attr}"
                literal_first = first is not _NOT
                expression = node.args[1] if literal_first else node.args[0]
                literal = first if literal_first else second
                return LiftedPart(ast.unparse(expression) + "\n", LiftedCheck(name, literal, literal_first, keywords, text))
    predicate = lift_predicate(node, kernel_names)
    if predicate is not None:
        return LiftedPart(predicate.kernel_source, predicate)
    return LiftedPart(f"assert {text}\n", None)


_NOT = object()


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NOT
