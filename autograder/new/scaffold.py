"""A new assignment: its master notebook, mutants, equivalents, and its entry in ``course.toml``.

The master is a working example of every part of the format (the config cell, a
question with a solution, public and hidden tests with points, a manual question
with a rubric) written so that ``grader validate`` passes on it: the tests check
types before values and call the function on fresh inputs, the mutants are caught and
the equivalents keep full marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..course import CONFIG_NAME, Course
from ..errors import GraderError
from ..validate.variants import EQUIVALENTS_DIR, MUTANTS_DIR

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Scaffold:
    master: Path
    mutants: list[Path]
    equivalents: list[Path]


def scaffold_assignment(course: Course, assignment_id: str, title: str | None = None) -> Scaffold:
    if not _ID.match(assignment_id):
        raise GraderError(f"invalid assignment id {assignment_id!r}: use letters, digits, - and _, starting with a letter")
    if any(a.id == assignment_id for a in course.assignments):
        raise GraderError(f"{CONFIG_NAME} already lists an assignment {assignment_id!r}")
    folder = course.root / "solutions" / assignment_id
    master = folder / f"{assignment_id}.ipynb"
    if folder.exists():
        raise GraderError(f"{course.relative(folder)} already exists; choose another id or remove it")
    title = title or f"Assignment {assignment_id}"
    folder.mkdir(parents=True)
    nbformat.write(_master_notebook(assignment_id, title), master)
    mutants, equivalents = _write_variants(folder / MUTANTS_DIR, _MUTANTS), _write_variants(folder / EQUIVALENTS_DIR, _EQUIVALENTS)
    config = course.root / CONFIG_NAME
    text = config.read_text(encoding="utf-8")
    entry = (f'\n[[assignments]]\nid = "{assignment_id}"\ntitle = "{_toml_escape(title)}"\n'
             f'master = "solutions/{assignment_id}/{assignment_id}.ipynb"\ndata = []\n')
    config.write_text(text.rstrip("\n") + "\n" + entry, encoding="utf-8")
    return Scaffold(master, mutants, equivalents)


def _write_variants(folder: Path, variants: dict[str, str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    for name, text in variants.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return [folder / f"{name}.yaml" for name in variants]


def _toml_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


_MUTANTS = {
    "sum_instead_of_mean": (
        "question: q1\n"
        "description: sums the squared errors instead of averaging them\n"
        "replace:\n"
        "  - old: np.mean((y_true - y_pred) ** 2)\n"
        "    new: np.sum((y_true - y_pred) ** 2)\n"
    ),
    "absolute_error": (
        "question: q1\n"
        "description: mean absolute error instead of mean squared error\n"
        "replace:\n"
        "  - old: np.mean((y_true - y_pred) ** 2)\n"
        "    new: np.mean(np.abs(y_true - y_pred))\n"
    ),
}


_EQUIVALENTS = {
    "loop_over_pairs": (
        "question: q1\n"
        "description: a loop over the pairs, the sum divided by their number\n"
        "replace:\n"
        "  - old: return float(np.mean((y_true - y_pred) ** 2))\n"
        "    new: |-\n"
        "      total = 0.0\n"
        "          for true, predicted in zip(y_true, y_pred):\n"
        "              total += (true - predicted) ** 2\n"
        "          return total / len(y_true)\n"
    ),
    "square_then_item": (
        "question: q1\n"
        "description: np.square, the array's mean method and item() for the Python float\n"
        "replace:\n"
        "  - old: return float(np.mean((y_true - y_pred) ** 2))\n"
        "    new: return np.square(y_true - y_pred).mean().item()\n"
    ),
}


def _master_notebook(assignment_id: str, title: str) -> nbformat.NotebookNode:
    raw, md, code = nbformat.v4.new_raw_cell, nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        raw(f"# ASSIGNMENT CONFIG\nname: {assignment_id}\ninit_cell: true\ncheck_all_cell: false\n"
            "export_cell: false\ngenerate: true\ntests:\n  files: true\n  ok_format: true"),
        md(f"# {title}\n\nWrite your code where it says `# YOUR CODE HERE`. Each question ends with a "
           "`grader.check(\"qN\")` cell that runs its public tests; hidden tests run at grading."),
        code("import numpy as np\n\nSEED = 0"),
        raw("# BEGIN QUESTION\nname: q1\npoints: 3"),
        md("**Question 1.** Write `mean_squared_error(y_true, y_pred)`, the mean of the squared "
           "differences, as a Python `float`. Then set `example_error` to the error of the predictions "
           "`[1, 2, 5]` for the targets `[1, 2, 3]`."),
        raw("# BEGIN SOLUTION"),
        code("def mean_squared_error(y_true, y_pred):\n"
             "    # BEGIN SOLUTION\n"
             "    y_true = np.asarray(y_true, dtype=np.float64)\n"
             "    y_pred = np.asarray(y_pred, dtype=np.float64)\n"
             "    return float(np.mean((y_true - y_pred) ** 2))\n"
             "    # END SOLUTION\n\n\n"
             "example_error = mean_squared_error([1, 2, 3], [1, 2, 5])  # SOLUTION\n"
             "example_error"),
        raw("# END SOLUTION"),
        raw("# BEGIN TESTS"),
        code('""" # BEGIN TEST CONFIG\npoints: 1\n""" # END TEST CONFIG\n'
             "assert isinstance(example_error, float)\n"
             "assert np.isclose(example_error, 4 / 3)"),
        code('""" # BEGIN TEST CONFIG\npoints: 1\nhidden: true\n""" # END TEST CONFIG\n'
             "rng = np.random.default_rng(1)\n"
             "a, b = rng.normal(size=20), rng.normal(size=20)\n"
             "assert isinstance(mean_squared_error(a, b), float)\n"
             "# compared in the grader with the master's value, computed by grader release\n"
             "mean_squared_error(a, b)  # value"),
        code('""" # BEGIN TEST CONFIG\npoints: 1\nhidden: true\n""" # END TEST CONFIG\n'
             "assert mean_squared_error([2.0, -1.0], [2.0, -1.0]) == 0.0\n"
             "assert np.isclose(mean_squared_error([0.0, 0.0], [3.0, -1.0]), 5.0)"),
        raw("# END TESTS"),
        raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: q2\nmanual: true\npoints: 1"),
        md("**Question 2.** Why does squaring the errors make the loss more sensitive to outliers "
           "than the mean absolute error? Answer in two or three sentences."),
        raw("# BEGIN SOLUTION"),
        md("**Answer.** Squaring grows faster than linearly, so one large error contributes far "
           "more than several small ones.\n\n*Rubric (1 point):* squares weigh large errors more "
           "(or an example showing it)."),
        raw("# END SOLUTION"),
        raw("# END QUESTION"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook
