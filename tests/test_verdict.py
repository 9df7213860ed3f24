"""Verdicts decided in the grader: doctest's rules on reported output, and value comparisons (no kernel)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
import pytest

from autograder.errors import GraderError
from autograder.grade.kernel_side import encode_value
from autograder.grade.values import Comparator, ValueDecodeError, compare, decode_value, guessable, value_directive
from autograder.grade.verdict import judge_case, parse_examples


def roundtrip(value):
    return decode_value(encode_value(value))


def reply(output="", exception=None, value=None):
    return {"output": output, "exception": exception, "value": value}


AUTO = Comparator()


@pytest.mark.parametrize("expected, equivalent", [
    (np.array([0.1, 0.2, 0.3]), np.array([0.1, 0.2, 0.3], dtype=np.float32)),  # float32 arithmetic
    (np.array([0.1, 0.2, 0.3]), [0.1, 0.2, 0.30000001]),
    ((100,), [100]),
    ((100,), 100),
    (np.float64(0.8500000085), 0.85),  # (pred == y).float().mean().item() is 8.5e-9 off
    ({"a": 1, "b": [1.0, 2.0]}, {"b": (1.0, 2.0), "a": 1}),
    ("relu", "relu"),
    (None, None),
])
def test_auto_accepts_equivalent_answers(expected, equivalent):
    assert compare(roundtrip(expected), roundtrip(equivalent), AUTO) is None


@pytest.mark.parametrize("expected, wrong, why", [
    (np.array([0.1, 0.2, 0.3]), np.array([0.1, 0.2, 0.31]), "1 of 3 values differ"),
    (np.zeros((3, 1)), np.zeros(3), "shape (3,), expected (3, 1)"),
    ([1, 2, 3], [1, 2], "shape (2,), expected (3,)"),
    (["a", "b"], ["a"], "expected 2 items"),
    (0.5, "0.5", "expected a number"),
    ({"a": 1}, {"a": 1, "b": 2}, "different keys"),
    ("relu", "sigmoid", "a different value"),
    (True, False, "different values"),
])
def test_auto_rejects_wrong_answers(expected, wrong, why):
    assert why in compare(roundtrip(expected), roundtrip(wrong), AUTO)


def test_other_comparators():
    assert compare(roundtrip([3, 1, 2]), roundtrip([1, 2, 3]), Comparator("set")) is None
    assert compare(roundtrip({1, 2}), roundtrip([1, 2, 2]), Comparator("set")) == "different elements"
    assert compare(roundtrip(np.zeros((2, 3))), roundtrip(np.ones((2, 3))), Comparator("shape")) is None
    assert "dtype" in compare(roundtrip(np.zeros(3)), roundtrip(np.zeros(3, dtype=int)), Comparator("shape"))
    assert compare(roundtrip(1.0), roundtrip(1.0 + 1e-12), Comparator("exact")) == "different values"
    loose = Comparator("allclose", {"rtol": 0.1})
    assert compare(roundtrip(1.0), roundtrip(1.05), loose) is None and compare(roundtrip(1.0), roundtrip(1.2), loose)


def test_directives():
    assert value_directive("f(x)  # value\n") == Comparator()
    assert value_directive("f(x)  # value: allclose rtol=1e-6 atol=0") == Comparator("allclose", {"rtol": 1e-6, "atol": 0.0})
    assert value_directive("f(x)  # the value of f") is None
    assert value_directive("f(x)") is None
    for bad in ("f(x)  # value: close", "f(x)  # value: allclose tol=1", "f(x)  # value: allclose rtol=small"):
        with pytest.raises(GraderError):
            value_directive(bad)


def test_frames_tensors_and_scalars_are_data():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"x": [1.0, 2.0], "label": ["a", "b"]})
    decoded = roundtrip(frame)
    assert decoded["columns"] == ["x", "label"] and decoded["data"]["label"] == ["a", "b"]
    torch = pytest.importorskip("torch")
    assert compare(roundtrip(np.array([1.0, 2.0])), roundtrip(torch.tensor([1.0, 2.0])), AUTO) is None
    assert roundtrip(np.int64(3)) == 3 and roundtrip(float("nan")) != roundtrip(float("nan"))


def test_decoding_refuses_what_is_not_plain_data():
    pickled = io.BytesIO()
    np.save(pickled, np.array([object()], dtype=object), allow_pickle=True)
    for hostile in ({"t": "ndarray", "npy": base64.b64encode(pickled.getvalue()).decode()},
                    {"t": "pickle", "v": "..."}, {"t": "json", "v": [1]}, {"t": "list", "v": "nope"}, [], None,
                    {"t": "ndarray", "npy": "not base64!"}):
        with pytest.raises(ValueDecodeError):
            decode_value(hostile)


def test_objects_that_lie_are_compared_by_repr_only():
    class Liar:
        def __eq__(self, other):
            return True

        def __repr__(self):
            return "array([3., 4.])"

    assert "expected a number" in compare(roundtrip(np.array([3.0, 4.0])), roundtrip(Liar()), AUTO)


def test_guessable_values_do_not_count_as_decided_outside():
    assert guessable(True) and guessable(None) and guessable(float("nan")) and guessable(np.array([True]))
    assert not guessable(0.75) and not guessable(np.array([1.0, 2.0]))


def test_doctest_rules_are_applied_in_the_grader():
    examples = parse_examples(">>> x = 2\n>>> x + 1\n3\n>>> print('a  b')  # doctest: +NORMALIZE_WHITESPACE\na b\n")
    assert [e.want for e in examples] == ["", "3\n", "a b\n"]
    assert all("want" not in request for e in examples for request in e.kernel_requests())
    assert judge_case(examples, [reply(), reply("3\n"), reply("a b\n")], None) == (True, "")
    passed, report = judge_case(examples, [reply(), reply("4\n"), reply("a b\n")], None)
    assert not passed and "Expected:\n    3\nGot:\n    4" in report
    passed, report = judge_case(examples, [reply(), reply(exception="NameError: name 'x' is not defined\n"), reply()], None)
    assert not passed and "Exception raised" in report
    assert judge_case(examples, [reply(), reply("3\n")], None)[0] is False  # a reply missing
    assert judge_case(examples, "garbage", None)[0] is False


def test_expected_exceptions():
    examples = parse_examples(">>> 1 / 0\nTraceback (most recent call last):\n    ...\nZeroDivisionError: division by zero\n")
    assert judge_case(examples, [reply(exception="ZeroDivisionError: division by zero\n")], None)[0]
    assert not judge_case(examples, [reply(exception="ValueError: no\n")], None)[0]
    assert not judge_case(examples, [reply("inf\n")], None)[0]


def test_value_examples_are_compared_with_the_reference_not_the_printed_text():
    examples = parse_examples(">>> f(x)  # value: allclose\narray([1., 2.])\n")
    assert examples[0].kernel_requests() == [{"source": "f(x)  # value: allclose\n", "value": True}]
    references = {0: encode_value(np.array([1.0, 2.0]))}
    assert judge_case(examples, [reply(value=encode_value(np.array([1.0, 2.0], dtype=np.float32)))], references)[0]
    # printing the expected text gains nothing: the value decides
    forged = reply(output="array([1., 2.])\n", value=encode_value("array([1., 2.])"))
    assert not judge_case(examples, [forged], references)[0]
    assert not judge_case(examples, [reply(value={"t": "json", "v": [1, 2]})], references)[0]
    # without a reference (a student's public tests), the printed output is compared with want
    assert judge_case(examples, [reply(output="array([1., 2.])\n")], None)[0]


# Asserts with literal expectations, decided in the grader (grade.asserts)

ANSWERS = {"n": 5, "x": 0.1 + 0.2, "f32": np.float32(0.5), "arr": np.arange(3), "one": np.array([7]), "name": "relu",
           "pair": (1, 2), "items": [1, 2], "tags": {"b", "a"}, "d": {"a": 1, "b": [1.0, 2.0]}, "nothing": None,
           "dt": np.zeros(2).dtype, "flag": np.True_, "big": np.int64(2**40), "frame_shape": (38400, 784),
           "series": pd.Series([0.1, 0.2], index=["a", "b"]), "frame": pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})}
ASSERTS = [
    "assert n == 5", "assert n == 6", "assert 5 == n", "assert n == 5.0", "assert x == 0.3", "assert x == 0.30000000000000004",
    "assert f32 == 0.5", "assert arr == [0, 1, 2]", "assert arr.tolist() == [0, 1, 2]", "assert one == 7", "assert one == [7]",
    "assert name == 'relu'", "assert name == 'tanh'", "assert pair == (1, 2)", "assert pair == [1, 2]", "assert items == [1, 2]",
    "assert tags == {'a', 'b'}", "assert d == {'a': 1, 'b': [1.0, 2.0]}", "assert d == {'a': 1}", "assert nothing == None",
    "assert dt == 'float64'", "assert dt == 'f8'", "assert dt == 'int64'", "assert flag == True", "assert big == 2**40",
    "assert big == 1099511627776", "assert n in (4, 5)", "assert name in ['tanh']", "assert n == 5 and name == 'relu'",
    "assert n == 5 and x > 1", "assert isinstance(n, int) and n == 5", "assert np.isclose(x, 0.3)", "assert np.isclose(0.3, x)",
    "assert np.isclose(x, 0.31)", "assert np.allclose(arr, [0, 1, 2.0000001])", "assert np.allclose(arr, [0, 1, 3])",
    "assert np.isclose(arr, [0, 1, 2])", "assert math.isclose(x, 0.3, rel_tol=1e-9)", "assert np.isclose(x, 0.31, atol=0.1)",
    "assert frame_shape == (38400, 784)", "assert undefined_name == 3", "assert n == 5, 'a message'",
    "assert np.allclose(series, [0.1, 0.2])", "assert np.allclose(series, [0.1, 0.3])", "assert np.allclose(frame, [[1, 3], [2, 4]])",
    "assert np.isclose(series['a'], 0.1)", "assert series.tolist() == [0.1, 0.2]", "assert series == [0.1, 0.2]",
    "assert frame.shape == (2, 2)", "assert list(frame.columns) == ['x', 'y']", "assert np.allclose(frame['y'], [3, 4])",
]


class Loader:
    """Not data: the kernel can only describe it by its repr."""

    def __len__(self):
        return 3

    def __iter__(self):
        return iter([np.ones(2), np.zeros(2)])


def _raises(v):
    raise ValueError(v)


# Asserts over computed values (grade.predicates): the kernel sends operands, the grader evaluates the rest.
ANSWERS.update({"loss": 14.2, "nan": float("nan"), "history": {"loss": [0.9, 0.5, 0.4], "acc": [0.5, 0.8, 0.95]},
                "flat": {"loss": [0.9, 0.9]}, "first": (np.arange(4), np.arange(3)), "again": (np.arange(4), np.arange(3)),
                "other": (np.arange(4)[::-1], np.arange(3)), "X": np.eye(3), "w": np.array([1.0, -1.0, 2.0]),
                "y": np.array([1, 0, 1]), "loader": Loader(), "f": lambda v: v * 2, "boom": _raises, "probs": [0.2, 0.3, 0.5],
                "tensor": __import__("torch").tensor([0.5, 1.5]), "t0": __import__("torch").tensor(2.0), "labels": [3, 1, 2, 1],
                "empty": np.array([]), "maybe": None, "s32": np.float32(0.1), "grid": np.arange(6).reshape(2, 3),
                "gen": lambda: (v for v in (1, 2, 3)), "gen_arrays": lambda: iter([np.ones(2), np.ones(3)]),
                "scores": {"a": 0.5, "b": 0.9}, "rows": [{"C": 0.5}, {"C": 2.0}], "arr_nan": np.array([1.0, np.nan]),
                "px": np.array([10, 12], dtype=np.uint8), "big64": np.int64(2**62), "objs": np.array([1, "a"], dtype=object),
                "acc32": np.float32(17) / np.float32(20), "arr32": np.array([0.1, 0.2], dtype=np.float32), "z": 1 + 2j})
ASSERTS += [
    "assert 10 < loss < 20", "assert 10 < loss < 12", "assert np.isfinite(loss)", "assert np.isfinite(nan)", "assert not np.isnan(loss)",
    "assert np.all(np.diff(history['loss']) < 0)", "assert np.all(np.diff(flat['loss']) < 0)", "assert history['acc'][-1] > 0.9",
    "assert history['acc'][-1] > 0.96", "assert all(np.array_equal(a, b) for a, b in zip(first, again))",
    "assert all(np.array_equal(a, b) for a, b in zip(first, other))", "assert not np.array_equal(first[0], other[0])",
    "assert not np.array_equal(np.sort(other[0]), np.arange(4))", "assert np.mean((X @ w >= 0) == y) > 0.9",
    "assert np.mean((X @ w >= 0) == y) > 0.99", "assert 0.5 < np.mean(y) < np.mean(history['acc'])", "assert len(loader) > 2",
    "assert len(loader) > 3", "assert sum(len(b) for b in loader) == 4", "assert loader is not None", "assert maybe is None",
    "assert loader is None", "assert f(2) > 3", "assert f(2) - 4 < 1e-9 and f(3) > 5", "assert sum(p for p in probs) >= 1.0",
    "assert abs(sum(probs) - 1) < 1e-9", "assert max(abs(a - b) for a, b in zip(probs, probs)) < 1e-9", "assert np.isclose(sum(probs), 1)",
    "assert np.allclose(tensor, [0.5, 1.5])", "assert float(t0) > 1.5", "assert t0 > 1.5", "assert t0.item() < 1.5",
    "assert tensor.shape == (2,)", "assert sorted(set(labels)) == [1, 2, 3]", "assert sorted(set(labels)) == sorted(set(labels))",
    "assert set(labels) <= {1, 2, 3}", "assert set(labels) < {1, 2, 3}", "assert set(labels) == {1, 2, 3}", "assert 1 in set(labels)",
    "assert len(empty) == 0 or empty[0] > 0", "assert boom(1) > 0", "assert np.all(np.diff(labels) < 0) or True",
    "assert np.linalg.norm(w) > 2", "assert np.linalg.norm(w) < 2", "assert w.dtype == np.float64", "assert grid.shape[0] < grid.shape[1]",
    "assert -loss < 0", "assert np.all(grid >= 0) and np.all(grid < 6)", "assert np.unique(y).size == 2", "assert np.sum(w) / 2 == 1",
    "assert s32 < 0.11", "assert [f(v) for v in probs] == [0.4, 0.6, 1.0]", "assert any(f(v) > 0.9 for v in probs)",
    "assert series.index.tolist() == ['a', 'b'] and np.all(series > 0)", "assert np.all(series.values > 0.15)",
    "assert (frame['x'] < frame['y']).all()", "assert np.all(frame >= 1)", "assert len(frame) == 2 and frame['x'].sum() > 2.5",
    "assert np.allclose(series, series)", "assert np.mean(series) > 0.1", "assert 0.1 < series['b'] < 0.3",
    "assert np.all(np.asarray(d['b']) > 0)", "assert d['a'] + 1 == 2", "assert np.isclose(x, 0.3) and 0 < x < 1",
    "assert undefined_name > 3", "assert pair[0] < pair[1]", "assert name.startswith('re')", "assert nothing is not None",
    "assert sum(p * 2 for p in gen()) == 12", "assert sum(len(p) for p in gen_arrays()) == 5", "assert all(0 <= v <= 1 for v in scores.values())",
    "assert all(0 <= v <= 0.6 for v in scores.values())", "assert all(r['C'] > 0 for r in rows)", "assert all(r['C'] > 1 for r in rows)",
    "assert sorted(scores) == ['a', 'b']", "assert sum(scores.values()) > 1.3", "assert max(scores, key=scores.get) == 'b'",
    "assert all(0 <= float(v) <= 1 for v in scores.values())", "assert [k for k in scores if scores[k] > 0.6] == ['b']",
    "assert type(items) == list", "assert type(arr) == np.ndarray", "assert type(arr) != list", "assert type(n) in (int, float)",
    "assert type(items) == tuple", "assert 'x' in frame.columns", "assert 'z' in frame.columns", "assert 'a' in series.index",
    "assert list(frame.columns) == list('xy')", "assert frame.columns[0] == 'x' and len(frame.index) == 2",
    "assert ~np.isnan(arr_nan).any()", "assert ~np.isnan(w).any()", "assert flag is True", "assert s32 <= 0.1", "assert s32 > 0.1",
    "assert abs(px[0] - px[1]) < 5", "assert big64 + big64 > 0", "assert objs.dtype == object", "assert round(acc32, 2) == 0.85",
    "assert arr32[1] == 0.2", "assert np.isclose(np.fft.fft(w)[0], 2)", "assert abs(z - (1 + 2j)) < 1e-9",
]


def run_like_a_kernel(examples, namespace):
    from autograder.grade.kernel_side import _run_examples
    from autograder.grade.verdict import kernel_examples

    return _run_examples(kernel_examples(examples), namespace)


@pytest.mark.parametrize("source", ASSERTS)
def test_a_split_assert_passes_exactly_when_the_assert_does(source):
    import doctest
    import math

    namespace = {"np": np, "math": math, **ANSWERS}
    examples = parse_examples(f">>> {source}\n")
    original = doctest.DocTestRunner(verbose=False).run(doctest.DocTestParser().get_doctest(f">>> {source}\n", dict(namespace), "t", None, 0),
                                                       out=lambda text: None)
    passed, report = judge_case(examples, run_like_a_kernel(examples, dict(namespace)), None)
    assert passed == (original.failed == 0), report


def test_the_kernel_never_sees_the_expected_literal():
    from autograder.grade.verdict import kernel_examples

    examples = parse_examples(">>> assert secret_answer(3) == 987654 and np.isclose(other(), 0.123456)\n")
    sent = str(kernel_examples(examples))
    assert "secret_answer(3)" in sent and "other()" in sent
    assert "987654" not in sent and "0.123456" not in sent
    assert parse_examples(">>> assert isinstance(model, Model)\n")[0].parts == ()  # one kernel value: an ordinary example


def test_a_liar_fails_a_split_assert():
    class Liar(int):
        def __eq__(self, other):
            return True
        __hash__ = int.__hash__

    examples = parse_examples(">>> assert answer == 42\n")
    replies = run_like_a_kernel(examples, {"answer": Liar(0)})
    assert judge_case(examples, replies, None) == (False, "Failed example:\n    assert answer == 42\nAssertionError: answer == 42 does not hold.\n")
    forged = [{"output": "", "exception": None, "value": encode_value(True)}]  # a hooked kernel says "it passed"
    assert judge_case(examples, forged, None)[0] is False


def test_what_a_correct_answer_prints_on_its_way_costs_nothing():
    """Doctest fails ``x = f()`` when ``f`` prints its progress; a student's correct answer may print."""
    noisy = {"noisy": lambda: print("step 0: loss 0.69") or 1, "quiet": lambda: 1}
    for source, passes in [(">>> assert noisy() == 1\n", True), (">>> assert noisy() == 2\n", False),
                           (">>> value = noisy()\n", True), (">>> noisy()\n1\n", True), (">>> noisy()\n2\n", False),
                           (">>> print(noisy())\n1\n", False),  # what the test prints itself is still its output
                           (">>> quiet()\n", False),  # a value displayed where nothing is expected still fails
                           (">>> noisy() + 1\n2\n", True)]:
        examples = parse_examples(source)
        replies = run_like_a_kernel(examples, dict(noisy))
        assert judge_case(examples, replies, None)[0] is passes, source
    replies = run_like_a_kernel(parse_examples(">>> noisy()\n1\n"), dict(noisy))
    assert (replies[0]["output"], replies[0]["shown"]) == ("step 0: loss 0.69\n", "1\n")


