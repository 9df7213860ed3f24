"""The test runner that runs *inside* the student's kernel (stdlib only; numpy, torch, pandas if loaded).

Everything here runs in the student's process, so nothing here decides a grade. The
engine sends this file's source, with a request, each time a question's tests are
due. For OK-format (doctest) cases the request holds only each example's source: the
runner executes them against a shallow copy of the notebook's globals, as doctest
would, and sends back *data*: what each example printed, the exception it raised,
and, for examples marked ``# value``, the value itself (plain JSON; arrays as ``.npy``
without pickle). The expected outputs and reference values never enter the kernel:
``grade.verdict`` compares in the grader. Python-format (``@test_case``) test functions
run in the grader (``grade.remote``): here, ``remote`` only answers their questions about
the notebook's values, with data (or a handle, for an object they may call).

Before the tests run, attributes of the modules tests rely on that the notebook
replaced are put back from a snapshot taken before its first cell, and named; that is
a courtesy to honest notebooks that broke numpy by accident, not a defence.
"""

import base64
import contextlib
import importlib.util
import inspect
import io
import json
import sys
from collections.abc import Callable

RESULT_MIMETYPE = "application/vnd.ml-course-grader.result+json"
MAX_CASE_OUTPUT = 4000
GUARDED_MODULES = ("builtins", "math", "doctest", "json", "numpy", "numpy.testing", "IPython.display")
"""Modules whose attributes are snapshotted before the notebook's first cell and
restored before each test run (a notebook that patched them is flagged). Only modules
tests lean on and libraries leave alone: PyTorch, for one, replaces ``inspect.getfile``."""
KERNEL_MANAGED = {"builtins.input", "builtins.raw_input", "builtins.get_ipython", "builtins.exit", "builtins.quit"}
"""Attributes ipykernel itself rebinds for every execution (stdin forwarding), and those IPython's builtin trap
puts in only while a cell runs (the grader's user expressions run outside it)."""


class GraderStandIn:
    """otter's ``grader`` under grading: the grader runs each ``grader.check`` at its cell itself, so
    whatever the notebook calls on this does nothing and never raises."""

    def check(self, *args, **kwargs):
        return None

    def check_all(self, *args, **kwargs):
        return None

    def export(self, *args, **kwargs):
        return None

    def __getattr__(self, name):
        return lambda *args, **kwargs: None

    def __repr__(self):
        return "<grader: the autograder runs the checks>"


def snapshot(key, user_globals=None):
    """Before the first cell: remember the attributes of the guarded modules; define the stand-in ``grader``."""
    if user_globals is not None:
        user_globals.setdefault("grader", GraderStandIn())
    saved = {}
    for name in GUARDED_MODULES:
        try:
            module = importlib.import_module(name)
        except Exception:  # not installed in this kernel: nothing to guard
            continue
        saved[name] = dict(vars(module))
    holder = type(sys)(key)
    holder.saved = saved  # type: ignore[attr-defined]
    holder.checkpoints = {}  # type: ignore[attr-defined]  # question -> the globals at its check cell
    sys.modules[key] = holder


def restore(key):
    """Put back every guarded attribute the notebook replaced or deleted; name them."""
    holder = sys.modules.get(key)
    if holder is None:
        return ["the grader's snapshot itself"]
    tampered = []
    for name, attributes in holder.saved.items():
        module = sys.modules.get(name)
        if module is None:
            continue
        current = vars(module)
        for attribute, value in attributes.items():
            if attribute.startswith("_") or f"{name}.{attribute}" in KERNEL_MANAGED:
                continue
            if current.get(attribute, _MISSING) is not value:
                tampered.append(f"{name}.{attribute}")
                setattr(module, attribute, value)
    return tampered


_MISSING = object()


class test_case:
    """Stand-in for ``otter.test_files.test_case``, so the kernel never imports otter."""

    def __init__(self, name=None, points=None, hidden=False, success_message=None, failure_message=None):
        self.name, self.points, self.hidden = name, points, hidden
        self.success_message, self.failure_message = success_message, failure_message
        self.test_func: Callable[..., object] | None = None

    def __call__(self, test_func: Callable[..., object]) -> "test_case":
        self.test_func = test_func
        return self


