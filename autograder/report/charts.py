"""The report's charts: matplotlib figures, embedded in the HTML as base64 PNGs."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from .statistics import CourseworkStats

_COLOR = "#3b6ea5"
_HIDDEN = "#c2703d"


def score_histogram(stats: CourseworkStats) -> str:
    figure, axes = plt.subplots(figsize=(7, 3.2))
    bins = min(20, max(int(stats.max_score), 1))
    axes.hist(stats.totals, bins=bins, range=(0, stats.max_score), color=_COLOR, edgecolor="white")
    axes.set_xlabel(f"total score (out of {stats.max_score:g})")
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("Score distribution")
    return png_base64(figure)


def question_scores(stats: CourseworkStats) -> str:
    """Per question: the mean as a bar, every submission's score as a dot (share of the points)."""
    figure, axes = plt.subplots(figsize=(max(6, 0.6 * len(stats.questions) + 2), 3.4))
    positions = range(len(stats.questions))
    means = [q.mean / q.max_score if q.max_score else 0 for q in stats.questions]
    axes.bar(positions, means, color=_COLOR, alpha=0.35, label="mean")
    for x, question in zip(positions, stats.questions, strict=True):
        shares = [s / question.max_score if question.max_score else 0 for s in question.scores]
        jitter = [x + (i % 7 - 3) * 0.04 for i in range(len(shares))]
        axes.scatter(jitter, shares, s=10, color=_COLOR, zorder=3)
    axes.set_xticks(list(positions), [q.name for q in stats.questions])
    axes.set_ylim(-0.05, 1.05)
    axes.set_ylabel("share of the question's points")
    axes.set_title("Per question: mean (bar) and each submission (dot)")
    return png_base64(figure)


def test_pass_rates(stats: CourseworkStats, limit: int = 25) -> str:
    tests = stats.tests_by_failure()[:limit]
    figure, axes = plt.subplots(figsize=(7, 0.28 * len(tests) + 1.2))
    labels = [t.name + (" (hidden)" if t.hidden else "") for t in tests]
    axes.barh(range(len(tests)), [t.pass_rate * 100 for t in tests],
              color=[_HIDDEN if t.hidden else _COLOR for t in tests])
    axes.set_yticks(range(len(tests)), labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of submissions passing")
    axes.set_title(f"The {len(tests)} most failed tests (hidden in orange)")
    return png_base64(figure)


def png_base64(figure) -> str:
    """The figure as a base64 PNG, for a data: URI; closes it."""
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
