"""Python-format test functions run in the grader: what crosses from the kernel is data, or a handle.

``kernel_side``'s answering code runs here in-process over a namespace (the slow suites run it in a
real kernel: ``test_grade_scoring`` against ``otter run``, ``test_integrity`` against forgers).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from autograder.grade import kernel_side
from autograder.grade.remote import KernelUnavailable, RemoteObject, answer, run_test_functions

HEADER = "OK_FORMAT = False\nname = 'q1'\n\n"  # as QuestionTests.python_source gives it: otter's import left out


def answering(namespace: dict, forged: dict | None = None):
    """A ``send`` that answers as the kernel's runner does (through JSON, as the channel carries it)."""
    handles: list = []

    def send(op: dict) -> dict:
        op = json.loads(json.dumps(op))
        if forged is not None and op["op"] in forged:
            return forged[op["op"]]
        if op["op"] in ("open", "close"):
            return {"kind": "done"}
        try:
            return json.loads(json.dumps(kernel_side._remote_step(op["op"], op, namespace, handles)))
        except Exception as error:
            return {"kind": "raised", "error": kernel_side._exception_line(error)}

    return send


def run(body: str, namespace: dict, forged: dict | None = None) -> list[tuple[bool, str]]:
    return run_test_functions(HEADER + body, answering(namespace, forged))


class Liar(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


def test_values_calls_and_frames_cross_as_data():
    frame = pd.DataFrame({"C": [0.1, 1.0], "acc": [0.8, 0.9]}, index=[5, 7])
    namespace = {"square": lambda x: x * x, "frame": frame, "scale": lambda a, by=1: np.asarray(a) * by}
    outcomes = run('''
@test_case(points=1)
def test_square(square):
    assert square(7) == 49

@test_case(points=1)
def test_frame(env):
    assert env["frame"].loc[7, "acc"] == 0.9 and list(env["frame"].columns) == ["C", "acc"]
    assert env["frame"] is env["frame"]

@test_case(points=1)
def test_arrays(scale):
    assert np.array_equal(scale(np.arange(3), by=2), [0, 2, 4])

import numpy as np
''', namespace)
    assert outcomes == [(True, "")] * 3


def test_a_liar_is_only_its_value():
    outcomes = run('''
@test_case(points=1)
def test_liar(answer):
    assert answer == 42
''', {"answer": Liar(0)})
    assert outcomes[0][0] is False


def test_what_the_notebook_raises_fails_the_case_with_its_last_line():
    def broken(x):
        raise ValueError("no")

    outcomes = run('''
@test_case(points=1)
def test_broken(broken, missing):
    assert missing is None
    broken(1)
''', {"broken": broken})
    assert outcomes == [(False, "RemoteError: ValueError: no")]


def test_objects_stay_in_the_kernel_and_cannot_claim_to_be_data():
    class Model:
        coef_ = np.ones(3)

        def predict(self, X):
            return np.zeros(len(X))

    model = Model()
    outcomes = run('''
@test_case(points=1)
def test_model(model):
    assert model.coef_.sum() == 3 and len(model.predict([[1], [2]])) == 2
    assert not isinstance(model, list)
''', {"model": model})
    assert outcomes == [(True, "")]
    claims_a_list = answer({"kind": "object", "handle": 0, "type": "builtins.list", "callable": False}, lambda op: None)
    assert isinstance(claims_a_list, RemoteObject) and not isinstance(claims_a_list, list)
    claims_a_frame = answer({"kind": "object", "handle": 0, "type": "pandas.core.frame.DataFrame"}, lambda op: None)
    assert not isinstance(claims_a_frame, pd.DataFrame)


def test_a_reply_that_is_not_data_stops_the_test_without_a_pass():
    forged = {"get": {"kind": "value", "value": {"t": "pickle", "v": "gASV"}}}
    with pytest.raises(KernelUnavailable):
        run('''
@test_case(points=1)
def test_any(answer):
    pass
''', {"answer": 1}, forged)
    with pytest.raises(KernelUnavailable):  # a test's own ``except Exception`` does not swallow it
        run('''
@test_case(points=1)
def test_any(env):
    try:
        env["answer"]
    except Exception:
        pass
''', {"answer": 1}, forged)
