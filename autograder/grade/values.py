"""Values that come back from a kernel as data, and how the grader compares them with references.

The kernel encodes a value as plain JSON (``kernel_side.encode_value``): scalars,
containers, arrays as ``.npy`` bytes, frames as columns. Decoding never unpickles
anything and refuses what it does not know, so a student's object cannot run code or
lie about itself here: what is compared is data only.

A comparator is stated by the test's author on the example line, e.g.
``model_loss(X, y)  # value: allclose rtol=1e-6 atol=1e-9``:

- ``auto`` (a bare ``# value``): numbers and arrays with ``allclose`` (rtol 1e-5, atol
  1e-8: float32 arithmetic passes), everything else exactly; list, tuple and array of
  the same numbers are the same value, and so are ``5``, ``[5]`` and ``(5,)``;
- ``exact``: equal values (arrays: same shape and elements, any dtype);
- ``allclose``: numeric, with ``rtol`` and ``atol``;
- ``set``: the same elements in any order;
- ``shape``: arrays of the same shape and dtype kind (``f``, ``i``, ``b``, ...).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import GraderError

KINDS = ("auto", "exact", "allclose", "set", "shape")
ARRAY_KINDS = "biufcUSMm"
MAX_ITEMS = 200_000
"""Array dtypes that hold data (not objects, not records, not zero-byte items)."""
_DTYPE = re.compile(r"[<>|=]?[a-zA-Z]\d{0,3}(\[[a-z]+\])?")
_DIRECTIVE = re.compile(r"#\s*value\b(?::\s*(?P<spec>[^#\n]*))?\s*$")


class ValueDecodeError(ValueError):
    """The kernel sent something that is not an encoded value."""


@dataclass(frozen=True)
class Comparator:
    kind: str = "auto"
    options: dict[str, float] = field(default_factory=dict)

    @property
    def rtol(self) -> float:
        return self.options.get("rtol", 1e-5)

    @property
    def atol(self) -> float:
        return self.options.get("atol", 1e-8)

    def describe(self) -> str:
        return " ".join([self.kind, *(f"{k}={v:g}" for k, v in sorted(self.options.items()))])


def value_directive(source: str) -> Comparator | None:
    """The comparator an example's ``# value`` comment states, or None for an ordinary example."""
    lines = source.rstrip("\n").split("\n")
    found = _DIRECTIVE.search(lines[-1])
    if found is None:
        return None
    words = (found.group("spec") or "").split()
    kind = words[0] if words and "=" not in words[0] else "auto"
    if kind not in KINDS:
        raise GraderError(f"unknown comparator {kind!r} in {lines[-1].strip()!r} (choose from {', '.join(KINDS)})")
    options = {}
    for word in words[1 if words and "=" not in words[0] else 0:]:
        key, _, text = word.partition("=")
        if key not in ("rtol", "atol"):
            raise GraderError(f"unknown comparator option {key!r} in {lines[-1].strip()!r} (rtol, atol)")
        try:
            options[key] = float(text)
        except ValueError:
            raise GraderError(f"comparator option {word!r} is not a number in {lines[-1].strip()!r}") from None
    return Comparator(kind, options)


def decode_value(data: Any, depth: int = 0, budget: list[int] | None = None) -> Any:
    """The value an encoded structure stands for (numpy arrays for arrays, frames as dicts of columns).

    At most ``MAX_ITEMS`` container items in all: each costs the grader a Python object.
    """
    if depth > 40 or not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ValueDecodeError("not an encoded value")
    budget = [MAX_ITEMS] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueDecodeError(f"more than {MAX_ITEMS} items")
    kind = data["t"]
    try:
        if kind == "json":
            if data["v"] is not None and not isinstance(data["v"], (bool, str)):
                raise ValueDecodeError("a json value that is not None, bool or str")
            return data["v"]
        if kind == "int":
            return int(str(data["v"])[:5000])
        if kind == "float":
            return float(str(data["v"]))
        if kind in ("list", "tuple", "set"):
            items = [decode_value(item, depth + 1, budget) for item in _list(data["v"])]
            return items if kind == "list" else tuple(items) if kind == "tuple" else SetValue(items)
        if kind == "dict":
            return {_key(decode_value(k, depth + 1, budget)): decode_value(v, depth + 1, budget) for k, v in _list(data["v"])}
        if kind == "ndarray":
            raw = base64.b64decode(str(data["npy"]), validate=True)
            array = np.load(io.BytesIO(raw), allow_pickle=False)
            if array.dtype.kind not in ARRAY_KINDS or array.dtype.itemsize == 0 or array.nbytes > len(raw):
                raise ValueDecodeError("an array whose data is not in its bytes")  # a 100-byte header for 10**12 items
            return array
        if kind == "scalar":
            dtype = _dtype(str(data["dtype"]))
            if dtype.kind not in "biufc":
                raise ValueDecodeError("a scalar that is not a number")
            text = str(data["v"])[:5000]
            if dtype.kind == "b" and text not in ("True", "False"):
                raise ValueError(text)
            parse = {"b": lambda t: t == "True", "c": complex, "f": float}.get(dtype.kind, int)
            return dtype.type(parse(text))
        if kind == "frame":
            columns = [str(c) for c in _list(data["columns"])]
            values = [decode_value(c, depth + 1, budget) for c in _list(data["data"])]
            return FrameValue(columns=columns, data=dict(zip(columns, values, strict=True)), index=decode_value(data["index"], depth + 1, budget))
        if kind == "series":
            series = SeriesValue(values=decode_value(data["values"], depth + 1, budget), index=decode_value(data["index"], depth + 1, budget))
            name = decode_value(data["name"], depth + 1, budget) if "name" in data else None
            series.name = name if isinstance(name, (str, int, float, tuple, np.generic)) else None
            return series
        if kind == "dtype":
            return _dtype(str(data["v"]))
        if kind == "repr":
            return ReprValue(str(data["v"]))
    except (KeyError, TypeError, ValueError, OverflowError, binascii.Error, OSError) as error:
        raise ValueDecodeError(f"a malformed {kind} value ({type(error).__name__})") from None
    raise ValueDecodeError(f"an unknown value type {kind[:40]!r}")


