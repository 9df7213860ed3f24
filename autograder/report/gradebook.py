"""``gradebook.csv`` in a form an LMS imports: one row per student, the total, each question.

``canvas`` follows Canvas's gradebook import: the columns Student, ID, SIS User ID,
SIS Login ID, Section, then one column per assignment, and a "Points Possible" row.
Canvas matches rows by ID or SIS ids; grader only knows each submission's name (its
file name, usually the student's login), so it fills SIS Login ID with it.

A submission the grader failed on (status ``failed``) has no grade: its cells are left
blank, never 0, so an import leaves the LMS's grade alone (``grader report`` lists it).
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
            writer.writerow([result.submission, "", "", result.submission, "", _total(result)])
        return buffer.getvalue()
    writer.writerow(["student", "total", "max_score", *names])
    for result in stats.results:
        by_name = {q.name: q.score for q in result.questions}
        graded = result.status != "failed"
        writer.writerow([result.submission, _total(result), _number(result.max_score),
                         *(_number(by_name.get(name, 0.0)) if graded else "" for name in names)])
    return buffer.getvalue()


def _total(result: SubmissionResult) -> str:
    return "" if result.status == "failed" else _number(result.score)


def _number(value: float) -> str:
    return f"{value:g}"
