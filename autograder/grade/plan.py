"""From a submission notebook to the steps the engine runs.

Code cells run in order, except cells tagged to be ignored at grading (otter's
``otter_ignore`` tag or ``{"otter": {"ignore": true}}`` metadata). otter's own
plumbing is replaced: ``import otter`` and the ``otter.Notebook`` initialisation are
dropped (the kernel never imports otter; a stand-in ``grader`` whose methods do
nothing is defined instead, see ``kernel_side.GraderStandIn``), and every top-level
statement that calls ``grader.check("qN")`` (bare, assigned ``_ = grader.check("q7")``,
wrapped ``display(grader.check("q2"))``, followed by a comment) becomes a step that
runs qN's tests right there, in the notebook's namespace as it stands at that point.
Checks are found by syntax, after IPython's own transformations (magics), so a
notebook is read as its kernel would read it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Literal

from IPython.core.inputtransformer2 import TransformerManager

_CHECK_LINE = re.compile(r"""^\s*(?:[\w.]+\s*=\s*)?grader\.check\(\s*["']([^"']+)["']\s*\)\s*;?\s*(?:#.*)?$""")
"""For cells that do not parse (a syntax error the kernel will report): a check on a line of its own."""
IGNORE_TAG = "otter_ignore"


@dataclass(frozen=True)
class Step:
    kind: Literal["cell", "check"]
    cell: int
    """0-based index of the notebook cell the step comes from."""
    source: str = ""
    question: str = ""


def plan_steps(notebook, questions: list[str]) -> list[Step]:
    known = set(questions)
    steps: list[Step] = []
    for index, cell in enumerate(notebook.cells):
        if cell.get("cell_type") != "code" or _ignored(cell):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        steps.extend(step for step in _cell_steps(index, source) if step.kind == "cell" or step.question in known)
    return steps


def _cell_steps(index: int, source: str) -> list[Step]:
    """The cell as steps: unchanged if it has no check and no otter plumbing, else split around its checks."""
    python = TransformerManager().transform_cell(source)
    try:
        statements = ast.parse(python).body
    except (SyntaxError, ValueError):
        return _line_steps(index, source)
    lines = python.splitlines(keepends=True)
    pieces: list[tuple[str, str]] = []  # ("code", source) or ("check", question)
    changed = False
    for statement in statements:
        text = "".join(lines[statement.lineno - 1:statement.end_lineno])
        checks = _checks_in(statement)
        if is_otter_plumbing(statement):
            changed = True
        elif checks:
            changed = True
            pieces += [("check", question) for question in checks]
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):  # keep the names bound: `_ = grader.check("q7")`
                pieces.append(("code", ast.unparse(_NoneForChecks().visit(statement)) + "\n"))
        else:
            pieces.append(("code", text))
    if not changed:
        return [Step("cell", index, source)] if source.strip() else []
    steps: list[Step] = []
    code: list[str] = []
    for kind, value in pieces:
        if kind == "code":
            code.append(value)
            continue
        if "".join(code).strip():
            steps.append(Step("cell", index, "".join(code)))
        code = []
        steps.append(Step("check", index, question=value))
    if "".join(code).strip():
        steps.append(Step("cell", index, "".join(code)))
    return steps


def _checks_in(statement: ast.stmt) -> list[str]:
    """The questions of the ``grader.check("qN")`` calls a top-level expression or assignment makes."""
    if not isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)) or statement.value is None:
        return []
    return [question for node in ast.walk(statement.value) if (question := _check_question(node))]


def _check_question(node: ast.AST) -> str | None:
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "grader"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None


class _NoneForChecks(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        return ast.Constant(None) if _check_question(node) else self.generic_visit(node)


def is_otter_plumbing(statement: ast.stmt) -> bool:
    """``import otter`` / ``from otter import ...`` / ``grader = otter.Notebook(...)`` / ``grader.export(...)``,
    ``grader.check_all()`` (checks are run by the grader, and nothing is exported under grading)."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        function = statement.value.func
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) and function.value.id == "grader":
            return function.attr != "check"
    if isinstance(statement, ast.Import):
        return any(alias.name.split(".")[0] == "otter" for alias in statement.names)
    if isinstance(statement, ast.ImportFrom):
        return (statement.module or "").split(".")[0] == "otter"
    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
        function = statement.value.func
        return isinstance(function, ast.Attribute) and function.attr == "Notebook"
    return False


def _line_steps(index: int, source: str) -> list[Step]:
    """A cell that does not parse runs as written (the kernel reports its error); checks on lines of their own still count."""
    code, checks = [], []
    for line in source.splitlines():
        found = _CHECK_LINE.match(line)
        if found:
            checks.append(found.group(1))
        else:
            code.append(line)
    steps = [Step("cell", index, "\n".join(code))] if "\n".join(code).strip() else []
    return steps + [Step("check", index, question=q) for q in checks]


def _ignored(cell) -> bool:
    metadata = cell.get("metadata", {})
    return IGNORE_TAG in metadata.get("tags", []) or bool(metadata.get("otter", {}).get("ignore", False))
