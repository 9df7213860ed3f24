"""Bad command lines fail before anything runs: one ``error:`` line and exit 1, or click's usage error (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import COURSE_TOML, ok_test_file, write_tests

from autograder.cli import main


@pytest.fixture
def course(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "course.toml").write_text(COURSE_TOML)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def one_error(result, *fragments: str) -> str:
    """The CLI's contract for bad input: exit 1, exactly one ``error:`` line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an uncaught exception
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


@pytest.mark.parametrize("args, message", [
    (["grade"], "give an assignment and at least one submission"),
    (["grade", "demo"], "give an assignment and at least one submission"),
    (["grade", "hw99", "sub.ipynb"], "unknown assignment 'hw99'"),
    (["grade", "demo", "sub.ipynb"], "dist/demo/tests is missing: run `grader release demo` first"),
    (["release"], "name an assignment to release, or use --all"),
    (["release", "demo", "--all"], "give assignment ids or --all, not both"),
    (["validate"], "give assignment ids or --all"),
    (["validate", "demo", "--all"], "not both"),
    (["validate", "hw99"], "unknown assignment 'hw99'"),
    (["report", "hw99"], "unknown assignment 'hw99'"),
    (["gradescope", "hw99"], "unknown assignment 'hw99'"),
    (["data", "imagenet"], "imagenet"),
])
def test_bad_arguments_are_one_line_errors(course, args, message):
    one_error(invoke(*args), message)


def test_grade_with_tests_needs_a_submission(course):
    (course / "tests").mkdir()
    one_error(invoke("grade", "--tests", str(course / "tests")), "give at least one submission")


def test_outside_a_course(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one_error(invoke("release", "--all"), "course.toml")


@pytest.mark.parametrize("args, option", [
    (["grade", "demo", "x.ipynb", "--isolation", "chroot"], "--isolation"),
    (["grade", "demo", "x.ipynb", "--workers", "0"], "--workers"),
    (["grade", "demo", "x.ipynb", "--cell-timeout", "0"], "--cell-timeout"),
    (["grade", "demo", "x.ipynb", "--timeout", "-5"], "--timeout"),
    (["validate", "demo", "--workers", "0"], "--workers"),
    (["check", "no-such.ipynb"], "no-such.ipynb"),
    (["report", "demo", "--lms", "moodle"], "--lms"),
    (["check"], "NOTEBOOKS"),
    (["grade", "--tests", "no/such/dir", "x.ipynb"], "--tests"),
])
def test_usage_errors_name_the_option(course, args, option):
    result = invoke(*args)
    assert result.exit_code == 2 and option in result.output and "Traceback" not in result.output, result.output


def test_hidden_value_examples_need_their_references(course, monkeypatch):
    """Without references.json a '# value' example would be judged by printed text: refuse, and say how to fix it."""
    monkeypatch.setattr("autograder.cli.selected_isolation", lambda *args: pytest.fail("isolation chosen before the tests were checked"))
    tests = write_tests(course / "tests", {"q1": ok_test_file("q1", (">>> f(2)  # value\n4\n", True))})
    (course / "sub.ipynb").write_text("{}")
    one_error(invoke("grade", "--tests", str(tests), "sub.ipynb"), "q1 case 1", "run `grader release`")


def test_cluster_and_workers_are_not_both_given(course):
    """With --cluster the workers' threads decide how many run at once: a --workers would silently mean nothing."""
    tests = write_tests(course / "tests", {"q1": ok_test_file("q1", (">>> 1 + 1\n2\n", False))})
    (course / "sub.ipynb").write_text("{}")
    one_error(invoke("grade", "--tests", str(tests), "sub.ipynb", "--cluster", "tcp://127.0.0.1:1", "--workers", "2"),
              "--workers has no effect with --cluster")
