"""The test runner that runs *inside* the student's kernel (stdlib only).

The engine sends this file's source, with a request, each time a question's tests
are due: the code of the tests (hidden ones included) exists in the kernel only for
the duration of that one execution, and is never written to disk. The runner
executes the cases against a shallow copy of the notebook's globals (so that names a
test defines do not leak into later cells), exactly as otter would run them (a
doctest per OK-format case; a call per ``@test_case`` function, arguments taken from
the globals by name), and hands the result back as one JSON display message.

Before the tests run, attributes of the modules tests rely on that the notebook
replaced are put back from a snapshot taken before its first cell, and the runner uses
its own private copy of ``doctest``. This defeats the common monkeypatches, and names
them; code determined enough to find and rewrite the snapshot itself is out of reach of
any in-process check (see README, Security model).
"""

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
KERNEL_MANAGED = {"builtins.input", "builtins.raw_input"}
"""Attributes ipykernel itself rebinds for every execution (stdin forwarding)."""


def _private_module(name):
    """A fresh copy of a stdlib module, not the one in ``sys.modules`` the notebook can patch."""
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


doctest = _private_module("doctest")


def snapshot(key):
    """Before the first cell: remember the attributes of the guarded modules."""
    saved = {}
    for name in GUARDED_MODULES:
        try:
            module = importlib.import_module(name)
        except Exception:  # not installed in this kernel: nothing to guard
            continue
        saved[name] = dict(vars(module))
    holder = type(sys)(key)
    holder.saved = saved  # type: ignore[attr-defined]
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


def _run_doctest(name, text, namespace):
    examples = doctest.DocTestParser().parse(text, name)
    test = doctest.DocTest([e for e in examples if isinstance(e, doctest.Example)], namespace, name, None, None, text)
    runner = doctest.DocTestRunner(verbose=True)
    log = io.StringIO()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        runner.run(test, clear_globs=False)
    failed = runner.failures
    return failed == 0, "" if failed == 0 else log.getvalue()


def _run_python_file(source, namespace, public_only=False):
    definitions = {"test_case": test_case, "__name__": "grader_test_file"}
    exec(compile(source, "<test file>", "exec"), definitions)
    results = []
    for value in list(definitions.values()):
        if not isinstance(value, test_case) or value.test_func is None or (public_only and value.hidden):
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


def test_result(request, user_globals):
    """Run one question's test files against the notebook's globals; the JSON-ready result."""
    tampered = restore(request["snapshot"]) if request.get("snapshot") else []
    namespace = dict(user_globals)
    cases: list[dict] = []
    with _quiet_displays():
        for test_file in request["files"]:
            if test_file["ok_format"]:
                outcomes = [
                    _run_doctest(f"{request['question']} {index}", code, namespace)
                    for index, code in enumerate(test_file["cases"])
                ]
            else:
                outcomes = _run_python_file(test_file["source"], namespace, test_file.get("public_only", False))
            cases.extend({"passed": bool(passed), "output": output[:MAX_CASE_OUTPUT]} for passed, output in outcomes)
    return {"request_id": request["request_id"], "question": request["question"], "cases": cases, "tampered": tampered}


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
    """The running IPython shell (IPython puts ``get_ipython`` in builtins), or None outside IPython."""
    import builtins

    get_ipython = getattr(builtins, "get_ipython", None)
    return get_ipython() if get_ipython is not None else None


def _display_result(result):
    display = importlib.import_module("IPython.display").display
    display({RESULT_MIMETYPE: json.loads(json.dumps(result))}, raw=True)
