"""Notebooks that forge, subvert, lie and leak gain nothing from the questions decided in the grader.

Each notebook in ``tests/submissions/hostile/`` named below answers q1 honestly, answers
the rest wrongly, and attacks the way a student who read this repository's source
would: IPython hooks that answer for the runner or rewrite its reply, an audit hook, a
profiler, a thread, a subverted ``__import__``, shadowed names, objects that equal
anything, and code that tries to bring hidden test code back to the student.

Hidden cases run in the grader, asking the kernel only for the notebook's values: q2 (printed
output), q3 (a ``# value`` compared with a reference), q4 (an assert), q8 (an expected value the
test computes from its own input) and q7 (otter's Python format). There every notebook scores
exactly its honest q1, and no hidden code reaches its feedback or the student-visible fields of
its Gradescope results. q5 and q9 are the same kinds of cases kept in the kernel
(``kernel_cases.json``, as ``grader release`` keeps a case the master fails in the grader): the
controls that show each attack really works where the kernel runs the test (README, Security
model: what remains in reach).
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from helpers import REPO, ok_test_file, run_grader, write_notebook, write_tests

from autograder.grade.results import SubmissionResult
from autograder.gradescope.results import gradescope_results

pytestmark = pytest.mark.slow

HOSTILE = REPO / "tests" / "submissions" / "hostile"
MARKER = "zq_hidden_marker"
HIDDEN_CODE = [MARKER, "square(7)", "squares(4)", "cube(2)"]
PYTHON_FORMAT = f"""\
from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 3


@test_case(points=1, hidden=True)
def test_square(env):
    {MARKER} = [7, 49]
    assert env["square"]({MARKER}[0]) == {MARKER}[1]


@test_case(points=1, hidden=True)
def test_cube(cube, squares):
    assert cube(2) == 8 and list(squares(4)) == [0, 1, 4, 9]


@test_case(points=1, hidden=True)
def test_types(env):
    three = env["squares"](3)
    assert isinstance(three, list) and three[2] == 4 and isinstance(env["value"], int)
    assert "value" in env and "nothing_by_that_name" not in env
"""
"""q7, otter's Python format: the functions run in the grader; the kernel is only asked for values."""
TESTS = {
    "q1": ok_test_file("q1", (">>> assert value == 1\n", False)),
    "q2": ok_test_file("q2", (f">>> {MARKER} = 1\n>>> square(7)\n49\n", True)),
    "q3": ok_test_file("q3", (f">>> {MARKER} = 1\n>>> squares(4)  # value\n[0, 1, 4, 9]\n", True)),
    "q4": ok_test_file("q4", (f">>> {MARKER} = 1\n>>> assert cube(2) == 8\n", True)),
    "q5": ok_test_file("q5", (f">>> {MARKER} = 1\n>>> def cube_ok(f):\n...     return f(2) > 7\n>>> assert cube_ok(cube)\n", True)),
    "q6": ok_test_file("q6", (">>> assert np.sum(squares(3)) == 5\n", False)),  # np: the assignment's, from imports.json
    "q7": PYTHON_FORMAT,
    "q8": ok_test_file("q8", (f">>> {MARKER} = np.arange(6.0).reshape(3, 2)\n>>> expected = np.linalg.norm({MARKER}, axis=1)\n"
                              f">>> assert np.allclose(row_norms({MARKER}), expected)\n", True)),
    "q9": ok_test_file("q9", (f">>> {MARKER} = np.arange(6.0).reshape(3, 2)\n>>> expected = np.linalg.norm({MARKER}, axis=1)\n"
                              f">>> assert np.allclose(row_norms({MARKER}), expected)\n", True)),
}
KERNEL_CASES = {"q5": [0], "q9": [0]}
"""The controls: hidden cases run in the kernel."""
REFERENCES = {"q3": {"0": {"1": {"t": "list", "v": [{"t": "int", "v": str(n * n)} for n in range(4)]}}}}
DECIDED_IN_THE_GRADER = {"q1": 1, "q2": 0, "q3": 0, "q4": 0, "q6": 0, "q7": 0, "q8": 0}
ATTACKS = ["forge_pre_run_cell", "forge_input_transformer", "forge_display_publisher", "forge_displayhook", "forge_audit_hook",
           "forge_profiler", "forge_thread", "doctest_subversion", "shadow_namespace", "liar_objects", "leak_everywhere",
           "forge_remote", "patch_hidden_reference"]
