"""The course as committed: its releases are current, every assignment validates, and each
sample submission of lab02, hw03, hw04 and hw05, graded in the sandbox, gets the score its
mistakes deserve. (CI's .ci/run is ``make test``: these are its release and validate checks.)"""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from helpers import REPO, run_grader
from helpers.samples import FULL, LOSSES, assert_sample_deserves, grade_samples

from autograder.course import load_course
from autograder.release.leaks import find_hidden_test_leaks
from autograder.testfiles import read_tests_dir

pytestmark = pytest.mark.slow

ASSIGNMENTS = [a.id for a in load_course(REPO).assignments]



@pytest.fixture(scope="module")
def graded(released_course: Path, tmp_path_factory) -> dict[str, Path]:
    return {assignment: grade_samples(released_course, assignment, tmp_path_factory.mktemp(f"graded_{assignment}"))
            for assignment in LOSSES}


@pytest.mark.parametrize("assignment, sample", [(a, s) for a in LOSSES for s in sorted(LOSSES[a])])
def test_sample_scores(graded: dict, assignment: str, sample: str):
    assert_sample_deserves(graded[assignment], assignment, sample)


@pytest.mark.parametrize("assignment", sorted(LOSSES))
def test_release_is_public_only_and_sample_release_current(released_course: Path, graded: dict, assignment: str):
    assert filecmp.cmp(REPO / f"tests/submissions/{assignment}/unmodified_release.ipynb",
                       REPO / f"assignments/{assignment}/{assignment}.ipynb", shallow=False)
    bundle = read_tests_dir(released_course / "dist" / assignment / "tests")
    public = read_tests_dir(released_course / "assignments" / assignment / "tests")
    assert all(t.hidden_cases for t in bundle) and not any(t.hidden_cases for t in public)
    others = [spec for other in ("hw01", *FULL) if other != assignment
              for spec in read_tests_dir(released_course / "assignments" / other / "tests")]
    assert find_hidden_test_leaks(bundle, [released_course / "assignments", graded[assignment] / "feedback"], others) == []


def released_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_committed_releases_are_what_the_solutions_release_to(released_course: Path):
    """assignments/ must be current: an edited master without ``grader release`` fails here."""
    fresh, committed = released_files(released_course / "assignments"), released_files(REPO / "assignments")
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"assignments/ is stale against solutions/ (run grader release --all and commit): {stale[:10]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_assignment_validates(released_course: Path, assignment: str):
    """grader validate, sandboxed: solution at full marks, every mutant caught, every equivalent kept."""
    result = run_grader("validate", assignment, "--require-isolation", cwd=released_course, timeout=3600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