def test_a_predicate_assert_sends_only_its_operands_to_the_kernel():
    from autograder.grade.verdict import kernel_examples

    examples = parse_examples(">>> assert 13.375 < loss(3) < np.sqrt(411) and 0.03125 < np.mean(np.diff(history['loss'])) < 0.0625\n")
    sent = str(kernel_examples(examples))
    assert "loss(3)" in sent and "history['loss']" in sent
    for secret in ("13.375", "411", "0.0625", "0.03125", "np.diff", "<"):
        assert secret not in sent
    assert all(part.check is not None and not part.check.guessable for part in examples[0].parts)
    # checks a value sent blindly passes (an empty list, inf) are not counted as decided by the answer
    for blind in ("assert acc > 0.95", "assert np.all(np.diff(h) < 0)", "assert pred != 3", "assert np.allclose(p, 1)"):
        assert parse_examples(f">>> {blind}\n")[0].parts[0].check.guessable, blind


def test_a_liar_or_a_forged_reply_fails_a_predicate_assert():
    class Liar(float):
        def __lt__(self, other):
            return True
        __gt__ = __le__ = __ge__ = __lt__

    examples = parse_examples(">>> assert 10 < loss < 20\n")
    assert not judge_case(examples, run_like_a_kernel(examples, {"loss": Liar(3.0)}), None)[0]
    assert judge_case(examples, run_like_a_kernel(examples, {"loss": Liar(15.0)}), None)[0]
    for forged in (encode_value(True), encode_value((True,)), encode_value(("15",)), encode_value((3.0, 15.0)), {"t": "tuple", "v": []}):
        assert not judge_case(examples, [{"output": "", "exception": None, "value": forged}], None)[0]


