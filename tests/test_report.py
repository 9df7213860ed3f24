"""grader report: the HTML report (checked in a real headless browser) and the LMS gradebooks."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from helpers import REPO, run_grader

from autograder.grade.outputs import write_submission_files
from autograder.grade.results import CaseResult, Problem, QuestionResult, SubmissionResult
from autograder.report.screenshot import find_browser, headless

pytestmark = pytest.mark.slow  # every test here starts kernels or runs notebooks


def result(name: str, passed: dict[str, list[bool]], seconds: float, **extra) -> SubmissionResult:
    questions = []
    for question, outcomes in passed.items():
        cases = [CaseResult(f"{question} - {i + 1}", i > 0, ok, float(ok), 1.0) for i, ok in enumerate(outcomes)]
        questions.append(QuestionResult(question, sum(c.score for c in cases), float(len(cases)), cases))
    total = sum(q.score for q in questions)
    return SubmissionResult(name, f"{name}.ipynb", "graded", total, 5.0, questions, timings={"total": seconds}, **extra)


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    """A batch as `grader grade` leaves it: results/ and feedback/ (made up, so every case is known)."""
    results = [
        result("ada", {"q1": [True, True], "q2": [True, True, True]}, 12.0),
        result("bob", {"q1": [True, False], "q2": [True, True, False]}, 40.5),
        result("cyd", {"q1": [True, False], "q2": [False, False, False]}, 8.0,
               problems=[Problem("cell_timeout", "cell 7 ran past 60 s and was interrupted", 7)]),
    ]
    broken = SubmissionResult("dee", "dee.ipynb", "error", 0.0, 5.0, error="not valid JSON (line 1)")
    for item in [*results, broken]:
        write_submission_files(tmp_path / "graded", item.submission, item)
    return tmp_path / "graded"


def test_report_and_gradebooks(graded: Path, tmp_path: Path):
    written = run_grader("report", "hw01", "--results", str(graded), "--output", str(tmp_path / "out"), cwd=REPO)
    assert written.returncode == 0, written.stderr
    page = (tmp_path / "out" / "report.html").read_text()
    assert page.count("<img class='chart'") == 3 and "data:image/png;base64," in page
    assert "http" not in page.replace("http-equiv", "")  # self-contained: nothing fetched
    # most failed test first: q2 - 3 and q1 - 2 fail in 2 of 3 graded submissions
    tests = re.findall(r"<tr><td>(q\d - \d)", page)
    assert tests[:2] == ["q1 - 2", "q2 - 3"] and tests[-1] == "q1 - 1"
    problems = page[page.index("Submissions with problems"):page.index("Slowest submissions")]
    assert "cell_timeout: cell 7 ran past 60 s" in problems and "could not be graded: not valid JSON" in problems
    assert "href='../graded/feedback/cyd.md'" in problems and "href='../graded/feedback/dee.md'" in problems
    slowest = page[page.index("Slowest submissions"):]
    assert slowest.index("bob") < slowest.index("ada") < slowest.index("cyd")

    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "gradebook.csv").read_text())))
    assert rows[0] == ["student", "total", "max_score", "q1", "q2"]
    assert rows[1:] == [["ada", "5", "5", "2", "3"], ["bob", "3", "5", "1", "2"], ["cyd", "1", "5", "1", "0"],
                        ["dee", "0", "5", "0", "0"]]

    canvas = run_grader("report", "hw01", "--results", str(graded), "--output", str(tmp_path / "out"), "--lms", "canvas", cwd=REPO)
    assert canvas.returncode == 0, canvas.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "gradebook-canvas.csv").read_text())))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] and rows[0][5].startswith("hw01")
    assert rows[1] == ["Points Possible", "", "", "", "", "5"]
    assert rows[2] == ["ada", "", "", "ada", "", "5"]


def test_report_in_a_real_browser(graded: Path):
    browser = find_browser()
    if browser is None:
        pytest.skip("no Chromium here (the set-up installs Debian's chromium when run as root)")
    written = run_grader("report", "hw01", "--results", str(graded), "--screenshot", cwd=REPO)
    assert written.returncode == 0, written.stderr
    page = graded / "report.html"
    dom = headless(browser, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri())
    assert 'data-charts-loaded="3/3"' in dom.stdout  # the load check ran, and every chart decoded
    assert not re.search(r"CONSOLE.*(Uncaught|Error)", dom.stderr), dom.stderr
    shot = graded / "report.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_no_results_is_a_clear_error(tmp_path: Path):
    missing = run_grader("report", "hw01", "--results", str(tmp_path), cwd=REPO)
    assert missing.returncode == 1 and "no grading results in" in missing.stderr and "run `grader grade` first" in missing.stderr
