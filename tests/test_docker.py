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
import re
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from helpers import GRADER, REPO, VALUE_AND_OTHER, assert_one_line_error, grader_containers, require_docker, run_grader, write_notebook, write_tests
from helpers.samples import FULL, LOSSES

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
    installed = {canonical(line.split("==")[0]): line.split("==")[1] for line in frozen.stdout.splitlines() if "==" in line}
    locked = [line.split("==") for line in (REPO / "requirements.lock").read_text().splitlines() if "==" in line]
    cpu_build = "+cpu" in installed.get("torch", "")
    for name, version in locked:
        if cpu_build and (name.startswith(("nvidia-", "cuda-")) or name == "triton"):
            continue
        assert installed.get(canonical(name), "missing").split("+")[0] == version, name


def canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares them (pip freeze writes some with underscores)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def graded_in_docker(image: str, released_course: Path, tmp_path_factory) -> dict[str, Path]:
    outputs = {}
    for assignment in IN_DOCKER:
        output = tmp_path_factory.mktemp(f"docker_{assignment}")
        result = run_grader("grade", assignment, f"tests/submissions/{assignment}", "--output", str(output),
                            "--isolation", "docker", "--require-isolation", "--workers", "2", cwd=released_course, timeout=1800)
        assert result.returncode == 0, result.stderr
        outputs[assignment] = output
    return outputs


@pytest.mark.parametrize("assignment, sample", [(a, s) for a in IN_DOCKER for s in sorted(LOSSES[a])])
def test_samples_score_in_containers_what_they_deserve(graded_in_docker: dict, assignment: str, sample: str):
    """The expectation bwrap's run is held to (tests/test_course_content.py), to the point."""
    result = json.loads((graded_in_docker[assignment] / "results" / f"{sample}.json").read_text())
    expected = {q: LOSSES[assignment][sample].get(q, points) for q, points in FULL[assignment].items()}
    assert result["status"] == "graded", result.get("error")
    assert result["problems"] == []
    assert {q["name"]: q["score"] for q in result["questions"]} == pytest.approx(expected)


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
