"""``grader release``: master notebook in ``solutions/`` -> student release and autograder bundle.

Steps, each failing with a one-line error naming the file, cell or test at fault:
check marker placement, execute the master in a scratch copy, run otter assign on
it, write ``# YOUR CODE HERE`` stubs and normalise the student notebook, refuse the
release if hidden tests or solution lines would reach ``assignments/``, then (unless
only checking) replace ``assignments/<id>/`` and ``dist/<id>/``.
"""

from __future__ import annotations

import copy
import filecmp
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import otter

from .. import data
from ..course import Assignment, Course
from ..errors import GraderError
from ..grade.references import capture_solution, needs_capture, write_references
from ..grade.scoring import load_test_suite, public_in_kernel, release_imports, write_imports, write_in_kernel, write_kernel_cases
from ..notebooks import read_notebook
from ..testfiles import read_tests_dir
from .execute import execute_master
from .leaks import find_hidden_test_leaks, find_solution_leaks
from .manifest import master_fingerprint, question_summary, write_manifest
from .markers import check_markers
from .otter_assign import configure, run_otter_assign
from .student_notebook import normalize, write_stubs
from .value_directives import restore_value_directives, value_directives

Log = Callable[[str], None]


@dataclass
class Release:
    """A release built in a scratch directory, not yet written to the course."""

    assignment: Assignment
    student_dir: Path
    autograder_dir: Path
    questions: list[str]
    hidden_cases: int
    public_cases: int
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ReleaseCheck:
    assignment: str
    differences: list[str]

    @property
    def stale(self) -> bool:
        return bool(self.differences)


def build_release(course: Course, assignment: Assignment, scratch: Path, log: Log = lambda _: None) -> Release:
    label = course.relative(assignment.master)
    master = read_notebook(assignment.master, label=label)
    questions = check_markers(master, label)
    support = _support_files(course, assignment)
    data.require(assignment.data, course.data_dir)

    workdir = scratch / "master"
    workdir.mkdir(parents=True)
    for source, relative in support:
        (workdir / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, workdir / relative)

    seconds = {}
    started = time.perf_counter()
    log(f"{assignment.id}: executing {label}")
    executed = execute_master(copy.deepcopy(master), workdir, assignment, course, label)
    seconds["execute"] = time.perf_counter() - started

    configure(executed, assignment.id, [str(relative) for _, relative in support], label)
    executed_path = workdir / assignment.master.name
    nbformat.write(executed, executed_path)
    started = time.perf_counter()
    log(f"{assignment.id}: otter assign")
    otter_out = scratch / "otter"
    run_otter_assign(executed_path, otter_out, label)
    seconds["assign"] = time.perf_counter() - started

    student_dir = otter_out / "student"
    directives = value_directives(master, questions, label)
    for tests_dir in (otter_out / "autograder" / "tests", student_dir / "tests"):
        restore_value_directives(tests_dir, directives)
    notebook_path = student_dir / assignment.master.name
    student = nbformat.read(notebook_path, as_version=4)
    write_stubs(student)
    normalize(student)
    nbformat.write(student, notebook_path)

    tests = read_tests_dir(otter_out / "autograder" / "tests")
    other_releases = [p for p in sorted(course.assignments_dir.glob("*")) if p.name != assignment.id]
    other_public = [spec for release in other_releases if (release / "tests").is_dir() for spec in read_tests_dir(release / "tests")]
    leaks = find_hidden_test_leaks(tests, [student_dir, *other_releases], other_public) + find_solution_leaks(master, [student_dir])
    if leaks:
        leak = leaks[0]
        shown = (
            f"assignments/{assignment.id}/{leak.path.relative_to(student_dir)}"
            if leak.path.is_relative_to(student_dir)
            else course.relative(leak.path)
        )
        more = f" (and {len(leaks) - 1} more)" if len(leaks) > 1 else ""
        raise GraderError(f"{assignment.id}: leak: {leak.describe(shown)}{more}")

    bundle_tests = otter_out / "autograder" / "tests"
    write_imports(bundle_tests, release_imports(student))
    if needs_capture(load_test_suite(bundle_tests)):
        started = time.perf_counter()
        log(f"{assignment.id}: reference values and split asserts (the solution, graded once)")
        capture = capture_solution(bundle_tests, otter_out / "autograder" / assignment.master.name, limits=assignment.limits,
                                   kernel_name=assignment.kernel, data_dir=course.data_dir, support_files=assignment.files)
        if capture.references:
            write_references(bundle_tests, capture.references)
        if capture.kernel_cases:
            write_kernel_cases(bundle_tests, capture.kernel_cases)
        if capture.in_kernel:
            write_in_kernel(bundle_tests, capture.in_kernel)
            public = public_in_kernel(load_test_suite(bundle_tests), capture.in_kernel)
            if public:
                write_in_kernel(student_dir / "tests", public)
        seconds["references"] = time.perf_counter() - started

    write_manifest(
        student_dir,
        assignment_id=assignment.id,
        title=assignment.title,
        master=label,
        fingerprint=master_fingerprint(master, [source for source, _ in support]),
        otter_version=otter.__version__,
        questions=question_summary(load_test_suite(otter_out / "autograder" / "tests")),
    )
    return Release(
        assignment=assignment,
        student_dir=student_dir,
        autograder_dir=otter_out / "autograder",
        questions=[q.name for q in questions],
        hidden_cases=sum(len(t.hidden_cases) for t in tests),
        public_cases=sum(len(t.public_cases) for t in tests),
        seconds=seconds,
    )


