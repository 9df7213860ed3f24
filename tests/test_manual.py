"""Manual grading: the TAs' workspace, the scores file, merging it into reports, and the PDFs for Gradescope."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from helpers import REPO, run_grader

from autograder.course import load_course
from autograder.grade.outputs import write_submission_files
from autograder.grade.results import QuestionResult, SubmissionResult
from autograder.manual.answers import MISSING, PLACEHOLDER, find_answer
from autograder.manual.questions import load_manual_assignment
from autograder.report.screenshot import find_browser, headless

ASSIGNMENTS = ("hw01", "lab02", "hw03", "hw04", "hw05")
SAMPLES = REPO / "tests" / "submissions"
COURSE = load_course(REPO)


def words(text: str) -> str:
    """Text as a reader sees it: no tags, entities or Markdown punctuation, whitespace collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"(\w)-\s+(\w)", r"\1-\2", text)  # a hyphenated word broken at the end of a printed line
    return " ".join(re.sub(r"[*_`#$>|\\]", " ", text).split())


def sample_answers(assignment: str) -> dict[str, dict[str, str]]:
    """Each sample's answer cells per manual question, read with plain nbformat (not the code under test)."""
    questions = [q.name for q in load_manual_assignment(COURSE, COURSE.assignment(assignment)).questions]
    found = {}
    for path in sorted((SAMPLES / assignment).glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        starts = [i for i, c in enumerate(cells) if "<!-- BEGIN QUESTION -->" in c.source]
        answers = {}
        for name, start in zip(questions, starts, strict=True):
            end = next(i for i in range(start + 1, len(cells)) if "<!-- END QUESTION -->" in cells[i].source)
            answers[name] = "\n\n".join(c.source for c in cells[start + 1:end])
        found[path.stem] = answers
    return found


def answer_section(page: str, shown: str) -> tuple[str, str]:
    """One submission's answer on a question page: its status, and its words."""
    start = page.index(f"<section class='answer' id='{shown}'>")
    section = page[start:page.index("</section>", start)]
    return re.search(r"<span class='status (\w+)'>", section).group(1), words(section)


def rubric_sentence(assignment: str, question: str) -> str:
    """The rubric paragraph of the master's solution: what no student file may hold."""
    rubric = load_manual_assignment(COURSE, COURSE.assignment(assignment)).question(question).rubric
    paragraph = next(p for p in rubric.split("\n\n") if "Rubric" in p)
    return words(paragraph)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_sample_answer_is_on_its_question_page_with_the_rubric(assignment: str, tmp_path: Path):
    made = run_grader("manual", assignment, str(SAMPLES / assignment), "--output", str(tmp_path / "ws"), cwd=REPO)
    assert made.returncode == 0, made.stderr
    answers = sample_answers(assignment)
    for question in next(iter(answers.values())):
        page = (tmp_path / "ws" / f"{question}.html").read_text()
        text = words(page)
        assert rubric_sentence(assignment, question) in text
        for sample, by_question in answers.items():
            status, section = answer_section(page, sample)
            if sample == "unmodified_release":
                assert status == "placeholder"
            else:
                assert words(by_question[question]) in section, (sample, question)
                assert status == "answered"
    rows = list(csv.reader((tmp_path / "ws" / "scores.csv").open()))
    names = [q.name for q in load_manual_assignment(COURSE, COURSE.assignment(assignment)).questions]
    assert rows[0] == ["submission"] + [column for name in names for column in (name, f"{name}_comment")]
    assert rows[1][0] == "(maximum)" and sorted(r[0] for r in rows[2:]) == sorted(answers)
    for path in (REPO / "assignments" / assignment).rglob("*"):  # the release holds no rubric either
        if path.is_file() and path.suffix in (".ipynb", ".py", ".json", ".md"):
            assert rubric_sentence(assignment, names[0]) not in words(path.read_text(errors="replace"))


def graded_batch(assignment: str, directory: Path) -> dict[str, float]:
    """Results as `grader grade` leaves them for the samples (made up: the merge is under test, not the grading)."""
    release = json.loads((REPO / "assignments" / assignment / "release.json").read_text())
    maximum = sum(q["points"] for q in release["questions"].values())
    scores = {}
    for number, sample in enumerate(sorted(sample_answers(assignment))):
        score = maximum - number
        questions = [QuestionResult(name, 0.0, q["points"], []) for name, q in release["questions"].items()]
        write_submission_files(directory, sample, SubmissionResult(sample, f"{sample}.ipynb", "graded", score, maximum, questions))
        scores[sample] = score
    return scores


def fill(scores_csv: Path, marks: dict[str, dict[str, str]], comments: dict[str, str] | None = None) -> None:
    rows = list(csv.reader(scores_csv.open()))
    header = rows[0]
    for row in rows[2:]:
        for question, value in marks.get(row[0], {}).items():
            row[header.index(question)] = value
            row[header.index(question + "_comment")] = (comments or {}).get(row[0], "")
    with scores_csv.open("w", newline="") as out:
        csv.writer(out).writerows(rows)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_filled_scores_merge_into_the_report_and_gradebooks(assignment: str, tmp_path: Path):
    autograded = graded_batch(assignment, tmp_path / "graded")
    assert run_grader("manual", assignment, str(SAMPLES / assignment), "--output", str(tmp_path / "ws"), cwd=REPO).returncode == 0
    manual = load_manual_assignment(COURSE, COURSE.assignment(assignment))
    samples = sorted(autograded)
    pending_one = samples[-1]
    marks = {s: {q.name: f"{q.points * (i % 2 + 1) / 2:g}" for q in manual.questions} for i, s in enumerate(samples)}
    marks[pending_one].pop(manual.questions[-1].name)  # not graded yet
    fill(tmp_path / "ws" / "scores.csv", marks, {samples[0]: "Clear and quotes the numbers."})
    out = tmp_path / "out"
    for lms in ("generic", "canvas"):
        merged = run_grader("report", assignment, "--results", str(tmp_path / "graded"), "--output", str(out),
                            "--manual", str(tmp_path / "ws" / "scores.csv"), "--lms", lms, cwd=REPO)
        assert merged.returncode == 0, merged.stderr
        assert "submissions with a question pending: 1 (their totals stay blank)" in merged.stdout

    expected = {s: autograded[s] + sum(float(v) for v in marks[s].values()) for s in samples if s != pending_one}
    full = max(autograded.values()) + manual.max_points
    rows = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    for sample in samples:
        row = rows[sample]
        assert float(row["max_score"]) == full
        if sample == pending_one:
            assert row["total"] == "" and row[manual.questions[-1].name] == "pending"
        else:
            assert float(row["total"]) == expected[sample]
            assert all(float(row[q]) == float(v) for q, v in marks[sample].items())
    canvas = list(csv.reader((out / "gradebook-canvas.csv").open()))
    assert canvas[1][5] == f"{full:g}"
    canvas_totals = {r[0]: r[5] for r in canvas[2:]}
    assert canvas_totals[pending_one] == ""
    assert all(float(canvas_totals[s]) == expected[s] for s in expected)

    report = (out / "report.html").read_text()
    assert "graded by hand" in report and f"Pending (a question graded by hand has no score yet): {pending_one}" in report
    assert f"{full:g}" in report
    feedback = (out / "feedback" / f"{samples[0]}.md").read_text()  # beside the report (in place by default)
    assert "## Graded by hand" in feedback and "Clear and quotes the numbers." in feedback
    assert f"**Score: {expected[samples[0]]:g} / {full:g}**" in feedback
    assert "pending (not graded yet)" in (out / "feedback" / f"{pending_one}.md").read_text()
    for path in (out / "feedback").glob("*.md"):
        assert all(rubric_sentence(assignment, q.name) not in words(path.read_text()) for q in manual.questions)


def test_a_bad_scores_file_is_refused_line_by_line_and_nothing_is_merged(tmp_path: Path):
    graded_batch("hw01", tmp_path / "graded")
    before = {p.name: p.read_text() for p in (tmp_path / "graded" / "feedback").glob("*.md")}
    bad = tmp_path / "scores.csv"
    bad.write_text("submission,q12,q12_comment,q14,q14_comment\n"
                   "(maximum),4,,2,\n"
                   "correct,three,,2,\n"
                   "nobody,1,,1,\n"
                   "overflowing_sigmoid,-1,,2.5,\n"
                   "correct,1,,1,\n"
                   "unclipped_log,inf,,1,\n")
    refused = run_grader("report", "hw01", "--results", str(tmp_path / "graded"), "--output", str(tmp_path / "out"),
                         "--manual", str(bad), cwd=REPO)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    lines = refused.stderr.splitlines()
    assert lines[0] == f"error: {bad}: 7 problems, nothing merged:"
    for fragment in ("line 2: the maximum of q12 is 3", "line 3 (correct): q12 = 'three' is not a number",
                     "line 4: unknown submission 'nobody'", "line 5 (overflowing_sigmoid): q12 = -1 is negative",
                     "line 5 (overflowing_sigmoid): q14 = 2.5 is above its maximum 2",
                     "line 6: 'correct' appears again (first on line 3)", "line 7 (unclipped_log): q12 = 'inf' is not a number"):
        assert sum(fragment in line for line in lines[1:]) == 1, (fragment, lines)
    assert len(lines) == 8
    assert not (tmp_path / "out").exists()
    assert before == {p.name: p.read_text() for p in (tmp_path / "graded" / "feedback").glob("*.md")}

    bad.write_text("submission,q12,q12_comment,q99\ncorrect,1,,1\n")
    header = run_grader("report", "hw01", "--results", str(tmp_path / "graded"), "--manual", str(bad), cwd=REPO)
    assert "column 'q99' is not a manual question of hw01 (q12, q14)" in header.stderr
    assert "no column 'q14'" in header.stderr and header.returncode == 1


@pytest.mark.slow
def test_anonymous_pages_show_stable_pseudonyms_and_rerunning_keeps_the_scores(tmp_path: Path):
    students = tmp_path / "submissions"
    students.mkdir()
    for sample, name in (("correct", "doejohn_1234"), ("unmodified_release", "roesmary_5678"), ("gradient_sign_error", "kentclark_42")):
        shutil.copy(SAMPLES / "hw01" / f"{sample}.ipynb", students / f"{name}.ipynb")
    workspace = tmp_path / "ws"
    assert run_grader("manual", "hw01", str(students), "--output", str(workspace), "--anonymous", cwd=REPO).returncode == 0
    rows = list(csv.DictReader((workspace / "scores.csv").open()))
    pseudonyms = {r["submission"]: r["pseudonym"] for r in rows if r["submission"] != "(maximum)"}
    assert set(pseudonyms) == {"doejohn_1234", "roesmary_5678", "kentclark_42"}
    assert all(re.fullmatch(r"student-[0-9a-f]{8}", p) for p in pseudonyms.values())
    assert [r["submission"] for r in rows[1:]] == sorted(pseudonyms, key=pseudonyms.get)  # listed in pseudonym order
    for page in workspace.glob("*.html"):
        text = page.read_text()
        assert not any(name in text for name in pseudonyms)
        if page.name != "index.html":
            assert all(p in text for p in pseudonyms.values())
    fill(workspace / "scores.csv", {"doejohn_1234": {"q12": "2.5"}}, {"doejohn_1234": "Good, but no numbers."})
    shutil.copy(SAMPLES / "hw01" / "unclipped_log.ipynb", students / "lanelois_7.ipynb")
    again = run_grader("manual", "hw01", str(students), "--output", str(workspace), "--anonymous", cwd=REPO)
    assert again.returncode == 0 and "entered scores and comments kept" in again.stdout
    rows = list(csv.DictReader((workspace / "scores.csv").open()))
    by_name = {r["submission"]: r for r in rows}
    assert by_name["doejohn_1234"]["q12"] == "2.5" and by_name["doejohn_1234"]["q12_comment"] == "Good, but no numbers."
    assert {n: r["pseudonym"] for n, r in by_name.items() if n in pseudonyms} == pseudonyms  # stable
    assert "lanelois_7" in by_name


def test_answers_are_found_however_the_student_left_the_notebook():
    manual = load_manual_assignment(COURSE, COURSE.assignment("hw01"))
    q12 = manual.question("q12")
    base = nbformat.read(SAMPLES / "hw01" / "correct.ipynb", as_version=4)
    start = next(i for i, c in enumerate(base.cells) if "<!-- BEGIN QUESTION -->" in c.source)

    extended = nbformat.from_dict(base)  # extra cells: a plot and a second paragraph
    figure = nbformat.v4.new_code_cell("plt.plot([1, 2])", outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==",
                              "text/plain": "<Figure>"})])
    extended.cells[start + 2:start + 2] = [figure, nbformat.v4.new_markdown_cell("And a second thought.")]
    answer = find_answer(extended.cells, q12, manual.stops)
    assert answer.status == "answered" and len(answer.cells) == 3
    assert answer.cells[2].source == "And a second thought."

    gone = nbformat.from_dict(base)  # the answer cell deleted
    del gone.cells[start + 1]
    assert find_answer(gone.cells, q12, manual.stops).status == MISSING

    no_prompt = nbformat.from_dict(base)  # the prompt deleted too
    del no_prompt.cells[start]
    missing = find_answer(no_prompt.cells, q12, manual.stops)
    assert missing.status == MISSING and "prompt is not in this notebook" in missing.note

    in_prompt = nbformat.from_dict(base)  # written into the prompt cell, placeholder left below
    in_prompt.cells[start].source += "\n\nMy answer: the classes overlap."
    in_prompt.cells[start + 1].source = "_Type your answer here, replacing this text._"
    edited = find_answer(in_prompt.cells, q12, manual.stops)
    assert edited.status == "answered" and "prompt cell was edited" in edited.note
    assert "the classes overlap" in edited.cells[0].source

    blank = nbformat.from_dict(base)
    blank.cells[start + 1].source = "_Type your answer here, replacing this text._"
    assert find_answer(blank.cells, q12, manual.stops).status == PLACEHOLDER


