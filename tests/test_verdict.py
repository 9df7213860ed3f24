"""Verdicts decided in the grader: doctest's rules on reported output, and value comparisons (no kernel)."""

from __future__ import annotations

import base64
import io

import numpy as np
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
    assert all("want" not in e.kernel_request() for e in examples)
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
    assert examples[0].kernel_request() == {"source": "f(x)  # value: allclose\n", "value": True}
    references = {0: encode_value(np.array([1.0, 2.0]))}
    assert judge_case(examples, [reply(value=encode_value(np.array([1.0, 2.0], dtype=np.float32)))], references)[0]
    # printing the expected text gains nothing: the value decides
    forged = reply(output="array([1., 2.])\n", value=encode_value("array([1., 2.])"))
    assert not judge_case(examples, [forged], references)[0]
    assert not judge_case(examples, [reply(value={"t": "json", "v": [1, 2]})], references)[0]
    # without a reference (a student's public tests), the printed output is compared with want
    assert judge_case(examples, [reply(output="array([1., 2.])\n")], None)[0]
