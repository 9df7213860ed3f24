"""One lock of the versions the course was tested with, which make, Gradescope and Docker all follow.

Fast: no kernel, no release. The lock is requirements.lock at the repository root; the
Gradescope zip's requirements.txt and the Docker image's install are the lock without the
CUDA-only packages (PyTorch's CPU build is installed there).
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
from helpers import REPO, ok_test_file
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from autograder.course import Assignment, Course
from autograder.gradescope.bundle import build_autograder_zip
from autograder.requirements import LOCK_NAME, course_requirements, differences, installed_closure, read_lock

LOCK = REPO / LOCK_NAME
TOOL = REPO / "tools" / "lock_requirements.py"
CUDA_ONLY = re.compile(r"nvidia-.*|cuda-.*|triton")
"""Written out here rather than imported, so the tests do not just repeat the implementation."""


def lock_lines() -> list[str]:
    return [line for line in LOCK.read_text().splitlines() if line and not line.startswith("#")]


def check(lock: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), "--check", "--lock", str(lock)], capture_output=True, text=True, cwd=REPO)


def test_the_lock_is_sorted_exact_canonical_pins():
    lines = lock_lines()
    assert LOCK.read_text().startswith("#") and "make lock" in LOCK.read_text().split("\n\n")[0]  # says how it is rewritten
    names = [line.split("==")[0] for line in lines]
    assert names == sorted(names) and len(set(names)) == len(names)
    for line in lines:
        requirement = Requirement(line)
        assert requirement.name == canonicalize_name(requirement.name), line
        (spec,) = requirement.specifier
        assert spec.operator == "==" and re.fullmatch(r"[0-9][0-9A-Za-z.]*", spec.version), line  # no ranges, no local labels


def test_the_lock_is_the_course_and_not_the_tools():
    locked = read_lock(LOCK)
    assert {"otter-grader", "numpy", "pandas", "scikit-learn", "torch", "torchvision", "ipykernel", "matplotlib"} <= set(locked)
    assert not {"pytest", "ruff", "mypy", "ml-course-autograder"} & set(locked)
    assert not any(name.startswith("types-") for name in locked)
    assert {"triton", "nvidia-cublas", "cuda-toolkit"} <= set(locked)  # this machine's torch is the CUDA build: kept, to reproduce it


def test_the_installed_environment_is_the_lock():
    result = check(LOCK)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "matches the environment" in result.stdout


def test_check_names_every_difference(tmp_path: Path):
    lock = tmp_path / LOCK_NAME
    text = re.sub(r"(?m)^numpy==.*$", "numpy==1.0.0", LOCK.read_text())
    lock.write_text(re.sub(r"(?m)^wrapt==.*\n", "", text) + "not-a-course-package==1.0\n")
    result = check(lock)
    assert result.returncode == 1
    installed = installed_closure()
    assert result.stderr.splitlines() == [
        "not-a-course-package: locked 1.0, installed absent",
        f"numpy: locked 1.0.0, installed {installed['numpy']}",
        f"wrapt: locked absent, installed {installed['wrapt']}",
    ]
    assert differences(read_lock(LOCK), installed) == []


def test_a_bad_line_is_an_error_with_its_number(tmp_path: Path):
    lock = tmp_path / LOCK_NAME
    lock.write_text("# header\nnumpy>=2\n")
    result = check(lock)
    assert result.returncode == 2 and result.stderr.startswith("error: ") and "line 2: expected name==version" in result.stderr
    assert check(tmp_path / "missing.lock").returncode == 2


def test_gradescope_requirements_are_the_lock_without_cuda_packages():
    requirements = course_requirements(REPO)
    assert requirements == [line for line in lock_lines() if not CUDA_ONLY.fullmatch(line.split("==")[0])]
    dropped = set(lock_lines()) - set(requirements)
    assert dropped and all(CUDA_ONLY.fullmatch(line.split("==")[0]) for line in dropped)
    locked = read_lock(LOCK)
    assert f"torch=={locked['torch']}" in requirements and f"torchvision=={locked['torchvision']}" in requirements


def test_the_zip_pins_its_course_lock_and_falls_back_to_what_is_installed(tmp_path: Path):
    root = tmp_path / "course"
    (root / "dist" / "a1" / "tests").mkdir(parents=True)
    (root / "dist" / "a1" / "tests" / "q1.py").write_text(ok_test_file("q1", (">>> 1\n1\n", False)))
    nbformat.write(nbformat.v4.new_notebook(), root / "a1.ipynb")  # the master (the zip names its manual questions: none)
    course = Course(root=root, name="tiny", data_dir=root / "data",
                    assignments=(Assignment(id="a1", title="one", master=root / "a1.ipynb"),))

    def zipped_requirements() -> list[str]:
        with zipfile.ZipFile(build_autograder_zip(course, course.assignments[0], tmp_path / "a1.zip")) as archive:
            return archive.read("requirements.txt").decode().splitlines()

    (root / LOCK_NAME).write_text("# a course's own lock\nnumpy==2.0.0\ntorch==2.9.0\nnvidia-cublas==13.0.0\ntriton==3.5.0\n")
    assert zipped_requirements() == ["numpy==2.0.0", "torch==2.9.0"]
    (root / LOCK_NAME).unlink()
    fallback = zipped_requirements()
    assert fallback == course_requirements(REPO)  # without a lock: what is installed here, which is the repository's lock


def test_docker_installs_the_same_pins_as_gradescope():
    """With PyTorch's CPU index (the default), the image installs what the Gradescope zip pins."""
    dockerfile = (REPO / "docker" / "Dockerfile").read_text()
    assert re.search(r"(?m)^ARG BASE=python:3\.11-slim$", dockerfile) and re.search(r"(?m)^FROM \$\{BASE\}$", dockerfile)
    assert re.search(r"(?m)^ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu$", dockerfile)
    assert "COPY requirements.lock" in dockerfile and '--extra-index-url "$TORCH_INDEX"' in dockerfile
    match = re.search(r"grep -vE '([^']+)' /opt/course/requirements.lock > ([^\s;]+)", dockerfile)
    assert match and f"-r {match.group(2)}" in dockerfile
    kept = [line for line in LOCK.read_text().splitlines() if not re.match(match.group(1), line)]  # what grep keeps
    assert [line for line in kept if line and not line.startswith("#")] == course_requirements(REPO)
