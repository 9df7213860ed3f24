"""Python-format test functions, run in the grader with the notebook's values fetched as data.

otter's Python format (``@test_case`` functions taking ``env`` or names from it) decides by
running the function: run in the student's kernel, its verdict would be the kernel's word.
Here the function runs in the grader, as PrairieLearn's grader runs its tests: ``env`` is a
``RemoteEnv`` whose lookups the kernel answers with plain data (numbers, strings,
containers, arrays, frames: never a pickle, never an object that can lie about itself),
and whose functions and other objects are ``RemoteObject`` handles: calling one, or
reading an attribute or item, iterating over it, asks the kernel again and gets data (or
another handle) back. The assertions, and so the verdict, are the grader's own.

What the kernel can still do is answer a question with the wrong value, which is what a
wrong answer does anyway: forging a pass needs the right values. Every reply is bounded
(``RunBudget``); anything that is not a well-formed answer ends the run.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import inspect
import io
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import cloudpickle  # type: ignore[import-untyped]
import numpy as np

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
        "value": {"type": "object"},
        "tensor": {"type": "boolean"},
        "handle": {"type": "integer", "minimum": 0},
        "types": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 200}},
        "can": {"type": "array", "maxItems": 5, "items": {"enum": ["call", "iter", "next", "len", "contains"]}},
        "kind": {"enum": ["done", "value", "object", "missing", "raised", "keys", "stop", "array", "chunk", "same"]},
        "position": {"type": ["integer", "string"]},
        "changed": {"type": "array", "maxItems": 256, "items": {"type": "array", "minItems": 2, "maxItems": 2}},
        "dtype": {"type": "string", "maxLength": 20},
        "shape": {"type": "array", "maxItems": 32, "items": {"type": "integer", "minimum": 0}},
        "data": {"type": "string", "maxLength": 4 * kernel_side.MAX_CHUNK_BYTES // 3 + 4},
        "tampered": {"type": "array", "maxItems": 1000, "items": {"type": "string", "maxLength": 200}},
        "error": {"type": "string", "maxLength": 10 * MAX_OUTPUT},
        "names": {"type": "array", "maxItems": kernel_side.MAX_HANDLES, "items": {"type": "string", "maxLength": 200}},
        "printed": {"type": "string", "maxLength": kernel_side.MAX_CASE_OUTPUT},
    },
}
"""The one message ``kernel_side.remote`` displays per operation."""


class RemoteError(Exception):
    """What the student's code raised when the test asked for a value (its last traceback line)."""


class KernelUnavailable(BaseException):
    """The kernel did not answer (timed out, died, tampered with the channel): the test cannot go on.

    A ``BaseException``, so a test's own ``except Exception`` does not turn it into a pass.
    """


@dataclass
class RunBudget:
    """What one question's run may take from the kernel: a forger's endless answers end it, not the grader."""

    operations: int = 20_000
    value_bytes: int = 2**30
    """The values decoded in the child: a model's parameters one by one may well be hundreds of MiB."""
    failure: KernelUnavailable | None = None
    """The first reason the run had to stop: raised again after the test that met it, whatever that test caught."""
    on_data: Callable[[int], None] = lambda size: None
    """Told the size of each large array read (``judge_process`` gives the child room to compute with it)."""

    def spend(self, reply: dict) -> None:
        self.operations -= 1
        self.value_bytes -= len(json.dumps(reply["value"])) if reply.get("value") is not None else 0
        self.value_bytes -= len(reply.get("data") or "")  # a chunk's raw bytes were charged when its array was announced
        if self.operations < 0 or self.value_bytes < 0:
            raise self.fail("the kernel's answers went past the run's budget")

    def fail(self, reason: str) -> KernelUnavailable:
        if self.failure is None:
            self.failure = KernelUnavailable(reason)
        return self.failure


