"""Each submission's answer to each manual question, as the student left it.

An answer is the cells between the question's prompt and the next cell the release
itself holds (the next question, its ``<!-- END QUESTION -->``, a ``grader.check``):
Markdown and code, with their outputs and images. Nothing is run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import GraderError
from ..notebooks import cell_source, read_submission
from .questions import ManualAssignment, find_anchor, normalized

ANSWERED, PLACEHOLDER, MISSING = "answered", "placeholder", "missing"


@dataclass(frozen=True)
class ManualAnswer:
    question: str
    status: str
    """``answered``, ``placeholder`` (still the release's text) or ``missing`` (no answer cells, no prompt)."""
    cells: tuple[dict, ...] = ()
    note: str = ""


class AnswerSlot(Protocol):
    """Where a question's answer sits in the release: after its prompt's last cell (``anchor``)."""

    @property
    def name(self) -> str: ...
    @property
    def anchor(self) -> str: ...
    @property
    def placeholders(self) -> tuple[str, ...]: ...


def read_answers(path: Path, manual: ManualAssignment) -> dict[str, ManualAnswer]:
    """Every manual question's answer in one submission; a notebook that cannot be read has none."""
    try:
        notebook, _ = read_submission(path, label="notebook")  # not the file's name: it may be the student's, shown anonymised
    except GraderError as exc:
        return {q.name: ManualAnswer(q.name, MISSING, note=f"the notebook could not be read ({exc})") for q in manual.questions}
    return {q.name: find_answer(notebook.cells, q, manual.stops) for q in manual.questions}


def find_answer(cells, question: AnswerSlot, stops: frozenset[str]) -> ManualAnswer:
    start = find_anchor(cells, question.anchor)
    if start is None:
        return ManualAnswer(question.name, MISSING, note="the question's prompt is not in this notebook (deleted or rewritten)")
    taken, notes = [], []
    if normalized(cell_source(cells[start])) != question.anchor:
        taken.append(cells[start])
        notes.append("the prompt cell was edited; it is shown whole")
    for cell in cells[start + 1:]:
        text = cell_source(cell)
        if "<!-- END QUESTION -->" in text or "<!-- BEGIN QUESTION -->" in text or normalized(text) in stops:
            break
        if normalized(text) or cell.get("outputs"):
            taken.append(cell)
    written = [c for c in taken if normalized(cell_source(c)) not in question.placeholders or c.get("outputs")]
    if not taken:
        status, notes = MISSING, [*notes, "no answer cells after the prompt"]
    elif not written:
        status, notes = PLACEHOLDER, [*notes, "still the release's placeholder"]
    else:
        status = ANSWERED
    return ManualAnswer(question.name, status, tuple(taken), "; ".join(notes))
