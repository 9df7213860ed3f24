"""Build the autograder zip Gradescope accepts, from a released assignment.

Layout (Gradescope unpacks it into ``/autograder/source/``)::

    setup.sh            installs Python 3.11 and requirements.txt into /autograder/venv
    run_autograder      runs ``autograder.gradescope.run``: results.json, or no score when the grader fails
    requirements.txt    the exact versions of requirements.lock (the course was tested with them), CPU PyTorch
    config.json         the assignment, its kernel, limits and datasets
    grader/autograder/  this package's source, put on PYTHONPATH by run_autograder
    tests/              every test file, hidden ones included, references.json, imports.json, in_kernel.json
    files/              the assignment's support files
    data/               the prepared datasets the notebook reads through $COURSE_DATA
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict
from importlib import resources
from pathlib import Path

from .. import data as datasets
from ..course import Assignment, Course
from ..errors import GraderError
from ..grade.scoring import BESIDE_TESTS
from ..manual.questions import manual_points
from ..requirements import course_requirements

_FIXED_TIME = (2026, 1, 1, 0, 0, 0)
"""Every zip entry gets this timestamp, so the same inputs give the same zip."""


def build_autograder_zip(course: Course, assignment: Assignment, output: Path) -> Path:
    bundle = course.dist_dir / assignment.id
    tests = sorted((bundle / "tests").glob("*.py"))
    if not tests:
        raise GraderError(f"{course.relative(bundle / 'tests')} has no tests: run `grader release {assignment.id}` first")
    datasets.require(assignment.data, course.data_dir)
    package_root = Path(__file__).resolve().parents[1]
    config = {
        "assignment": assignment.id,
        "title": assignment.title,
        "kernel": assignment.kernel,
        "limits": asdict(assignment.limits),
        "data": list(assignment.data),
        "manual": manual_points(assignment),  # named in the feedback as graded separately
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ("setup.sh", "run_autograder"):
            _add_text(archive, name, resources.files(__package__).joinpath(name).read_text(encoding="utf-8"), executable=True)
        _add_text(archive, "requirements.txt", "\n".join(course_requirements(course.root)) + "\n")
        _add_text(archive, "config.json", json.dumps(config, indent=2) + "\n")
        for path in sorted(package_root.rglob("*")):
            shipped = path.suffix in (".py", ".json", ".sh") or path.name == "run_autograder"
            if path.is_file() and shipped and "__pycache__" not in path.parts:
                _add_file(archive, path, "grader/autograder/" + path.relative_to(package_root).as_posix())
        for path in tests:
            _add_file(archive, path, f"tests/{path.name}")
        for name in BESIDE_TESTS:  # the release's imports, the asserts kept in the kernel, the master's `# value` values
            if (bundle / "tests" / name).is_file():
                _add_file(archive, bundle / "tests" / name, f"tests/{name}")
        for path in assignment.files:
            _add_tree(archive, path, f"files/{path.name}")
        for name in assignment.data:
            folder = datasets.dataset(name).folder
            _add_tree(archive, course.data_dir / folder, f"data/{folder}")
    partial.replace(output)
    return output


def _add_tree(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            _add_file(archive, child, f"{name}/{child.relative_to(path).as_posix()}")
    else:
        _add_file(archive, path, name)


def _add_file(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    info = zipfile.ZipInfo(name, _FIXED_TIME)
    info.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(path, "rb") as source, archive.open(info, "w") as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)


def _add_text(archive: zipfile.ZipFile, name: str, text: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, _FIXED_TIME)
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)
