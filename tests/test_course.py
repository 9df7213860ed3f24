from pathlib import Path

import pytest
from helpers import REPO

from autograder.course import find_course_root, load_course, parse_size
from autograder.errors import GraderError


def test_course_toml_is_found_from_a_subdirectory():
    assert find_course_root(REPO / "solutions" / "hw01") == REPO
    course = load_course(REPO / "tests" / "submissions")
    assert course.root == REPO
    assert [a.id for a in course.assignments][0] == "hw01"


def test_assignment_fields_come_from_the_config(tiny_course: Path):
    course = load_course(tiny_course / "solutions")
    demo = course.assignment("demo")
    assert demo.master == tiny_course / "solutions" / "demo" / "demo.ipynb"
    assert demo.limits.cell_timeout == 30  # from [defaults]
    assert demo.limits.memory == 4 * 2**30  # built-in default
    assert course.data_dir == tiny_course / "data"


def test_unknown_assignment_names_the_known_ones(tiny_course: Path):
    with pytest.raises(GraderError, match=r"unknown assignment 'hw99' \(course.toml lists: demo\)"):
        load_course(tiny_course).assignment("hw99")


def test_no_course_toml(tmp_path: Path):
    with pytest.raises(GraderError, match="no course.toml found"):
        find_course_root(tmp_path)


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[assignments]]\nid = 'a'\nmaster = 'a.ipynb'\n[[assignments]]\nid = 'a'\nmaster = 'b.ipynb'\n", "listed twice"),
        ("[[assignments]]\nid = 'a'\n", "lacks master"),
        ("[[assignments]]\nid = 'a'\nmaster = 'a.ipynb'\nmemroy = '1G'\n", "unknown keys"),
        ("[[assignments]\n", "not valid TOML"),
    ],
)
def test_bad_config_is_explained(tmp_path: Path, text: str, message: str):
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(GraderError, match=message):
        load_course(tmp_path)


def test_sizes():
    assert parse_size("4GiB") == 4 * 2**30
    assert parse_size("512M") == 512 * 2**20
    assert parse_size(1024) == 1024
    with pytest.raises(GraderError):
        parse_size("lots")