class RemoteObject:
    """An object that stays in the student's kernel: a model, a generator, a list of models, a big array."""

    __slots__ = ("__ask", "__handle", "__types")

    def __init__(self, ask: Ask, handle: int, types: list[str]):
        object.__setattr__(self, "_RemoteObject__ask", ask)
        object.__setattr__(self, "_RemoteObject__handle", handle)
        object.__setattr__(self, "_RemoteObject__types", types)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.__ask({"op": "attr", "handle": self.__handle, "name": name})

    def __getitem__(self, key: Any) -> Any:
        return self.__ask({"op": "item", "handle": self.__handle, "key": encode_argument(key)})

    def __operation(self, op: str, **arguments: Any) -> Any:
        return self.__ask({"op": op, "handle": self.__handle, **arguments})

    def __bool__(self) -> bool:
        return bool(self.__ask({"op": "bool", "handle": self.__handle}))

    def __instancecheck__(self, instance: Any) -> bool:
        """``isinstance(model, MLPClassifier)`` with the notebook's own class: the kernel's word, as there."""
        return self.__ask({"op": "isinstance", "handle": self.__handle, "key": encode_argument(instance)}) is True

    def __subclasscheck__(self, subclass: Any) -> bool:
        return self.__ask({"op": "issubclass", "handle": self.__handle, "key": encode_argument(subclass)}) is True

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        """The first class of the object's MRO the grader has loaded (``isinstance(model, nn.Module)`` for the
        notebook's own ``class MLP(nn.Module)``), read without importing or running anything.

        Never a data type: an honest kernel sends a list or an array as data, so a handle that claims to be
        one (``isinstance(x, list)``) is not believed. Any other class is the kernel's word, as a type check
        inside the kernel would be.
        """
        for name in self.__types:
            found = _loaded_class(name)
            if found is not None:
                return found
        return type(self)

    def __repr__(self) -> str:
        return f"<{self.__types[0] if self.__types else 'object'} in the notebook>"


class _Callable(RemoteObject):
    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._RemoteObject__operation("call", args=[encode_argument(a) for a in args],
                                             kwargs=[[key, encode_argument(value)] for key, value in kwargs.items()],
                                             _arguments=(args, kwargs))


class _Iterable(RemoteObject):
    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        iterator = self._RemoteObject__operation("iter")
        if not isinstance(iterator, RemoteObject) or not hasattr(type(iterator), "__next__"):
            raise TypeError("the notebook gave no iterator")
        return iterator


class _Iterator(RemoteObject):
    __slots__ = ()

    def __next__(self) -> Any:
        return self._RemoteObject__operation("next")


class _Sized(RemoteObject):
    __slots__ = ()

    def __len__(self) -> int:
        length = self._RemoteObject__operation("len")
        if not isinstance(length, int):
            raise TypeError("len() of an object of the notebook gave no integer")
        return length


class _Container(RemoteObject):
    __slots__ = ()

    def __contains__(self, key: Any) -> bool:
        return bool(self._RemoteObject__operation("contains", key=encode_argument(key)))


_CAPABILITIES: dict[str, type[RemoteObject]] = {"call": _Callable, "iter": _Iterable, "next": _Iterator, "len": _Sized,
                                                "contains": _Container}


@cache
def _stand_in(can: frozenset[str]) -> type[RemoteObject]:
    """A class with exactly the protocols the object's own class has: a handle of a plain object is no ``Iterator``,
    ``Sized`` or ``Callable`` to ``isinstance``, as it would not be in the kernel (which says what it has)."""
    bases = tuple(_CAPABILITIES[name] for name in sorted(can) if name in _CAPABILITIES)
    if not bases:
        return RemoteObject
    return type("RemoteObject", bases, {"__slots__": (), "__module__": __name__})


def _loaded_class(name: str) -> type | None:
    """The class ``module.Qualname`` if its module is already loaded and it is a class written in Python (a heap
    type) other than a data type or this module's; looked up in the module's own namespace (no lazy imports)."""
    module_name, _, qualname = name.partition(".")
    while True:  # the longest loaded module prefix: "torch.nn.modules.module.Module"
        head, _, tail = qualname.partition(".")
        if not tail or f"{module_name}.{head}" not in sys.modules:
            break
        module_name, qualname = f"{module_name}.{head}", tail
    found: Any = sys.modules.get(module_name)
    for part in qualname.split("."):
        found = vars(found).get(part) if hasattr(found, "__dict__") else None
    if not isinstance(found, type) or not found.__flags__ & (1 << 9) or found.__module__ == __name__:
        return None
    return None if issubclass(found, _data_types()) else found