class SetValue(list):
    """A decoded set: its elements, compared without order."""


class SeriesValue(dict):
    """A decoded pandas Series: ``values`` and ``index`` (compared as a mapping of the two), and its ``name``."""

    name: Any = None

    def as_array(self) -> Any:
        return self["values"]

    def to_pandas(self) -> Any:
        """The Series, built only when values and index are lists of the same length (see ``FrameValue.to_pandas``)."""
        import pandas as pd  # type: ignore[import-untyped]  # the course's own dependency; no stubs installed

        index = _vector(self["index"], None)
        return pd.Series(_vector(self["values"], len(index)), index=index, name=self.name)


class FrameValue(dict):
    """A decoded DataFrame: ``columns``, ``data`` (column -> values) and ``index``."""

    def as_array(self) -> Any:
        columns = [np.asarray(self["data"][c]) for c in self["columns"]]
        return np.column_stack(columns) if columns else np.empty((len(self["index"]), 0))

    def to_pandas(self) -> Any:
        """The DataFrame, built only when each column is one-dimensional and as long as the index: pandas would
        otherwise stretch a single number the kernel sent along a two-million-row index (hundreds of MB here)."""
        import pandas as pd

        if len(set(self["columns"])) != len(self["columns"]):
            raise ValueDecodeError("a frame with repeated column names")
        index = _vector(self["index"], None)
        columns = {c: _vector(self["data"][c], len(index)) for c in self["columns"]}
        return pd.DataFrame(columns, columns=self["columns"], index=index)


def _vector(value: Any, length: int | None) -> Any:
    if not (isinstance(value, np.ndarray) and value.ndim == 1 or isinstance(value, list)):
        raise ValueDecodeError("a frame or series whose column is not a list of values")
    if length is not None and len(value) != length:
        raise ValueDecodeError("a frame or series whose columns and index differ in length")
    return value


@dataclass(frozen=True)
class ReprValue:
    """An object the kernel could only describe by its repr: compared as that text."""

    text: str


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise ValueDecodeError("expected a list")
    return value


def _dtype(text: str) -> np.dtype:
    if not _DTYPE.fullmatch(text):
        raise ValueDecodeError("a malformed dtype")
    return np.dtype(text)


def _key(value: Any) -> Any:
    """A dict key, refused where its hash could be chosen to collide (numbers of 2**61 or more all can:
    thousands of them would make building the dict take minutes)."""
    if isinstance(value, np.ndarray):
        return value.tobytes()
    if isinstance(value, (list, tuple)):
        return tuple(_key(v) for v in value)
    if not safely_hashable(value):
        raise ValueDecodeError("a dict key that is not a plain label")
    return value


def safely_hashable(value: Any) -> bool:
    """Whether ``value`` can go in a set or be a dict key without the sender choosing its hash: strings (hashes
    are salted per process), None, booleans, and numbers under 2**61 (whose hashes are themselves)."""
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        return True
    if isinstance(value, (int, np.integer)):
        return abs(int(value)) < 2**61
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value) and abs(float(value)) < 2**52  # large floats are integers, hashed as those
    if isinstance(value, tuple):
        return all(safely_hashable(v) for v in value)
    return False