FORGES_THE_KERNEL_VERDICT = ["forge_input_transformer", "forge_display_publisher", "forge_profiler", "doctest_subversion"]
"""Single-reply forgers: they do win q5, decided in the kernel (the control)."""
FORGES_THE_KERNEL_REFERENCE = ["patch_hidden_reference"]
"""Patches what the test computes its expected value with: wins q9, run in the kernel (the control)."""
DETECTED = ["forge_pre_run_cell", "forge_audit_hook"]
"""Answer before the runner does: a second reply, reported as tampering; the tests it hit score 0, q1's too."""


HONEST_NAMES = """\
# Right answers, next to globals that happen to share a builtin's name (the runner must not need them).
value = 1
def square(x):
    return x * x
def row_norms(X):
    return [sum(v * v for v in row) ** 0.5 for row in X]
def squares(n):
    return [square(i) for i in range(n)]
def cube(x):
    return x ** 3
def compile(model):
    return model
exec, globals, eval, print, isinstance = "summary", {}, None, None, None
np = "not numpy: the tests use the assignment's own import"
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("integrity")
    tests = write_tests(root / "tests", TESTS)
    (tests / "references.json").write_text(json.dumps(REFERENCES))
    (tests / "imports.json").write_text(json.dumps({"imports": ["import numpy as np"]}))
    (tests / "kernel_cases.json").write_text(json.dumps(KERNEL_CASES))
    (root / "submissions").mkdir()
    for name in ATTACKS:
        shutil.copy(HOSTILE / f"{name}.ipynb", root / "submissions")
    write_notebook(root / "submissions" / "honest_names.ipynb", [nbformat.v4.new_code_cell(HONEST_NAMES)])
    result = run_grader("grade", "--tests", str(tests), str(root / "submissions"), "--output", str(root / "out"),
                        "--require-isolation", "--cell-timeout", "20", "--workers", "2", cwd=root, timeout=900)
    assert result.returncode == 0, result.stderr
    return root / "out"


def result_of(out, name: str) -> dict:
    return json.loads((out / "results" / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ATTACKS)
def test_an_attack_gains_nothing_decided_in_the_grader(graded, name):
    result = result_of(graded, name)
    assert result["status"] == "graded", result.get("error")
    scores = {q["name"]: q["score"] for q in result["questions"]}
    expected = DECIDED_IN_THE_GRADER | ({"q1": 0} if name in DETECTED else {})
    assert {q: scores[q] for q in DECIDED_IN_THE_GRADER} == expected, result["problems"]


@pytest.mark.parametrize("name", ATTACKS)
def test_no_hidden_code_reaches_the_student(graded, name):
    result = SubmissionResult.from_json((graded / "results" / f"{name}.json").read_text())
    student_sees = (graded / "feedback" / f"{name}.md").read_text() + json.dumps(gradescope_results(result, 1.0))
    assert [code for code in HIDDEN_CODE if code in student_sees] == []


def test_right_answers_score_in_full_whatever_the_globals_are_called(graded):
    result = result_of(graded, "honest_names")
    assert (result["score"], result["problems"]) == (11, [])


def test_the_control_forging_works_where_the_kernel_decides(graded):
    """Proof the attacks are real: the same forgeries win q5, whose assert is judged in the kernel."""
    won = {name: next(q["score"] for q in result_of(graded, name)["questions"] if q["name"] == "q5") for name in ATTACKS}
    assert [name for name in FORGES_THE_KERNEL_VERDICT if won[name] != 1] == []
    won = {name: next(q["score"] for q in result_of(graded, name)["questions"] if q["name"] == "q9") for name in ATTACKS}
    assert [name for name in FORGES_THE_KERNEL_REFERENCE if won[name] != 1] == []


def test_answering_first_is_reported_as_tampering(graded):
    for name in DETECTED:
        assert any(p["kind"] == "tampering" for p in result_of(graded, name)["problems"]), name


def test_a_kernel_that_dies_shouting_hidden_code_is_recorded_in_the_graders_words(graded):
    """Whatever a dying kernel printed stays in ``problems[].detail`` (staff only, when the kernel's own log
    caught it); the messages, which feedback may quote, are the grader's."""
    result = result_of(graded, "leak_everywhere")
    died = [p for p in result["problems"] if p["kind"] == "kernel_died"]
    assert died and all(MARKER not in p["message"] for p in result["problems"])
