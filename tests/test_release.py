"""``grader release`` on a tiny course: the split, stubs, leak guard, --check, determinism, errors."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from helpers import HIDDEN_CHECK, assert_one_line_error, ok_test_file, run_grader, tiny_master_cells, write_notebook

from autograder.testfiles import read_tests_dir

pytestmark = pytest.mark.slow  # every test here starts kernels or runs notebooks


def release(course: Path, *args: str):
    return run_grader("release", *args, cwd=course)


def code_sources(notebook_path: Path) -> str:
    notebook = nbformat.read(notebook_path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


def all_text_under(directory: Path) -> str:
    return "\n".join(path.read_text(errors="replace") for path in directory.rglob("*") if path.is_file())


def test_release_writes_student_notebook_public_tests_and_bundle(tiny_course: Path):
    result = release(tiny_course, "demo")
    assert result.returncode == 0, result.stderr
    assert "demo: released 2 questions (1 public and 2 hidden test cases)" in result.stdout

    student = tiny_course / "assignments" / "demo"
    assert sorted(str(p.relative_to(student)) for p in student.rglob("*") if p.is_file()) == [
        "demo.ipynb",
        "release.json",
        "tests/q1.py",
    ]
    source = code_sources(student / "demo.ipynb")
    assert "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()" in source
    assert "answer = ...  # YOUR CODE HERE" in source
    assert 'grader.check("q1")' in source
    assert "x * 2" not in source and "return doubled_value" not in source

    notebook = nbformat.read(student / "demo.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    assert "twice is nice" not in json.dumps(notebook)  # the manual question's solution

    public = read_tests_dir(student / "tests")
    assert [len(t.public_cases) for t in public] == [1] and [len(t.hidden_cases) for t in public] == [0]
    bundle = read_tests_dir(tiny_course / "dist" / "demo" / "tests")
    assert [len(t.hidden_cases) for t in bundle] == [2]
    assert (tiny_course / "dist" / "demo" / "demo-autograder.zip").is_file()
    assert HIDDEN_CHECK not in all_text_under(tiny_course / "assignments")


def test_release_is_deterministic_and_check_passes_after_it(tiny_course: Path):
    assert release(tiny_course, "demo").returncode == 0
    student = tiny_course / "assignments" / "demo"
    first = {p: p.read_bytes() for p in student.rglob("*") if p.is_file()}
    assert release(tiny_course, "--all").returncode == 0
    assert {p: p.read_bytes() for p in student.rglob("*") if p.is_file()} == first

    check = release(tiny_course, "--all", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "demo: up to date" in check.stdout


def test_check_detects_an_edited_solution_cell_and_changes_nothing(tiny_course: Path):
    assert release(tiny_course, "demo").returncode == 0
    master = tiny_course / "solutions" / "demo" / "demo.ipynb"
    notebook = nbformat.read(master, as_version=4)
    solution = next(c for c in notebook.cells if c.cell_type == "code" and "x * 2" in c.source)
    solution.source = solution.source.replace("x * 2", "x + x")  # only solution code changes
    nbformat.write(notebook, master)
    before = {p: p.read_bytes() for p in (tiny_course / "assignments").rglob("*") if p.is_file()}

    check = release(tiny_course, "--all", "--check")
    assert_one_line_error(check, "stale releases: demo")
    assert "demo: STALE" in check.stdout and "release.json differs" in check.stdout
    assert {p: p.read_bytes() for p in (tiny_course / "assignments").rglob("*") if p.is_file()} == before


def test_check_detects_a_hand_edited_release(tiny_course: Path):
    assert release(tiny_course, "demo").returncode == 0
    (tiny_course / "assignments" / "demo" / "tests" / "q1.py").write_text("OK_FORMAT = True\ntest = {}\n")
    (tiny_course / "assignments" / "demo" / "notes.txt").write_text("extra")
    check = release(tiny_course, "demo", "--check")
    assert check.returncode == 1
    assert "tests/q1.py differs" in check.stdout and "notes.txt is not part of the release" in check.stdout


def test_leak_guard_fires_on_hidden_test_in_a_prompt(tiny_course: Path):
    cells = tiny_master_cells()
    cells.insert(2, nbformat.v4.new_markdown_cell(f"Hint: your function should satisfy\n\n    {HIDDEN_CHECK}\n"))
    write_notebook(tiny_course / "solutions" / "demo" / "demo.ipynb", cells)
    result = release(tiny_course, "demo")
    assert_one_line_error(result, "leak: hidden test q1 (case 2) appears in assignments/demo/demo.ipynb")
    assert not (tiny_course / "assignments" / "demo").exists()


def test_leak_guard_fires_on_hidden_test_anywhere_under_assignments(tiny_course: Path):
    (tiny_course / "assignments").mkdir()
    (tiny_course / "assignments" / "README.md").write_text(f"Solutions check:\n```\n>>> {HIDDEN_CHECK}\n```\n")
    result = release(tiny_course, "demo")
    assert_one_line_error(result, "leak: hidden test q1 (case 2) appears in assignments/README.md")


def test_leak_guard_fires_on_solution_code_in_a_support_file(tiny_course: Path):
    toml = tiny_course / "course.toml"
    toml.write_text(toml.read_text() + 'files = ["helpers.py"]\n')
    (tiny_course / "solutions" / "demo" / "helpers.py").write_text("def reference(x):\n    doubled_value = x * 2\n    return doubled_value\n")
    result = release(tiny_course, "demo")
    assert_one_line_error(result, "leak: solution of q1 appears in assignments/demo/helpers.py", "doubled_value = x * 2")


def test_support_files_are_released(tiny_course: Path):
    toml = tiny_course / "course.toml"
    toml.write_text(toml.read_text() + 'files = ["table.csv"]\n')
    (tiny_course / "solutions" / "demo" / "table.csv").write_text("a,b\n1,2\n")
    assert release(tiny_course, "demo").returncode == 0
    assert (tiny_course / "assignments" / "demo" / "table.csv").read_text() == "a,b\n1,2\n"
    assert (tiny_course / "dist" / "demo" / "table.csv").is_file()


def test_unknown_assignment(tiny_course: Path):
    assert_one_line_error(release(tiny_course, "hw99"), "unknown assignment 'hw99'", "lists: demo")


def test_master_that_is_not_json(tiny_course: Path):
    (tiny_course / "solutions" / "demo" / "demo.ipynb").write_text('{"cells": [')
    assert_one_line_error(release(tiny_course, "demo"), "solutions/demo/demo.ipynb: not valid JSON")


def test_question_without_tests(tiny_course: Path):
    cells = [c for c in tiny_master_cells() if "TESTS" not in c.source and "assert" not in c.source]
    write_notebook(tiny_course / "solutions" / "demo" / "demo.ipynb", cells)
    assert_one_line_error(release(tiny_course, "demo"), "question q1 has no tests")


def test_solution_cell_that_raises_is_named(tiny_course: Path):
    cells = tiny_master_cells()
    cells[6].source = cells[6].source.replace("answer = double(21)", "answer = double(21) / 0")
    write_notebook(tiny_course / "solutions" / "demo" / "demo.ipynb", cells)
    assert_one_line_error(
        release(tiny_course, "demo"), "cell 7 (question q1, `def double(x):`) raised ZeroDivisionError"
    )


@pytest.mark.parametrize("cell_type", ["code", "markdown"])
def test_marker_in_the_wrong_cell_type(tiny_course: Path, cell_type: str):
    cells = tiny_master_cells()
    new_cell = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cells[3] = new_cell(cells[3].source)  # "# BEGIN QUESTION" typed into a non-raw cell
    write_notebook(tiny_course / "solutions" / "demo" / "demo.ipynb", cells)
    assert_one_line_error(
        release(tiny_course, "demo"), f"cell 4 is a {cell_type} cell holding the marker '# BEGIN QUESTION'"
    )


def test_release_needs_a_target(tiny_course: Path):
    assert_one_line_error(release(tiny_course), "name an assignment to release, or use --all")


def test_release_from_a_subdirectory(tiny_course: Path):
    result = run_grader("release", "demo", cwd=tiny_course / "solutions" / "demo")
    assert result.returncode == 0, result.stderr
    assert (tiny_course / "assignments" / "demo" / "demo.ipynb").is_file()


def test_a_line_public_in_another_assignment_is_not_a_leak(tiny_course: Path):
    other_tests = tiny_course / "assignments" / "other" / "tests"
    other_tests.mkdir(parents=True)
    line = "assert double(21) == 42 and double(-4) == -8 and double(0.5) == 1.0"
    (other_tests / "q1.py").write_text(ok_test_file("q1", (f">>> x = 1\n>>> {line}\n", False)))
    assert release(tiny_course, "demo").returncode == 0  # the other assignment's own public test
    (tiny_course / "assignments" / "other" / "notes.md").write_text("assert answer == 42\n")  # secret everywhere
    assert_one_line_error(release(tiny_course, "demo"), "leak: hidden test q1 (case 3) appears in assignments/other/notes.md")
