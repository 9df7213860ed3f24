"""Write one assignment's report files next to (or away from) its grading results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..grade.outputs import feedback_markdown, feedback_path, write_atomically
from ..manual.scores import ManualScores
from .gradebook import gradebook_csv
from .html import report_html
from .statistics import compute_stats, load_results


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    gradebook: Path
    submissions: int
    pending: int = 0
    """Submissions with a manual question not graded yet (no total in the gradebook)."""


def write_report(results_dir: Path, output_dir: Path, title: str, lms: str = "generic",
                 manual: ManualScores | None = None) -> ReportFiles:
    """``manual``: the TAs' scores (already checked against the results), merged into totals and feedback."""
    stats = compute_stats(load_results(results_dir), manual)
    html_path = output_dir / "report.html"
    gradebook_path = output_dir / ("gradebook-canvas.csv" if lms == "canvas" else "gradebook.csv")
    # With manual marks, each student's feedback is rewritten with them beside the report (in place, by default).
    feedback_dir = (output_dir if manual is not None else results_dir) / "feedback"
    if manual is not None:
        for result in stats.results:
            write_atomically(feedback_path(output_dir, result.submission), feedback_markdown(result, manual.marks(result.submission)))
    write_atomically(html_path, report_html(stats, title, feedback_dir, html_path))
    write_atomically(gradebook_path, gradebook_csv(stats, title, lms))
    return ReportFiles(html_path, gradebook_path, len(stats.results), len(stats.pending))
