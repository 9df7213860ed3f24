"""A structural look at a master notebook, to reject mistakes otter assign passes silently.

Otter's parser (used as is for the release itself) accepts a question marker typed
into a code or Markdown cell and a question without tests, and releases a notebook
whose tests are empty (otter issue 933). These checks run first and name the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from ..errors import GraderError
from ..notebooks import cell_source, first_line

_BLOCK_MARKER = re.compile(
    r"^#\s*(ASSIGNMENT CONFIG|(BEGIN|END)\s+(QUESTION|SOLUTION|TESTS|PROMPT))\b", re.IGNORECASE
)
_CELL_LEVEL_ONLY = re.compile(r"^#\s*(ASSIGNMENT CONFIG|(BEGIN|END)\s+(QUESTION|TESTS))\b", re.IGNORECASE)


@dataclass
class Question:
    name: str
    manual: bool
    points: float | None = None
    cells: list[int] = field(default_factory=list)
    """Indices of the cells between the question's BEGIN and END markers."""
    test_cells: list[int] = field(default_factory=list)


def describe_cell(notebook, index: int | None) -> str:
    """``cell 12 (question q3, `def sigmoid(z):`)``: how messages name a cell."""
    if index is None:
        return "a cell"
    question = next((q.name for q in scan_questions(notebook) if index in q.cells), None)
    head = first_line(notebook.cells[index])
    parts = [f"question {question}"] if question else []
    if head:
        parts.append(f"`{head[:60]}`")
    return f"cell {index + 1}" + (f" ({', '.join(parts)})" if parts else "")


def check_markers(notebook, label: str) -> list[Question]:
    """Check marker placement and test presence; return the questions in order."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "raw":
            continue
        head = first_line(cell)
        whole = cell_source(cell).strip()
        misplaced = _CELL_LEVEL_ONLY.match(head) or (_BLOCK_MARKER.match(whole) and "\n" not in whole)
        if misplaced:
            raise GraderError(
                f"{label}: cell {index + 1} is a {cell.cell_type} cell holding the marker "
                f"'{head}'; otter markers must be raw cells"
            )
    questions = scan_questions(notebook, label)
    for question in questions:
        if not question.manual and not question.test_cells:
            raise GraderError(
                f"{label}: question {question.name} has no tests (add a '# BEGIN TESTS' block, "
                "or mark it 'manual: true')"
            )
    return questions


def scan_questions(notebook, label: str = "notebook") -> list[Question]:
    questions: list[Question] = []
    current: Question | None = None
    in_tests = False
    for index, cell in enumerate(notebook.cells):
        head = first_line(cell) if cell.cell_type == "raw" else ""
        marker = re.sub(r"\s+", " ", head.upper())
        if marker.startswith("# BEGIN QUESTION"):
            config = _question_config(cell, index, label)
            current = Question(name=str(config.get("name", f"question-at-cell-{index + 1}")),
                               manual=bool(config.get("manual", False)), points=_points(config.get("points")))
            questions.append(current)
            continue
        if marker.startswith("# END QUESTION"):
            current, in_tests = None, False
            continue
        if current is None:
            continue
        current.cells.append(index)
        if marker.startswith("# BEGIN TESTS"):
            in_tests = True
        elif marker.startswith("# END TESTS"):
            in_tests = False
        elif in_tests and cell.cell_type == "code" and cell_source(cell).strip():
            current.test_cells.append(index)
    return questions


def _points(value) -> float | None:
    """A question's total points: a number, or a list of per-case points (otter allows both)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return float(sum(value))
    return None


def _question_config(cell, index: int, label: str) -> dict:
    body = "\n".join(cell_source(cell).splitlines()[1:])
    try:
        config = yaml.safe_load(body) or {}
    except yaml.YAMLError as exc:
        raise GraderError(f"{label}: cell {index + 1}: invalid question config ({' '.join(str(exc).split())})") from None
    if not isinstance(config, dict):
        raise GraderError(f"{label}: cell {index + 1}: the question config must be YAML key: value pairs")
    return config
