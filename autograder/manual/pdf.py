"""``grader pdf``: one PDF per submission with its manual answers, for a Gradescope PDF assignment.

Each manual question starts a new page headed by its name, then its prompt and the
student's answer (never the rubric). Printed by headless Chromium, the browser the
report's check already uses: it renders the same inert HTML as the grading pages
(images and tables included) with no LaTeX, and WeasyPrint would add system libraries
for no gain. nbconvert's PDF export needs a TeX installation, its web PDF a Chromium
downloaded at run time.
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..course import Assignment, Course
from ..errors import GraderError
from ..grade.submissions import Submission, find_submissions
from ..report.screenshot import find_browser, headless
from . import render
from .answers import ManualAnswer, read_answers
from .questions import ManualAssignment, load_manual_assignment

_PRINT_STYLE = """
@page { size: Letter; margin: 18mm; }
body { margin: 0; max-width: none; }
section.question + section.question { break-before: page; }
section.question h1 { margin-top: 0; }
.prompt { font-size: 0.9rem; }
"""


@dataclass(frozen=True)
class PrintedPdfs:
    directory: Path
    files: tuple[Path, ...]


def write_pdfs(course: Course, assignment: Assignment, paths: list[Path], output: Path,
               workers: int | None = None) -> PrintedPdfs:
    """Print every submission's PDF, ``workers`` browsers at once (default: one per CPU core)."""
    browser = find_browser()
    if browser is None:
        raise GraderError("no headless browser found to print the PDFs (apt-get install chromium)")
    manual = load_manual_assignment(course, assignment)
    submissions = find_submissions(paths)
    if not submissions:
        raise GraderError("no .ipynb submissions found")
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grader-pdf-") as scratch:

        def print_one(submission: Submission) -> Path:
            page = Path(scratch) / f"{submission.file_stem}.html"
            page.write_text(answers_document(manual, submission, read_answers(submission.path, manual)), encoding="utf-8")
            profile = Path(scratch) / f"profile-{submission.file_stem}"  # browsers running at once need a profile each
            return _print(browser, page, output / f"{submission.file_stem}.pdf", profile)

        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            written = list(pool.map(print_one, submissions))
    return PrintedPdfs(output, tuple(written))


def answers_document(manual: ManualAssignment, submission: Submission, answers: dict[str, ManualAnswer]) -> str:
    e = html.escape
    body = []
    for question in manual.questions:
        answer = answers[question.name]
        body += [f"<section class='question'><h1>{e(question.name)}</h1>",
                 f"<div class='prompt'>{render.markdown_html(question.prompt)}</div>"]
        body += [render.cell_html(cell) for cell in answer.cells] or [f"<p class='muted'>(no answer: {e(answer.note)})</p>"]
        body.append("</section>")
    return render.page(f"{manual.assignment.id}: {submission.name}", body, extra_style=_PRINT_STYLE)


def _print(browser: str, page: Path, target: Path, profile: Path) -> Path:
    partial = target.with_name(target.name + ".partial")
    process = headless(browser, f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={partial}",
                       page.resolve().as_uri())
    shutil.rmtree(profile, ignore_errors=True)
    if process.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        detail = (process.stderr.strip().splitlines() or ["no message"])[-1]
        raise GraderError(f"the browser could not print {target.name}: {detail}")
    partial.replace(target)
    return target
