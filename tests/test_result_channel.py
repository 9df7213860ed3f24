"""The kernel-to-grader channel is bounded and strict: forged, flooded, deep or giant replies gain nothing.

Each notebook answers q1 honestly and attacks the grader's channel while q2's hidden
test runs in the kernel (``kernel_cases.json``: as a public test, or a hidden one the master
fails in the grader, would), or raises an exception with a 30 MB name. Whatever it sends, it must score
exactly its honest q1, the attack must be reported as tampering, the grader must keep
its memory, and nothing of the attack may swell the results or the feedback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from helpers import GRADER, REPO, ok_test_file, write_tests

pytestmark = pytest.mark.slow

HOSTILE = REPO / "tests" / "submissions" / "hostile"
CHANNEL_NOTEBOOKS = ["forge_first", "result_flood", "deep_payload", "giant_exception_name", "echo_test_code", "shadow_builtins",
                     "shell_flood"]
ATTACKS = ["forge_first", "result_flood", "deep_payload"]
HONEST_SCORES = {"q1": 1, "q2": 0, "q3": 0, "q4": 0}
HIDDEN_MARKER = "zq_hidden_marker"
TESTS = {  # q1 public; q2 and q4 hidden, each setting the marker first; q3 public, by printed output
    "q1": ok_test_file("q1", (">>> assert value == 1\n", False)),
    "q2": ok_test_file("q2", (f">>> {HIDDEN_MARKER} = 1\n>>> assert other == 2\n", True)),
    "q3": ok_test_file("q3", (">>> print(other)\n2\n", False)),
    "q4": ok_test_file("q4", (f">>> {HIDDEN_MARKER} = 1\n>>> assert isinstance(answer4, int) and answer4 == 4\n", True)),
}
MEASURE = "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("channel")
    write_tests(root / "tests", TESTS)
    (root / "tests" / "kernel_cases.json").write_text(json.dumps({"q2": [0]}))
    (root / "submissions").mkdir()
    for name in CHANNEL_NOTEBOOKS:
        shutil.copy(HOSTILE / f"{name}.ipynb", root / "submissions")
    command = [str(GRADER), "grade", "--tests", str(root / "tests"), str(root / "submissions"), "--output", str(root / "out"),
               "--require-isolation", "--cell-timeout", "20", "--workers", "2"]
    run = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=root, capture_output=True, text=True, timeout=600)
    return {"out": root / "out", "peak_kib": int(run.stdout.strip().splitlines()[-1]), "stderr": run.stderr}


def result_of(graded: dict, name: str) -> dict:
    return json.loads((graded["out"] / "results" / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ATTACKS)
def test_an_attack_on_the_channel_gains_nothing_and_is_reported(graded, name):
    result = result_of(graded, name)
    assert result["status"] == "graded", result.get("error")
    scores = {q["name"]: q["score"] for q in result["questions"]}
    assert scores == HONEST_SCORES, result["problems"]
    assert any(p["kind"] == "tampering" for p in result["problems"]), result["problems"]


def test_a_kernel_that_never_finishes_on_the_shell_channel_does_not_hold_the_grader(graded):
    """It drops the reply to every execution of the runner and sends other shell messages every half second instead:
    the grader waits a bounded time for each reply (it once waited for ever, and the whole batch with it)."""
    result = result_of(graded, "shell_flood")
    assert (result["status"], {q["name"]: q["score"] for q in result["questions"]}) == ("graded", HONEST_SCORES)


def test_a_giant_exception_name_is_stored_short(graded):
    result = result_of(graded, "giant_exception_name")
    assert result["score"] == 1
    assert (graded["out"] / "results" / "giant_exception_name.json").stat().st_size < 100_000
    assert (graded["out"] / "feedback" / "giant_exception_name.md").stat().st_size < 20_000
    assert all(len(error["ename"]) <= 100 and len(error["evalue"]) <= 300 for error in result["cell_errors"])


def test_the_grader_keeps_its_memory(graded):
    assert graded["peak_kib"] < 500 * 1024, f"peak RSS of the grader and its kernels: {graded['peak_kib'] / 1024:.0f} MiB"


def test_no_text_the_kernel_made_after_hidden_code_reached_it_is_shown(graded):
    """Hidden cases run after the last cell and after every public case: a hook that records the code it is
    given and shows it back (in a public test's output, in a cell error) has only public code to show."""
    result = result_of(graded, "echo_test_code")
    assert {q["name"]: q["score"] for q in result["questions"]} == HONEST_SCORES
    q3 = next(q for q in result["questions"] if q["name"] == "q3")
    assert "value\\n" in q3["cases"][0]["output"]  # the hook did record and show test code (public: value, the assert split)...
    assert result["cell_errors"] and "value\\n" in result["cell_errors"][0]["evalue"]
    for name in ["echo_test_code", *ATTACKS, "giant_exception_name"]:  # ...but never the hidden code
        feedback = (graded["out"] / "feedback" / f"{name}.md").read_text()
        assert HIDDEN_MARKER not in feedback and "other == 2" not in feedback, name
        visible = json.dumps([result_of(graded, name)["cell_errors"],
                              [c for q in result_of(graded, name)["questions"] for c in q["cases"] if not c["hidden"]]])
        assert HIDDEN_MARKER not in visible, name


def test_globals_that_shadow_builtins_do_not_reach_the_tests(graded):
    result = result_of(graded, "shadow_builtins")
    assert {q["name"]: q["score"] for q in result["questions"]} == HONEST_SCORES
