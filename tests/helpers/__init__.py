"""What the tests share, apart from fixtures (those are in ``tests/conftest.py``).

Imported as ``from helpers import ...``: pytest puts ``tests/`` on ``sys.path`` (it holds
the root ``conftest.py`` and has no ``__init__.py``), so this package is found from any
test module, whether pytest runs from the repository root or is given one file.
Submodules: ``helpers.samples`` (what each sample submission deserves) and
``helpers.otter_run`` (grading with otter's own runner, the reference).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
GRADER = Path(sys.executable).parent / "grader"


def run_grader(*args: str, cwd: Path, timeout: float = 900, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``grader`` console script, as a user would."""
    return subprocess.run([str(GRADER), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """The CLI's contract for bad input: exit 1, one ``error:`` line, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


# Otter test files


def ok_test_file(name: str, *cases: tuple[str, bool], points: float = 1) -> str:
    """The text of an otter OK-format test file; each case is (doctest code, hidden)."""
    suite = {"cases": [{"code": code, "hidden": hidden, "locked": False} for code, hidden in cases],
             "scored": True, "setup": "", "teardown": "", "type": "doctest"}
    return f"OK_FORMAT = True\ntest = {({'name': name, 'points': points, 'suites': [suite]})!r}\n"


def write_tests(directory: Path, files: dict[str, str]) -> Path:
    """Write each ``name: text`` as ``directory/name.py`` (e.g. texts from ``ok_test_file``)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / f"{name}.py").write_text(text)
    return directory


VALUE_AND_OTHER = {
    "q1": ok_test_file("q1", (">>> assert value == 1\n", False)),
    "q2": ok_test_file("q2", (">>> assert other == 2\n", True)),
}
"""Two one-point questions: q1 public (``value == 1``), q2 hidden (``other == 2``)."""


# Notebooks and a tiny course


def write_notebook(path: Path, cells: list) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


HIDDEN_CHECK = "assert double(21) == 42 and double(-4) == -8 and double(0.5) == 1.0"


def tiny_master_cells() -> list:
    """A two-question master in otter's format: q1 autograded (public + hidden), q2 manual."""
    raw, md, code = nbformat.v4.new_raw_cell, nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return [
        raw("# ASSIGNMENT CONFIG\nname: demo\nexport_cell: false\ntests:\n  files: true"),
        md("# Demo assignment"),
        code("import math"),
        raw("# BEGIN QUESTION\nname: q1\npoints: 3"),
        md("**Question 1.** Write `double(x)`, and set `answer` to `double(21)`."),
        raw("# BEGIN SOLUTION"),
        code("def double(x):\n    # BEGIN SOLUTION\n    doubled_value = x * 2\n    return doubled_value\n    # END SOLUTION\n\n\n"
             "answer = double(21)  # SOLUTION"),
        raw("# END SOLUTION"),
        raw("# BEGIN TESTS"),
        code("assert double(2) == 4"),
        code(f"# HIDDEN\n{HIDDEN_CHECK}"),
        code('""" # BEGIN TEST CONFIG\npoints: 1\nhidden: true\n""" # END TEST CONFIG\nassert answer == 42'),
        raw("# END TESTS"),
        raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: q2\nmanual: true\npoints: 1"),
        md("**Question 2.** Why double?"),
        raw("# BEGIN SOLUTION"),
        md("Because twice is nice, and the rubric says so."),
        raw("# END SOLUTION"),
        raw("# END QUESTION"),
    ]


COURSE_TOML = """\
[course]
name = "Tiny course"

[defaults]
cell_timeout = 30

[[assignments]]
id = "demo"
title = "Demo"
master = "solutions/demo/demo.ipynb"
"""
"""A course of one assignment, ``demo``, whose master is ``tiny_master_cells()``."""


# Docker


def require_docker() -> str:
    """The course's image, once an engine answers and it is built; skip only where neither can be set up.

    ``make test`` (tools/docker-setup.sh) installs and starts an engine and builds the image
    when run as root with apt: there, a missing one is a failure, not a skip.
    """
    from autograder.image import course_image
    from autograder.sandbox.docker import docker_works

    image = course_image(REPO)
    works, reason = docker_works(image)
    if not works:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            pytest.fail(f"--isolation docker does not work here ({reason}): run make setup (tools/docker-setup.sh)")
        pytest.skip(f"--isolation docker: {reason}; not root with apt, so tools/docker-setup.sh cannot set it up")
    return image


def grader_containers() -> list[str]:
    """Names of the containers graders started that still exist (running or not)."""
    from autograder.sandbox.docker import OWNER_LABEL

    if shutil.which("docker") is None:
        return []
    listed = subprocess.run(["docker", "ps", "--all", "--filter", f"label={OWNER_LABEL}", "--format", "{{.Names}}"],
                            capture_output=True, text=True, timeout=60)
    return listed.stdout.split()