def _data_types() -> tuple[type, ...]:
    """Types an honest kernel always sends as data. (A tensor that tracks gradients, a frame with integer column
    labels, a list of models come as handles: their classes are the kernel's word, like any other class's.)"""
    return (type(None), bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset, np.generic, np.dtype)


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


def asker(send: Send, budget: RunBudget) -> Ask:
    """Operations answered through ``send``, within ``budget``; the objects they return ask through it too."""

    stand_ins: dict[int, RemoteObject] = {}

    def ask(op: dict) -> Any:
        if budget.failure is not None:
            raise budget.failure
        arguments = op.pop("_arguments", None)
        try:
            reply = send({**op, "context": test_context()})
        except KernelUnavailable as error:
            raise budget.fail(str(error)) from None
        if op["op"] == "chunk" and reply.get("kind") not in ("chunk", "raised"):
            raise budget.fail("the kernel answered a chunk with something else")
        if arguments is not None and (reply.get("changed") or reply.get("kind") == "same"):
            return _mirror_call(reply, arguments, ask, budget, stand_ins)
        budget.spend(reply)
        if reply.get("printed"):  # what the notebook's code printed, where a doctest's output is read
            sys.stdout.write(str(reply["printed"]))
        kind = reply.get("kind")
        if kind == "missing":
            raise _Missing()
        if kind == "raised":
            raise remote_exception(str(reply.get("error", "")))
        if kind == "done" and op["op"] == "seed":
            return None
        if kind == "keys":
            return list(reply.get("names", []))
        if kind == "chunk":
            if isinstance(reply.get("bytes"), bytes):  # decoded on the way (``judge_process``)
                return reply["bytes"]
            try:
                return base64.b64decode(str(reply.get("data", "")), validate=True)
            except ValueError:
                raise budget.fail("the kernel sent a chunk that is not base64") from None
        if kind == "stop" and op["op"] == "next":  # the notebook's iterator is exhausted; to anything else, no answer
            raise StopIteration
        return answer(reply, ask, budget, stand_ins)

    return ask


def _mirror_call(reply: dict, arguments: tuple[tuple, dict], ask: Ask, budget: RunBudget, stand_ins: dict) -> Any:
    """What a call did to the test's own arguments, done to them here (the notebook's function got copies): changed in
    place (``sigmoid`` overwriting its input), or returned as its result (``x is scale(x)``)."""
    args, kwargs = arguments

    def argument(position: Any) -> Any:
        if isinstance(position, int) and 0 <= position < len(args):
            return args[position]
        if isinstance(position, str) and position in kwargs:
            return kwargs[position]
        raise budget.fail("the kernel named an argument the call did not have")

    for position, encoded in reply.get("changed", []):
        try:
            new = materialize(decode_value(encoded))
        except ValueDecodeError as error:
            raise budget.fail(f"the kernel sent {error}") from None
        _write_back(argument(position), new)
    if reply.get("kind") == "same":
        return argument(reply.get("position"))
    return answer(reply, ask, budget, stand_ins)  # a call that raised sends no "changed": it never comes here


