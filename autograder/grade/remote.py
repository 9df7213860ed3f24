"""Python-format test functions, run in the grader with the notebook's values fetched as data.

otter's Python format (``@test_case`` functions taking ``env`` or names from it) decides by
running the function: run in the student's kernel, its verdict would be the kernel's word.
Here the function runs in the grader, as PrairieLearn's grader runs its tests: ``env`` is a
``RemoteEnv`` whose lookups the kernel answers with plain data (numbers, strings,
containers, arrays, frames: never a pickle, never an object that can lie about itself),
and whose functions and other objects are ``RemoteObject`` handles: calling one, or
reading an attribute or item, asks the kernel again and gets data (or another handle)
back. The assertions, and so the verdict, are the grader's own.

What the kernel can still do is answer a question with the wrong value, which is what a
wrong answer does anyway: forging a pass needs the right values.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from . import kernel_side
from .values import FrameValue, ReprValue, SeriesValue, SetValue, ValueDecodeError, decode_value, safely_hashable

Send = Callable[[dict], dict]
"""Sends one operation to the kernel (``kernel_side.remote``) and returns its reply, checked; raises
``KernelUnavailable`` when there is none."""
Ask = Callable[[dict], Any]
"""One operation, answered: the value, a ``RemoteObject``, or what the notebook's code raised."""
MAX_OUTPUT = 4000
REMOTE_REPLY_SCHEMA = {
    "type": "object",
    "required": ["request_id", "kind"],
    "additionalProperties": False,
    "properties": {
        "request_id": {"type": "string"},
        "kind": {"enum": ["done", "value", "object", "missing", "raised", "keys"]},
        "tampered": {"type": "array", "items": {"type": "string"}},
        "value": {"type": "object"},
        "handle": {"type": "integer", "minimum": 0},
        "type": {"type": "string"},
        "callable": {"type": "boolean"},
        "error": {"type": "string"},
        "names": {"type": "array", "items": {"type": "string"}},
    },
}
"""The one message ``kernel_side.remote`` displays per operation."""


class RemoteError(Exception):
    """What the student's code raised when the test asked for a value (its last traceback line)."""


class KernelUnavailable(BaseException):
    """The kernel did not answer (timed out, died, tampered with the channel): the test cannot go on.

    A ``BaseException``, so a test's own ``except Exception`` does not turn it into a pass.
    """


class RemoteObject:
    """An object that stays in the student's kernel: a function, a model, anything that is not data."""

    __slots__ = ("_ask", "_handle", "_type", "_callable")

    def __init__(self, ask: Ask, handle: int, type_name: str, is_callable: bool):
        object.__setattr__(self, "_ask", ask)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_callable", is_callable)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._ask({"op": "attr", "handle": self._handle, "name": name})
        except RemoteError as error:
            if str(error).startswith("AttributeError"):
                raise AttributeError(str(error)) from None
            raise

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ask({"op": "call", "handle": self._handle, "args": [encode_argument(a) for a in args],
                          "kwargs": [[key, encode_argument(value)] for key, value in kwargs.items()]})

    def __getitem__(self, key: Any) -> Any:
        return self._ask({"op": "item", "handle": self._handle, "key": encode_argument(key)})

    def __len__(self) -> int:
        length = self._ask({"op": "len", "handle": self._handle})
        if not isinstance(length, int):
            raise TypeError("len() of a remote object gave no integer")
        return length

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        """The grader's own class of that name, when the grader has it loaded (``isinstance(model, LogisticRegression)``).

        Never a data type: an honest kernel sends a list or an array as data, so a handle that claims to be
        one (``isinstance(x, list)``) is not believed. The name of any other class is the kernel's word,
        as a type check inside the kernel would be.
        """
        module_name, _, qualname = self._type.rpartition(".")
        found: Any = sys.modules.get(module_name)
        for part in qualname.split(".") if found is not None else ():
            found = getattr(found, part, None)
        if not isinstance(found, type) or found.__module__ == __name__ or issubclass(found, _data_types()):
            return RemoteObject
        return found

    def __repr__(self) -> str:
        return f"<{self._type} in the notebook>"


def _data_types() -> tuple[type, ...]:
    """The types ``kernel_side.encode_value`` sends as data (and the libraries' that are loaded)."""
    import numpy

    types: list[type] = [type(None), bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset,
                         numpy.ndarray, numpy.generic, numpy.dtype]
    for module, names in (("pandas", ("DataFrame", "Series", "Index")), ("torch", ("Tensor",))):
        if module in sys.modules:
            types += [getattr(sys.modules[module], name) for name in names if isinstance(getattr(sys.modules[module], name, None), type)]
    return tuple(types)


