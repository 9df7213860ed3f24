"""Python-format test functions run in the grader: what crosses from the kernel is data, or a handle.

``kernel_side``'s answering code runs here in-process over a namespace (the slow suites run it in a
real kernel: ``test_grade_scoring`` against ``otter run``, ``test_integrity`` against forgers).
"""

from __future__ import annotations

import base64
import collections.abc
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from autograder.grade import kernel_side
from autograder.grade.remote import KernelUnavailable, RemoteObject, RunBudget, answer, run_example_cases, run_test_functions
from autograder.grade.verdict import judge_case, kernel_examples, parse_examples

HEADER = "import collections.abc\n\nOK_FORMAT = False\nname = 'q1'\n\n"  # as QuestionTests.python_source gives it: otter's import left out


def answering(namespace: dict, forged: dict | None = None, sent: list | None = None):
    """A ``send`` that answers as the kernel's runner does (through JSON, as the channel carries it); ``sent``
    receives each operation."""
    handles: list = []
    sent = [] if sent is None else sent

    def send(op: dict) -> dict:
        op = json.loads(json.dumps(op))
        sent.append(op)
        if forged is not None and op["op"] in forged:
            return forged[op["op"]]
        if op["op"] in ("open", "close"):
            return {"kind": "done"}
        try:
            reply = kernel_side._remote_step(op["op"], op, namespace, handles)
            if "raw" in reply:  # a chunk of an array: in a kernel, the message's raw frame
                reply["data"] = base64.b64encode(reply.pop("raw")).decode("ascii")
            return json.loads(json.dumps(reply))
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

@test_case(points=1)
def test_raises(broken):
    try:
        broken(-1)
    except ValueError as error:  # the notebook's exception, as the class it was there
        assert str(error) == "no"
    else:
        raise AssertionError("no exception")
''', {"broken": broken})
    assert outcomes == [(False, "ValueError: no"), (True, "")]


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
    assert not isinstance(model, list) and not isinstance(model, collections.abc.Iterable)
    assert model and model.predict and callable(model.predict) and not callable(model)
''', {"model": model})
    assert outcomes == [(True, "")]
    budget = RunBudget()
    claims_a_list = answer({"kind": "object", "handle": 0, "types": ["builtins.list"]}, lambda op: None, budget)
    assert isinstance(claims_a_list, RemoteObject) and not isinstance(claims_a_list, list)
    claims_a_dict = answer({"kind": "object", "handle": 0, "types": ["builtins.dict"], "can": ["iter"]}, lambda op: None, budget)
    assert not isinstance(claims_a_dict, dict) and isinstance(claims_a_dict, collections.abc.Iterable)
    big_frame = answer({"kind": "object", "handle": 0, "types": ["pandas.core.frame.DataFrame"]}, lambda op: None, budget)
    assert isinstance(big_frame, pd.DataFrame)  # a frame with integer labels comes as a handle: its class is the kernel's word
    own_class = answer({"kind": "object", "handle": 0, "types": ["__main__.Decoder", "json.decoder.JSONDecoder", "builtins.object"]},
                       lambda op: None, budget)
    assert isinstance(own_class, json.JSONDecoder) and not callable(own_class)  # the first class of its MRO the grader knows


def test_a_notebook_cannot_end_the_tests_own_iteration():
    """``StopIteration`` raised by the notebook stays an error: rebuilt as itself, it would end ``map`` early."""
    def square(x):
        raise StopIteration

    outcomes = run('''
@test_case(points=1)
def test_map(square):
    assert all(map(lambda x: square(x) == x * x, [1, 2, 3]))

@test_case(points=1)
def test_loop(env):
    for x, y in zip([1, 2], map(env["square"], [1, 2])):
        assert y == x * x
''', {"square": square})
    assert [passed for passed, _ in outcomes] == [False, False]


def test_generators_are_stepped_through_one_item_at_a_time():
    import itertools

    def numbers():
        yield from (1, 2, 3, 4)

    namespace = {"gen": numbers(), "count": itertools.count(), "frame": pd.DataFrame([[1, 4], [2, 5]]),
                 "wide": pd.concat([pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [2]})], axis=1)}
    outcomes = run('''
import itertools

@test_case(points=1)
def test_steps(gen, count, frame, wide):
    assert next(gen) == 1 and list(itertools.islice(gen, 2)) == [2, 3] and list(gen) == [4]
    assert list(itertools.islice(count, 3)) == [0, 1, 2]
    assert list(frame.columns) == [0, 1] and list(frame[0]) == [1, 2] and wide.shape == (1, 2)
''', namespace)
    assert outcomes == [(True, "")]
    forged = {"call": {"kind": "stop"}}  # a "stop" answering anything but next is no answer
    with pytest.raises(KernelUnavailable):
        run('''
@test_case(points=1)
def test_map(square):
    assert all(map(square, [1, 2]))
''', {"square": abs}, forged)


