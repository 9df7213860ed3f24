"""``--isolation docker`` for real: the image ``grader image build`` made, real containers.

The hostile suite runs under docker too (tests/test_hostile.py). Here: the course's own
samples score in containers exactly what they score under bwrap, a grader killed with
``kill -9`` leaves no container once the next one starts, and a missing image is a
one-line error naming the command that builds it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from helpers import GRADER, REPO, VALUE_AND_OTHER, assert_one_line_error, grader_containers, require_docker, run_grader, write_notebook, write_tests
from helpers.samples import LOSSES, assert_sample_deserves, grade_samples
from packaging.utils import canonicalize_name

from autograder.requirements import GPU_ONLY, differences, read_lock

pytestmark = pytest.mark.slow

IN_DOCKER = ["hw04", "hw05"]
"""Two assignments with PyTorch training, the heaviest kernels: their samples in containers."""


@pytest.fixture(scope="module")
def image() -> str:
    return require_docker()


def test_the_image_holds_the_locked_versions(image: str):
    """What pip reports inside a container is requirements.lock, line for line (less CUDA's packages with the CPU index)."""
    frozen = subprocess.run(["docker", "run", "--rm", "--network", "none", image, "pip", "freeze", "--all"],
                            capture_output=True, text=True, timeout=300)
    assert frozen.returncode == 0, frozen.stderr
    installed = {canonicalize_name(name): version.split("+")[0]
                 for name, _, version in (line.partition("==") for line in frozen.stdout.splitlines()) if version}
    locked = read_lock(REPO / "requirements.lock")
    if "+cpu" in frozen.stdout.split("torch==", 1)[-1].split()[0]:
        locked = {name: version for name, version in locked.items() if not GPU_ONLY.match(name)}
    assert differences(locked, {name: installed[name] for name in locked if name in installed}) == []


@pytest.fixture(scope="module")
def graded_in_docker(image: str, released_course: Path, tmp_path_factory) -> dict[str, Path]:
    return {assignment: grade_samples(released_course, assignment, tmp_path_factory.mktemp(f"docker_{assignment}"),
                                      "--isolation", "docker")
            for assignment in IN_DOCKER}


@pytest.mark.parametrize("assignment, sample", [(a, s) for a in IN_DOCKER for s in sorted(LOSSES[a])])
def test_samples_score_in_containers_what_they_deserve(graded_in_docker: dict, assignment: str, sample: str):
    """The expectation bwrap's run is held to (tests/test_course_content.py), to the point."""
    assert_sample_deserves(graded_in_docker[assignment], assignment, sample)


def test_a_killed_grader_leaves_no_container_once_the_next_one_starts(image: str, tmp_path: Path):
    tests = write_tests(tmp_path / "tests", VALUE_AND_OTHER)
    write_notebook(tmp_path / "slow" / "slow.ipynb", [nbformat.v4.new_code_cell(c) for c in ("value = 1", "import time\ntime.sleep(600)")])
    before = set(grader_containers())
    grader = subprocess.Popen([str(GRADER), "grade", "--tests", str(tests), str(tmp_path / "slow"), "--output", str(tmp_path / "out1"),
                               "--isolation", "docker", "--cell-timeout", "600"], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not set(grader_containers()) - before and time.monotonic() < deadline:
        time.sleep(0.5)
    started = set(grader_containers()) - before
    os.kill(grader.pid, signal.SIGKILL)
    grader.wait()
    assert started, "the grader never started a container"

    write_notebook(tmp_path / "honest" / "honest.ipynb", [nbformat.v4.new_code_cell(c) for c in ("value = 1", "other = 2")])
    result = run_grader("grade", "--tests", str(tests), str(tmp_path / "honest"), "--output", str(tmp_path / "out2"),
                        "--isolation", "docker", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "out2" / "results" / "honest.json").read_text())["score"] == 2
    assert not started & set(grader_containers()), "the killed grader's container outlived the next grader's start"
    with contextlib.suppress(ProcessLookupError):
        os.killpg(grader.pid, signal.SIGKILL)  # the orphaned docker client, whose container is gone


def test_a_missing_image_is_one_line_naming_the_build_command(image: str, tmp_path: Path):
    tests = write_tests(tmp_path / "tests", VALUE_AND_OTHER)
    write_notebook(tmp_path / "subs" / "a.ipynb", [nbformat.v4.new_code_cell("value = 1")])
    result = run_grader("grade", "--tests", str(tests), str(tmp_path / "subs"), "--isolation", "docker",
                        "--docker-image", "ml-course-grader:000000000000", cwd=tmp_path)
    assert_one_line_error(result, "ml-course-grader:000000000000 is not built", "grader image build")
    assert not (tmp_path / "subs" / "graded").exists() or not any((tmp_path / "subs" / "graded").rglob("*.json"))
