"""``gradebook.csv`` in a form an LMS imports: one row per student, the total, each question.

``canvas`` follows Canvas's gradebook import: the columns Student, ID, SIS User ID,
SIS Login ID, Section, then one column per assignment, and a "Points Possible" row.
Canvas matches rows by ID or SIS ids; grader only knows each submission's name (its
file name, usually the student's login), so it fills SIS Login ID with it.

A submission the grader failed on (status ``failed``) has no grade: its cells are left
blank, never 0, so an import leaves the LMS's grade alone (``grader report`` lists it).
With manual scores merged, a question not graded yet reads ``pending`` and the total
stays blank until every question of the submission is graded: a partial total would
import as a grade.
"""

from __future__ import annotations

import csv
import io

from ..errors import GraderError
from ..grade.results import SubmissionResult
from .lms import LMS_PRESETS
from .statistics import CourseworkStats


def gradebook_csv(stats: CourseworkStats, assignment_title: str, lms: str = "generic") -> str:
    if lms not in LMS_PRESETS:
        raise GraderError(f"unknown gradebook layout {lms!r} (choose from {', '.join(LMS_PRESETS)})")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [q.name for q in stats.questions]
    if lms == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment_title])
        writer.writerow(["Points Possible", "", "", "", "", _number(stats.max_score)])
        for result in stats.results:
            writer.writerow([result.submission, "", "", result.submission, "", _total(stats, result)])
        return buffer.getvalue()
    writer.writerow(["student", "total", "max_score", *names])
    for result in stats.results:
        writer.writerow([result.submission, _total(stats, result), _number(_max_score(stats, result)),
                         *_question_cells(stats, result, names)])
    return buffer.getvalue()


def _question_cells(stats: CourseworkStats, result: SubmissionResult, names: list[str]) -> list[str]:
    if result.status == "failed":
        return [""] * len(names)
    by_name = {q.name: _number(q.score) for q in result.questions}
    if stats.manual is not None:
        by_name |= {m.question: "pending" if m.score is None else _number(m.score) for m in stats.manual.marks(result.submission)}
    return [by_name.get(name, "0") for name in names]


def _max_score(stats: CourseworkStats, result: SubmissionResult) -> float:
    return result.max_score + (stats.manual.manual.max_points if stats.manual else 0.0)


def _total(stats: CourseworkStats, result: SubmissionResult) -> str:
    total = stats.total(result)
    return "" if total is None else _number(total)


def _number(value: float) -> str:
    return f"{value:g}"
