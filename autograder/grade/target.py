"""What a batch is graded against: an assignment of the course, or any directory of otter tests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .. import data as datasets
from ..course import Course, Limits, load_course
from ..errors import GraderError


@dataclass(frozen=True)
class GradingTarget:
    tests_dir: Path
    limits: Limits
    kernel: str
    support_files: tuple[Path, ...]
    default_output: Path
    course: Course | None
    """The course, when there is one (it gives the data directory)."""
    datasets: tuple[str, ...] = ()
    """The datasets the assignment's notebooks read (a cluster's workers must have them)."""
    preload: tuple[str, ...] = ()
    """Modules warm kernels import ahead (``course.toml``)."""

    @classmethod
    def for_assignment(cls, assignment_id: str) -> GradingTarget:
        """The tests ``grader release`` wrote to ``dist/<id>/``, with the assignment's limits and data."""
        course = load_course()
        assignment = course.assignment(assignment_id)
        tests_dir = course.dist_dir / assignment.id / "tests"
        if not tests_dir.is_dir():
            raise GraderError(f"{course.relative(tests_dir)} is missing: run `grader release {assignment.id}` first")
        datasets.require(assignment.data, course.data_dir)
        return cls(tests_dir, assignment.limits, assignment.kernel, assignment.files, course.root / "graded" / assignment.id, course,
                   assignment.data, assignment.preload)

    @classmethod
    def for_tests_dir(cls, tests_dir: Path, support_files: tuple[Path, ...]) -> GradingTarget:
        """Any otter tests; the course (if the working directory is in one) only provides data."""
        try:
            course = load_course()
        except GraderError:
            course = None
        return cls(tests_dir, Limits(), "python3", tuple(f.resolve() for f in support_files), Path("graded") / tests_dir.resolve().name, course)

    def with_limits(self, **overrides) -> GradingTarget:
        """Command-line overrides of the limits (``None`` keeps the configured value)."""
        given = {key: value for key, value in overrides.items() if value is not None}
        return replace(self, limits=replace(self.limits, **given))