def test_a_broken_notebook_is_listed_with_its_answers_missing(tmp_path: Path):
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "broken.ipynb").write_text("{not json")
    shutil.copy(SAMPLES / "hw01" / "correct.ipynb", folder / "fine.ipynb")
    made = run_grader("manual", "hw01", str(folder), "--output", str(tmp_path / "ws"), cwd=REPO)
    assert made.returncode == 0, made.stderr
    page = (tmp_path / "ws" / "q12.html").read_text()
    status, section = answer_section(page, "broken")
    assert status == "missing" and "the notebook could not be read" in section
    assert "2 answers are missing" in made.stdout


HOSTILE = ("<script>document.body.setAttribute('data-pwned', '1')</script>\n\n"
           "<img src=x onerror=\"document.body.setAttribute('data-pwned', '2')\">\n\n"
           "[click](javascript:document.body.setAttribute('data-pwned','3')) ![tracker](http://127.0.0.1:9/pixel.png)")


def hostile_submission(directory: Path) -> Path:
    notebook = nbformat.read(SAMPLES / "hw01" / "correct.ipynb", as_version=4)
    start = next(i for i, c in enumerate(notebook.cells) if "<!-- BEGIN QUESTION -->" in c.source)
    notebook.cells[start + 1].source = HOSTILE
    notebook.cells.insert(start + 2, nbformat.v4.new_code_cell("display(HTML(...))", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": "<script>document.body.setAttribute('data-pwned', '4')</script>",
                              "text/plain": "<IPython.core.display.HTML object>"})]))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "mallory.ipynb"
    nbformat.write(notebook, path)
    return path