def release_assignment(course: Course, assignment: Assignment, log: Log = lambda _: None) -> Release:
    """Build the release and write ``assignments/<id>/`` and ``dist/<id>/``."""
    with tempfile.TemporaryDirectory(prefix=f"grader-release-{assignment.id}-") as scratch:
        built = build_release(course, assignment, Path(scratch), log)
        target = course.assignments_dir / assignment.id
        _replace_dir(built.student_dir, target)
        bundle = course.dist_dir / assignment.id
        _replace_dir(built.autograder_dir, bundle)
        for zip_path in bundle.glob("*-autograder_*.zip"):
            zip_path.rename(bundle / f"{assignment.id}-autograder.zip")
        built.student_dir, built.autograder_dir = target, bundle
    return built


def check_release(course: Course, assignment: Assignment, log: Log = lambda _: None) -> ReleaseCheck:
    """Build the release in scratch space and list how ``assignments/<id>/`` differs from it."""
    with tempfile.TemporaryDirectory(prefix=f"grader-check-{assignment.id}-") as scratch:
        built = build_release(course, assignment, Path(scratch), log)
        return ReleaseCheck(assignment.id, _tree_differences(built.student_dir, course.assignments_dir / assignment.id))


def _support_files(course: Course, assignment: Assignment) -> list[tuple[Path, Path]]:
    files = []
    for path in assignment.files:
        if not path.is_file():
            raise GraderError(f"{assignment.id}: support file {course.relative(path)} does not exist")
        if not path.is_relative_to(assignment.master_dir):
            raise GraderError(f"{assignment.id}: support file {course.relative(path)} is outside {course.relative(assignment.master_dir)}")
        files.append((path, path.relative_to(assignment.master_dir)))
    return files


def _replace_dir(source: Path, target: Path) -> None:
    """Put a copy of ``source`` at ``target``, swapping only once the copy is complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.incoming")
    outgoing = target.with_name(f".{target.name}.outgoing")
    for leftover in (incoming, outgoing):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(source, incoming)
    if target.exists():
        target.rename(outgoing)
    incoming.rename(target)
    shutil.rmtree(outgoing, ignore_errors=True)


def _tree_differences(expected: Path, actual: Path) -> list[str]:
    if not actual.is_dir():
        return [f"{actual.name}/ is missing"]
    expected_files = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    actual_files = {p.relative_to(actual) for p in actual.rglob("*") if p.is_file()}
    differences = [f"{p} is missing" for p in sorted(expected_files - actual_files)]
    differences += [f"{p} is not part of the release" for p in sorted(actual_files - expected_files)]
    differences += [
        f"{p} differs" for p in sorted(expected_files & actual_files) if not filecmp.cmp(expected / p, actual / p, shallow=False)
    ]
    return differences
