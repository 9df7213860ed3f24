"""``grader grade`` on the command line: support files, naming, and clear errors."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest
from helpers import assert_one_line_error, ok_test_file, run_grader, write_notebook, write_tests

from autograder.grade.submissions import find_submissions


@pytest.fixture
def tests_dir(tmp_path: Path) -> Path:
    return write_tests(tmp_path / "tests", {"q1": ok_test_file("q1", (">>> assert rows == 3\n", False))})


@pytest.mark.slow  # grades a notebook
def test_support_files_are_copied_next_to_each_submission(tmp_path: Path, tests_dir: Path):
    (tmp_path / "table.csv").write_text("a\n1\n2\n3\n")
    write_notebook(tmp_path / "subs" / "reader.ipynb", [nbformat.v4.new_code_cell("rows = len(open('table.csv').read().split()) - 1")])
    result = run_grader("grade", "--tests", str(tests_dir), "--files", str(tmp_path / "table.csv"), "subs",
                        "--output", "out", "--isolation", "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--isolation none: submissions run as you" in result.stderr
    with open(tmp_path / "out" / "grades.csv") as f:
        assert list(csv.DictReader(f)) == [{"submission": "reader", "status": "graded", "score": "1", "max_score": "1", "q1": "1"}]


def touch(root: Path, *paths: str) -> None:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("{}")


def test_submissions_are_named_after_their_folder_only_when_file_names_collide(tmp_path: Path):
    touch(tmp_path, "a/alice/hw.ipynb", "a/bob/hw.ipynb", "a/carol.ipynb", "a/.ipynb_checkpoints/carol-checkpoint.ipynb",
          "a/sec2/dan/hw.ipynb")
    assert sorted(s.name for s in find_submissions([tmp_path / "a"])) == ["alice", "bob", "carol", "sec2/dan"]
    assert {s.file_stem for s in find_submissions([tmp_path / "a"])} == {"alice", "bob", "carol", "sec2__dan"}
    # given one by one, as `grader grade hw01 a/hw01.ipynb b/hw01.ipynb`: named by their parent folders
    given = find_submissions([tmp_path / "a" / "alice" / "hw.ipynb", tmp_path / "a" / "bob" / "hw.ipynb"])
    assert [s.name for s in given] == ["alice", "bob"]


def test_lms_bulk_downloads(tmp_path: Path):
    touch(tmp_path, "gradescope/assignment_42_export/submission_101/hw01.ipynb", "gradescope/assignment_42_export/submission_102/hw01.ipynb",
          "canvas/doejohn_12345_678910_hw01.ipynb", "canvas/roesmith_LATE_12346_678911_hw01.ipynb")
    assert [s.name for s in find_submissions([tmp_path / "gradescope"])] == ["assignment_42_export/submission_101",
                                                                              "assignment_42_export/submission_102"]
    assert [s.name for s in find_submissions([tmp_path / "gradescope" / "assignment_42_export"])] == ["submission_101", "submission_102"]
    assert [s.name for s in find_submissions([tmp_path / "canvas"])] == ["doejohn_12345_678910_hw01", "roesmith_LATE_12346_678911_hw01"]


@pytest.mark.slow  # runs the grader command
def test_grade_before_release_says_what_to_run(tiny_course: Path):
    write_notebook(tiny_course / "sub.ipynb", [nbformat.v4.new_code_cell("x = 1")])
    assert_one_line_error(run_grader("grade", "demo", "sub.ipynb", cwd=tiny_course), "dist/demo/tests is missing: run `grader release demo` first")


@pytest.mark.slow  # runs the grader command
def test_grade_errors(tiny_course: Path, tests_dir: Path):
    assert_one_line_error(run_grader("grade", "hw99", "x.ipynb", cwd=tiny_course), "unknown assignment 'hw99'")
    assert_one_line_error(run_grader("grade", "demo", cwd=tiny_course), "give an assignment and at least one submission")
    missing = run_grader("grade", "--tests", str(tests_dir), "missing.ipynb", cwd=tiny_course)
    assert_one_line_error(missing, "missing.ipynb: no such file or directory")
    (tiny_course / "empty").mkdir()
    assert_one_line_error(run_grader("grade", "--tests", str(tests_dir), "empty", cwd=tiny_course), "no .ipynb submissions found")
    assert_one_line_error(
        run_grader("grade", "--tests", str(tests_dir), "empty", "--isolation", "none", "--require-isolation", cwd=tiny_course),
        "--require-isolation: refusing to grade with --isolation none",
    )


@pytest.mark.slow  # runs the grader command
def test_grading_lms_bulk_downloads(tmp_path: Path, tests_dir: Path):
    """A Gradescope export (a folder per submission, every notebook hw01.ipynb) and a Canvas download (flat,
    prefixed file names) graded as they come, each submission under its own name."""
    answer = [nbformat.v4.new_code_cell("rows = 3")]
    for path in ["export/submission_101/hw01.ipynb", "export/submission_102/hw01.ipynb", "canvas/doejohn_12345_678910_hw01.ipynb"]:
        write_notebook(tmp_path / path, answer)
    result = run_grader("grade", "--tests", str(tests_dir), "export", "canvas", "--output", "out", "--isolation", "none", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "out" / "grades.csv") as f:
        assert {row["submission"]: row["score"] for row in csv.DictReader(f)} == {
            "submission_101": "1", "submission_102": "1", "doejohn_12345_678910_hw01": "1"}
