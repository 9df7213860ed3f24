"""Grading's pure pieces, without a kernel: otter's scoring rules, the plan of steps, feedback and the gradebook.

The scoring rules use the test files of ``fixtures/scoring_tests``, the ones the slow
``test_grade_scoring.py`` grades end to end and compares with ``otter run``: here the
pass/fail of each case is given, and the points are worked out by hand.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from helpers import REPO

from autograder.errors import GraderError
from autograder.grade.outputs import feedback_markdown, grades_csv
from autograder.grade.plan import Step, plan_steps
from autograder.grade.results import CaseResult, CellError, Problem, QuestionResult, SubmissionResult
from autograder.grade.scoring import load_test_suite, natural_key

SCORING_TESTS = REPO / "tests" / "fixtures" / "scoring_tests"


@pytest.fixture(scope="module")
def suite():
    return load_test_suite(SCORING_TESTS)


def test_points_are_resolved_as_otter_does(suite):
    points = {q.name: q.points for q in suite.questions}
    assert points == {
        "q1": (1, 1.5, 1.5),  # one case's points given, the rest of the 4 shared
        "q2": (1, 1),  # 2 points shared
        "q3": pytest.approx((1 / 3, 1 / 3, 1 / 3)),  # no points: 1 shared
        "q4": (1, 2),  # a list of points
        "q5": (1, 1, 1),  # Python format: points=1 on one case, the rest of 3 shared
        "q6": (1, 1),
    }
    assert suite.names == ["q1", "q2", "q3", "q4", "q5", "q6"] and suite.max_score == 15 and len(suite.sha256) == 64


PASSED, FAILED = (True, ""), (False, "AssertionError")
# The "partial" notebook of test_grade_scoring.py: which cases pass, and what each question then scores.
PARTIAL = {
    "q1": ([PASSED, FAILED, PASSED], 2.5),
    "q2": ([PASSED, FAILED], 0),  # all or nothing
    "q3": ([PASSED, FAILED, PASSED], 2 / 3),
    "q4": ([FAILED, PASSED], 2),
    "q5": ([PASSED, PASSED, FAILED], 2),
    "q6": ([PASSED, FAILED], 0),  # all or nothing, Python format
}


@pytest.mark.parametrize("question", sorted(PARTIAL))
def test_a_question_scores_the_points_of_its_passed_cases(suite, question):
    outcomes, expected = PARTIAL[question]
    result = suite[question].score(outcomes, checked_at_cell=3)
    assert result.score == pytest.approx(expected) and result.max_score == suite[question].max_score
    assert [c.name for c in result.cases] == [f"{question} - {i + 1}" for i in range(len(outcomes))]
    assert [c.passed for c in result.cases] == [passed for passed, _ in outcomes]
    assert [c.hidden for c in result.cases] == [c.hidden for c in suite[question].spec.cases]
    assert result.checked_at_cell == 3 and result.ran


def test_tests_that_never_ran_or_answered_wrongly_score_zero(suite):
    never = suite["q1"].score(None, None)
    assert (never.score, never.ran) == (0, False) and {c.output for c in never.cases} == {"not run"}
    short = suite["q1"].score([PASSED], None)  # one outcome for three cases
    assert short.score == 0 and all("wrong number of cases" in c.output for c in short.cases)
    assert suite["q4"].judge([{"examples": []}] * 5, suite["q4"].spec.cases) == [(False, "the test runner returned a wrong number of cases")] * 2


def test_the_kernel_is_sent_code_only(suite):
    """OK format: each example's source, never its expected output; Python format: the selected test functions only."""
    request = suite["q4"].kernel_request("r1", suite["q4"].select("public"))
    assert request == {"request_id": "r1", "question": "q4",
                       "files": [{"ok_format": True, "cases": [[{"source": "answer\n", "value": False}]]}], "imports": []}
    assert "42" not in json.dumps(request)
    assert len(suite["q1"].kernel_request("r2", suite["q1"].select("hidden"))["files"][0]["cases"]) == 2
    source = suite["q5"].kernel_request("r3", suite["q5"].select("hidden"))["files"][0]["source"]
    assert "def test_values" in source and "def test_helper" in source
    assert "def test_shape" not in source and "otter" not in source


def test_natural_order():
    assert sorted(["q10", "q2", "q1", "q1b"], key=natural_key) == ["q1", "q1b", "q2", "q10"]


def code_cell(source, **metadata):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata.update(metadata)
    return cell


def test_plan_runs_code_cells_and_turns_checks_into_steps():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        code_cell('# Initialize Otter\nimport otter\ngrader = otter.Notebook("hw.ipynb")'),  # otter's plumbing: dropped
        nbformat.v4.new_markdown_cell("grader.check('q1')"),  # not code
        code_cell("x = 1\ngrader.check('q1')"),
        code_cell('grader.check("q9")'),  # no such question
        code_cell("x = 99", tags=["otter_ignore"]),
        code_cell("x = 98", otter={"ignore": True}),
        code_cell(["y = 2\n", "grader.check( 'q2' );"]),  # source as a list of lines
        code_cell("# Save your notebook first, then run this cell to export your submission.\ngrader.export(pdf=False)"),
        code_cell("grader.check_all()"),
        code_cell("z = x + y"),
    ]
    assert plan_steps(notebook, ["q1", "q2"]) == [
        Step("cell", 2, "x = 1\n"),
        Step("check", 2, question="q1"),
        Step("cell", 6, "y = 2\n"),
        Step("check", 6, question="q2"),
        Step("cell", 9, "z = x + y"),
    ]


