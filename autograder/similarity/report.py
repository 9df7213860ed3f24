"""``grader similarity``: find copied work across a course's submissions, and write it up for a person to review.

``similarity.csv`` ranks every pair that shares a substantial part of an answer;
``similarity.html`` (self-contained, inert like the manual-grading pages) shows the
ranking, a histogram of scores, groups of three or more, and the top pairs side by
side with the matched lines highlighted, question by question.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from pathlib import Path

from ..course import Assignment, Course
from ..errors import GraderError
from ..grade.outputs import write_atomically
from ..grade.submissions import find_submissions
from ..manual import render
from .compare import Document, PairScore, Settings, clusters, fingerprint, matched_lines, score_pairs
from .segments import OTHER, Segment, Template, load_template, read_cells, student_segments

CLUSTER_THRESHOLD = 0.5
SIDE_BY_SIDE = 25
"""How many of the top pairs the page shows side by side."""
CSV_LIMIT = 20_000

DISCLAIMER = ("Similarity is evidence for a person to review, not a verdict: students may share code for good "
              "reasons (the course's own examples, an allowed collaboration, the one obvious way to write a short "
              "function), and a copy can hide from any detector. Read the matched answers before drawing conclusions.")

_PAGE_CHECK = """
window.addEventListener("load", function () {
  document.body.setAttribute("data-pairs", String(document.querySelectorAll("section.pair").length));
  document.body.setAttribute("data-highlights", String(document.querySelectorAll("section.pair .hit").length));
});
"""
_STYLE = """
table.side { width: 100%; table-layout: fixed; } table.side td { vertical-align: top; width: 50%; }
pre.lines { font-size: 0.8rem; } .hit { background: #ffe08a; display: block; } .disclaimer { background: #fff3cd;
padding: 0.6rem 1rem; border-radius: 6px; } td.num { text-align: right; }
"""


@dataclass(frozen=True)
class SimilarityReport:
    html: Path
    csv: Path
    submissions: int
    sources: int
    pairs: list[PairScore]
    groups: list[list[str]]


def find_similarity(course: Course, assignment: Assignment, paths: list[Path], output: Path,
                    against: list[Path] | None = None, settings: Settings | None = None) -> SimilarityReport:
    settings = settings or Settings()
    template = load_template(course, assignment)
    submissions = find_submissions(paths)
    if len(submissions) < 2:
        raise GraderError(f"similarity needs at least 2 submissions, found {len(submissions)}")
    documents = [_document(s.name, s.path, template, settings) for s in submissions]
    sources = _sources(against or [], {s.path.resolve() for s in submissions}, template, settings)
    questions = [slot.name for slot in template.slots] + [OTHER]
    pairs = score_pairs(documents + sources, questions, settings, CSV_LIMIT)
    groups = clusters(pairs, CLUSTER_THRESHOLD)
    by_name = {d.name: d for d in documents + sources}
    csv_path, html_path = output / "similarity.csv", output / "similarity.html"
    write_atomically(csv_path, _csv(pairs, questions))
    write_atomically(html_path, _page(assignment, pairs, groups, by_name, questions, len(documents), len(sources), settings))
    return SimilarityReport(html_path, csv_path, len(documents), len(sources), pairs, groups)


def _sources(folders: list[Path], submitted: set[Path], template: Template, settings: Settings) -> list[Document]:
    """The --against notebooks, named ``<folder as given>/<name>``; a notebook that is also a submission is skipped."""
    sources: list[Document] = []
    seen: set[Path] = set()
    for folder in folders:
        if folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
        found = [s for s in find_submissions([folder]) if s.path.resolve() not in submitted]
        if not found:
            raise GraderError(f"{folder}: no .ipynb files to compare against (other than the submissions themselves)")
        sources += [_document(f"{folder.as_posix().rstrip('/')}/{s.name}", s.path, template, settings, source=True) for s in found]
    return sources


def _document(name: str, path: Path, template: Template, settings: Settings, source: bool = False) -> Document:
    return fingerprint(Document(name, student_segments(read_cells(path), template), source), settings)


def _csv(pairs: list[PairScore], questions: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "submission_a", "submission_b", "score", "overall", *questions])
    for rank, pair in enumerate(pairs[:CSV_LIMIT], start=1):
        writer.writerow([rank, _cell(pair.a), _cell(pair.b), f"{pair.score:.3f}", f"{pair.overall:.3f}",
                         *(f"{pair.by_question[q]:.3f}" if q in pair.by_question else "" for q in questions)])
    return buffer.getvalue()


def _cell(name: str) -> str:
    """A name a spreadsheet would run as a formula (``=cmd|...``) is quoted."""
    return "'" + name if name[:1] in ("=", "+", "-", "@", "\t", "\r") else name


def _page(assignment: Assignment, pairs: list[PairScore], groups: list[list[str]], documents: dict[str, Document],
          questions: list[str], students: int, sources: int, settings: Settings) -> str:
    e = html.escape
    body = [
        f"<h1>{e(assignment.id)}: similarity</h1>",
        f"<p class='muted'>{students} submissions" + (f", compared with {sources} earlier or public sources" if sources else "")
        + f"; {len(pairs)} pairs share a substantial part of an answer. Only what students wrote is compared: "
        "the release's own cells and stub lines are removed first.</p>",
        f"<p class='disclaimer'>{e(DISCLAIMER)}</p>",
        "<h2>Scores</h2>", _histogram(pairs),
    ]
    if groups:
        body += ["<h2>Groups of three or more</h2>", "<ul>",
                 *(f"<li>{e(', '.join(group))}</li>" for group in groups), "</ul>"]
    body += ["<h2>Pairs, most similar first</h2>",
             "<table><tr><th>#</th><th>submission</th><th>submission</th><th>score</th><th>overall</th>"
             "<th>questions (share)</th></tr>"]
    for rank, pair in enumerate(pairs[:500], start=1):
        detail = ", ".join(f"{q} {s:.0%}" for q, s in sorted(pair.by_question.items(), key=lambda item: -item[1]))
        link = f"<a href='#pair-{rank}'>{rank}</a>" if rank <= SIDE_BY_SIDE else str(rank)
        body.append(f"<tr><td>{link}</td><td>{e(pair.a)}</td><td>{e(pair.b)}</td><td class='num'>{pair.score:.2f}</td>"
                    f"<td class='num'>{pair.overall:.2f}</td><td>{e(detail)}</td></tr>")
    body.append("</table>")
    body.append("<h2>Top pairs, side by side</h2>")
    for rank, pair in enumerate(pairs[:SIDE_BY_SIDE], start=1):
        body.append(f"<section class='pair' id='pair-{rank}'><h3>{rank}. {e(pair.a)} and {e(pair.b)}: {pair.score:.2f}</h3>")
        for question in sorted(pair.by_question, key=lambda q: -pair.by_question[q]):
            first, second = documents[pair.a].segments[question], documents[pair.b].segments[question]
            marked = matched_lines(first, second, settings)
            body.append(f"<h4>{e(question)}: {pair.by_question[question]:.0%}</h4><table class='side'><tr>"
                        f"<td>{_lines(first, marked[0])}</td><td>{_lines(second, marked[1])}</td></tr></table>")
        body.append("</section>")
    return render.page(f"{assignment.id}: similarity", body, _PAGE_CHECK, _STYLE)


def _lines(segment: Segment, hits: set[tuple[str, int]]) -> str:
    parts = []
    for kind in ("code", "markdown"):
        lines = getattr(segment, kind)
        if lines:
            shown = "".join(f"<span class='hit'>{html.escape(line)}</span>" if (kind, i) in hits else f"{html.escape(line)}\n"
                            for i, line in enumerate(lines))
            parts.append(f"<pre class='lines'>{shown}</pre>")
    return "".join(parts)


def _histogram(pairs: list[PairScore]) -> str:
    import matplotlib.pyplot as plt

    from ..report.charts import png_base64

    figure, axes = plt.subplots(figsize=(7, 2.8))
    axes.hist([p.score for p in pairs], bins=20, range=(0, 1), color="#3b6ea5", edgecolor="white")
    axes.set_yscale("log" if len(pairs) > 50 else "linear")
    axes.set_xlabel("pair score (share of the smaller answer found in the other)")
    axes.set_ylabel("pairs")
    return f"<img alt='Histogram of pair scores' src='data:image/png;base64,{png_base64(figure)}'>"