def compare(expected: Any, actual: Any, comparator: Comparator) -> str | None:
    """None when ``actual`` matches the reference ``expected``; otherwise why not, in a few words."""
    kind = comparator.kind
    if kind == "shape":
        want, got = _as_array(expected), _as_array(actual)
        if want is None or got is None:
            return "not an array"
        if want.shape != got.shape:
            return f"shape {got.shape}, expected {want.shape}"
        return None if want.dtype.kind == got.dtype.kind else f"dtype {got.dtype}, expected {want.dtype}"
    if kind == "set":
        if not isinstance(actual, (list, tuple)):
            return "not a collection"
        return None if _same_multiset(list(expected), list(actual), comparator) else "different elements"
    return _compare(expected, actual, comparator)


def _compare(expected: Any, actual: Any, comparator: Comparator) -> str | None:
    numeric_want, numeric_got = _numeric(expected), _numeric(actual)
    if numeric_want is not None:
        if numeric_got is None:
            return f"expected a number or numeric array, got {_kind(actual)}"
        return _compare_arrays(numeric_want, numeric_got, comparator)
    if isinstance(expected, SetValue):
        return None if isinstance(actual, SetValue) and _same_multiset(expected, actual, comparator) else "a different set"
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(expected) != set(actual):
            return "different keys" if isinstance(actual, dict) else f"expected a mapping, got {_kind(actual)}"
        for key in expected:
            why = _compare(expected[key], actual[key], comparator)
            if why:
                return f"at {key!r}: {why}"
        return None
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            return f"expected {len(expected)} items, got {_kind(actual)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            why = _compare(want, got, comparator)
            if why:
                return f"item {index}: {why}"
        return None
    if isinstance(expected, np.ndarray):  # non-numeric arrays (strings)
        got = _as_array(actual)
        return None if got is not None and got.shape == expected.shape and np.array_equal(got, expected) else "a different array"
    return None if type(expected) is type(actual) and expected == actual else "a different value"


def _compare_arrays(want: np.ndarray, got: np.ndarray, comparator: Comparator) -> str | None:
    if want.size == 1 and got.size == 1:
        want, got = want.reshape(()), got.reshape(())
    if want.shape != got.shape:
        return f"shape {got.shape}, expected {want.shape}"
    if comparator.kind == "exact":
        return None if np.array_equal(want, got, equal_nan=True) else "different values"
    if want.dtype.kind == "b" or got.dtype.kind == "b":
        return None if np.array_equal(want, got) else "different values"
    close = np.isclose(got.astype(float), want.astype(float), rtol=comparator.rtol, atol=comparator.atol, equal_nan=True)
    if bool(close.all()):
        return None
    wrong = int((~close).sum())
    return f"{wrong} of {want.size} values differ beyond rtol={comparator.rtol:g}, atol={comparator.atol:g}"


def _numeric(value: Any) -> np.ndarray | None:
    """The value as a numeric array, if it is a number, a numeric array, or a (nested) list/tuple of numbers."""
    if isinstance(value, (bool, int, float)) and not isinstance(value, SetValue):
        return np.asarray(value)
    if isinstance(value, np.generic):
        return np.asarray(value) if value.dtype.kind in "biuf" else None
    if isinstance(value, np.ndarray):
        return value if value.dtype.kind in "biuf" else None
    if isinstance(value, (list, tuple)) and not isinstance(value, SetValue) and value:
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            return None
        return array if array.dtype.kind in "biuf" else None
    return None


def _as_array(value: Any) -> np.ndarray | None:
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.asarray(value)
    except (ValueError, TypeError):
        return None


def _same_multiset(want: list, got: list, comparator: Comparator) -> bool:
    if len(want) != len(got):
        return False
    remaining = list(got)
    for item in want:
        match = next((i for i, other in enumerate(remaining) if _compare(item, other, comparator) is None), None)
        if match is None:
            return False
        remaining.pop(match)
    return True


def _kind(value: Any) -> str:
    if isinstance(value, ReprValue):
        return "an object"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def guessable(value: Any) -> bool:
    """Values a forger could produce without solving anything: None, booleans, and NaN."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind == "b":
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def blind_forgeries() -> list[Any]:
    """Values a forger can send without knowing the test: a check one of them passes is guessable."""
    inf = float("inf")
    return [None, True, False, 0, 1, -1, 0.5, inf, -inf, 1e308, -1e308, float("nan"), "", [], (), {},
            np.array([]), np.array([], dtype=bool), np.float32("nan")]


@contextlib.contextmanager
def quiet_numerics() -> Iterator[None]:
    """NumPy's warnings (an empty mean, an overflow) on a student's values are not the grader's to print."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield
