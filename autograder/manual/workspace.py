"""``grader manual``: a grading workspace of one page per manual question and a scores file.

Each page holds the prompt, the rubric from the master (for graders: this workspace
is never given to students), then every submission's answer in turn. With
``anonymous``, answers are shown under a stable pseudonym, in the pseudonyms' order;
names appear only in ``scores.csv``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from ..course import Assignment, Course
from ..errors import GraderError
from ..grade.outputs import write_atomically
from ..grade.scoring import natural_key
from ..grade.submissions import Submission, find_submissions
from . import render
from .answers import ANSWERED, ManualAnswer, read_answers
from .questions import ManualAssignment, ManualQuestion, load_manual_assignment
from .scores import pseudonyms, write_template

SCORES_NAME = "scores.csv"

_PAGE_CHECK = """
window.addEventListener("load", function () {
  var images = document.querySelectorAll("img");
  var shown = Array.prototype.filter.call(images, function (img) { return img.complete && img.naturalWidth > 0; });
  document.body.setAttribute("data-answers", String(document.querySelectorAll("section.answer").length));
  document.body.setAttribute("data-images-loaded", shown.length + "/" + images.length);
});
"""


@dataclass(frozen=True)
class Workspace:
    directory: Path
    pages: tuple[Path, ...]
    scores: Path
    submissions: int
    unanswered: int
    """Answers missing or still the placeholder, over all questions."""
    kept: int
    """Filled-in cells kept from an existing scores file."""


def write_workspace(course: Course, assignment: Assignment, paths: list[Path], output: Path,
                    anonymous: bool = False) -> Workspace:
    manual = load_manual_assignment(course, assignment)
    submissions = find_submissions(paths)
    if not submissions:
        raise GraderError("no .ipynb submissions found")
    names = pseudonyms([s.name for s in submissions], output) if anonymous else {s.name: s.name for s in submissions}
    ordered = sorted(submissions, key=lambda s: [names[s.name]] if anonymous else natural_key(s.name))
    answers = {s.name: read_answers(s.path, manual) for s in ordered}
    pages = []
    for question in manual.questions:
        path = output / f"{question.name}.html"
        write_atomically(path, question_page(manual, question, ordered, answers, names, anonymous))
        pages.append(path)
    write_atomically(output / "index.html", index_page(manual, ordered, answers, anonymous))
    kept = write_template(output / SCORES_NAME, manual, [(s.name, names[s.name] if anonymous else "") for s in ordered],
                          anonymous)
    unanswered = sum(a.status != ANSWERED for by_question in answers.values() for a in by_question.values())
    return Workspace(output, tuple(pages), output / SCORES_NAME, len(ordered), unanswered, kept)


def question_page(manual: ManualAssignment, question: ManualQuestion, submissions: list[Submission],
                  answers: dict[str, dict[str, ManualAnswer]], names: dict[str, str], anonymous: bool) -> str:
    e = html.escape
    body = [
        f"<h1>{e(manual.assignment.id)} {e(question.name)} <span class='muted'>({question.points:g} points, graded by hand)</span></h1>",
        f"<p class='muted'>{len(submissions)} submissions{', anonymised' if anonymous else ''}. "
        f"Enter scores in {SCORES_NAME}, column {e(question.name)}.</p>",
        f"<div class='prompt'>{render.markdown_html(question.prompt)}</div>",
        "<div class='rubric'><h2>Rubric and model answer (from the master; never shown to students)</h2>",
        render.markdown_html(question.rubric) if question.rubric.strip() else "<p class='muted'>The master has no rubric for "
        "this question (write it in the question's solution block).</p>",
        "</div>",
    ]
    for submission in submissions:
        answer = answers[submission.name][question.name]
        shown = names[submission.name]
        body.append(f"<section class='answer' id='{e(shown)}'><h3>{e(shown)} "
                    f"<span class='status {answer.status}'>{answer.status}</span></h3>")
        if answer.note:
            body.append(f"<p class='muted'>{e(answer.note)}</p>")
        body += [render.cell_html(cell) for cell in answer.cells]
        body.append("</section>")
    return render.page(f"{manual.assignment.id} {question.name}: manual grading", body, _PAGE_CHECK)


def index_page(manual: ManualAssignment, submissions: list[Submission], answers: dict[str, dict[str, ManualAnswer]],
               anonymous: bool) -> str:
    e = html.escape
    rows = []
    for question in manual.questions:
        statuses = [answers[s.name][question.name].status for s in submissions]
        rows.append(f"<tr><td><a href='{e(question.name)}.html'>{e(question.name)}</a></td><td>{question.points:g}</td>"
                    + "".join(f"<td>{statuses.count(kind)}</td>" for kind in ("answered", "placeholder", "missing")) + "</tr>")
    body = [
        f"<h1>{e(manual.assignment.id)}: manual grading</h1>",
        f"<p class='muted'>{len(submissions)} submissions{' (anonymised)' if anonymous else ''}. Fill in {SCORES_NAME} "
        f"(an empty cell is pending, not 0), then run <code>grader report {e(manual.assignment.id)} --manual "
        f"{SCORES_NAME}</code>.</p>",
        "<table><tr><th>question</th><th>points</th><th>answered</th><th>placeholder</th><th>missing</th></tr>",
        *rows,
        "</table>",
    ]
    return render.page(f"{manual.assignment.id}: manual grading", body)