def test_what_students_wrote_is_shown_as_text_never_run(tmp_path: Path):
    hostile_submission(tmp_path / "subs")
    assert run_grader("manual", "hw01", str(tmp_path / "subs"), "--output", str(tmp_path / "ws"), cwd=REPO).returncode == 0
    page = (tmp_path / "ws" / "q12.html").read_text()
    assert page.count("<script") == 1  # the page's own load check only
    assert "onerror=" not in page.replace("onerror=&quot;", "") and "javascript:" not in page
    assert "&lt;script&gt;document.body.setAttribute" in page  # shown as text
    assert "Content-Security-Policy" in page and "default-src 'none'" in html.unescape(page)


def require_tool(name: str) -> str:
    path = shutil.which(name) or (find_browser() if name == "chromium" else None)
    if path is None:
        pytest.fail(f"{name} is not installed: `make test` installs it as root (tools/install-system-packages.sh)")
    return path


@pytest.mark.slow
def test_question_pages_and_the_merged_report_in_a_real_browser(tmp_path: Path):
    browser = require_tool("chromium")
    hostile_submission(tmp_path / "subs")
    for sample in ("correct", "unmodified_release"):
        shutil.copy(SAMPLES / "hw01" / f"{sample}.ipynb", tmp_path / "subs" / f"{sample}.ipynb")
    assert run_grader("manual", "hw01", str(tmp_path / "subs"), "--output", str(tmp_path / "ws"), cwd=REPO).returncode == 0
    for question in ("q12", "q14"):
        dom = headless(browser, "--enable-logging=stderr", "--v=0", "--dump-dom", (tmp_path / "ws" / f"{question}.html").as_uri())
        assert 'data-answers="3"' in dom.stdout  # the page's own script ran, and found every answer
        body = re.search(r"<body[^>]*>", dom.stdout).group(0)
        assert "data-answers" in body and "data-pwned" not in body  # nothing the student wrote ran
        assert not re.search(r"CONSOLE.*Uncaught", dom.stderr), dom.stderr
    q12 = headless(browser, "--dump-dom", (tmp_path / "ws" / "q12.html").as_uri()).stdout
    assert 'data-images-loaded="0/2"' not in q12  # the student's own image shows; the tracker does not load

    graded_batch("hw01", tmp_path / "graded")
    fill(tmp_path / "ws" / "scores.csv", {})
    scores = tmp_path / "scores.csv"
    scores.write_text("submission,q12,q12_comment,q14,q14_comment\ncorrect,3,,2,\n")
    merged = run_grader("report", "hw01", "--results", str(tmp_path / "graded"), "--manual", str(scores), cwd=REPO)
    assert merged.returncode == 0, merged.stderr
    dom = headless(browser, "--enable-logging=stderr", "--v=0", "--dump-dom", (tmp_path / "graded" / "report.html").as_uri())
    assert 'data-charts-loaded="3/3"' in dom.stdout and "graded by hand" in dom.stdout
    assert not re.search(r"CONSOLE.*(Uncaught|Error)", dom.stderr), dom.stderr


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_pdfs_start_each_question_on_a_page_of_its_own(assignment: str, tmp_path: Path):
    require_tool("chromium")
    printed = run_grader("pdf", assignment, str(SAMPLES / assignment), "--output", str(tmp_path / "pdf"), cwd=REPO)
    assert printed.returncode == 0, printed.stderr
    answers = sample_answers(assignment)
    for sample, by_question in answers.items():
        pages = pdf_pages(tmp_path / "pdf" / f"{sample}.pdf")
        starts = [page.split()[0] for page in pages if page.strip() and page.split()[0] in by_question]
        assert starts == list(by_question), (sample, starts)  # each question heads a page, in order
        document = words("\n".join(pages))
        for question, answer in by_question.items():
            assert words(answer) in document, (sample, question)
            assert rubric_sentence(assignment, question) not in document


