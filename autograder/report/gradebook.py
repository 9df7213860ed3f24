"""``gradebook.csv`` in a form an LMS imports: one row per student, the total, each question.

``canvas`` follows Canvas's gradebook import: the columns Student, ID, SIS User ID,
SIS Login ID, Section, then one column per assignment, and a "Points Possible" row.
Canvas matches rows by ID or SIS ids; grader only knows each submission's name (its
file name, usually the student's login), so it fills SIS Login ID with it.
"""

from __future__ import annotations

import csv
import io

from ..errors import GraderError
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
            writer.writerow([result.submission, "", "", result.submission, "", _number(result.score)])
        return buffer.getvalue()
    writer.writerow(["student", "total", "max_score", *names])
    for result in stats.results:
        by_name = {q.name: q.score for q in result.questions}
        writer.writerow([result.submission, _number(result.score), _number(result.max_score),
                         *(_number(by_name.get(name, 0.0)) for name in names)])
    return buffer.getvalue()


def _number(value: float) -> str:
    return f"{value:g}"
