"""What each student wrote, question by question, with the release taken out.

A submission's answer to a question is found as ``grader manual`` finds it: the cells
after the question's prompt, up to the next cell the release locks. From those cells,
every line of the release's answer cells (``def f(x):``, ``# YOUR CODE HERE``,
``raise NotImplementedError()``, the placeholder text) is dropped, and from a cell that
is mostly the release's own (an edited release cell, a prompt with an answer typed
into it) every line of the release; so two students who left the template untouched,
or only changed a path in a release cell, share nothing. Cells the student added
outside any answer, and edited release cells, give their new lines to ``other``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Assignment, Course
from ..manual.answers import find_answer
from ..manual.questions import ANSWER_TAG, normalized, read_release, release_stops
from ..notebooks import cell_source, read_notebook
from ..release.markers import scan_questions

OTHER = "other"


@dataclass(frozen=True)
class Slot:
    """One question's answer cells in the release."""

    name: str
    anchor: str
    placeholders: tuple[str, ...]


@dataclass(frozen=True)
class Template:
    """The release, as similarity needs it: where answers go and what it already says."""

    slots: tuple[Slot, ...]
    stops: frozenset[str]
    released_cells: frozenset[str]
    """Every release cell, normalised: a submission's copy of one is not the student's writing."""
    stub_lines: frozenset[str]
    """Every stripped line of the release's answer cells (``def f(x):``, ``# YOUR CODE HERE``, the placeholder)."""
    release_lines: frozenset[str]
    """Every stripped line of the release's other cells (prompts, its own code)."""


@dataclass
class Segment:
    """A student's own text for one question: code and Markdown kept apart, with their lines for display."""

    code: list[str] = field(default_factory=list)
    markdown: list[str] = field(default_factory=list)


def load_template(course: Course, assignment: Assignment) -> Template:
    release = read_release(course, assignment)
    names = [q.name for q in scan_questions(read_notebook(assignment.master, label=course.relative(assignment.master)))]
    groups: list[list[int]] = []
    for index, cell in enumerate(release.cells):
        if ANSWER_TAG in cell.get("metadata", {}).get("tags", []):
            if groups and groups[-1][-1] == index - 1:
                groups[-1].append(index)
            else:
                groups.append([index])
    if len(groups) != len(names):
        names = [f"answer {number}" for number in range(1, len(groups) + 1)]
    slots = []
    for name, group in zip(names, groups, strict=True):
        anchor = next((text for i in range(group[0] - 1, -1, -1) if (text := normalized(cell_source(release.cells[i])))), "")
        slots.append(Slot(name, anchor, tuple(normalized(cell_source(release.cells[i])) for i in group)))
    stops = release_stops(release)
    released = frozenset(t for c in release.cells if (t := normalized(cell_source(c))))
    answers = {i for group in groups for i in group}
    stub_lines = frozenset(line.strip() for i in answers for line in cell_source(release.cells[i]).splitlines() if line.strip())
    release_lines = frozenset(line.strip() for i, cell in enumerate(release.cells) if i not in answers
                              for line in cell_source(cell).splitlines() if line.strip())
    return Template(tuple(slots), stops, released, stub_lines, release_lines)


def read_cells(path: Path) -> list[dict]:
    """A notebook's cells, read fast and leniently (no schema validation): similarity reads thousands."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError, RecursionError):
        return []
    cells = raw.get("cells") if isinstance(raw, dict) else None
    if not isinstance(cells, list):
        return []
    return [c for c in cells if isinstance(c, dict) and c.get("cell_type") in ("code", "markdown") and _text(c.get("source"))]


def _text(source) -> bool:
    """A cell source nbformat allows: a string, or a list of strings."""
    return isinstance(source, str) or isinstance(source, list) and all(isinstance(part, str) for part in source)


def student_segments(cells: list[dict], template: Template) -> dict[str, Segment]:
    """Per question (and ``other``): the lines the student wrote, the release's own removed."""
    found: dict[str, Segment] = {}
    claimed: set[int] = set()
    positions = {id(cell): index for index, cell in enumerate(cells)}
    for slot in template.slots:
        answer = find_answer(cells, slot, template.stops)
        segment = found.setdefault(slot.name, Segment())
        for cell in answer.cells:
            claimed.add(positions[id(cell)])
            _add(segment, cell, template)
    other = found.setdefault(OTHER, Segment())
    for index, cell in enumerate(cells):
        if index not in claimed and normalized(cell_source(cell)) not in template.released_cells:
            _add(other, cell, template)
    return {name: segment for name, segment in found.items() if segment.code or segment.markdown}


def _add(segment: Segment, cell: dict, template: Template) -> None:
    """The cell's lines but the release's: its stub lines, and all of the release's lines if the cell is an edited release
    cell (most of its lines are the release's: a path changed, an answer typed into the prompt)."""
    lines = [line for line in cell_source(cell).splitlines() if line.strip()]
    edited = sum(line.strip() in template.release_lines for line in lines) * 2 > len(lines)
    drop = template.stub_lines | template.release_lines if edited else template.stub_lines
    lines = [line for line in lines if line.strip() not in drop]
    (segment.code if cell.get("cell_type") == "code" else segment.markdown).extend(lines)