@contextlib.contextmanager
def _quiet_displays():
    """otter's ``hide_outputs``: what a test displays does not reach the notebook."""
    shell = _ipython_shell()
    if shell is None:
        yield
        return
    saved = shell.display_formatter.formatters
    shell.display_formatter.formatters = {}
    try:
        yield
    finally:
        shell.display_formatter.formatters = saved


def _run_examples(examples, namespace, budget=None):
    """Run one OK-format case's examples as doctest would; report what each printed, displayed, raised or evaluated to.

    Only data comes back: whether the output is what the test expects is decided by
    the grader, which alone holds the expected output (``want``) and reference values.
    """
    replies = []
    budget = [MAX_VALUES_BYTES] if budget is None else budget
    shown = io.StringIO()

    def display_apart(value):
        """As doctest's display (an expression prints its repr), but apart from what the code printed."""
        with contextlib.redirect_stdout(shown):
            sys.__displayhook__(value)

    saved_displayhook = sys.displayhook
    sys.displayhook = display_apart
    try:
        for example in examples:
            log = io.StringIO()
            shown.seek(0)
            shown.truncate()
            reply = {"output": "", "shown": "", "exception": None, "value": None}
            try:
                with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                    if example["value"]:
                        value = eval(compile(example["source"], "<test>", "eval", 0, True), namespace)
                    else:
                        exec(compile(example["source"], "<test>", "single", 0, True), namespace)
                if example["value"]:
                    reply["value"] = _bounded(encode_value(value), budget)
            except KeyboardInterrupt:
                raise
            except BaseException as error:
                reply["exception"] = _exception_line(error)
            reply["output"] = log.getvalue()[:MAX_CASE_OUTPUT]
            reply["shown"] = shown.getvalue()[:MAX_CASE_OUTPUT]
            replies.append(reply)
    finally:
        sys.displayhook = saved_displayhook
    return replies


def _bounded(encoded, budget):
    """An encoded value within the per-value and per-case size limits, so that a result stays one frame."""
    size = len(json.dumps(encoded))
    if size > MAX_VALUE_BYTES or size > budget[0]:
        raise ValueError(f"the value is too large to be compared outside the kernel ({size} bytes encoded)")
    budget[0] -= size
    return encoded


def _exception_line(error):
    """``ZeroDivisionError: division by zero``: the last line of a traceback, as doctest compares it."""
    import traceback

    try:
        line = traceback.format_exception_only(type(error), error)[-1]
    except Exception:
        line = f"{type(error).__name__}\n"
    return line[:MAX_CASE_OUTPUT]


MAX_VALUE_DEPTH = 20
MAX_ARRAY_BYTES = 16 * 2**20
MAX_VALUE_BYTES = 4 * 2**20
"""A value sent back (encoded) is at most this large; ``grader release`` keeps larger comparisons in the kernel."""
MAX_VALUES_BYTES = 16 * 2**20
"""All the values of one question's tests together: its result stays well under the grader's frame limit."""


