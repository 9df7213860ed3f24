"""Write one assignment's report files next to (or away from) its grading results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..grade.outputs import write_atomically
from .gradebook import gradebook_csv
from .html import report_html
from .statistics import compute_stats, load_results


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    gradebook: Path
    submissions: int


def write_report(results_dir: Path, output_dir: Path, title: str, lms: str = "generic") -> ReportFiles:
    stats = compute_stats(load_results(results_dir))
    html_path = output_dir / "report.html"
    gradebook_path = output_dir / ("gradebook-canvas.csv" if lms == "canvas" else "gradebook.csv")
    write_atomically(html_path, report_html(stats, title, results_dir / "feedback", html_path))
    write_atomically(gradebook_path, gradebook_csv(stats, title, lms))
    return ReportFiles(html_path, gradebook_path, len(stats.results))
