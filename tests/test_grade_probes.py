"""Probes: steps run in a fork of the kernel leave the main run untouched and report their own tests."""

from __future__ import annotations

import asyncio

import nbformat
import pytest
from helpers import VALUE_AND_OTHER, write_notebook, write_tests

from autograder.course import Limits
from autograder.environment import kernel_environment
from autograder.grade import GradingSetup, grade_submission, load_test_suite
from autograder.grade.plan import plan_steps
from autograder.grade.probes import Probe, ProbeStep
from autograder.grade.submissions import Submission
from autograder.sandbox import select_isolation

pytestmark = pytest.mark.slow  # every test here starts kernels or runs notebooks

CELLS = ["import random\nrandom.seed(0)\nvalue = 1", "grader.check('q1')", "draw = random.random()\nother = 2", "grader.check('q2')"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One run of a two-question notebook, with probes at both questions, in each backend that works here."""
    root = write_tests(tmp_path_factory.mktemp("probes"), VALUE_AND_OTHER)
    write_notebook(root / "sub.ipynb", [nbformat.v4.new_code_cell(c) for c in CELLS])
    suite = load_test_suite(root)
    steps = plan_steps(nbformat.read(root / "sub.ipynb", as_version=4), suite.names)
    assert [s.kind for s in steps] == ["cell", "check", "cell", "check"]
    probes = (
        # a wrong value at q1's check; forked before the check, so the main run still sees value == 1
        Probe("q1 broken", 1, (ProbeStep("cell", 0, "value = 5\nrandom.random()"), ProbeStep("tests", 1, question="q1"))),
        # q2's answer cell replaced, from the state just before it
        Probe("q2 mutant", 2, (ProbeStep("cell", 2, "draw = random.random()\nother = 3"), ProbeStep("tests", 3, question="q2"))),
        # the unchanged cell in a copy: the same draw as the main run (the copy starts from the same RNG state)
        Probe("q2 same", 2, (ProbeStep("cell", 2, CELLS[2]), ProbeStep("cell", 2, "assert draw == 0.8444218515250481"),
                             ProbeStep("tests", 3, question="q2"))),
        Probe("slow", 2, (ProbeStep("cell", 2, "import time\ntime.sleep(30)"), ProbeStep("tests", 3, question="q2"))),
        Probe("dies", 2, (ProbeStep("cell", 2, "import os\nos._exit(3)"),)),
        Probe("stuck", 2, (ProbeStep("cell", 2, "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"),)),
    )
    results = {}
    for backend in ("none", "bwrap"):
        isolation = select_isolation(backend)
        setup = GradingSetup(suite, Limits(cell_timeout=2, timeout=120), "python3", kernel_environment(None), isolation)
        submission = Submission("sub", root / "sub.ipynb")
        results[backend] = asyncio.run(grade_submission(submission, setup, probes))
    return results


@pytest.mark.parametrize("backend", ["none", "bwrap"])
def test_probes_run_in_a_copy_and_leave_the_main_run_alone(graded, backend):
    result = graded[backend]
    assert result.score == 2 and result.problems == []  # the probes changed nothing in the main run
    probes = {p.name: p for p in result.probes}
    assert [q.score for q in probes["q1 broken"].questions] == [0]
    assert [q.score for q in probes["q2 mutant"].questions] == [0]
    assert probes["q2 same"].cell_errors == [] and [q.score for q in probes["q2 same"].questions] == [1]
    # a cell past the timeout is interrupted in the copy, and the copy goes on to the tests
    assert probes["slow"].status == "ok" and probes["slow"].cell_errors[0].ename == "CellTimeout"
    assert "NameError" in probes["slow"].questions[0].cases[0].output
    assert probes["dies"].status == "died" and probes["dies"].questions == []
    assert probes["stuck"].status == "timeout"  # ignored its interrupt: killed at the probe's budget
