"""Carry the master's ``# value`` comments into the generated test files.

A TA marks an example to be compared by value, in the grader, by ending its line in a
master test cell with a comment: ``predict(model, X_check)  # value: allclose rtol=1e-6``.
otter assign rewrites test code through ``ast`` and drops comments, so after it runs
each marked line is found again in its question's generated cases (by its normalised
code) and the comment is put back on it.
"""

from __future__ import annotations

import ast
import io
import pprint
import tokenize
from pathlib import Path

from ..errors import GraderError
from ..grade.values import value_directive
from ..notebooks import cell_source
from .markers import Question


def value_directives(master, questions: list[Question], label: str) -> dict[str, dict[str, str]]:
    """question -> normalised code of a marked line -> its ``# value...`` comment."""
    found: dict[str, dict[str, str]] = {}
    for question in questions:
        for index in question.test_cells:
            for code, comment in _commented_lines(cell_source(master.cells[index])):
                try:
                    comparator = value_directive(comment)
                except GraderError as error:
                    raise GraderError(f"{label}: cell {index + 1}: {error}") from None
                if comparator is None:
                    continue
                try:
                    normalised = ast.unparse(ast.parse(code, mode="eval"))
                except SyntaxError:
                    raise GraderError(f"{label}: cell {index + 1}: `{comment}` marks {code.strip()!r}, which is not an expression: "
                                      "only an expression has a value to compare") from None
                found.setdefault(question.name, {})[normalised] = comment
    return found


def restore_value_directives(tests_dir: Path, directives: dict[str, dict[str, str]]) -> None:
    """Put each marked example's comment back on its line in the OK-format test files of ``tests_dir``."""
    for question, marked in directives.items():
        path = tests_dir / f"{question}.py"
        if not path.is_file():
            continue
        module = ast.parse(path.read_text(encoding="utf-8"))
        test = next(ast.literal_eval(node.value) for node in module.body
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "test")
        changed = False
        for suite in test["suites"]:
            for case in suite["cases"]:
                marked_code = _mark(case["code"], marked)
                changed |= marked_code != case["code"]
                case["code"] = marked_code
        if not changed:  # leave otter's file exactly as it wrote it
            continue
        path.write_text("OK_FORMAT = True\n\ntest = " + pprint.pformat(test, indent=4, width=120, sort_dicts=False) + "\n",
                        encoding="utf-8")


def _mark(code: str, marked: dict[str, str]) -> str:
    lines = code.split("\n")
    for index, line in enumerate(lines):
        if not line.startswith(">>> ") or "#" in line:
            continue
        try:
            normalised = ast.unparse(ast.parse(line[4:], mode="eval"))
        except SyntaxError:
            continue
        if normalised in marked:
            lines[index] = f"{line}  {marked[normalised]}"
    return "\n".join(lines)


def _commented_lines(source: str) -> list[tuple[str, str]]:
    """(code, comment) for each line of ``source`` that ends in a comment."""
    result: list[tuple[str, str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return result
    lines = source.split("\n")
    for token in tokens:
        if token.type == tokenize.COMMENT:
            row, column = token.start
            code = lines[row - 1][:column]
            if code.strip():
                result.append((code, token.string))
    return result
