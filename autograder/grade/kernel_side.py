"""The test runner that runs *inside* the student's kernel (stdlib only).

The engine sends this file's source, with a request, each time a question's tests
are due: the code of the tests (hidden ones included) exists in the kernel only for
the duration of that one execution, and is never written to disk. The runner
executes the cases against a shallow copy of the notebook's globals (so that names a
test defines do not leak into later cells), exactly as otter would run them (a
doctest per OK-format case; a call per ``@test_case`` function, arguments taken from
the globals by name), and hands the result back as one JSON display message.
"""

import contextlib
import doctest
import inspect
import io
import json

RESULT_MIMETYPE = "application/vnd.ml-course-grader.result+json"
MAX_CASE_OUTPUT = 4000


class test_case:  # noqa: N801 - the name otter's Python-format test files use
    """Stand-in for ``otter.test_files.test_case``, so the kernel never imports otter."""

    def __init__(self, name=None, points=None, hidden=False, success_message=None, failure_message=None):
        self.name, self.points, self.hidden = name, points, hidden
        self.success_message, self.failure_message = success_message, failure_message
        self.test_func = None

    def __call__(self, test_func):
        self.test_func = test_func
        return self


@contextlib.contextmanager
def _quiet_displays():
    """otter's ``hide_outputs``: what a test displays does not reach the notebook."""
    try:
        shell = get_ipython()  # noqa: F821 - defined inside IPython kernels
    except NameError:
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


def _run_python_file(source, namespace):
    definitions = {"test_case": test_case, "__name__": "grader_test_file"}
    exec(compile(source, "<test file>", "exec"), definitions)
    results = []
    for value in list(definitions.values()):
        if not isinstance(value, test_case):
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


def run(request, user_globals):
    """Run one question's test files; display the JSON result."""
    namespace = dict(user_globals)
    cases = []
    with _quiet_displays():
        for test_file in request["files"]:
            if test_file["ok_format"]:
                outcomes = [
                    _run_doctest(f"{request['question']} {index}", code, namespace)
                    for index, code in enumerate(test_file["cases"])
                ]
            else:
                outcomes = _run_python_file(test_file["source"], namespace)
            cases.extend({"passed": bool(passed), "output": output[:MAX_CASE_OUTPUT]} for passed, output in outcomes)
    result = {"request_id": request["request_id"], "question": request["question"], "cases": cases}
    display = __import__("IPython.display", fromlist=["display"]).display
    display({RESULT_MIMETYPE: json.loads(json.dumps(result))}, raw=True)
