"""grader check: a student's notebook against its public tests, plus what the hidden tests add."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from helpers import assert_one_line_error, run_grader

pytestmark = pytest.mark.slow  # every test here starts kernels or runs notebooks


@pytest.fixture
def student_folder(tiny_course: Path, tmp_path_factory) -> Path:
    """The released demo folder as a student downloads it: outside any course."""
    assert run_grader("release", "demo", cwd=tiny_course).returncode == 0
    folder = tmp_path_factory.mktemp("student") / "demo"
    shutil.copytree(tiny_course / "assignments" / "demo", folder)
    return folder


def fill_stub(notebook_path: Path, code: str) -> None:
    notebook = nbformat.read(notebook_path, as_version=4)
    cell = next(c for c in notebook.cells if "def double" in c.source)
    cell.source = code
    nbformat.write(notebook, notebook_path)


def test_public_tests_pass_and_hidden_tests_are_announced(student_folder: Path):
    fill_stub(student_folder / "demo.ipynb", "def double(x):\n    return x + x\n\nanswer = double(21)")
    result = run_grader("check", "demo.ipynb", "--isolation", "none", cwd=student_folder)
    assert result.returncode == 0, result.stderr
    assert "q1  public tests pass (1/1); 2 more hidden tests, worth 2 of its 3 points, run at grading" in result.stdout
    assert "public tests pass on 1 of 1 questions; 2 hidden tests worth 2 points run at grading" in result.stdout


def test_a_failing_public_test_is_shown_and_fails_the_command(student_folder: Path):
    result = run_grader("check", "demo.ipynb", "--isolation", "none", cwd=student_folder)
    assert result.returncode == 1
    assert "q1  1 of 1 public tests FAIL" in result.stdout and "q1 - 1: NotImplementedError" in result.stdout
    assert_one_line_error(result, "public tests fail in demo.ipynb")


def test_the_summary_never_holds_hidden_test_code(student_folder: Path):
    summary = json.loads((student_folder / "release.json").read_text())["questions"]
    assert summary == {"q1": {"points": 3.0, "public_cases": 1, "hidden_cases": 2, "hidden_points": 2.0}}


def test_a_notebook_without_tests_is_refused(tmp_path: Path):
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), tmp_path / "lonely.ipynb")
    result = run_grader("check", "lonely.ipynb", "--isolation", "none", cwd=tmp_path)
    assert_one_line_error(result, "lonely.ipynb: no public tests")


def test_samples_show_hidden_counts_and_points(released_course: Path):
    result = run_grader("check", "tests/submissions/hw03/correct.ipynb", "tests/submissions/hw03/best_by_idxmin.ipynb",
                        "--require-isolation", cwd=released_course)
    summary = json.loads((released_course / "assignments/hw03/release.json").read_text())["questions"]
    q8 = summary["q8"]
    line = (f"q8   public tests pass ({q8['public_cases']}/{q8['public_cases']}); {q8['hidden_cases']} more hidden tests, "
            f"worth {q8['hidden_points']:g} of its {q8['points']:g} points, run at grading")
    assert result.stdout.count(line) == 2, result.stdout  # the idxmin mistake passes q8's public tests...
    assert result.returncode == 0  # ...and so the student sees only passing public tests: the hidden ones are announced