def test_objects_can_be_iterated_searched_and_caught_as_their_exceptions():
    def double(x):
        return 2 * x

    namespace = {"pipeline": [double, double], "models": {"a": double, "b": double}}
    outcomes = run('''
@test_case(points=1)
def test_iterate(pipeline, models):
    assert isinstance(pipeline, collections.abc.Sized) and not isinstance(pipeline, collections.abc.Iterator)
    assert [step(1) for step in pipeline] == [2, 2] and sorted(models) == ["a", "b"] and "a" in models
    assert len(pipeline) == 2 and pipeline and sum(f(3) for f in models.values()) == 12
    try:
        pipeline[5]
    except IndexError:
        pass
''', namespace)
    assert outcomes == [(True, "")]


def test_a_frame_is_built_only_from_columns_as_long_as_its_index():
    index = {"t": "ndarray", "npy": _npy(np.zeros(2_000_000, dtype=bool))}
    stretched = {"t": "frame", "columns": ["a"], "data": [{"t": "int", "v": "0"}], "index": index}
    with pytest.raises(KernelUnavailable):
        answer({"kind": "value", "value": stretched}, lambda op: None, RunBudget())


def test_endless_answers_end_the_run():
    forged = {"call": {"kind": "value", "value": {"t": "int", "v": "1"}}}
    with pytest.raises(KernelUnavailable):
        run('''
@test_case(points=1)
def test_forever(f):
    while True:
        f(0)
''', {"f": abs}, forged)


def _npy(array: np.ndarray) -> str:
    import base64
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_reply_that_is_not_data_stops_the_test_without_a_pass():
    forged = {"get": {"kind": "value", "value": {"t": "pickle", "v": "gASV"}}}
    with pytest.raises(KernelUnavailable):
        run('''
@test_case(points=1)
def test_any(answer):
    pass
''', {"answer": 1}, forged)
    with pytest.raises(KernelUnavailable):  # a test's own ``except`` does not swallow it
        run('''
@test_case(points=1)
def test_any(env):
    try:
        env["answer"]
    except BaseException:
        pass
''', {"answer": 1}, forged)


def run_cases(doctests: list[str], namespace: dict, imports: tuple[str, ...] = ("import numpy as np",),
              sent: list | None = None) -> list[tuple[bool, str]]:
    """Hidden OK-format cases as the grader runs them (``run_example_cases``) and judges them (``judge_case``)."""
    examples = [tuple(replace(e, parts=()) for e in parse_examples(code)) for code in doctests]
    replies = run_example_cases([kernel_examples(case) for case in examples], list(imports), answering(namespace, sent=sent))
    return [judge_case(case, reply["examples"], {}) for case, reply in zip(examples, replies, strict=True)]


class Model:
    def __init__(self, scale):
        self.scale = scale

    def predict(self, X):
        return np.asarray(X) * self.scale


def test_ok_format_cases_compute_in_the_grader_on_the_notebooks_values():
    """What the test computes (a reference from the notebook's data) is computed here: the notebook's own ``np``,
    ``sorted`` or a liar in its namespace change nothing; its functions and objects are asked, its prints shown."""
    data = np.arange(12.0).reshape(4, 3)
    namespace = {
        "X": data, "running": lambda a: np.cumsum(a), "wrong": lambda a: np.asarray(a) * 0,
        "np": "not numpy", "sorted": lambda *a, **k: [42], "model": Model(2.0), "Model": Model,
        "report": lambda x: print(f"accuracy: {x:.2f}"), "answer": Liar(0),
    }
    outcomes = run_cases([
        ">>> expected = np.cumsum(X[:, 0])\n>>> assert np.array_equal(running(X[:, 0]), expected)\n",
        ">>> expected = np.cumsum(X[:, 0])\n>>> assert np.array_equal(wrong(X[:, 0]), expected)\n",
        ">>> sorted([3, 1, 2])\n[1, 2, 3]\n>>> report(0.5)\naccuracy: 0.50\n",
        ">>> assert isinstance(model, Model) and not isinstance(3, Model)\n>>> model.predict([1, 2]).tolist()\n[2.0, 4.0]\n",
        ">>> assert answer == 42\n",
        ">>> nothing_by_that_name\n",
    ], namespace)
    assert [passed for passed, _ in outcomes] == [True, False, True, True, False, False]
    assert "NameError" in outcomes[5][1]


