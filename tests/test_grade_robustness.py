"""One bad cell must not zero a grade; no bad submission may stop a batch."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from helpers import GRADER, VALUE_AND_OTHER, ok_test_file, run_grader, write_notebook, write_tests


@pytest.fixture(scope="module")
def tests_dir(tmp_path_factory) -> Path:
    return write_tests(tmp_path_factory.mktemp("tests"), VALUE_AND_OTHER)


def notebook(path: Path, *cells: str) -> Path:
    write_notebook(path, [nbformat.v4.new_code_cell(c) for c in cells])
    return path


def grade(tests_dir: Path, submissions: Path, output: Path, *options: str):
    result = run_grader("grade", "--tests", str(tests_dir), str(submissions), "--output", str(output), "--isolation", "none", *options,
                        cwd=submissions)
    assert result.returncode == 0, result.stderr
    return result


def load(output: Path, name: str) -> dict:
    return json.loads((output / "results" / f"{name}.json").read_text())


def kinds(result: dict) -> list[str]:
    return [p["kind"] for p in result["problems"]]


BAD_CELLS = {
    "slow_cell": "import time\ntime.sleep(60)",
    "ignores_sigint": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    "os_exit": "import os\nos._exit(1)",
    "segfault": "import ctypes\nctypes.string_at(0)",
    "system_exit": "raise SystemExit(3)",
    "output_flood": "while True:\n    print('x' * 100_000)",
}


@pytest.fixture(scope="module")
def bad_cell_results(tests_dir: Path, tmp_path_factory) -> Path:
    submissions = tmp_path_factory.mktemp("bad_cells")
    for name, bad in BAD_CELLS.items():
        notebook(submissions / f"{name}.ipynb", "value = 1", bad, "other = 2")
    progress = "import time\nfor epoch in range(3):\n    print('epoch', epoch)\n    time.sleep(0.5)\nother = 2"
    notebook(submissions / "flood_then_progress.ipynb", "value = 1", BAD_CELLS["output_flood"], progress)
    output = tmp_path_factory.mktemp("graded")
    grade(tests_dir, submissions, output, "--cell-timeout", "3", "--workers", "2")
    return output


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BAD_CELLS))
def test_a_bad_cell_does_not_zero_the_grade(bad_cell_results: Path, name: str):
    result = load(bad_cell_results, name)
    assert result["status"] == "graded"
    assert result["score"] == 2, result["problems"]  # the cells before and after it still count
    expected = {
        "slow_cell": ["cell_timeout"],
        "ignores_sigint": ["cell_timeout", "cell_stuck", "kernel_restarted"],
        "os_exit": ["kernel_died", "kernel_restarted"],
        "segfault": ["kernel_died", "kernel_restarted"],
        "system_exit": [],
        "output_flood": ["output_truncated"],
    }[name]
    if name == "output_flood" and kinds(result) == [*expected, "kernel_restarted"]:
        expected.append("kernel_restarted")  # on a loaded machine the kernel may take past MAX_DRAIN to send its backlog
    assert kinds(result) == expected
    assert all(p["cell"] == 2 for p in result["problems"])
    if name == "system_exit":
        assert result["cell_errors"] == [{"cell": 2, "ename": "SystemExit", "evalue": "3"}]
    if "kernel_restarted" in expected:
        assert "replayed 1 earlier cells" in result["problems"][-1]["message"]


@pytest.mark.slow
def test_a_flood_is_charged_its_limit_and_later_cells_may_still_print(bad_cell_results: Path):
    result = load(bad_cell_results, "flood_then_progress")
    assert result["score"] == 2, result["problems"]
    assert kinds(result)[0] == "output_truncated" and "output_truncated" not in kinds(result)[1:]


@pytest.mark.slow
def test_submission_timeout_keeps_what_was_scored(tests_dir: Path, tmp_path: Path):
    notebook(tmp_path / "slow.ipynb", "value = 1", 'grader.check("q1")', "import time\ntime.sleep(60)", "other = 2")
    output = tmp_path / "graded"
    grade(tests_dir, tmp_path, output, "--timeout", "4", "--cell-timeout", "30")
    result = load(output, "slow")
    assert result["status"] == "graded" and result["timed_out"] is True
    assert [(q["name"], q["score"], q["ran"]) for q in result["questions"]] == [("q1", 1.0, True), ("q2", 0.0, False)]
    assert "submission_timeout" in kinds(result)
    assert result["timings"]["total"] < 15


@pytest.mark.slow
def test_result_recorded_at_a_check_cell_survives_a_later_crash(tests_dir: Path, tmp_path: Path):
    notebook(tmp_path / "crash.ipynb", "value = 1", 'grader.check("q1")', "value = 0\nimport os\nos._exit(1)", "other = 2")
    output = tmp_path / "graded"
    grade(tests_dir, tmp_path, output)
    result = load(output, "crash")
    assert result["score"] == 2
    assert result["questions"][0]["checked_at_cell"] == 2


BAD_FILES = {
    "empty": (b"", "empty file"),
    "not_json": (b"this is not json", "not valid JSON"),
    "truncated": (b'{"cells": [{"cell_type": "code", "sour', "not valid JSON"),
    "binary": (bytes(range(256)) * 4, "not UTF-8"),
    "latin1": ('{"cells": [], "note": "caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
    "nbformat3": (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "cells": [], "metadata": {}}).encode(),
                  "nbformat 3 is not supported"),
    "no_cells": (json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": {}}).encode(), "no cells"),
    "deeply_nested": (b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
}


@pytest.mark.slow
def test_bad_submissions_get_status_error_and_the_batch_goes_on(tests_dir: Path, tmp_path: Path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for name, (content, _) in BAD_FILES.items():
        (submissions / f"{name}.ipynb").write_bytes(content)
    (submissions / "a_directory.ipynb").mkdir()
    notebook(submissions / "good.ipynb", "value = 1", "other = 2")
    # Right answers in a file an editor left outside the schema (ids in a 4.4 notebook, a code cell without
    # outputs, a markdown cell with a code cell's keys): Jupyter opens it, so it is graded, and the student told.
    (submissions / "off_schema.ipynb").write_text(json.dumps({
        "nbformat": 4, "nbformat_minor": 4, "metadata": {},
        "cells": [{"id": "a", "cell_type": "markdown", "metadata": {}, "source": "answers", "outputs": []},
                  {"id": "b", "cell_type": "code", "metadata": {}, "execution_count": None, "source": "value = 1"},
                  {"id": "c", "cell_type": "code", "metadata": {}, "execution_count": 3, "outputs": [], "source": "other = 2"}]}))
    output = tmp_path / "graded"
    result = grade(tests_dir, submissions, output)
    assert "Traceback" not in result.stderr

    with open(output / "grades.csv") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    assert rows["good"]["status"] == "graded" and rows["good"]["score"] == "2"
    assert (rows["off_schema"]["status"], rows["off_schema"]["score"]) == ("graded", "2")
    assert kinds(load(output, "off_schema")) == ["notebook_repaired"]
    assert "repaired and graded" in (output / "feedback" / "off_schema.md").read_text()
    expected = {name: reason for name, (_, reason) in BAD_FILES.items()} | {"a_directory": "a directory"}
    for name, reason in expected.items():
        assert rows[name]["status"] == "error" and rows[name]["score"] == "0", name
        detail = load(output, name)
        assert reason in detail["error"] and "\n" not in detail["error"], (name, detail["error"])
        assert "could not be graded" in (output / "feedback" / f"{name}.md").read_text()


@pytest.mark.slow
def test_killed_batch_resumes_without_regrading(tests_dir: Path, tmp_path: Path):
    submissions = tmp_path / "submissions"
    for index in range(6):
        notebook(submissions / f"s{index}.ipynb", "import time\ntime.sleep(1.5)", "value = 1", "other = 2")
    output = tmp_path / "graded"
    command = [str(GRADER), "grade", "--tests", str(tests_dir), str(submissions), "--output", str(output), "--isolation", "none", "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list((output / "results").glob("*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = {p.name: p.stat().st_mtime_ns for p in (output / "results").glob("*.json")}
    assert 2 <= len(done_before) < 6
    assert not list((output / "results").glob(".*.partial"))

    rerun = grade(tests_dir, submissions, output)
    assert f"{len(done_before)} unchanged" in rerun.stdout
    assert {p.name: p.stat().st_mtime_ns for p in (output / "results").glob("*.json") if p.name in done_before} == done_before
    with open(output / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["score"] for r in rows] == ["2"] * 6

    forced = grade(tests_dir, submissions, output, "--force")
    assert "6 graded, 0 unchanged" in forced.stdout


@pytest.mark.slow
def test_checks_written_any_way_run_at_their_cell_and_otter_calls_never_raise(tests_dir: Path, tmp_path: Path):
    submissions = tmp_path / "submissions"
    notebook(submissions / "forms.ipynb",
             '# Initialize Otter\nimport otter\ngrader = otter.Notebook("forms.ipynb")',
             'value = 1\n_ = grader.check("q1")  # passes now',
             "value = 5  # changed after the check: q1 was judged at its check cell",
             'other = 2\ndisplay(grader.check("q2"))',
             "grader.check_all()",
             "grader.export(pdf=False)",
             'if value:\n    print(grader.check("q1"), grader.to_pdf())  # not a check cell: the stand-in answers')
    grade(tests_dir, submissions, tmp_path / "out")
    result = load(tmp_path / "out", "forms")
    assert (result["score"], result["cell_errors"], result["problems"]) == (2, [], [])
    assert {q["name"]: q["checked_at_cell"] for q in result["questions"]} == {"q1": 2, "q2": 4}


@pytest.mark.slow
def test_leftover_processes_are_killed_but_idle_ones_are_spared(tmp_path: Path):
    """After a cell times out, what it started is killed; before tests, whatever still burns the CPU is killed;
    an idle process (a worker pool between jobs) is left alone."""
    tests = write_tests(tmp_path / "tests", {"q1": ok_test_file("q1", (">>> print(idle.poll(), hog.poll(), late.poll())\nNone -9 -9\n", False))})
    submissions = tmp_path / "submissions"
    notebook(submissions / "procs.ipynb",
             'import subprocess, time\nidle = subprocess.Popen(["sleep", "1000"])',
             'hog = subprocess.Popen(["sh", "-c", "while :; do :; done"])',
             'late = subprocess.Popen(["sleep", "999"])\ntime.sleep(100)')
    result = run_grader("grade", "--tests", str(tests), str(submissions), "--output", str(tmp_path / "out"), "--require-isolation",
                        "--cell-timeout", "3", cwd=submissions)
    assert result.returncode == 0, result.stderr
    graded = load(tmp_path / "out", "procs")
    assert graded["score"] == 1, graded["questions"][0]["cases"][0]["output"]
    assert kinds(graded) == ["cell_timeout"] and "1 process(es) it left running were killed" in graded["problems"][0]["message"]
