"""Where each question's answer lives in the solution notebook, and which names it defines.

The solution notebook is the one otter assign writes to the autograder bundle
(``dist/<id>/<id>.ipynb``): the student's notebook with the solutions in place. A
question's answer cells are the master's solution code cells of that question (found
by their source: otter copies them verbatim). Its answer names are what the student
writes: the functions and classes holding a ``# BEGIN SOLUTION`` block and the names
assigned on ``# SOLUTION`` lines (or inside a top-level solution block).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..errors import GraderError
from ..notebooks import cell_source, first_line
from ..release.markers import scan_questions

_SOLUTION_LINE = re.compile(r"#\s*(BEGIN\s+SOLUTION|SOLUTION)\b")
_END_SOLUTION = re.compile(r"^\s*#\s*END\s+SOLUTION\b")
_BEGIN_SOLUTION = re.compile(r"^\s*#\s*BEGIN\s+SOLUTION\b")


@dataclass(frozen=True)
class Answer:
    question: str
    cells: tuple[int, ...]
    """Indices, in the solution notebook, of the question's answer code cells."""
    functions: tuple[str, ...]
    """Functions and classes the student writes."""
    variables: tuple[str, ...]
    """Other names the student assigns."""


def find_answers(master, solution, label: str) -> dict[str, Answer]:
    """Each autograded question's answer in ``solution``, from the blocks of ``master``."""
    wanted: list[tuple[str, str]] = []  # (question, source) of each solution code cell, in order
    for scanned in scan_questions(master, label):
        if scanned.manual:
            continue
        inside = False
        for index in scanned.cells:
            cell = master.cells[index]
            marker = first_line(cell).upper() if cell.cell_type == "raw" else ""
            if marker.startswith("# BEGIN SOLUTION"):
                inside = True
            elif marker.startswith("# END SOLUTION"):
                inside = False
            elif inside and cell.cell_type == "code" and cell_source(cell).strip():
                wanted.append((scanned.name, cell_source(cell)))
    cells: dict[str, list[int]] = {}
    position = 0
    for index, cell in enumerate(solution.cells):
        if position < len(wanted) and cell.cell_type == "code" and cell_source(cell) == wanted[position][1]:
            cells.setdefault(wanted[position][0], []).append(index)
            position += 1
    if position < len(wanted):
        missing, source = wanted[position]
        raise GraderError(f"{label}: the solution cell of {missing} starting {source.strip().splitlines()[0][:60]!r} "
                          "is not in the released solution notebook; run `grader release` again")
    answers = {}
    for name, indices in cells.items():
        functions: list[str] = []
        variables: list[str] = []
        for index in indices:
            found_functions, found_variables = answer_names(cell_source(solution.cells[index]))
            functions += found_functions
            variables += found_variables
        answers[name] = Answer(name, tuple(indices), tuple(dict.fromkeys(functions)), tuple(dict.fromkeys(variables)))
    return answers


def answer_names(source: str) -> tuple[list[str], list[str]]:
    """(functions and classes, variables) that the solution lines of one cell define."""
    try:
        module = ast.parse(source)
    except SyntaxError:
        return [], []
    lines = source.splitlines()
    solution_lines = _solution_line_numbers(lines)
    functions, variables = [], []
    for node in module.body:
        span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        if not any(number in solution_lines for number in span):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            functions.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            variables += [name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)]
    return functions, variables


def _solution_line_numbers(lines: list[str]) -> set[int]:
    """1-based numbers of the lines otter strips: marked lines and top-level solution blocks."""
    numbers, inside = set(), False
    for number, line in enumerate(lines, start=1):
        if _BEGIN_SOLUTION.match(line) and not line.startswith((" ", "\t")):
            inside = True
        elif _END_SOLUTION.match(line) and not line.startswith((" ", "\t")):
            inside = False
        if inside or _SOLUTION_LINE.search(line):
            numbers.add(number)
    return numbers