def encode_value(value, depth=0):
    """A value as plain JSON data: arrays as ``.npy`` bytes (never pickled), tensors and frames converted."""
    import base64

    if depth > MAX_VALUE_DEPTH:
        raise ValueError("the value is nested too deeply to be compared")
    if value is None or isinstance(value, bool):
        return {"t": "json", "v": None if value is None else bool(value)}
    if isinstance(value, str):
        return {"t": "json", "v": str.__str__(value)}
    if isinstance(value, int):
        return {"t": "int", "v": int.__repr__(int(value))}
    if isinstance(value, float):  # np.float64 too: it subclasses float
        return {"t": "float", "v": float.__repr__(float(value))}
    if isinstance(value, complex):
        return {"t": "scalar", "dtype": "<c16", "v": complex.__repr__(complex(value))}
    if isinstance(value, (list, tuple, set, frozenset)):
        kind = "list" if isinstance(value, list) else "tuple" if isinstance(value, tuple) else "set"
        return {"t": kind, "v": [encode_value(item, depth + 1) for item in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[encode_value(k, depth + 1), encode_value(v, depth + 1)] for k, v in value.items()]}
    module = type(value).__module__.split(".")[0]
    if module == "torch" and hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if module == "pandas" and hasattr(value, "to_numpy"):
        if not hasattr(value, "index"):  # an Index: its labels
            return encode_value(value.to_numpy(), depth)
        if hasattr(value, "columns"):
            columns = [str(c) for c in value.columns]
            data = [encode_value(value[c].to_numpy(), depth + 1) for c in value.columns]
            return {"t": "frame", "columns": columns, "data": data, "index": encode_value(value.index.to_numpy(), depth + 1)}
        series = {"t": "series", "values": encode_value(value.to_numpy(), depth + 1), "index": encode_value(value.index.to_numpy(), depth + 1)}
        name = encode_value(value.name, depth + 1) if value.name is not None else {"t": "repr"}
        if name["t"] != "repr":  # a row's label, as ``frame.loc[label].name`` reads it
            series["name"] = name
        return series
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.dtype) and not value.fields:
        return {"t": "dtype", "v": str(value.str)}
    if numpy is not None and isinstance(value, numpy.generic):
        if value.dtype.kind in "biufc" and value.dtype.str[1:] != "f16":  # with its dtype: float32 and np.True_ stay so
            return {"t": "scalar", "dtype": str(value.dtype.str), "v": repr(value.item())}
        return encode_value(value.item(), depth)
    if numpy is not None and isinstance(value, numpy.ndarray):
        if value.dtype.hasobject:
            return {"t": "list", "v": [encode_value(item, depth + 1) for item in value.tolist()]}
        if value.nbytes > MAX_ARRAY_BYTES:
            raise ValueError(f"an array of {value.nbytes} bytes is too large to compare")
        buffer = io.BytesIO()
        numpy.save(buffer, value, allow_pickle=False)
        return {"t": "ndarray", "npy": base64.b64encode(buffer.getvalue()).decode("ascii")}
    return {"t": "repr", "v": repr(value)[:MAX_CASE_OUTPUT]}


def _run_python_file(source, namespace):
    definitions = {"test_case": test_case, "__name__": "grader_test_file"}
    exec(compile(source, "<test file>", "exec"), definitions)
    results = []
    for value in list(definitions.values()):
        if not isinstance(value, test_case) or value.test_func is None:
            continue
        log = io.StringIO()
        arguments = {
            name: (namespace if name == "env" else namespace.get(name))
            for name in inspect.signature(value.test_func).parameters
        }
        try:
            with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                value.test_func(**arguments)
            results.append((True, ""))
        except Exception as error:  # a failing test case, whatever it raised
            results.append((False, log.getvalue() + f"{type(error).__name__}: {error}"))
    return results


def _test_namespace(request, user_globals):
    """The namespace a question's tests see, and what was restored: the globals (at its check cell, for the
    hidden cases), with the real builtins and the assignment's own imports, whatever the notebook rebound."""
    tampered = restore(request["snapshot"]) if request.get("snapshot") else []
    checkpoints = getattr(sys.modules.get(request.get("snapshot") or ""), "checkpoints", {})
    if request.get("checkpoint"):  # the check cell: remember which objects its names are bound to
        checkpoints[request["question"]] = dict(user_globals)
    namespace = dict(checkpoints.get(request["question"], user_globals) if request.get("from_checkpoint") else user_globals)
    builtins = sys.modules["builtins"]
    for name in [name for name in namespace if hasattr(builtins, name)]:  # a global named bool, isinstance, ...
        del namespace[name]
    namespace["__builtins__"] = builtins  # not whatever the notebook bound to the name
    for statement in request.get("imports", []):  # the assignment's own names, whatever the notebook rebound
        try:
            exec(compile(statement, "<imports>", "exec"), namespace)
        except Exception:  # not installed in this kernel: the notebook's own binding stays
            pass
    return namespace, tampered


