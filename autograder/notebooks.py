"""Reading notebooks from disk with one-line errors instead of tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .errors import GraderError


def read_notebook(path: Path, *, label: str | None = None) -> nbformat.NotebookNode:
    """Read and validate an nbformat-4 notebook (a master, a release: files the course writes).

    ``label`` names the notebook in messages (e.g. a path relative to the course).
    """
    label = label or str(path)
    text, _ = _load(path, label)
    try:
        return _strict(text)
    except nbformat.ValidationError as exc:
        raise GraderError(f"{label}: invalid notebook ({exc.message})") from None
    except Exception as exc:  # nbformat's own checks raise anything on hostile input (TypeError, AssertionError...)
        raise GraderError(f"{label}: invalid notebook ({type(exc).__name__}: {str(exc)[:200]})") from None


def read_submission(path: Path, *, label: str | None = None) -> tuple[nbformat.NotebookNode, str]:
    """A student's notebook, and what was repaired in it ("" when nothing was).

    Editors and hand edits leave files that break nbformat's schema in ways Jupyter
    itself opens without a word: a code cell without ``outputs``, cell ids in a 4.4
    notebook, a markdown cell that kept a code cell's keys, a malformed output. Such
    a file is graded, not scored 0: it is rebuilt from what grading needs (each cell's
    type and source), keeping outputs and metadata where they are valid. Only a file
    that is not a notebook at all is an error.
    """
    label = label or str(path)
    text, raw = _load(path, label)
    if len(raw["cells"]) > MAX_CELLS:
        raise GraderError(f"{label}: {len(raw['cells'])} cells, more than a notebook of this course has ({MAX_CELLS})")
    try:
        return _strict(text), ""
    except Exception as exc:  # repaired below; the first problem is what the student is told
        problem = exc.message if isinstance(exc, nbformat.ValidationError) else f"{type(exc).__name__}: {str(exc)[:200]}"
    try:
        notebook, repairs = _rebuild(raw)
        nbformat.validate(notebook)
    except Exception:  # nothing the rebuild makes should fail (a RecursionError on metadata 500 deep): not usable
        raise GraderError(f"{label}: invalid notebook ({problem})") from None
    return notebook, f"{_short(problem, 150)}; {', '.join(repairs) or 'rebuilt'}"


MAX_CELLS = 10_000


def _load(path: Path, label: str) -> tuple[str, dict]:
    if path.is_dir():
        raise GraderError(f"{label}: a directory, not a notebook file")
    if not path.is_file():
        raise GraderError(f"{label}: no such notebook file")
    if path.stat().st_size == 0:
        raise GraderError(f"{label}: empty file")
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as Windows editors write it, is not part of the JSON
    except UnicodeDecodeError as exc:
        raise GraderError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GraderError(f"{label}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise GraderError(f"{label}: JSON nested too deeply") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise GraderError(f"{label}: not a Jupyter notebook (no 'cells' list at the top level)")
    major = raw.get("nbformat")
    if major != 4:
        raise GraderError(f"{label}: nbformat {major} is not supported (convert it to nbformat 4)")
    return text, raw


def _strict(text: str) -> nbformat.NotebookNode:
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    return notebook


def _rebuild(raw: dict) -> tuple[nbformat.NotebookNode, list[str]]:
    """A valid notebook with the same cells: type and source always, outputs, metadata and attachments when valid.

    Each cell is checked alone, once per part it may lose: the work grows with the number of cells, not with
    the number of cells times the number of defects (validating a whole notebook of 5,000 cells takes seconds).
    """
    v4 = nbformat.v4
    cells, repairs = [], set()
    for cell in raw["cells"]:
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        source = _text(cell.get("source")) if isinstance(cell, dict) else None
        if kind not in ("code", "markdown", "raw", "heading") or source is None:
            repairs.add("cells that are not cells left out")
            continue
        assert isinstance(cell, dict)
        if kind == "code":
            count = cell.get("execution_count")
            new = v4.new_code_cell(source, execution_count=count if type(count) is int and count >= 0 else None)
            outputs = cell.get("outputs")
            new.outputs = [nbformat.from_dict(o) for o in outputs if isinstance(o, dict)] if isinstance(outputs, list) else []
        elif kind == "raw":
            new = v4.new_raw_cell(source)
        else:  # a markdown cell; an nbformat-3 heading cell becomes one
            level = cell.get("level") if kind == "heading" and isinstance(cell.get("level"), int) else 0
            new = v4.new_markdown_cell("#" * min(level, 6) + " " + source if level else source)
            if isinstance(cell.get("attachments"), dict):
                new.attachments = nbformat.from_dict(cell["attachments"])
        if isinstance(cell.get("metadata"), dict):  # set after: the constructors validate what they are given
            new.metadata = nbformat.from_dict(cell["metadata"])
        for part in ("outputs", "metadata", "attachments"):
            if _valid_alone(new):
                break
            if new.get(part):
                new[part] = [] if part == "outputs" else nbformat.from_dict({})
                repairs.add(f"invalid {'cell metadata' if part == 'metadata' else part} dropped")
        cells.append(new)
    notebook = v4.new_notebook()  # filled after, for the same reason
    notebook.cells = cells
    if isinstance(raw.get("metadata"), dict):
        notebook.metadata = nbformat.from_dict(raw["metadata"])
        if not _valid_metadata(notebook.metadata):
            notebook.metadata = nbformat.from_dict({})
            repairs.add("invalid notebook metadata dropped")
    return notebook, sorted(repairs)


def _valid_alone(cell_or_notebook: nbformat.NotebookNode) -> bool:
    notebook = cell_or_notebook if "cells" in cell_or_notebook else nbformat.v4.new_notebook()
    if notebook is not cell_or_notebook:
        notebook.cells = [cell_or_notebook]
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError:
        return False
    return True


def _valid_metadata(metadata: nbformat.NotebookNode) -> bool:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = metadata
    return _valid_alone(notebook)


def _text(source: object) -> str | None:
    if source is None:
        return ""
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    return None


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def first_line(cell) -> str:
    lines = cell_source(cell).strip().splitlines()
    return lines[0].strip() if lines else ""
