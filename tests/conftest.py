"""Shared fixtures: the real ``grader`` command, a tiny course, a scratch copy of this course."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
GRADER = Path(sys.executable).parent / "grader"


def run_grader(*args: str, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the installed ``grader`` console script, as a user would."""
    return subprocess.run([str(GRADER), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """The CLI's contract for bad input: exit 1, one ``error:`` line, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def ok_test_file(name: str, *cases: tuple[str, bool], points: float = 1) -> str:
    """The text of an otter OK-format test file; each case is (doctest code, hidden)."""
    suite = {"cases": [{"code": code, "hidden": hidden, "locked": False} for code, hidden in cases],
             "scored": True, "setup": "", "teardown": "", "type": "doctest"}
    return f"OK_FORMAT = True\ntest = {({'name': name, 'points': points, 'suites': [suite]})!r}\n"


VALUE_AND_OTHER = {
    "q1": ok_test_file("q1", (">>> assert value == 1\n", False)),
    "q2": ok_test_file("q2", (">>> assert other == 2\n", True)),
}
"""Two one-point questions: q1 public (``value == 1``), q2 hidden (``other == 2``)."""


def write_tests(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / f"{name}.py").write_text(text)
    return directory


HIDDEN_CHECK = "assert double(21) == 42 and double(-4) == -8 and double(0.5) == 1.0"


def tiny_master_cells() -> list:
    """A two-question master in otter's format: q1 autograded (public + hidden), q2 manual."""
    raw, md, code = nbformat.v4.new_raw_cell, nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return [
        raw("# ASSIGNMENT CONFIG\nname: demo\nexport_cell: false\ntests:\n  files: true"),
        md("# Demo assignment"),
        code("import math"),
        raw("# BEGIN QUESTION\nname: q1\npoints: 3"),
        md("**Question 1.** Write `double(x)`, and set `answer` to `double(21)`."),
        raw("# BEGIN SOLUTION"),
        code("def double(x):\n    # BEGIN SOLUTION\n    doubled_value = x * 2\n    return doubled_value\n    # END SOLUTION\n\n\n"
             "answer = double(21)  # SOLUTION"),
        raw("# END SOLUTION"),
        raw("# BEGIN TESTS"),
        code("assert double(2) == 4"),
        code(f"# HIDDEN\n{HIDDEN_CHECK}"),
        code('""" # BEGIN TEST CONFIG\npoints: 1\nhidden: true\n""" # END TEST CONFIG\nassert answer == 42'),
        raw("# END TESTS"),
        raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: q2\nmanual: true\npoints: 1"),
        md("**Question 2.** Why double?"),
        raw("# BEGIN SOLUTION"),
        md("Because twice is nice, and the rubric says so."),
        raw("# END SOLUTION"),
        raw("# END QUESTION"),
    ]


def write_notebook(path: Path, cells: list) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


COURSE_TOML = """\
[course]
name = "Tiny course"

[defaults]
cell_timeout = 30

[[assignments]]
id = "demo"
title = "Demo"
master = "solutions/demo/demo.ipynb"
"""


@pytest.fixture
def tiny_course(tmp_path: Path) -> Path:
    """A course with one small assignment (no data, executes in a second or two)."""
    (tmp_path / "course.toml").write_text(COURSE_TOML)
    write_notebook(tmp_path / "solutions" / "demo" / "demo.ipynb", tiny_master_cells())
    return tmp_path


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory) -> Path:
    """A scratch copy of this course (config, masters, releases, samples; data linked)."""
    root = tmp_path_factory.mktemp("course")
    for name in ("course.toml", "solutions", "assignments", "tests"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    (root / "data").symlink_to(REPO / "data")
    return root


@pytest.fixture(scope="session")
def released_course(course_copy: Path) -> Path:
    """The scratch copy of this course with every assignment released into it."""
    result = run_grader("release", "--all", cwd=course_copy)
    assert result.returncode == 0, result.stderr
    return course_copy
