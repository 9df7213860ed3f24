"""Any assert over computed values, decided in the grader: the kernel evaluates the operands, never the test.

``assert 10 < loss < 20`` or ``assert np.all(np.diff(history['loss']) < 0)`` run in the
student's kernel is a verdict the kernel reports. Here such an assert is cut in two:

- the *leaves*, the smallest sub-expressions that need the student's objects
  (``loss``, ``history['loss']``, ``model.predict(X)``, ``len(loader)``), which the kernel
  evaluates and sends back as data, in one tuple;
- the *predicate*, the rest of the expression with each leaf replaced by its value, which
  the grader evaluates with NumPy, ``math`` and a few builtins (``abs``, ``all``,
  ``sorted``...) on the decoded data, never on a student's object.

So the constants the value is compared with (``10``, ``20``, ``0``, ``np.arange(90)``)
never enter the sandbox, and a hooked kernel can only send values, which the grader
judges. What a leaf is, is decided from the syntax alone (the same for every student):

- a name the grader does not provide (anything but ``np``, ``numpy``, ``math``, the safe
  builtins, and names bound by the comprehension being evaluated) is the kernel's;
- an attribute, subscript or call on a kernel value is a leaf as a whole
  (``history['loss'][-1]``, ``model.score(X, y)``), as is a call of anything the grader
  does not evaluate on student data (``isinstance``, ``len``, ``type``, ``torch.*``...);
- a builtin applied directly to a leaf (``sorted(d.keys())``, ``zip(a, b)``) runs in the
  kernel too, on the real object; iterators come back as lists;
- ``or``/``and`` inside an operand, ``x if c else y``, ``*``, ``**``, ``<<``, ``@`` and
  ``is`` (other than ``is None``/``is True``/``is False``) stay whole in the kernel, so
  nothing is evaluated that the assert would have skipped, and no untrusted number can
  make the grader build something huge.

An assert that is a single leaf (``assert isinstance(m, nn.Module)``) or that has none
stays an ordinary example: nothing would be gained.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import math
import signal
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .values import FrameValue, SeriesValue, SetValue, blind_forgeries, quiet_numerics, safely_hashable

PLACEHOLDER = "_grader_value_{}"

SAFE_BUILTINS = ("abs", "all", "any", "bool", "dict", "enumerate", "float", "frozenset", "int", "list", "max", "min",
                 "reversed", "round", "set", "sorted", "sum", "tuple", "zip")
"""Builtins the grader applies to values it computed (never directly to a leaf: see the module's docstring)."""
ITERATOR_BUILTINS = ("enumerate", "reversed", "zip", "map", "filter", "range", "iter")
SAFE_NUMPY = frozenset(
    "abs absolute all allclose amax amin any argmax argmin argsort array array_equal array_equiv asarray ceil clip "
    "count_nonzero cumsum diff dot equal exp floor greater greater_equal isclose isfinite isin isinf isnan less "
    "less_equal log max maximum mean median min minimum nanmax nanmean nanmin nansum ndim not_equal prod ptp round "
    "shape sign size sort sqrt square std sum unique var linalg.norm".split())
SAFE_MATH = frozenset("ceil exp fabs floor isclose isfinite isinf isnan log sqrt".split())
MODULES = {"np": np, "numpy": np, "math": math}
SAFE_BINARY = (ast.Add, ast.Sub, ast.Div, ast.FloorDiv)
"""Not ``%``: on a string the student chose (``'%01200000000d'``) it formats a gigabyte."""


PREDICATE_SECONDS = 5.0
"""How long the grader spends on one predicate (honest ones take milliseconds: values are at most a few MB)."""


class _PredicateTimeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt a predicate that runs too long (a comprehension over a huge value); where signals cannot be
    used (not the main thread), the size limits on values alone bound it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _PredicateTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Escalate(Exception):
    """A leaf would need a comprehension's loop variable: the comprehension is the leaf."""


@dataclass(frozen=True)
class PredicateCheck:
    """An assert's truth, evaluated in the grader over the values of its leaves."""

    predicate: str
    """The assert's expression with leaves as ``_grader_value_N``."""
    leaves: tuple[str, ...]
    """What the kernel evaluates, in order."""
    decisive: bool
    """Whether the predicate compares a leaf with something of the test's own (a constant, ``np.arange(90)``)
    and no value a forger could send blindly (an empty list, ``inf``, ``nan``...) makes it hold."""
    text: str = ""

    @property
    def kernel_source(self) -> str:
        return "(" + ", ".join(self.leaves) + ",)\n"

    @property
    def guessable(self) -> bool:
        return not self.decisive

    def holds(self, value: Any) -> bool:
        """The assert's truth for the leaves' values; False where the assert would have raised."""
        if not isinstance(value, tuple) or len(value) != len(self.leaves):
            return False
        namespace: dict[str, Any] = {"__builtins__": {name: getattr(builtins, name) for name in SAFE_BUILTINS}, **MODULES}
        if _broadcasts_large(value):
            return False
        try:
            namespace.update({PLACEHOLDER.format(i): _faithful(item) for i, item in enumerate(value)})
            with _time_limit(PREDICATE_SECONDS), quiet_numerics():
                return bool(eval(compile(self.predicate, "<assert>", "eval"), namespace))  # the test's own code, on data
        except Exception:  # includes the time limit: a value built to make the grader loop gains nothing
            return False


def lift_predicate(node: ast.expr, kernel_names: frozenset[str] = frozenset()) -> PredicateCheck | None:
    """``node`` (an assert's condition) split into kernel leaves and a grader predicate, or None."""
    splitter = _Splitter(kernel_names)
    try:
        predicate = splitter.visit(node, frozenset())
    except _Escalate:
        return None
    if not splitter.leaves or isinstance(predicate, ast.Name) and predicate.id.startswith("_grader_value_"):
        return None
    check = PredicateCheck(ast.unparse(predicate), tuple(splitter.leaves), _decisive(predicate), ast.unparse(node))
    if check.decisive and any(check.holds((stand_in,) * len(check.leaves)) for stand_in in blind_forgeries()):
        return replace(check, decisive=False)  # ``acc > 0.95`` takes inf, ``np.all(np.diff(h) < 0)`` an empty list
    return check


class _Splitter:
    def __init__(self, kernel_names: frozenset[str]) -> None:
        self.kernel_names = kernel_names
        self.leaves: list[str] = []

    def grader_name(self, name: str, local: frozenset[str]) -> bool:
        if name in local:
            return True
        return name not in self.kernel_names and (name in MODULES or name in SAFE_BUILTINS)

    def pure(self, node: ast.AST) -> bool:
        """The test's own code, touching no student value (not even through a loop variable): the grader runs it."""
        bound = _comprehension_targets(node)
        return all(self.grader_name(n.id, bound) for n in ast.walk(node) if isinstance(n, ast.Name))

    def names_a_class(self, node: ast.expr) -> bool:
        """Whether ``node`` mentions a class (``list``, ``np.ndarray``): compared with a kernel value, it must be
        the kernel's class, not the grader's."""
        for sub in ast.walk(node):
            dotted = _dotted(sub) if isinstance(sub, (ast.Name, ast.Attribute)) else None
            root, *path = (dotted or "").split(".")
            if dotted and not path and root not in self.kernel_names and isinstance(getattr(builtins, root, None), type):
                return True  # object, str, type: builtin classes, the grader's or not
            if not dotted or not self.grader_name(root, frozenset()):
                continue
            found: Any = MODULES[root] if root in MODULES else getattr(builtins, root)
            for attribute in path:
                found = getattr(found, attribute, None)
            if isinstance(found, type):
                return True
        return False

    def leaf(self, node: ast.expr, local: frozenset[str]) -> ast.expr:
        if any(isinstance(n, ast.Name) and n.id in local for n in ast.walk(node)):
            raise _Escalate
        source = ast.unparse(node)
        if _calls(node, ITERATOR_BUILTINS):
            source = f"list({source})"
        self.leaves.append(source)
        return ast.Name(id=PLACEHOLDER.format(len(self.leaves) - 1), ctx=ast.Load())

    def visit(self, node: ast.expr, local: frozenset[str]) -> ast.expr:
        if self.pure(node) or isinstance(node, ast.Name) and node.id in local:
            return node
        if isinstance(node, ast.Compare):
            identity = any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops)
            operands = [node.left, *node.comparators]
            if identity and not all(_singleton(o) for o in operands[1:]) or any(self.names_a_class(o) for o in operands):
                return self.leaf(node, local)  # ``a is b``, ``type(x) == list``: the kernel's own objects decide
            left, *rest = [self.visit(o, local) for o in operands]
            return ast.Compare(left=left, ops=node.ops, comparators=rest)
        if isinstance(node, ast.BinOp) and isinstance(node.op, SAFE_BINARY):
            return ast.BinOp(left=self.visit(node.left, local), op=node.op, right=self.visit(node.right, local))
        if isinstance(node, ast.UnaryOp):
            return ast.UnaryOp(op=node.op, operand=self.visit(node.operand, local))
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and not any(isinstance(e, ast.Starred) for e in node.elts):
            elements = [self.visit(e, local) for e in node.elts]
            return ast.Set(elts=elements) if isinstance(node, ast.Set) else type(node)(elts=elements, ctx=ast.Load())
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in local and self.pure(node.slice):
            return node  # an item of a loop variable (``row['C']``): plain data already in the grader
        if isinstance(node, ast.Call):
            return self.visit_call(node, local)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self.visit_comprehension(node, local)
        return self.leaf(node, local)  # names, attributes, subscripts, and, or, if-else, *, **...

    def visit_call(self, node: ast.Call, local: frozenset[str]) -> ast.expr:
        function = _dotted(node.func)
        if function is None or any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            return self.leaf(node, local)
        module, _, name = function.partition(".")
        if not name and self.grader_name(module, frozenset()) and module in SAFE_BUILTINS:
            if any(not self.pure(a) and _leaf_shaped(a) and not (isinstance(a, ast.Name) and a.id in local) for a in node.args):
                return self.leaf(node, local)  # sorted(d.keys()), zip(a, b): on the kernel's real objects
        elif not (self.grader_name(module, frozenset()) and module in MODULES
                  and name in (SAFE_NUMPY if MODULES[module] is np else SAFE_MATH)):
            return self.leaf(node, local)
        mark = len(self.leaves)
        try:
            arguments = [self.visit(a, local) for a in node.args]
            keywords = [ast.keyword(arg=k.arg, value=self.visit(k.value, local)) for k in node.keywords]
        except _Escalate:
            del self.leaves[mark:]
            return self.leaf(node, local)
        return ast.Call(func=node.func, args=arguments, keywords=keywords)

    def visit_comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp, local: frozenset[str]) -> ast.expr:
        mark = len(self.leaves)
        try:
            generators, inner = [], local
            for generator in node.generators:
                if generator.is_async:
                    raise _Escalate
                iterable = self.visit(generator.iter, inner)
                if isinstance(iterable, ast.Name) and iterable.id == PLACEHOLDER.format(len(self.leaves) - 1):
                    if not self.leaves[-1].startswith("list("):  # iterated in the grader: the kernel lists it
                        self.leaves[-1] = f"list({self.leaves[-1]})"
                inner = inner | {n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)}
                ifs = [self.visit(condition, inner) for condition in generator.ifs]
                generators.append(ast.comprehension(target=generator.target, iter=iterable, ifs=ifs, is_async=0))
            element = self.visit(node.elt, inner)
        except _Escalate:
            del self.leaves[mark:]
            if isinstance(node, ast.GeneratorExp):
                raise  # the call consuming it (any, all, sum) is the leaf: it may stop early
            return self.leaf(node, local)
        return type(node)(elt=element, generators=generators)


