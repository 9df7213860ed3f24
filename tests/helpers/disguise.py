"""Disguised copies of a notebook, as students make them: renamed variables, reordered functions, reformatted code,
comments and prints added, one question lifted into another notebook.

Only the answer cells (tagged ``otter_answer_cell``) change, and only through Python's
``ast``, so every copy is still valid Python that computes what the original did.
"""

from __future__ import annotations

import ast
import builtins
import copy
import re
from itertools import combinations
from pathlib import Path

import nbformat

SAMPLES = Path(__file__).resolve().parents[1] / "submissions"

ANSWER_TAG = "otter_answer_cell"
_KEEP = set(dir(builtins)) | {"np", "pd", "plt", "torch", "nn", "F", "self"}


def answer_cells(notebook) -> list:
    return [c for c in notebook.cells if c.cell_type == "code" and ANSWER_TAG in c.metadata.get("tags", [])]


def _transform_code(notebook, change) -> nbformat.NotebookNode:
    copied = copy.deepcopy(notebook)
    for cell in answer_cells(copied):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        cell.source = change(tree, cell.source)
        cell.outputs = []
    return copied


class _Renamer(ast.NodeTransformer):
    """Renames function arguments and the names functions assign, inside function bodies only (public names stay)."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def visit_FunctionDef(self, node):
        positional = node.args.args[:len(node.args.args) - len(node.args.defaults)]  # the ones callers pass by keyword keep their names
        local = {a.arg for a in positional}
        local |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        local -= _KEEP
        mapping = {name: f"{self.prefix}_{name}_{index}" for index, name in enumerate(sorted(local))}
        for child in ast.walk(node):
            if isinstance(child, ast.arg) and child.arg in mapping:
                child.arg = mapping[child.arg]
            elif isinstance(child, ast.Name) and child.id in mapping:
                child.id = mapping[child.id]
        return node


def renamed(notebook, prefix: str = "my") -> nbformat.NotebookNode:
    return _transform_code(notebook, lambda tree, source: ast.unparse(_Renamer(prefix).visit(tree)))


def reordered(notebook) -> nbformat.NotebookNode:
    """Top-level statements of each answer cell in reverse order where that keeps the meaning: function definitions."""
    def change(tree, source):
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        if len(functions) < 2:
            return source
        rest = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
        tree.body = list(reversed(functions)) + rest
        return ast.unparse(tree)
    return _transform_code(notebook, change)


def reformatted(notebook) -> nbformat.NotebookNode:
    """Reformatted as a formatter would: comments gone, quotes and spacing normalised, two-space indents, blank lines."""
    def change(tree, source):
        lines = ast.unparse(tree).splitlines()
        indented = [re.sub(r"^((?:    )+)", lambda m: "  " * (len(m.group(1)) // 4), line) for line in lines]
        return "\n\n".join(indented)
    return _transform_code(notebook, change)


class _Chatty(ast.NodeTransformer):
    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        body = []
        for statement in node.body:
            body.append(statement)
            if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
                name = statement.targets[0].id
                body.append(ast.parse(f"print('debug: {name} =', type({name}))").body[0])
        node.body = body
        return node


def commented(notebook) -> nbformat.NotebookNode:
    """Comments and debug prints added after every assignment in function bodies."""
    def change(tree, source):
        text = ast.unparse(ast.fix_missing_locations(_Chatty().visit(tree)))
        return "\n".join(f"{line}  # step {i}" if line.strip() and not line.rstrip().endswith(":") else line
                         for i, line in enumerate(text.splitlines()))
    return _transform_code(notebook, change)


def lift_question(target, source, question_index: int) -> nbformat.NotebookNode:
    """``target`` with the answer cells of its ``question_index``-th answer replaced by ``source``'s."""
    copied = copy.deepcopy(target)
    answer_cells(copied)[question_index].source = answer_cells(source)[question_index].source
    return copied


INDEPENDENT = SAMPLES / "similarity" / "hw01"
"""Three hw01 solutions written independently of the master and of each other (each scores at least 30 of 32)."""
LIFTED = 8
"""The answer lifted into another notebook: hw01's logistic_regression (question 9), its longest function."""


def corpus(folder: Path) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """Write the corpus; return the disguised pairs and the independent pairs."""
    folder.mkdir(parents=True)
    correct = nbformat.read(SAMPLES / "hw01" / "correct.ipynb", as_version=4)
    independent = {p.stem: nbformat.read(p, as_version=4) for p in sorted(INDEPENDENT.glob("*.ipynb"))}
    copies = {
        "renamed": renamed(correct),
        "reordered": reordered(correct),
        "reformatted": reformatted(correct),
        "commented": commented(correct),
        "everything": commented(reformatted(reordered(renamed(correct, "q")))),
    }
    lifted = lift_question(independent["independent_b"], renamed(correct, "z"), LIFTED)
    notebooks = {"correct": correct, **copies, **independent, "lifted_one_question": lifted}
    for name, notebook in notebooks.items():
        nbformat.write(notebook, folder / f"{name}.ipynb")
    family = ["correct", *copies]
    disguised = {frozenset(p) for p in combinations(family, 2)}
    disguised |= {frozenset(("lifted_one_question", name)) for name in [*family, "independent_b"]}
    independent_pairs = {frozenset(p) for p in combinations(independent, 2)}
    independent_pairs |= {frozenset((i, name)) for i in independent for name in family}
    independent_pairs |= {frozenset(("lifted_one_question", i)) for i in independent if i != "independent_b"}
    return disguised, independent_pairs


