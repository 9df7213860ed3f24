"""The sandbox works wherever the course and its virtualenv live: under /tmp, under $HOME, in a path with a space.

A course cloned under /tmp used to lose its sandbox: the virtualenv was bound before the
sandbox's private /tmp hid it, the probe failed and grading went on unsandboxed. Here a
virtualenv is made in each kind of place (its site-packages linked to this one's, so
nothing is installed) and a real submission is graded through it in the bwrap sandbox.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import uuid
from pathlib import Path

import nbformat
import pytest
from helpers import VALUE_AND_OTHER, write_notebook, write_tests

pytestmark = pytest.mark.slow


def make_venv(where: Path) -> Path:
    """A virtualenv at ``where`` whose site-packages is this environment's (a symlink)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, capture_output=True)
    python = where / "bin" / "python"
    site_packages = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        check=True, capture_output=True, text=True).stdout.strip())
    shutil.rmtree(site_packages)
    site_packages.symlink_to(sysconfig.get_paths()["purelib"])
    return python


@pytest.fixture(params=["tmp with space", "home"])
def place(request, tmp_path: Path):
    if request.param == "home":
        root = Path.home() / f".grader-location-test-{uuid.uuid4().hex[:8]}" / "a course"
    else:
        root = tmp_path / "a course" / "with space"
    root.mkdir(parents=True)
    yield root
    shutil.rmtree(root.parent if request.param == "home" else root, ignore_errors=True)


def test_a_submission_is_graded_in_the_sandbox_from_there(place: Path):
    python = make_venv(place / ".venv")
    tests = write_tests(place / "tests", VALUE_AND_OTHER)
    write_notebook(place / "submissions" / "alice.ipynb", [nbformat.v4.new_code_cell("value = 1\nother = 2")])
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    run = subprocess.run([str(python), "-m", "autograder.cli", "grade", "--tests", str(tests), str(place / "submissions"),
                          "--output", str(place / "graded"), "--isolation", "bwrap"],
                         cwd=place, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "isolation bwrap" in run.stderr
    result = json.loads((place / "graded" / "results" / "alice.json").read_text())
    assert (result["status"], result["score"], result["problems"]) == ("graded", 2, [])