def test_an_answer_ends_only_where_the_release_locks_a_cell():
    """A prompt over several cells, and an answer holding a copy of an unlocked release cell (an import, a plot)."""
    from autograder.manual.questions import ManualQuestion

    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    question = ManualQuestion("q3", 2.0, "Look at the plot.\n\nWhy does it bend?", "Rubric.", "Why does it bend?",
                              ("Type your answer here, replacing this text.",))
    stops = frozenset({"Look at the plot.", "Why does it bend?", "## Next part", 'grader.check("q4")'})
    cells = [md("<!-- BEGIN QUESTION -->\n\nLook at the plot."), md("Why does it bend?"),
             md("Part one."), code("import numpy as np"), md("Part two."),
             md("<!-- END QUESTION -->\n\n## Next part"), md("Not the answer.")]
    answer = find_answer(cells, question, stops)
    assert answer.status == "answered" and [c.source for c in answer.cells] == ["Part one.", "import numpy as np", "Part two."]
    del cells[5]  # the END marker cell deleted: the answer still stops at the next locked cell
    cells.insert(5, code('grader.check("q4")'))
    assert [c.source for c in find_answer(cells, question, stops).cells] == ["Part one.", "import numpy as np", "Part two."]


@pytest.mark.parametrize("text", ['{"cells": null, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
                                  '{"cells": [1], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
                                  '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": "5"}'])