def test_result(request, user_globals):
    """Run one question's test files against the notebook's globals; the JSON-ready result."""
    namespace, tampered = _test_namespace(request, user_globals)
    cases: list[dict] = []
    budget = [MAX_VALUES_BYTES]
    with _quiet_displays():
        for test_file in request["files"]:
            if test_file["ok_format"]:
                cases.extend({"examples": _run_examples(examples, namespace, budget)} for examples in test_file["cases"])
            else:
                outcomes = _run_python_file(test_file["source"], namespace)
                cases.extend({"passed": bool(passed), "output": output[:MAX_CASE_OUTPUT]} for passed, output in outcomes)
    return {"request_id": request["request_id"], "question": request["question"], "cases": cases, "tampered": tampered}


_SESSIONS: dict[str, dict] = {}
"""Python-format test runs in progress (session -> namespace and object handles), when the snapshot is gone."""
MAX_HANDLES = 10_000


def remote(request, user_globals):
    """One step of a Python-format test that runs in the grader (``grade.remote``): look a name up, read an
    attribute or item, call a function; display the answer as data, or as a handle when it is an object.

    The test's code and its assertions stay in the grader: this side only answers questions about values.
    """
    holder = sys.modules.get(request.get("snapshot") or "")
    sessions = holder.__dict__.setdefault("remote_sessions", {}) if holder is not None else _SESSIONS
    reply = {"request_id": request["request_id"], "kind": "done"}
    op = request["op"]
    printed = io.StringIO()
    try:
        with _quiet_displays(), contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
            if op == "open":
                if holder is not None:  # the next questions call it here (``kernels.kept_runner_call``)
                    holder.runner = globals()  # type: ignore[attr-defined]
                namespace, tampered = _test_namespace(request, user_globals)
                sessions[request["session"]] = {"namespace": namespace, "handles": _Handles()}
                reply["tampered"] = tampered
            elif op == "close":
                sessions.pop(request["session"], None)
            else:
                session = sessions[request["session"]]
                with _test_context(request.get("context") or {}):
                    reply.update(_remote_step(op, request, session["namespace"], session["handles"]))
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        reply = {"request_id": request["request_id"], "kind": "raised", "error": _exception_line(error)}
    if printed.getvalue() and op not in ("open", "close"):
        reply["printed"] = printed.getvalue()[:MAX_CASE_OUTPUT]
    raw = reply.pop("raw", None)
    if raw is not None and not _publish_with_buffer(reply, raw):
        reply["data"] = base64.b64encode(raw).decode("ascii")
    if raw is None or "data" in reply:
        _display_result(reply)


def _publish_with_buffer(result, data):
    """Send ``result`` with ``data`` as a raw frame of its message (no base64, no JSON: ten times faster for the
    megabytes of an array); False where this kernel's display publisher does not allow it."""
    try:
        publisher = _ipython_shell().display_pub
        content = {"data": {RESULT_MIMETYPE: result}, "metadata": {}, "transient": {}}
        message = publisher.session.msg("display_data", content, parent=publisher.parent_header)
        publisher.session.send(publisher.pub_socket, message, ident=publisher.topic, buffers=[data])
        return True
    except Exception:
        return False


SEEDERS = {"random": ("random", "seed"), "numpy": ("numpy.random", "seed"), "torch": ("torch", "manual_seed")}
"""The global generators a test seeds in the grader (``torch.manual_seed(0)`` before calling the notebook's
constructor) and the kernel seeds the same way, so the notebook's code draws what it would have drawn."""


@contextlib.contextmanager
def _test_context(context):
    """The state the test is in where it asks (``torch.no_grad()``, ``np.errstate``), for the notebook's code it calls."""
    with contextlib.ExitStack() as stack:
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(context.get("grad"), bool):
            stack.enter_context(torch.set_grad_enabled(context["grad"]))
        numpy = sys.modules.get("numpy")
        if numpy is not None and isinstance(context.get("errstate"), dict):
            stack.enter_context(numpy.errstate(**{k: str(v) for k, v in context["errstate"].items()
                                                  if k in ("divide", "over", "under", "invalid")}))
        yield