def test_a_large_array_is_read_in_chunks_and_goes_back_as_itself():
    big = np.random.default_rng(0).normal(size=(2000, 1000))  # 16 MB: above one reply's limit
    namespace = {"big": big, "is_theirs": lambda a: a is big, "total": lambda a: float(np.sum(a))}
    outcomes = run_cases([
        f">>> assert big.shape == (2000, 1000) and np.isclose(big.mean(), {float(big.mean())!r})\n",
        ">>> assert is_theirs(big) and np.isclose(total(big), big.sum())\n",
        ">>> assert not is_theirs(big[:, :10]) and np.isclose(total(big[:2]), big[:2].sum())\n",
    ], namespace)
    assert outcomes == [(True, "")] * 3


def test_objects_and_functions_of_the_test_reach_the_notebook_by_value():
    """An estimator the test builds, or a function it defines, is an argument the notebook's code can use."""
    namespace = {"apply": lambda f, x: f(x), "fit_on": lambda estimator, X: type(estimator.fit(X)).__name__}
    outcomes = run_cases([
        ">>> offset = 3\n>>> apply(lambda v: v + offset, 4)\n7\n",
        ">>> from sklearn.preprocessing import StandardScaler\n>>> fit_on(StandardScaler(), np.ones((3, 2)))\n'StandardScaler'\n",
    ], namespace)
    assert outcomes == [(True, "")] * 2


def test_seeding_in_the_test_seeds_the_notebooks_generators_and_is_undone():
    draws: list[float] = []
    namespace = {"draw": lambda: draws.append(float(np.random.rand())) or draws[-1]}
    seed, sent = np.random.seed, []
    outcomes = run_cases([">>> np.random.seed(5)\n>>> a = draw()\n>>> np.random.seed(5)\n>>> assert draw() == a\n"], namespace, sent=sent)
    assert outcomes == [(True, "")] and draws[0] == draws[1]
    assert [op["value"] for op in sent if op["op"] == "seed" and op["library"] == "numpy"] == [5, 5]
    assert np.random.seed is seed


def test_what_the_notebooks_function_does_to_the_tests_arguments_happens_to_them():
    """Changed in place (``sigmoid`` overwriting its input) or returned as itself: the test sees it as it would in the
    kernel, so checks that a function leaves its input alone still catch one that does not; ``is`` of the notebook's
    own objects holds."""
    def overwrite(z):
        z *= 0
        return z

    shared = {"k": 1}
    namespace = {"overwrite": overwrite, "append": lambda items: items.append(4), "same": lambda x: x,
                 "fresh": lambda x: np.array(x), "shared": lambda: shared, "ValueError_raiser": lambda: int("x")}
    outcomes = run_cases([
        ">>> z = np.ones(3)\n>>> before = z.copy()\n>>> out = overwrite(z)\n>>> assert np.array_equal(z, before)\n",
        ">>> z = np.ones(3)\n>>> assert overwrite(z) is z and not z.any()\n",
        ">>> items = [1]\n>>> append(items)\n>>> items\n[1, 4]\n",
        ">>> x = np.ones(2)\n>>> assert same(x) is x and fresh(x) is not x\n",
        ">>> assert shared() is shared()\n",
        ">>> ValueError_raiser()\nTraceback (most recent call last):\nValueError: invalid literal for int() with base 10: 'x'\n",
    ], namespace)
    assert [passed for passed, _ in outcomes] == [False, True, True, True, False, True]


