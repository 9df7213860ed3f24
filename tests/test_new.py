"""grader new: a scaffold that releases and validates straight away, in this course's config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import REPO, assert_one_line_error, run_grader

from autograder.course import load_course

pytestmark = pytest.mark.slow  # every test here starts kernels or runs notebooks


@pytest.fixture
def course(tmp_path: Path) -> Path:
    shutil.copy2(REPO / "course.toml", tmp_path / "course.toml")
    return tmp_path


def test_new_then_release_then_validate(course: Path):
    made = run_grader("new", "demo", "--title", 'A "demo"', cwd=course)
    assert made.returncode == 0, made.stderr
    assert "next: grader release demo && grader validate demo" in made.stdout
    demo = load_course(course).assignment("demo")
    assert demo.title == 'A "demo"' and demo.master == course / "solutions/demo/demo.ipynb"
    assert len(load_course(course).assignments) == len(load_course(REPO).assignments) + 1  # the others are kept

    released = run_grader("release", "demo", cwd=course)
    assert released.returncode == 0, released.stderr
    validated = run_grader("validate", "demo", "--require-isolation", cwd=course)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "demo: PASSED" in validated.stdout
    row = next(line.split() for line in validated.stdout.splitlines() if line.strip().startswith("q1"))
    assert row[:7] == ["q1", "3", "3/3", "0/3", "2/2", "2/2", "3/3"], validated.stdout  # mutants caught, equivalents kept
    assert "WARN" not in validated.stdout
    # its manual question is ready for TAs: the release's own notebook has the placeholder, the page the rubric
    collected = run_grader("manual", "demo", "assignments/demo/demo.ipynb", "--output", "manual", cwd=course)
    assert collected.returncode == 0, collected.stderr
    page = (course / "manual" / "q2.html").read_text()
    assert "Rubric (1 point)" in page and "<span class='status placeholder'>" in page


def test_new_refuses_what_exists_or_is_invalid(course: Path):
    assert run_grader("new", "demo", cwd=course).returncode == 0
    assert_one_line_error(run_grader("new", "demo", cwd=course), "course.toml already lists an assignment 'demo'")
    assert_one_line_error(run_grader("new", "hw 9", cwd=course), "invalid assignment id 'hw 9'")
    (course / "solutions" / "stray").mkdir()
    assert_one_line_error(run_grader("new", "stray", cwd=course), "solutions/stray already exists")