def _remote_step(op, request, namespace, handles):
    if op == "seed":
        module_name, function = SEEDERS[request["library"]]
        if module_name.split(".")[0] in sys.modules:  # a library the notebook never loaded has nothing to seed
            seeder = getattr(importlib.import_module(module_name), function)
            getattr(seeder, "__wrapped__", seeder)(int(request["value"]))
        return {"kind": "done"}
    if op == "chunk":  # bytes of an array too large for one reply (``_answer``'s "array")
        data = memoryview(handles[request["handle"]]).cast("B")[int(request["start"]):int(request["start"]) + MAX_CHUNK_BYTES]
        return {"kind": "chunk", "raw": data}
    if op == "get":
        if request["name"] not in namespace:
            return {"kind": "missing"}
        return _answer(namespace[request["name"]], handles)
    if op == "keys":
        return {"kind": "keys", "names": [str(name)[:200] for name in list(namespace)[:MAX_HANDLES]]}
    target = handles[request["handle"]]
    if op == "attr":
        return _answer(getattr(target, request["name"]), handles)
    if op == "item":
        return _answer(target[decode_value(request["key"], handles)], handles)
    if op == "contains":
        return _answer(decode_value(request["key"], handles) in target, handles)
    if op == "len":
        return _answer(len(target), handles)
    if op in ("isinstance", "issubclass"):
        check = isinstance if op == "isinstance" else issubclass
        return _answer(bool(check(decode_value(request["key"], handles), target)), handles)
    if op == "bool":
        return _answer(bool(target), handles)
    if op == "iter":  # an iterator over it, stepped through one item at a time ("next"), as Python does
        return _answer(iter(target), handles, data=False)
    if op == "next":
        try:
            return _answer(next(target), handles)
        except StopIteration:
            return {"kind": "stop"}
    if op == "call":
        args = [decode_value(arg, handles) for arg in request["args"]]
        kwargs = {str(key): decode_value(value, handles) for key, value in request["kwargs"]}
        sent = [(i, arg) for i, (arg, raw) in enumerate(zip(args, request["args"], strict=True)) if raw["t"] != "handle"]
        sent += [(key, kwargs[str(key)]) for key, raw in request["kwargs"] if raw["t"] != "handle"]
        before = [(position, value, _encoding(value)) for position, value in sent]
        result = target(*args, **kwargs)
        same = next((position for position, value in sent if value is result), None)
        reply = {"kind": "same", "position": same} if same is not None else _answer(result, handles)
        changed = [[position, json.loads(after)] for position, value, encoding in before
                   if encoding is not None and (after := _encoding(value)) is not None and after != encoding]
        if changed:  # the function changed an argument in place: the grader changes its own copy the same way
            reply["changed"] = changed
        return reply
    raise ValueError(f"unknown operation {op!r}")


def _encoding(value):
    """The encoding of a mutable argument, to see whether a call changed it; None for immutable or unsendable ones."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, tuple, frozenset)):
        return None
    try:
        text = json.dumps(encode_value(value))
    except Exception:
        return None
    return text if len(text) <= MAX_VALUE_BYTES else None


def _answer(value, handles, data=True):
    """Data when the value is plain data small enough to send and sent faithfully; otherwise a handle the grader
    can ask about (a frame whose column labels are not distinct strings would arrive changed: a handle)."""
    try:
        encoded = encode_value(value) if data and _faithful(value) else {"t": "repr"}
        text = json.dumps(encoded)
        if '"t": "repr"' not in text and len(text) <= MAX_VALUE_BYTES:
            tensor = type(value).__module__.split(".")[0] == "torch" and hasattr(value, "detach")
            return {"kind": "value", "value": encoded, **({"tensor": True} if tensor else {})}
    except Exception:  # not data after all (a bfloat16 tensor, an object whose conversion fails): a handle
        pass
    array = _large_array(value) if data else None
    if array is not None:  # data too large for one reply: the grader reads it in chunks
        if len(handles) >= MAX_HANDLES:
            raise ValueError("too many objects")
        handles.append(array)
        return {"kind": "array", "handle": len(handles) - 1, "dtype": array.dtype.str, "shape": list(array.shape),
                **({"tensor": True} if type(value).__module__.split(".")[0] == "torch" else {})}
    ids = getattr(handles, "ids", None)  # the same object, the same handle: ``is`` holds in the grader
    known = ids.get(id(value)) if ids is not None else next((i for i, held in enumerate(handles) if held is value), None)
    if known is None:
        if len(handles) >= MAX_HANDLES:
            raise ValueError("too many objects")
        handles.append(value)
        known = len(handles) - 1
        if ids is not None:
            ids[id(value)] = known
    types = [f"{kind.__module__}.{kind.__qualname__}"[:200] for kind in type(value).__mro__[:20]]
    can = [name for name, method in CAPABILITIES.items() if any(method in vars(kind) for kind in type(value).__mro__)]
    return {"kind": "object", "handle": known, "types": types, "can": can}


class _Handles(list):
    """A session's objects, by handle, and the handle of each (held, so ids stay unique)."""

    def __init__(self):
        super().__init__()
        self.ids = {}