NOTEBOOK = '''\
import numpy as np
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(2, 1)

    def forward(self, x):
        return self.layer(x)


torch.manual_seed(0)
net = Net()
weights = torch.ones(2, requires_grad=True)
(weights * 3).sum().backward()
batch = (torch.ones(2, 3), torch.tensor([1, 0]))
steps = [np.sqrt, np.square]


def safe_log(x):
    if x <= 0:
        raise ValueError("x must be positive")
    return float(np.log(x))


def stuck(n):
    while True:
        pass
'''
MODELS = HEADER + '''
import torch
from torch import nn


@test_case(points=1, hidden=True)
def test_module(net):
    assert isinstance(net, nn.Module) and not isinstance(net, nn.Linear)
    out = net(torch.ones(1, 2))
    assert isinstance(out, torch.Tensor) and out.shape == (1, 1)
    assert sum(p.numel() for p in net.parameters()) == 3
    assert all(p.requires_grad for p in net.parameters())


@test_case(points=1, hidden=True)
def test_tensors(weights, batch):
    assert isinstance(weights, torch.Tensor) and weights.requires_grad and weights.grad.tolist() == [3.0, 3.0]
    xb, yb = batch
    assert isinstance(xb, torch.Tensor) and xb.dtype == torch.float32 and yb.tolist() == [1, 0]


@test_case(points=1, hidden=True)
def test_errors_and_steps(safe_log, steps):
    try:
        safe_log(-1)
    except ValueError:
        pass
    else:
        raise AssertionError("no ValueError")
    assert [f(4.0) for f in steps] == [2.0, 16.0] and abs(safe_log(1.0)) < 1e-12
'''
STUCK = HEADER.replace("q1", "q2") + '''

@test_case(points=1, hidden=True)
def test_stuck(stuck):
    stuck(1)
'''


@pytest.mark.slow
def test_a_real_kernel_answers_for_models_errors_and_iteration(tmp_path):
    """In a sandboxed kernel: a torch module of the notebook's own class, tensors both ways, an exception caught as
    its class, functions in a list; a function that never returns ends its question only, as tests_failed_to_run."""
    import nbformat
    from helpers import run_grader, write_notebook, write_tests

    tests = write_tests(tmp_path / "tests", {"q1": MODELS, "q2": STUCK})
    write_notebook(tmp_path / "submissions" / "models.ipynb", [nbformat.v4.new_code_cell(NOTEBOOK)])
    result = run_grader("grade", "--tests", str(tests), str(tmp_path / "submissions"), "--output", str(tmp_path / "out"),
                        "--require-isolation", "--cell-timeout", "10", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    graded = json.loads((tmp_path / "out" / "results" / "models.json").read_text())
    assert {q["name"]: q["score"] for q in graded["questions"]} == {"q1": 3, "q2": 0}, graded["questions"]
    assert [p["kind"] for p in graded["problems"]] == ["tests_failed_to_run"], graded["problems"]


FREEZER = """\
shape = [1] + [10**4000 + i for i in range(600)]
wide = [[0.0]] * 14000
tall = [[0.0] * 14000]
"""
HONEST = "import time\ntime.sleep(4)\nvalue = 1\n"
HEAVY = HEADER.replace("q1", "q3") + '''
import numpy as np


@test_case(points=1, hidden=True)
def test_product(shape):
    assert np.prod(shape[1:]) == 784


@test_case(points=1, hidden=True)
def test_broadcast(wide, tall):
    assert np.allclose(np.asarray(wide) + np.asarray(tall), 0)
'''
VALUE = HEADER.replace("q1", "q4") + '''

@test_case(points=1)
def test_value(value):
    assert value == 1
'''


@pytest.mark.slow
def test_values_built_to_exhaust_the_grader_cost_only_their_own_tests(tmp_path):
    """A test's computations on the student's values run in a child with a memory limit and a deadline: a product of
    huge integers (which held the grader's interpreter, and every other submission, for minutes) and a broadcast to
    14000 x 14000 fail their own tests, while an honest notebook graded beside them scores in full."""
    import nbformat
    from helpers import run_grader, write_notebook, write_tests

    tests = write_tests(tmp_path / "tests", {"q3": HEAVY, "q4": VALUE})
    write_notebook(tmp_path / "submissions" / "freezer.ipynb", [nbformat.v4.new_code_cell(FREEZER + "value = 0")])
    write_notebook(tmp_path / "submissions" / "honest.ipynb", [nbformat.v4.new_code_cell(HONEST + FREEZER.split("\n")[0])])
    result = run_grader("grade", "--tests", str(tests), str(tmp_path / "submissions"), "--output", str(tmp_path / "out"),
                        "--require-isolation", "--cell-timeout", "10", "--timeout", "60", "--workers", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    freezer = json.loads((tmp_path / "out" / "results" / "freezer.json").read_text())
    honest = json.loads((tmp_path / "out" / "results" / "honest.json").read_text())
    assert (freezer["status"], freezer["score"]) == ("graded", 0)
    assert (honest["status"], honest["timed_out"], honest["questions"][1]["score"]) == ("graded", False, 1), honest