def test_malformed_notebooks_are_missing_answers_not_a_crash(text: str, tmp_path: Path):
    from autograder.manual.answers import read_answers

    manual = load_manual_assignment(COURSE, COURSE.assignment("hw01"))
    path = tmp_path / "doe'john<b>_12345_hw01.ipynb"
    path.write_text(text)
    answers = read_answers(path, manual)
    assert {a.status for a in answers.values()} == {MISSING}
    assert all(a.note and "doe" not in a.note for a in answers.values())  # no name: may be anonymised


def test_rerunning_the_workspace_carries_every_entered_cell_or_stops(tmp_path: Path):
    folder = tmp_path / "subs"
    folder.mkdir()
    for sample in ("correct", "unclipped_log"):
        shutil.copy(SAMPLES / "hw01" / f"{sample}.ipynb", folder / f"{sample}.ipynb")
    workspace = tmp_path / "ws"
    assert run_grader("manual", "hw01", str(folder), "--output", str(workspace), cwd=REPO).returncode == 0
    scores = workspace / "scores.csv"
    # as a spreadsheet saves it: spaces around names and headers, empty trailing columns, a BOM, CRLF
    scores.write_text("\ufeffsubmission , q12,q12_comment ,q14,q14_comment,,\r\n(maximum),3,,2,,,\r\n"
                      'correct ,2.5,"Good, ""mostly"".",2,,,\r\nunclipped_log,,,1,,,\r\n', encoding="utf-8")
    again = run_grader("manual", "hw01", str(folder), "--output", str(workspace), cwd=REPO)
    assert again.returncode == 0, again.stderr
    assert "(4 entered scores and comments kept)" in again.stdout
    rows = {r["submission"]: r for r in csv.DictReader(scores.open())}
    assert rows["correct"]["q12"] == "2.5" and rows["correct"]["q12_comment"] == 'Good, "mostly".'
    assert rows["unclipped_log"]["q14"] == "1" and (workspace / "scores.csv.previous").is_file()

    scores.write_text("submission,q12,q12_comment,q14,q14_comment,grader\n(maximum),3,,2,,\ncorrect,2.5,,2,,TA Kim\n")
    kept = scores.read_text()
    refused = run_grader("manual", "hw01", str(folder), "--output", str(workspace), cwd=REPO)
    assert refused.returncode == 1 and "column 'grader' has no place in the new scores file" in refused.stderr
    assert scores.read_text() == kept  # untouched