def _leaf_shaped(node: ast.expr) -> bool:
    """Whether visiting ``node`` gives a bare kernel value (not something the grader computed from one)."""
    return isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.BoolOp, ast.IfExp))


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _calls(node: ast.expr, names: tuple[str, ...]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _singleton(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool))


def _comprehension_targets(node: ast.AST) -> frozenset[str]:
    return frozenset(n.id for c in ast.walk(node) if isinstance(c, ast.comprehension)
                     for n in ast.walk(c.target) if isinstance(n, ast.Name))


def _decisive(predicate: ast.expr) -> bool:
    """Whether a leaf is compared with a quantity of the test's own that the kernel never sees."""
    def own(node: ast.expr) -> bool:  # built of constants, NumPy and builtins only: no leaf, no loop variable
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        return names <= set(MODULES) | set(SAFE_BUILTINS) and not _singleton(node)
    for node in ast.walk(predicate):
        if isinstance(node, ast.Compare) and any(own(o) for o in [node.left, *node.comparators]):
            return True
        if isinstance(node, ast.Call) and _dotted(node.func) not in SAFE_BUILTINS and any(own(a) for a in node.args):
            return True
    return False


MAX_BROADCAST = 4_000_000


def _broadcasts_large(values: tuple) -> bool:
    """Whether two of the arrays sent would broadcast to more than ``MAX_BROADCAST`` items: (6000, 1) against
    (1, 6000) is 128 KB sent and 288 MB in the grader. Honest operands have matching shapes."""
    shapes = [_shape(v) for v in values if isinstance(v, (np.ndarray, list, tuple))]
    for index, first in enumerate(shapes):
        for second in shapes[index + 1:]:
            try:
                size = math.prod(np.broadcast_shapes(first, second))
            except ValueError:
                continue
            if size > max(MAX_BROADCAST, math.prod(first), math.prod(second)):
                return True
    return False


def _shape(value: Any) -> tuple[int, ...]:
    """The shape NumPy gives a value (nested lists too: ``[[0.0]] * 14000`` is (14000, 1)); () when ragged."""
    if isinstance(value, np.ndarray):
        return value.shape
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tuple(np.shape(value))
    except (ValueError, TypeError):
        return ()


def _faithful(value: Any) -> Any:
    """A decoded value as the kernel held it, where the two differ: sets as sets, pandas objects as pandas."""
    if isinstance(value, SetValue):
        return set(value) if all(safely_hashable(item) for item in value) else value
    if isinstance(value, (SeriesValue, FrameValue)):
        return value.to_pandas()
    if isinstance(value, list):
        return [_faithful(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_faithful(item) for item in value)
    if isinstance(value, dict):
        return {key: _faithful(item) for key, item in value.items()}
    return value
