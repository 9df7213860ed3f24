"""Scoring semantics, proved differentially: the same notebooks graded by ``otter run`` and
by ``grader grade`` get the same score on every question.

The test files in ``fixtures/scoring_tests`` cover otter's rules: per-case points with
the rest shared (q1), ``all_or_nothing`` (q2, q6), no points at all (q3), a list of
points and doctest output matching (q4), the Python ``@test_case`` format with ``env``
(q5, q6), and hidden cases throughout.
"""

from __future__ import annotations

import csv
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from helpers import REPO, run_grader, write_notebook
from helpers.otter_run import otter_run

TESTS_DIR = REPO / "tests" / "fixtures" / "scoring_tests"
INIT = 'import otter\ngrader = otter.Notebook("submission.ipynb")'


def check(q):
    return f'grader.check("{q}")'


CORRECT = [
    INIT,
    "def square(x):\n    return x * x",
    check("q1"),
    "words = ['a', 'b', 'c']",
    check("q2"),
    "total = 10",
    check("q3"),
    "answer = 42",
    check("q4"),
    "matrix = [[1, 2], [3, 4]]\n\ndef transpose(m):\n    return [list(row) for row in zip(*m)]",
    check("q5"),
    'greeting = "Hello, world!"',
    check("q6"),
]

NOTEBOOKS = {
    "correct": CORRECT,
    "partial": [
        INIT,
        "def square(x):\n    return abs(x) * x",  # fails square(-2) only
        check("q1"),
        "words = ['a', 'b']",  # all-or-nothing: 0
        check("q2"),
        "total = 4",  # > 0 and even, but not 10
        check("q3"),
        "answer = 43",  # wrong output, but 43 // 2 == 21
        check("q4"),
        "matrix = [[1, 2], [3, 4]]\n\ndef transpose(m):\n    return m",
        check("q5"),
        'greeting = "Hello there"',  # all-or-nothing: 0
        check("q6"),
    ],
    # Tests run where the check cell is: later changes do not count...
    "reused_variables": CORRECT[:6] + [check("q3"), "total = -1", "words = []"] + CORRECT[7:],
    # ...and questions without a check cell are tested after the last cell.
    "no_check_cells": [INIT] + [c for c in CORRECT[1:] if not c.startswith("grader.check")] + ["total = 3"],
    "cell_errors": [
        INIT,
        "def square(x):\n    return x * x",
        "1 / 0",
        check("q1"),
        "words = ['a', 'b', 'c']\nraise ValueError('after defining words')",
        check("q2"),
        "undefined_name + 1",
        check("q3"),
        "answer = 42",
        check("q4"),
        "matrix = [[1, 2], [3, 4]]",  # no transpose: NameError inside the test
        check("q5"),
    ],
}


def make_notebook(path: Path, cells: list[str]) -> Path:
    write_notebook(path, [nbformat.v4.new_code_cell(source) for source in cells])
    return path


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("scoring_submissions")
    for name, cells in NOTEBOOKS.items():
        make_notebook(directory / f"{name}.ipynb", cells)
    return directory


@pytest.fixture(scope="module")
def otter_scores(submissions: Path, tmp_path_factory) -> dict:
    build = tmp_path_factory.mktemp("otter_generate")
    zip_path = build / "autograder.zip"
    subprocess.run(
        [str(Path(__import__("sys").executable).parent / "otter"), "generate", "-t", str(TESTS_DIR), "-o", str(zip_path),
         "--no-config", "--no-requirements", "--no-environment"],
        cwd=build, check=True, capture_output=True,
    )
    notebooks = sorted(submissions.glob("*.ipynb"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda nb: otter_run(None, zip_path, nb), notebooks))
    return {nb.stem: result.scores for nb, result in zip(notebooks, results, strict=True)}


@pytest.fixture(scope="module")
def grader_output(submissions: Path, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("graded")
    result = run_grader("grade", "--tests", str(TESTS_DIR), str(submissions), "--output", str(output),
                        "--isolation", "none", "--workers", "2", cwd=submissions)
    assert result.returncode == 0, result.stderr
    return output


def grades(output: Path) -> dict[str, dict[str, float]]:
    with open(output / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    return {row["submission"]: {k: float(v) for k, v in row.items() if k.startswith("q")} for row in rows}


@pytest.mark.slow
@pytest.mark.parametrize("notebook", sorted(set(NOTEBOOKS) - {"reused_variables"}))
def test_scores_match_otter_run(notebook: str, otter_scores: dict, grader_output: Path):
    # otter rounds to 5 decimals in its results.json
    assert grades(grader_output)[notebook] == pytest.approx(otter_scores[notebook], abs=1e-4)


@pytest.mark.slow
def test_tests_run_at_the_check_cell_where_otter_run_uses_the_final_state(otter_scores: dict, grader_output: Path):
    """The one documented divergence. otter means check cells to count (its Checker records
    them), but ``otter run`` 7.0.0 re-runs every question after the last cell and keeps that
    result, so a variable changed after its check cell is graded as it ended up."""
    assert grades(grader_output)["reused_variables"] == grades(grader_output)["correct"]
    assert otter_scores["reused_variables"] == {**otter_scores["correct"], "q2": 0.0, "q3": 0.0}


@pytest.mark.slow
def test_the_fixtures_exercise_every_rule(grader_output: Path):
    """Guard against a vacuous comparison: the expected scores, worked out by hand."""
    table = grades(grader_output)
    assert table["correct"] == {"q1": 4, "q2": 2, "q3": 1, "q4": 3, "q5": 3, "q6": 2}
    assert table["partial"] == pytest.approx({"q1": 2.5, "q2": 0, "q3": 2 / 3, "q4": 2, "q5": 2, "q6": 0}, abs=1e-4)
    assert table["reused_variables"] == table["correct"]
    assert table["no_check_cells"]["q3"] == pytest.approx(1 / 3, abs=1e-4)  # total = 3 at the end: > 0 only
    # q5: transpose is missing, so only its test fails (shape 1 + values 1 of the shared 2)
    assert table["cell_errors"] == {"q1": 4, "q2": 2, "q3": 0, "q4": 3, "q5": 2, "q6": 0}


@pytest.mark.slow
def test_results_json_has_every_field(grader_output: Path):
    result = json.loads((grader_output / "results" / "partial.json").read_text())
    assert result["status"] == "graded" and result["max_score"] == 15
    q1 = next(q for q in result["questions"] if q["name"] == "q1")
    assert [(c["name"], c["hidden"], c["passed"], c["score"], c["max_score"]) for c in q1["cases"]] == [
        ("q1 - 1", False, True, 1.0, 1.0),
        ("q1 - 2", True, False, 0.0, 1.5),
        ("q1 - 3", True, True, 1.5, 1.5),
    ]
    assert "square(-2)" in q1["cases"][1]["output"]
    assert q1["checked_at_cell"] == 3
    assert len(result["submission_sha256"]) == 64 and len(result["tests_sha256"]) == 64
    assert result["timings"]["total"] > 0