def test_scores_file_quirks_are_refused_not_misread(tmp_path: Path):
    graded_batch("hw01", tmp_path / "graded")
    scores = tmp_path / "scores.csv"
    scores.write_text('submission,q12,q12_comment,q14,q14_comment\ncorrect,1,"unclosed quote,2,\nunclipped_log,1_0,,1,\n')
    quote = run_grader("report", "hw01", "--results", str(tmp_path / "graded"), "--manual", str(scores), cwd=REPO)
    assert quote.returncode == 1 and "not a readable CSV file" in quote.stderr and "Traceback" not in quote.stderr
    scores.write_text("submission,q12,q12_comment,q14,q14_comment\nunclipped_log,1_0,,1,\n")
    underscore = run_grader("report", "hw01", "--results", str(tmp_path / "graded"), "--manual", str(scores), cwd=REPO)
    assert "q12 = '1_0' is not a number" in underscore.stderr


def test_an_unreadable_submission_gets_its_manual_marks_in_its_feedback(tmp_path: Path):
    from autograder.grade.outputs import feedback_markdown
    from autograder.grade.results import ManualMark

    broken = SubmissionResult("dee", "dee.ipynb", "error", 0.0, 32.0, error="not valid JSON (line 1)")
    text = feedback_markdown(broken, [ManualMark("q12", 3.0, 1.0, "Answered on paper."), ManualMark("q14", 2.0, 0.0)])
    assert "could not be graded" in text and "Score: 1 / 37" in text and "Answered on paper." in text