def _write_back(original: Any, new: Any) -> None:
    """Change ``original`` in place to ``new``, as the notebook's function changed its copy; an argument changed in a
    way the grader cannot mirror (an array reshaped in place) fails the example, as a wrong answer would."""
    torch = sys.modules.get("torch")
    try:
        if isinstance(original, np.ndarray) and np.shape(new) == original.shape:
            np.copyto(original, np.asarray(new), casting="unsafe")
            return
        if torch is not None and isinstance(original, torch.Tensor) and tuple(np.shape(new)) == tuple(original.shape):
            with torch.no_grad():
                original.copy_(torch.as_tensor(np.asarray(new)))
            return
        if isinstance(original, list) and isinstance(new, list):
            original[:] = new
            return
        if isinstance(original, dict) and isinstance(new, dict):
            original.clear()
            original.update(new)
            return
        if isinstance(original, set) and isinstance(new, (set, list)):
            original.clear()
            original.update(new)
            return
        if type(original).__module__.split(".")[0] == "pandas" and type(new) is type(original):
            if original.shape == new.shape and list(getattr(original, "columns", [])) == list(getattr(new, "columns", [])):
                original.iloc[:] = new.to_numpy()
                return
            if hasattr(original, "columns") and original.index.equals(new.index):
                original.drop(columns=[c for c in original.columns if c not in new.columns], inplace=True)
                for column in new.columns:
                    original[column] = new[column].to_numpy()
                return
    except Exception:
        pass
    raise RemoteError("the notebook's function changed its argument in a way the grader cannot mirror")


def test_context() -> dict:
    """The state a test asks in, for the notebook's code to run in it too (``kernel_side._test_context``)."""
    context: dict[str, Any] = {"errstate": np.geterr()}
    torch = sys.modules.get("torch")
    if torch is not None:
        context["grad"] = bool(torch.is_grad_enabled())
    return context


@contextlib.contextmanager
def mirrored_seeds(ask: Ask) -> Iterator[None]:
    """Seeding a global generator in the grader seeds the kernel's too: ``torch.manual_seed(0)`` before a call to
    the notebook's constructor makes it draw the weights it would have drawn had the test run in the kernel."""
    replaced: list[tuple[Any, str, Any]] = []
    try:
        _mirror_seeds(ask, replaced)
        yield
    finally:
        for module, function, original in replaced:
            setattr(module, function, original)


def _mirror_seeds(ask: Ask, replaced: list[tuple[Any, str, Any]]) -> None:
    for library, (module_name, function) in kernel_side.SEEDERS.items():
        module = sys.modules.get(module_name)
        original = getattr(module, function, None)
        if module is None or original is None or getattr(original, "_mirrored", False):
            continue

        def seed(value: Any, *args: Any, _original: Callable = original, _library: str = library, **kwargs: Any) -> Any:
            result = _original(value, *args, **kwargs)
            if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
                ask({"op": "seed", "library": _library, "value": int(value)})
            return result

        seed._mirrored = True  # type: ignore[attr-defined]
        seed.__wrapped__ = original  # type: ignore[attr-defined]
        targets = [module] + ([sys.modules["torch.random"]] if library == "torch" and "torch.random" in sys.modules else [])
        for target in targets:
            replaced.append((target, function, getattr(target, function)))
            setattr(target, function, seed)


def answer(reply: dict, ask: Ask, budget: RunBudget, stand_ins: dict[int, RemoteObject] | None = None) -> Any:
    """The Python object an answer (``kernel_side._answer``) stands for."""
    kind = reply.get("kind")
    if kind == "value":
        try:
            value = materialize(decode_value(reply.get("value")))
        except ValueDecodeError as error:
            raise budget.fail(f"the kernel sent {error}") from None
        if reply.get("tensor") and isinstance(value, np.ndarray) and "torch" in sys.modules:
            return sys.modules["torch"].as_tensor(value)
        return value
    if kind == "array" and isinstance(reply.get("handle"), int):
        return _fetch_array(reply, ask, budget)
    if kind == "object" and isinstance(reply.get("handle"), int):
        if stand_ins is not None and reply["handle"] in stand_ins:  # the same object of the kernel: the same stand-in
            return stand_ins[reply["handle"]]
        made = _stand_in(frozenset(reply.get("can", ())))(ask, reply["handle"], [str(t) for t in reply.get("types", [])])
        if stand_ins is not None:
            stand_ins[reply["handle"]] = made
        return made
    raise budget.fail("the kernel sent a reply of no known kind")


_FETCHED: dict[int, tuple[Any, int]] = {}
"""id -> (array, handle) of the large arrays read from the kernel: passed back to the notebook's code, such an array
goes as its handle (it cannot have changed: it is read-only), not as tens of MB of data."""