class RemoteEnv(Mapping[str, Any]):
    """The notebook's globals as otter's ``env``: each name fetched once, then the same object every time."""

    def __init__(self, ask: Ask):
        self._ask = ask
        self._cache: dict[str, Any] = {}
        self._names: list[str] | None = None

    def __getitem__(self, name: str) -> Any:
        if not isinstance(name, str):
            raise KeyError(name)
        if name not in self._cache:
            try:
                self._cache[name] = self._ask({"op": "get", "name": name})
            except _Missing:
                raise KeyError(name) from None
        return self._cache[name]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self[name]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        if self._names is None:
            names = self._ask({"op": "keys"})
            self._names = [n for n in names if isinstance(n, str)] if isinstance(names, list) else []
        return iter(self._names)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Missing(Exception):
    pass


def answer(reply: dict, ask: Ask) -> Any:
    """The Python object a checked reply of ``kernel_side.remote`` stands for."""
    kind = reply.get("kind")
    if kind == "value":
        try:
            return materialize(decode_value(reply.get("value")))
        except ValueDecodeError as error:
            raise KernelUnavailable(f"the kernel sent {error}") from None
    if kind == "object" and isinstance(reply.get("handle"), int):
        return RemoteObject(ask, reply["handle"], str(reply.get("type", "object"))[:200], bool(reply.get("callable")))
    if kind == "missing":
        raise _Missing()
    if kind == "raised":
        raise RemoteError(str(reply.get("error", "")).strip()[:MAX_OUTPUT])
    if kind == "keys":
        return [str(name) for name in reply.get("names", [])][: kernel_side.MAX_HANDLES]
    raise KernelUnavailable("the kernel sent a reply of no known kind")


def materialize(value: Any) -> Any:
    """Decoded data as the objects a test expects: DataFrames and Series, sets; a repr stays text."""
    if isinstance(value, FrameValue):
        import pandas  # type: ignore[import-untyped]  # the course's own dependency; no stubs installed

        return pandas.DataFrame({c: value["data"][c] for c in value["columns"]}, columns=value["columns"], index=value["index"])
    if isinstance(value, SeriesValue):
        import pandas

        return pandas.Series(value["values"], index=value["index"])
    if isinstance(value, SetValue):
        items = [materialize(v) for v in value]
        return set(items) if all(safely_hashable(v) for v in items) else items
    if isinstance(value, list):
        return [materialize(v) for v in value]
    if isinstance(value, tuple):
        return tuple(materialize(v) for v in value)
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, ReprValue):
        return value.text
    return value


def encode_argument(value: Any) -> dict:
    """An argument for a call in the kernel: a handle for one of its own objects, data for everything else."""
    if isinstance(value, RemoteObject):
        return {"t": "handle", "v": object.__getattribute__(value, "_handle")}
    if isinstance(value, (list, tuple)) and any(isinstance(v, RemoteObject) for v in value):
        return {"t": "list" if isinstance(value, list) else "tuple", "v": [encode_argument(v) for v in value]}
    if isinstance(value, dict) and any(isinstance(v, RemoteObject) for v in value.values()):
        return {"t": "dict", "v": [[encode_argument(k), encode_argument(v)] for k, v in value.items()]}
    encoded = kernel_side.encode_value(value)
    if encoded.get("t") == "repr":
        raise TypeError(f"a {type(value).__name__} cannot be passed to the notebook's code (data only)")
    return encoded


def asker(send: Send) -> Ask:
    """Operations answered through ``send``; the objects they return ask through it too."""

    def ask(op: dict) -> Any:
        return answer(send(op), ask)

    return ask


def run_test_functions(source: str, send: Send) -> list[tuple[bool, str]]:
    """Run each ``@test_case`` function of ``source`` (a test file reduced to the cases due) with a ``RemoteEnv``.

    A case passes when its function returns. The report of a failing case is the grader's
    own words and the exception the test's code raised.
    """
    definitions: dict[str, Any] = {"test_case": kernel_side.test_case, "__name__": "grader_test_file"}
    exec(compile(source, "<test file>", "exec"), definitions)
    ask, results = asker(send), []
    for value in list(definitions.values()):
        if not isinstance(value, kernel_side.test_case) or value.test_func is None:
            continue
        env = RemoteEnv(ask)
        try:
            arguments = {name: env if name == "env" else env.get(name) for name in inspect.signature(value.test_func).parameters}
            value.test_func(**arguments)
            results.append((True, ""))
        except KernelUnavailable:
            raise
        except Exception as error:  # a failing test case, whatever it raised
            results.append((False, f"{type(error).__name__}: {error}"[:MAX_OUTPUT]))
    return results
