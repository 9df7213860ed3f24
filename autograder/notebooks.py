"""Reading notebooks from disk with one-line errors instead of tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .errors import GraderError


def read_notebook(path: Path, *, label: str | None = None) -> nbformat.NotebookNode:
    """Read and validate an nbformat-4 notebook.

    ``label`` names the notebook in messages (e.g. a path relative to the course).
    """
    label = label or str(path)
    if path.is_dir():
        raise GraderError(f"{label}: a directory, not a notebook file")
    if not path.is_file():
        raise GraderError(f"{label}: no such notebook file")
    if path.stat().st_size == 0:
        raise GraderError(f"{label}: empty file")
    try:
        text = path.read_text(encoding="utf-8")
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
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        raise GraderError(f"{label}: invalid notebook ({exc.message})") from None
    except Exception as exc:  # nbformat's own checks raise anything on hostile input (TypeError, AssertionError...)
        raise GraderError(f"{label}: invalid notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    return notebook


def cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def first_line(cell) -> str:
    lines = cell_source(cell).strip().splitlines()
    return lines[0].strip() if lines else ""