def _fetch_array(reply: dict, ask: Ask, budget: RunBudget) -> Any:
    """A large array, read in chunks (``kernel_side._large_array``), read-only, as the tensor it was if it was one."""
    try:
        dtype = np.dtype(str(reply.get("dtype")))
        shape = tuple(int(n) for n in reply.get("shape", ()))
        size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    except (TypeError, ValueError, OverflowError):
        raise budget.fail("the kernel sent an array it did not describe") from None
    if dtype.kind not in "biufc" or dtype.fields is not None or not 0 <= size <= budget.value_bytes:
        raise budget.fail("the kernel sent an array it did not describe")
    budget.value_bytes -= size
    budget.on_data(size)
    buffer = np.empty(size, dtype=np.uint8)
    filled = 0
    while filled < size:
        chunk = ask({"op": "chunk", "handle": reply["handle"], "start": filled})
        if not isinstance(chunk, bytes) or not chunk or filled + len(chunk) > size:
            raise budget.fail("the kernel sent an array other than it said")
        buffer[filled:filled + len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
        filled += len(chunk)
    array = buffer.view(dtype).reshape(shape)
    array.flags.writeable = False
    value: Any = array
    if reply.get("tensor") and "torch" in sys.modules:
        value = sys.modules["torch"].from_numpy(array.copy())
        value.requires_grad_(False)
    else:
        _FETCHED[id(value)] = (value, int(reply["handle"]))
    return value


def remote_exception(line: str) -> RemoteError:
    """``ValueError: no`` from the kernel as an exception a test can catch as ``ValueError`` (and as ``RemoteError``),
    whose traceback line reads as the kernel's did (a doctest expecting ``ValueError: no`` passes)."""
    line = line.strip()[:MAX_OUTPUT]
    name, _, message = line.partition(":")
    kind = _exception_class(name.strip())
    error = kind(message.strip()) if kind is not RemoteError else kind(line)
    error.line = line  # type: ignore[attr-defined]
    return error


CATCHABLE = frozenset({"ArithmeticError", "AssertionError", "AttributeError", "FloatingPointError", "IndexError", "KeyError",
                       "LookupError", "NameError", "NotImplementedError", "OverflowError", "RecursionError", "RuntimeError",
                       "TypeError", "UnboundLocalError", "ValueError", "ZeroDivisionError"})
"""Exceptions of the notebook a test may catch by class. Never ``StopIteration``: raised inside the test's own
``map`` or generator, it would end the test's iteration early (``all(map(check, inputs))`` of nothing is True)."""


@cache
def _exception_class(name: str) -> type[RemoteError]:
    base = getattr(builtins, name, None) if name in CATCHABLE else None
    if isinstance(base, type) and issubclass(base, Exception):
        try:
            return type(name, (RemoteError, base), {"__module__": "builtins"})
        except TypeError:  # a layout Python will not combine
            pass
    return RemoteError


def materialize(value: Any) -> Any:
    """Decoded data as the objects a test expects: DataFrames and Series (checked: ``FrameValue.to_pandas``), sets;
    a repr stays text."""
    if isinstance(value, (FrameValue, SeriesValue)):
        return value.to_pandas()
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
        return {"t": "handle", "v": object.__getattribute__(value, "_RemoteObject__handle")}
    fetched = _FETCHED.get(id(value))
    if fetched is not None and fetched[0] is value:
        return {"t": "handle", "v": fetched[1]}
    if isinstance(value, (list, tuple)):
        return {"t": "list" if isinstance(value, list) else "tuple", "v": [encode_argument(v) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[encode_argument(k), encode_argument(v)] for k, v in value.items()]}
    try:
        encoded = kernel_side.encode_value(value)
    except ValueError:  # too large or too deep to send as data
        encoded = {"t": "repr"}
    if encoded.get("t") == "repr":  # an object of the test's own (an estimator, a generator): the notebook may unpickle it
        try:  # by value, for a function the test defines (``make_estimator=lambda: ...``)
            return {"t": "pickle", "v": base64.b64encode(cloudpickle.dumps(value)).decode("ascii")}
        except Exception:
            raise TypeError(f"a {type(value).__name__} cannot be passed to the notebook's code") from None
    if type(value).__module__.split(".")[0] == "torch" and hasattr(value, "detach"):
        return {"t": "tensor", "v": encoded}
    return encoded


def run_test_functions(source: str, send: Send, loaded: Callable[[], None] = lambda: None,
                       budget: RunBudget | None = None) -> list[tuple[bool, str]]:
    """Run each ``@test_case`` function of ``source`` (a test file reduced to the cases due) with a ``RemoteEnv``.

    A case passes when its function returns. The report of a failing case is the grader's
    own words and the exception the test's code raised. Once the kernel stops answering
    properly, the run ends (``KernelUnavailable``), even if the test caught the error.
    """
    definitions: dict[str, Any] = {"test_case": kernel_side.test_case, "__name__": "grader_test_file"}
    exec(compile(source, "<test file>", "exec"), definitions)
    loaded()
    budget = budget or RunBudget()
    ask, results = asker(send, budget), []
    with mirrored_seeds(ask):
        for value in list(definitions.values()):
            if not isinstance(value, kernel_side.test_case) or value.test_func is None:
                continue
            results.append(_run_test_function(value.test_func, ask))
            if budget.failure is not None:
                raise budget.failure
    return results


def _run_test_function(function: Callable, ask: Ask) -> tuple[bool, str]:
    env = RemoteEnv(ask)
    try:
        arguments = {name: env if name == "env" else env.get(name) for name in inspect.signature(function).parameters}
        with contextlib.redirect_stdout(io.StringIO()):  # the test's prints and the notebook's, relayed: not the grader's
            function(**arguments)
        return True, ""
    except KernelUnavailable:
        raise
    except Exception as error:  # a failing test case, whatever it raised
        report = str(getattr(error, "line", error)) if isinstance(error, RemoteError) else f"{type(error).__name__}: {error}"
        return False, report[:MAX_OUTPUT]


class NotebookGlobals(dict):
    """The globals of OK-format examples run in the grader: the test's own names and the assignment's imports,
    and on first use, each other name the notebook has, fetched once (``RemoteEnv``). A builtin's name is always
    the builtin (as in the kernel's test namespace, where a notebook's global ``sorted`` is dropped)."""

    def __init__(self, env: RemoteEnv):
        super().__init__(__builtins__=builtins)
        self.env = env

    def __missing__(self, name: str) -> Any:
        if not isinstance(name, str) or name.startswith("__") or hasattr(builtins, name):
            raise KeyError(name)
        value = self.env[name]
        self[name] = value
        return value


def run_example_cases(cases: list[list[dict]], imports: list[str], send: Send,
                      loaded: Callable[[], None] = lambda: None, budget: RunBudget | None = None) -> list[dict]:
    """Run OK-format cases (``ExampleSpec.kernel_requests`` of each) here, as the kernel's runner would run them
    there, against the notebook's values (``NotebookGlobals``); what each example printed, raised or evaluated to,
    in the runner's own reply format, for ``grade.verdict`` to judge.

    The test's code, its inputs and what it computes from the notebook's values never reach the kernel: it is
    asked for names, and to run its own functions on arguments.
    """
    budget = budget or RunBudget()
    ask = asker(send, budget)
    namespace = NotebookGlobals(RemoteEnv(ask))
    for statement in imports:  # the assignment's own names, as in the kernel's test namespace
        try:
            exec(compile(statement, "<imports>", "exec"), namespace)
        except Exception:
            pass
    loaded()
    values_budget = [kernel_side.MAX_VALUES_BYTES]
    results = []
    with mirrored_seeds(ask):
        for examples in cases:
            replies = kernel_side._run_examples(examples, namespace, values_budget)
            if budget.failure is not None:  # whatever the example made of it
                raise budget.failure
            results.append({"examples": replies})
    return results