def test_a_value_built_to_make_the_grader_loop_fails_in_bounded_time(monkeypatch):
    import time

    from autograder.grade import predicates

    monkeypatch.setattr(predicates, "PREDICATE_SECONDS", 0.5)
    examples = parse_examples(">>> assert all(x in ys for x in xs)\n")
    many = list(range(200_000))  # a quadratic check: hours, unless stopped
    forged = [{"output": "", "exception": None, "value": encode_value((many, many[::-1]))}]
    started = time.monotonic()
    assert judge_case(examples, forged, None)[0] is False
    assert time.monotonic() - started < 30
    assert judge_case(examples, [{"output": "", "exception": None, "value": encode_value(([1, 2], [2, 1]))}], None)[0]


def test_conjuncts_the_release_kept_in_the_kernel_stay_asserts(tmp_path):
    from autograder.grade.scoring import load_test_suite, public_in_kernel, read_in_kernel, write_in_kernel

    source = ">>> assert np.array_equal(big, other) and 0 < small < 2\n"
    lifted = parse_examples(source)[0].parts
    assert [type(p.check).__name__ for p in lifted] == ["PredicateCheck", "PredicateCheck"]
    kept = parse_examples(source, in_kernel={0: frozenset({0})})[0].parts
    assert kept[0].check is None and kept[0].source == "assert np.array_equal(big, other)\n"
    assert kept[1].check is not None and "2" not in kept[1].source
    assert parse_examples(source, in_kernel={0: frozenset({0, 1})})[0].parts == ()  # nothing left to split

    (tmp_path / "q1.py").write_text(
        'OK_FORMAT = True\ntest = {"name": "q1", "points": 2, "suites": [{"cases": [\n'
        '  {"code": ">>> assert 0 < x < 2\\n", "hidden": True},\n'
        '  {"code": ">>> y = 1\\n>>> assert np.array_equal(big, other) and 0 < y < 2\\n", "hidden": False}],\n'
        '  "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}\n', encoding="utf-8")
    before = load_test_suite(tmp_path)
    record = {"q1": {1: {1: frozenset({0})}}}
    write_in_kernel(tmp_path, record)
    assert read_in_kernel(tmp_path) == record
    after = load_test_suite(tmp_path)
    assert after.sha256 != before.sha256  # the record is part of what was graded
    assert after["q1"].examples[1][1].parts[0].check is None and after["q1"].examples[0][0].parts[0].check is not None
    assert public_in_kernel(after, record) == {"q1": {0: {1: frozenset({0})}}}  # numbered as in the student's file


