"""Students' notebook files are graded as Jupyter opens them: what breaks nbformat's schema only is repaired.

Each variant below is a valid notebook with one defect that editors, hand edits or
other tools leave behind. ``read_submission`` must return every cell with its source
and say what it repaired; ``read_notebook`` (for the course's own files) stays strict.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from autograder.errors import GraderError
from autograder.notebooks import read_notebook, read_submission

BASE = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Homework"},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": ["x = 1\n", "y = 2"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "grader.check('q1')"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 4,
}
SOURCES = ["# Homework", "x = 1\ny = 2", "grader.check('q1')"]
DEFECTS = {
    "code cell without outputs": lambda nb: nb["cells"][1].pop("outputs"),
    "code cell without execution_count": lambda nb: nb["cells"][1].pop("execution_count"),
    "cell without metadata": lambda nb: nb["cells"][1].pop("metadata"),
    "cell ids in a 4.4 notebook": lambda nb: [cell.__setitem__("id", f"cell-{i}") for i, cell in enumerate(nb["cells"])],
    "markdown cell with a code cell's keys": lambda nb: nb["cells"][0].update(outputs=[], execution_count=None),
    "stream output without a name": lambda nb: nb["cells"][1].__setitem__("outputs", [{"output_type": "stream", "text": "hi"}]),
    "error output without a traceback": lambda nb: nb["cells"][1].__setitem__("outputs", [{"output_type": "error", "ename": "E", "evalue": ""}]),
    "execution_count as text": lambda nb: nb["cells"][1].__setitem__("execution_count", "1"),
    "tags that are not a list": lambda nb: nb["cells"][1].__setitem__("metadata", {"tags": "solution"}),
    "unknown key in a cell": lambda nb: nb["cells"][1].__setitem__("collapsed", False),
    "no notebook metadata": lambda nb: nb.pop("metadata"),
    "minor version as text": lambda nb: nb.__setitem__("nbformat_minor", "4"),
    "negative execution_count": lambda nb: nb["cells"][1].__setitem__("execution_count", -1),
    "source null in an empty cell": lambda nb: nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                                                                   "execution_count": None, "source": None}),
}


def write(tmp_path: Path, notebook: dict) -> Path:
    path = tmp_path / "submission.ipynb"
    path.write_text(json.dumps(notebook))
    return path


@pytest.mark.parametrize("defect", DEFECTS)
def test_a_defect_of_the_format_is_repaired_and_every_source_kept(defect: str, tmp_path: Path):
    notebook = copy.deepcopy(BASE)
    DEFECTS[defect](notebook)
    path = write(tmp_path, notebook)
    with pytest.raises(GraderError, match="invalid notebook"):
        read_notebook(path)
    repaired, what = read_submission(path)
    assert [cell.source for cell in repaired.cells][:3] == SOURCES and what


def test_valid_outputs_stay_and_a_valid_notebook_is_not_touched(tmp_path: Path):
    notebook = copy.deepcopy(BASE)
    good = {"output_type": "stream", "name": "stdout", "text": "3\n"}
    notebook["cells"][1]["outputs"] = [good]
    assert read_submission(write(tmp_path, notebook)) == (read_notebook(tmp_path / "submission.ipynb"), "")
    notebook["cells"][2]["outputs"] = [{"output_type": "stream", "text": "no name"}]
    repaired, what = read_submission(write(tmp_path, notebook))
    assert repaired.cells[1].outputs == [good] and repaired.cells[2].outputs == [] and "outputs dropped" in what


def test_a_byte_order_mark_is_not_an_error(tmp_path: Path):
    path = tmp_path / "bom.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(BASE).encode())
    assert [cell.source for cell in read_submission(path)[0].cells] == SOURCES


def test_many_defective_cells_are_repaired_cell_by_cell(tmp_path: Path):
    """Once per cell, not once per defect over the whole notebook (which took minutes for a 320 KB file)."""
    notebook = copy.deepcopy(BASE)
    bad = {"output_type": "stream", "name": "stdout", "text": "x", "bogus": 1}
    notebook["cells"] += [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [bad], "source": f"z = {i}"}
                          for i in range(300)]
    repaired, what = read_submission(write(tmp_path, notebook))
    assert [cell.source for cell in repaired.cells][-1] == "z = 299" and len(repaired.cells) == 303 and "outputs dropped" in what


def test_what_is_not_a_notebook_is_still_an_error(tmp_path: Path):
    deep: dict = {}
    for _ in range(600):
        deep = {"a": deep}
    deep_metadata = copy.deepcopy(BASE)
    deep_metadata["cells"][1]["metadata"] = deep
    deep_metadata["cells"][1]["outputs"] = [{"output_type": "stream", "text": "no name"}]
    with pytest.raises(GraderError):  # a one-line error, not a RecursionError out of the grader
        read_submission(write(tmp_path, deep_metadata))
    for text in ['{"cells": null, "nbformat": 4}', '{"nbformat": 3, "cells": []}', "[]"]:
        with pytest.raises(GraderError):
            read_submission(write(tmp_path, json.loads(text)))
