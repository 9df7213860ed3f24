"""An assignment's manual questions: prompt and rubric from the master, placeholders from the release.

The master is the source of truth for the prompt, the points and the rubric (the
question's solution block: a model answer and the rubric paragraph, never released).
The student release says what a submission holds before the student writes anything:
its prompt cell (found again in each submission) and the answer cell's placeholder text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..course import Assignment, Course
from ..errors import GraderError
from ..notebooks import cell_source, read_notebook
from ..release.markers import scan_questions

ANSWER_TAG = "otter_answer_cell"
"""The tag otter assign puts on a question's answer cells in the release."""
_OTTER_COMMENT = re.compile(r"<!--\s*(BEGIN|END) QUESTION\s*-->")


@dataclass(frozen=True)
class ManualQuestion:
    name: str
    points: float
    prompt: str
    """The prompt as Markdown, from the master."""
    rubric: str
    """The master's solution block as Markdown (model answer and rubric): for graders only."""
    anchor: str
    """The prompt's last cell, normalised: the answer starts after the submission's copy of it."""
    placeholders: tuple[str, ...]
    """The release's answer-cell sources, normalised: an answer equal to one of these is not written yet."""


@dataclass(frozen=True)
class ManualAssignment:
    """What finding and grading the manual answers needs to know about one assignment."""

    assignment: Assignment
    questions: tuple[ManualQuestion, ...]
    stops: frozenset[str]
    """The release's locked cells (prompts, ``grader.check`` cells, section text after a question), normalised:
    an answer ends at the first of them, so a student's cell that copies an unlocked release cell does not cut it."""

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, name: str) -> ManualQuestion:
        return next(q for q in self.questions if q.name == name)


@lru_cache(maxsize=1 << 16)  # release cells recur in every submission
def normalized(text: str) -> str:
    """A cell's text without otter's question comments, with whitespace collapsed: what comparisons use."""
    return " ".join(_OTTER_COMMENT.sub(" ", text).split())


def manual_points(assignment: Assignment) -> dict[str, float]:
    """The manual questions' names and points, from the master alone (what students may know of them)."""
    master = read_notebook(assignment.master)
    return {q.name: q.points or 0.0 for q in scan_questions(master, str(assignment.master)) if q.manual}


def load_manual_assignment(course: Course, assignment: Assignment) -> ManualAssignment:
    master = read_notebook(assignment.master, label=course.relative(assignment.master))
    release_file = release_path(course, assignment)
    release = read_release(course, assignment)
    questions = [q for q in scan_questions(master, course.relative(assignment.master)) if q.manual]
    if not questions:
        raise GraderError(f"{assignment.id} has no manual questions (mark one with 'manual: true' in its master)")
    found = []
    for question in questions:
        if question.points is None:
            raise GraderError(f"{course.relative(assignment.master)}: manual question {question.name} has no 'points'")
        prompt_cells, rubric = _prompt_and_rubric(master, question.cells)
        if not prompt_cells:
            raise GraderError(f"{course.relative(assignment.master)}: manual question {question.name} has no prompt "
                              "(a Markdown cell before its '# BEGIN SOLUTION')")
        anchor = normalized(prompt_cells[-1])
        found.append(ManualQuestion(question.name, question.points, "\n\n".join(prompt_cells), rubric, anchor,
                                    _placeholders(release, anchor, question.name, course.relative(release_file))))
    return ManualAssignment(assignment, tuple(found), release_stops(release))


def _prompt_and_rubric(master, indices: list[int]) -> tuple[list[str], str]:
    """The prompt's non-empty cells, and the solution block joined."""
    prompt: list[str] = []
    rubric: list[str] = []
    in_solution = False
    for index in indices:
        cell = master.cells[index]
        head = cell_source(cell).strip().upper()
        if cell.cell_type == "raw":
            if head.startswith("# BEGIN SOLUTION"):
                in_solution = True
            elif head.startswith("# END SOLUTION"):
                in_solution = False
            continue
        text = cell_source(cell).strip()
        if text:
            (rubric if in_solution else prompt).append(text)
    return prompt, "\n\n".join(rubric)


def _placeholders(release, anchor: str, name: str, label: str) -> tuple[str, ...]:
    start = find_anchor(release.cells, anchor)
    if start is None:
        raise GraderError(f"{label}: the prompt of manual question {name} is not in the release: run `grader release` again")
    texts = []
    for cell in release.cells[start + 1:]:
        if ANSWER_TAG not in cell.get("metadata", {}).get("tags", []):
            break
        texts.append(normalized(cell_source(cell)))
    return tuple(texts)


def find_anchor(cells, anchor: str) -> int | None:
    """The index of the prompt's last cell (as released, or with text added to it), else None."""
    markdown = [(i, normalized(cell_source(cell))) for i, cell in enumerate(cells) if cell.get("cell_type") == "markdown"]
    exact = next((i for i, text in markdown if text == anchor), None)
    if exact is not None:
        return exact
    opening = anchor[:80]
    return next((i for i, text in markdown if opening and opening in text), None)


def release_path(course: Course, assignment: Assignment) -> Path:
    return course.assignments_dir / assignment.id / assignment.master.name


def read_release(course: Course, assignment: Assignment):
    """The student release's notebook, or a one-line error saying to release first."""
    path = release_path(course, assignment)
    if not path.is_file():
        raise GraderError(f"{course.relative(path)} does not exist: run `grader release {assignment.id}` first")
    return read_notebook(path, label=course.relative(path))


def release_stops(release) -> frozenset[str]:
    """The release's locked cells, normalised: where an answer ends (see ``ManualAssignment.stops``)."""
    return frozenset(t for cell in release.cells
                     if cell.get("metadata", {}).get("editable") is False and (t := normalized(cell_source(cell))))