def test_values_too_large_to_send_are_refused_in_the_kernel():
    from autograder.grade.kernel_side import MAX_VALUE_BYTES

    examples = parse_examples(">>> assert np.all(huge >= 0) and len(huge) > 0\n")
    replies = run_like_a_kernel(examples, {"np": np, "huge": np.zeros(MAX_VALUE_BYTES // 4)})
    assert "too large to be compared outside the kernel" in replies[0]["exception"]
    assert replies[1]["exception"] is None
    assert judge_case(examples, replies, None)[0] is False


@pytest.mark.parametrize("name, forged", [
    # ints 2**61 - 1 apart share a hash: as dict keys or set items they would take the grader minutes
    ("colliding dict keys", {"t": "dict", "v": [[{"t": "int", "v": str(k * (2**61 - 1))}, {"t": "json", "v": None}] for k in range(1, 30_000)]}),
    ("colliding set", {"t": "set", "v": [{"t": "int", "v": str(k * (2**61 - 1))} for k in range(1, 30_000)]}),
    # a 100-byte .npy header announcing 10**9 items of zero bytes each
    ("zero-byte items", encode_value(np.zeros(10**9, dtype="S0")) if False else None),
    ("a series whose index does not fit", {"t": "series", "values": encode_value(np.arange(3.0)), "index": encode_value(np.arange(1))}),
    ("too many items", {"t": "list", "v": [{"t": "int", "v": "1"}] * 300_000}),
])
def test_forged_values_fail_fast_without_breaking_the_grader(name, forged):
    import resource
    import time

    if forged is None:  # built by hand: numpy refuses to save it
        header = b"{'descr': '|S0', 'fortran_order': False, 'shape': (1000000000,), }"
        header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
        raw = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header
        forged = {"t": "ndarray", "npy": base64.b64encode(raw).decode()}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    for source in (">>> assert 10 < loss < 20\n", ">>> assert labels == {1, 2, 3}\n", ">>> assert np.all(s > 0)\n"):
        examples = parse_examples(source)
        reply = {"output": "", "exception": None, "value": {"t": "tuple", "v": [forged]} if "loss" in source or "s >" in source else forged}
        assert judge_case(examples, [reply], None)[0] is False
    assert time.monotonic() - started < 10
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


def test_arrays_that_would_broadcast_to_a_huge_result_fail():
    examples = parse_examples(">>> assert np.allclose(a, b)\n")
    honest = encode_value((np.ones(6000), np.ones(6000)))
    forged = encode_value((np.ones((6000, 1)), np.ones((1, 6000))))
    assert judge_case(examples, [reply(value=honest)], None)[0]
    assert not judge_case(examples, [reply(value=forged)], None)[0]


def test_values_built_to_blow_up_the_grader_are_refused_or_left_to_the_kernel():
    """``%`` is computed in the kernel (a format string like '%01200000000d' would make a gigabyte here), and nested
    lists that would broadcast to 14000 x 14000 are refused like arrays are."""
    from autograder.grade.asserts import split_assert

    modulo = split_assert("assert n_epochs % 5 != 1\n")
    assert modulo is not None and modulo[0].source == "(n_epochs % 5,)\n"
    close = split_assert("assert np.allclose(mine(z), reference(z))\n")
    assert close is not None and close[0].check is not None
    assert close[0].check.holds(([[0.0]] * 3, [[0.0]] * 3))
    assert not close[0].check.holds(([[0.0]] * 14000, [[0.0] * 14000]))


def test_a_frame_that_pandas_would_stretch_fails_the_assert_instead():
    """One number as a column beside a long index: pandas would repeat it along the index, in the grader."""
    from autograder.grade.asserts import split_assert
    from autograder.grade.values import FrameValue

    parts = split_assert("assert np.all(np.asarray(table) >= 0)\n")
    assert parts is not None and parts[0].check is not None
    honest = FrameValue(columns=["a"], data={"a": np.zeros(3)}, index=np.arange(3))
    stretched = FrameValue(columns=["a"], data={"a": 0}, index=np.zeros(2_000_000, dtype=bool))
    assert parts[0].check.holds((honest,)) and not parts[0].check.holds((stretched,))
