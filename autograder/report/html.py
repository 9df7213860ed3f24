"""``report.html``: one self-contained file (styles, charts as data URIs, no network)."""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path

from ..grade.outputs import feedback_path
from . import charts
from .statistics import CourseworkStats

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .muted { color: #666; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6rem 1rem; min-width: 8rem; }
.card b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.25rem 0.7rem; text-align: left; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
img.chart { max-width: 100%; border: 1px solid #eee; margin: 0.5rem 0; }
.hidden { color: #c2703d; } .manual { color: #3b6ea5; } .pending { color: #a05018; }
"""

_LOAD_CHECK = """
window.addEventListener("load", function () {
  var charts = document.querySelectorAll("img.chart");
  var loaded = Array.prototype.filter.call(charts, function (img) { return img.complete && img.naturalWidth > 0; });
  document.body.setAttribute("data-charts-loaded", loaded.length + "/" + charts.length);
});
"""


def report_html(stats: CourseworkStats, title: str, feedback_dir: Path, report_path: Path) -> str:
    """The page; links to each submission's feedback are relative to where the report is written."""
    e = html.escape
    totals = sorted(stats.totals)
    median = totals[len(totals) // 2] if totals else 0
    mean = sum(totals) / len(totals) if totals else 0
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(title)}: grading report</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p class='muted'>Grading report, {len(stats.results)} submissions, written "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>",
        "<div class='cards'>",
        _card("submissions", str(len(stats.results))),
        _card("graded", str(len(stats.graded))),
        _card("mean", f"{mean:.1f} / {stats.max_score:g}"),
        _card("median", f"{median:g} / {stats.max_score:g}"),
        _card("full marks", str(sum(t >= stats.max_score - 1e-9 for t in totals))),
        _card("with problems", str(len(stats.with_problems))),
        *([_card("manual grading pending", str(len(stats.pending)))] if stats.manual else []),
        "</div>",
        _manual_note(stats),
        "<h2>Scores</h2>",
        _chart(charts.score_histogram(stats), "Histogram of total scores"),
        "<h2>Questions</h2>",
        _chart(charts.question_scores(stats), "Mean and distribution of each question's score"),
        "<table><tr><th>question</th><th>points</th><th>mean</th><th>full marks</th>"
        + ("<th>pending</th>" if stats.manual else "") + "</tr>",
        *(f"<tr><td>{e(q.name)}{' <span class=manual>(graded by hand)</span>' if q.manual else ''}</td>"
          f"<td class='num'>{q.max_score:g}</td><td class='num'>{q.mean:.2f}</td>"
          f"<td class='num'>{q.full_marks} / {len(q.scores)}</td>"
          + (f"<td class='num'>{q.pending if q.manual else ''}</td>" if stats.manual else "") + "</tr>"
          for q in stats.questions),
        "</table>",
        "<h2>Tests, most failed first</h2>",
        _chart(charts.test_pass_rates(stats), "Pass rate of the most failed tests"),
        "<table><tr><th>test</th><th>points</th><th>passed</th><th>pass rate</th></tr>",
        *(f"<tr><td>{e(t.name)}{' <span class=hidden>(hidden)</span>' if t.hidden else ''}</td>"
          f"<td class='num'>{t.max_score:g}</td><td class='num'>{t.passed} / {t.total}</td>"
          f"<td class='num'>{t.pass_rate:.0%}</td></tr>" for t in stats.tests_by_failure()),
        "</table>",
        "<h2>Submissions with problems</h2>",
        _problems_table(stats, feedback_dir, report_path),
        "<h2>Slowest submissions</h2>",
        "<table><tr><th>submission</th><th>seconds</th><th>score</th></tr>",
        *(f"<tr><td>{_feedback_link(r.submission, feedback_dir, report_path)}</td>"
          f"<td class='num'>{r.timings.get('total', 0):.1f}</td><td class='num'>{r.score:g}</td></tr>"
          for r in stats.slowest()),
        "</table>",
        f"<script>{_LOAD_CHECK}</script></body></html>",
    ]
    return "\n".join(parts)


def _manual_note(stats: CourseworkStats) -> str:
    """Whether totals include the questions graded by hand, and who is still waiting for them."""
    if stats.manual is None:
        return ""
    names = ", ".join(q.name for q in stats.manual.manual.questions)
    note = (f"<p>Totals include the questions graded by hand ({html.escape(names)}); the mean, median and histogram "
            f"count the {len(stats.totals)} submissions with every question graded.</p>")
    if stats.pending:
        waiting = ", ".join(r.submission for r in stats.pending[:30]) + (" ..." if len(stats.pending) > 30 else "")
        note += f"<p class='pending'>Pending (a question graded by hand has no score yet): {html.escape(waiting)}</p>"
    return note


def _problems_table(stats: CourseworkStats, feedback_dir: Path, report_path: Path) -> str:
    rows = stats.with_problems
    if not rows:
        return "<p>None: every submission ran without timeouts, crashes, tampering or errors.</p>"
    lines = ["<table><tr><th>submission</th><th>score</th><th>what happened</th></tr>"]
    for result in rows:
        happened = [f"could not be graded: {result.error}"] if result.status != "graded" else []
        happened += [f"{p.kind}: {p.message}" + (f" ({p.detail})" if p.detail else "") for p in result.problems]
        items = "".join(f"<li>{html.escape(text)}</li>" for text in happened)
        lines.append(f"<tr><td>{_feedback_link(result.submission, feedback_dir, report_path)}</td>"
                     f"<td class='num'>{result.score:g}</td><td><ul>{items}</ul></td></tr>")
    return "\n".join(lines + ["</table>"])


def _feedback_link(submission: str, feedback_dir: Path, report_path: Path) -> str:
    target = feedback_path(feedback_dir.parent, submission)
    if not target.is_file():
        return html.escape(submission)
    href = os.path.relpath(target, report_path.parent)
    return f"<a href='{html.escape(href)}'>{html.escape(submission)}</a>"


def _card(label: str, value: str) -> str:
    return f"<div class='card'><b>{html.escape(value)}</b>{html.escape(label)}</div>"


def _chart(png_base64: str, alt: str) -> str:
    return f"<img class='chart' alt='{html.escape(alt)}' src='data:image/png;base64,{png_base64}'>"