@pytest.mark.parametrize("source, steps", [
    ('grader.check("q6")  # passes now', [("check", "q6")]),
    ('_ = grader.check("q7")', [("check", "q7"), ("cell", "_ = None\n")]),
    ('display(grader.check("q2"))', [("check", "q2")]),
    ('result: object = grader.check("q2")', [("check", "q2"), ("cell", "result: object = None\n")]),
    ('a = 1\ngrader.check("q1"); grader.check("q2")\nb = a + 1', [("cell", "a = 1\n"), ("check", "q1"), ("check", "q2"),
                                                                ("cell", "b = a + 1\n")]),
    ('%matplotlib inline\ngrader.check("q1")', [("cell", "get_ipython().run_line_magic('matplotlib', 'inline')\n"), ("check", "q1")]),
    ('x = (\ngrader.check("q1")', [("cell", "x = ("), ("check", "q1")]),  # a syntax error: the line still counts
    ('if ready:\n    grader.check("q1")', [("cell", 'if ready:\n    grader.check("q1")')]),  # nested: the stand-in runs it
    ('grader = otter.Notebook("hw.ipynb", colab=True)\nimport otter.test_files', []),
])
def test_check_cells_are_found_by_syntax(source, steps):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [code_cell(source)]
    assert [(s.kind, s.question or s.source) for s in plan_steps(notebook, ["q1", "q2", "q6", "q7"])] == steps


def graded_result(**changes) -> SubmissionResult:
    q1 = QuestionResult("q1", 1, 3, [
        CaseResult("q1 - 1", hidden=False, passed=False, score=0, max_score=1, output="AssertionError: public detail"),
        CaseResult("q1 - 2", hidden=False, passed=True, score=1, max_score=1),
        CaseResult("q1 - 3", hidden=True, passed=False, score=0, max_score=1, output="hidden detail: assert secret_value == 7"),
    ])
    q10 = QuestionResult("q10", 2, 2, [CaseResult("q10 - 1", hidden=True, passed=True, score=2, max_score=2)])
    result = SubmissionResult("alice", "alice.ipynb", "graded", 3, 5, [q1, q10], problems=[
        Problem("cell_timeout", "cell 4 ran past its 30 s limit and was interrupted", cell=4),
        Problem("kernel_restarted", "restarted after cell 5 (staff only)", cell=5),
        Problem("tampering", "the kernel sent secret_value == 7 back", detail="more from the kernel"),
    ], cell_errors=[CellError(2, "NameError", "name 'np' is not defined")])
    for key, value in changes.items():
        setattr(result, key, value)
    return result


def test_feedback_shows_public_tests_and_only_counts_of_hidden_ones():
    text = feedback_markdown(graded_result())
    assert text.startswith("# Feedback: alice\n") and "**Score: 3 / 5**" in text
    assert "| q1 | 1 / 3 |" in text and "| q10 | 2 / 2 |" in text
    assert "- public test q1 - 1: failed (0 / 1)" in text and "AssertionError: public detail" in text
    assert "- public test q1 - 2: passed (1 / 1)" in text
    assert "- hidden tests: 0 of 1 passed (0 / 1 points)" in text and "- hidden tests: 1 of 1 passed (2 / 2 points)" in text
    assert "q1 - 3" not in text and "secret_value" not in text and "more from the kernel" not in text
    assert "- cell 4 ran past its 30 s limit" in text and "staff only" not in text  # only student-visible problems
    assert "- tampering: code in this notebook interfered with the tests" in text  # in fixed words
    assert "- cell 2 raised `NameError`: name 'np' is not defined" in text
    assert "time limit" not in text
    assert "ran past the time limit" in feedback_markdown(graded_result(timed_out=True))


def test_feedback_of_a_submission_that_could_not_be_graded():
    text = feedback_markdown(graded_result(status="error", error="not a notebook (invalid JSON)", questions=[], problems=[]))
    assert "**This submission could not be graded:** not a notebook (invalid JSON)" in text and "Score: 0 / 5" in text
    assert "| question |" not in text


def test_results_round_trip_through_json():
    result = graded_result()
    assert SubmissionResult.from_json(result.to_json()) == result


def test_grades_csv_has_a_row_per_submission_in_natural_order():
    results = [graded_result(submission=name) for name in ("s10", "s2")] + [
        graded_result(submission="s3", status="error", score=0, questions=[])]
    assert grades_csv(results, ["q1", "q10"]).splitlines() == [
        "submission,status,score,max_score,q1,q10",
        "s2,graded,3,5,1,2",
        "s3,error,0,5,0,0",
        "s10,graded,3,5,1,2",
    ]


def test_the_release_imports_are_what_tests_run_with():
    from autograder.grade.scoring import release_imports

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [code_cell("import otter\ngrader = otter.Notebook()"), code_cell("import numpy as np\nfrom sklearn import svm  # a comment"),
                      code_cell("def f():\n    import os  # not top-level\nimport numpy as np\nfrom . import local"), code_cell("x = (")]
    assert release_imports(notebook) == ["import numpy as np", "from sklearn import svm"]


def test_an_imports_file_holds_imports_only(tmp_path):
    from autograder.grade.scoring import read_imports, write_imports

    write_imports(tmp_path, ["import numpy as np"])
    assert read_imports(tmp_path) == ("import numpy as np",)
    write_imports(tmp_path, ["import os; os.system('rm -rf /')"])
    with pytest.raises(GraderError, match="not an imports file"):
        read_imports(tmp_path)
