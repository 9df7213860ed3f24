"""One lock of the versions the course was tested with, which make, Gradescope and Docker all follow."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO

from autograder.requirements import GPU_ONLY, LOCK_NAME, course_requirements, installed_closure, read_lock


def test_the_installed_environment_is_the_lock():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "lock_requirements.py"), "--check"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_lock_pins_every_package_exactly():
    locked = read_lock(REPO / LOCK_NAME)
    assert {"otter-grader", "numpy", "pandas", "scikit-learn", "torch", "torchvision", "ipykernel"} <= set(locked)
    assert not {"pytest", "ruff", "mypy", "ml-course-autograder"} & set(locked)  # tools and the project are not the course's
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.]*", version) for version in locked.values()), locked


def test_gradescope_pins_the_lock_without_cuda_packages():
    locked = read_lock(REPO / LOCK_NAME)
    expected = [f"{name}=={version}" for name, version in locked.items() if not GPU_ONLY.match(name)]
    assert course_requirements(REPO) == expected
    assert any(name.startswith("nvidia-") for name in locked) or not any("+cu" in v for v in locked.values())


def test_docker_pins_the_same_packages_as_gradescope():
    dockerfile = (REPO / "docker" / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile and "download.pytorch.org/whl/cpu" in dockerfile
    pattern = re.search(r"grep -vE '([^']+)' requirements.lock", dockerfile).group(1)
    kept = [line for line in (REPO / LOCK_NAME).read_text().splitlines() if line and not line.startswith("#")
            and not re.match(pattern, line)]
    assert kept == course_requirements(REPO)


def test_a_course_without_a_lock_pins_what_is_installed(tmp_path):
    assert course_requirements(tmp_path) == [f"{n}=={v}" for n, v in installed_closure().items() if not GPU_ONLY.match(n)]
