"""Shared fixtures: a tiny course, a scratch copy of this course, that copy released.

Plain helpers and shared data (``run_grader``, ``ok_test_file``, the samples' expected
scores...) are in the ``helpers`` package beside this file; test modules import them from
there, never from here or from one another.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import COURSE_TOML, REPO, run_grader, tiny_master_cells, write_notebook


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
    """The scratch copy of this course with every assignment released into it (slow: ``grader release --all``)."""
    result = run_grader("release", "--all", cwd=course_copy)
    assert result.returncode == 0, result.stderr
    return course_copy