MAX_CHUNK_BYTES = 16 * 2**20
MAX_LARGE_ARRAY_BYTES = 512 * 2**20


def _large_array(value):
    """A plain NumPy array (or a tensor that tracks no gradient) of numbers, as contiguous memory; None otherwise."""
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return None
    if type(value).__module__.split(".")[0] == "torch" and hasattr(value, "detach"):
        if not _faithful(value):
            return None
        try:
            value = value.detach().cpu().numpy()
        except Exception:
            return None
    if type(value) is not numpy.ndarray or value.dtype.kind not in "biufc" or value.dtype.fields is not None:
        return None
    if value.nbytes > MAX_LARGE_ARRAY_BYTES:
        return None
    return numpy.ascontiguousarray(value)


CAPABILITIES = {"call": "__call__", "iter": "__iter__", "next": "__next__", "len": "__len__", "contains": "__contains__"}
"""What the grader's stand-in for an object may do, as the object's own class can (``isinstance(x, Iterator)``)."""


def _faithful(value, depth=0):
    """Whether ``value`` arrives as data as it is: not a tensor that tracks gradients, nor a tensor inside a container
    (it would arrive an array), nor a frame whose column labels are not distinct strings (they would arrive as text)."""
    module = type(value).__module__.split(".")[0]
    if module == "torch" and hasattr(value, "detach"):
        return depth == 0 and not getattr(value, "requires_grad", False) and getattr(value, "grad", None) is None
    if module == "pandas" and hasattr(value, "columns"):
        columns = list(value.columns)
        return all(isinstance(c, str) for c in columns) and len(set(columns)) == len(columns)
    if depth > MAX_VALUE_DEPTH:
        return True  # encode_value refuses it anyway
    if isinstance(value, dict):
        return all(_faithful(k, depth + 1) and _faithful(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(_faithful(item, depth + 1) for item in value)
    return True


def decode_value(data, handles=()):
    """A value the grader encoded (``encode_value``'s format), or a handle to an object of this kernel, as an object."""
    import base64

    kind = data["t"]
    if kind == "handle":
        return handles[data["v"]]
    if kind == "pickle":  # an object of the test's own (an estimator, a generator): from the grader, to the notebook
        import pickle

        return pickle.loads(base64.b64decode(data["v"]))
    if kind == "tensor":
        return importlib.import_module("torch").as_tensor(decode_value(data["v"], handles))
    if kind == "json":
        return data["v"]
    if kind == "int":
        return int(data["v"])
    if kind == "float":
        return float(data["v"])
    if kind in ("list", "tuple", "set"):
        items = [decode_value(item, handles) for item in data["v"]]
        return items if kind == "list" else tuple(items) if kind == "tuple" else set(items)
    if kind == "dict":
        return {decode_value(key, handles): decode_value(value, handles) for key, value in data["v"]}
    numpy = importlib.import_module("numpy")
    if kind == "ndarray":
        return numpy.load(io.BytesIO(base64.b64decode(data["npy"])), allow_pickle=False)
    if kind == "scalar":
        dtype = numpy.dtype(data["dtype"])
        parse = {"b": lambda text: text == "True", "c": complex, "f": float}.get(dtype.kind, int)
        return dtype.type(parse(data["v"]))
    if kind == "dtype":
        return numpy.dtype(data["v"])
    pandas = importlib.import_module("pandas")
    if kind == "series":
        name = decode_value(data["name"], handles) if "name" in data else None
        return pandas.Series(decode_value(data["values"], handles), index=decode_value(data["index"], handles), name=name)
    if kind == "frame":
        columns = {name: decode_value(column, handles) for name, column in zip(data["columns"], data["data"], strict=True)}
        return pandas.DataFrame(columns, index=decode_value(data["index"], handles))
    raise ValueError(f"cannot decode a {kind!r} value")


def run(request, user_globals):
    """Run one question's test files; display the JSON result."""
    _display_result(test_result(request, user_globals))


def probe(request, user_globals):
    """Run steps (cells and tests) in a forked copy of this kernel and display what they gave.

    The kernel itself is left exactly as it was: the copy's changes die with it. This is
    how ``grader validate`` runs a mutant or a cheat from the solution's state at one
    point of the notebook without re-running everything before it.
    """
    import os
    import random
    import select
    import signal
    import time

    random_state = random.getstate()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: never returns
        os.close(read_end)
        random.setstate(random_state)  # the random module reseeds itself in a forked child
        try:
            report = _probe_steps(request, user_globals, signal)
        except BaseException as error:
            report = {"error": f"{type(error).__name__}: {error}"}
        try:
            data = json.dumps(report).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + request["timeout"]
    chunks, status = [], "timeout"
    try:
        while time.monotonic() < deadline:
            if select.select([read_end], [], [], max(deadline - time.monotonic(), 0))[0]:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    status = "ok"
                    break
                chunks.append(chunk)
    finally:  # also when the engine interrupts this cell: the copy must not outlive it
        os.close(read_end)
        if status != "ok":
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    report = {}
    if status == "ok":
        try:
            report = json.loads(b"".join(chunks).decode())
        except ValueError:
            status = "died"
    status = "error" if "error" in report else status
    _display_result({
        "request_id": request["request_id"],
        "status": status,
        "error": report.get("error", ""),
        "cells": report.get("cells", []),
        "tests": report.get("tests", []),
    })


class _CellTimeout(BaseException):
    pass


def _probe_steps(request, namespace, signal):
    """In the forked copy: run each step; a cell past the timeout is interrupted, as the engine does."""
    import os

    sys.stdout = sys.stderr = open(os.devnull, "w")  # the kernel's output streams belong to the parent
    shell = _ipython_shell()
    transform = shell.transform_cell if shell is not None else str

    def interrupt(signum, frame):
        raise _CellTimeout()

    signal.signal(signal.SIGALRM, interrupt)
    cells, tests = [], []
    for step in request["steps"]:
        if step["kind"] == "tests":
            result = test_result(step["request"], namespace)
            if step.get("report", True):
                tests.append(result)
            continue
        signal.setitimer(signal.ITIMER_REAL, request["cell_timeout"])
        try:
            exec(compile(transform(step["source"]), f"<cell {step['cell'] + 1}>", "exec"), namespace)
            outcome = {"cell": step["cell"], "status": "ok", "ename": ""}
        except _CellTimeout:
            outcome = {"cell": step["cell"], "status": "timeout", "ename": ""}
        except BaseException as error:
            outcome = {"cell": step["cell"], "status": "error", "ename": type(error).__name__, "evalue": str(error)[:300]}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        cells.append(outcome)
    return {"cells": cells, "tests": tests}


def _ipython_shell():
    """The running IPython shell, or None outside IPython (also outside a cell, where ``get_ipython`` is not a builtin)."""
    module = sys.modules.get("IPython.core.getipython")
    return module.get_ipython() if module is not None else None


def _display_result(result):
    display = importlib.import_module("IPython.display").display
    if result.get("kind") != "chunk":  # plain JSON already: megabytes of base64 need no second pass
        result = json.loads(json.dumps(result))
    display({RESULT_MIMETYPE: result}, raw=True)
