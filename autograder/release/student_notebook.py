"""Turn otter's student notebook into the course's release: stubs and stable JSON.

Otter leaves a bare ``...`` where a solution block was; the course's notebooks say
``# YOUR CODE HERE`` and raise, so an unfilled stub fails loudly instead of passing
``Ellipsis`` along. Outputs, execution metadata and random cell ids are replaced so that
releasing an unchanged master twice writes byte-identical files.
"""

from __future__ import annotations

import hashlib
import re

import nbformat

STUB_MARKER = "# YOUR CODE HERE"
STUB_RAISE = "raise NotImplementedError()"
_ASSIGNED_ELLIPSIS = re.compile(r"^(\s*\S.*=\s*)\.\.\.\s*$")
_VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def write_stubs(notebook: nbformat.NotebookNode) -> None:
    """Replace otter's solution placeholders by ``# YOUR CODE HERE`` stubs, in place."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        lines = []
        for line in cell.source.split("\n"):
            indent = line[: len(line) - len(line.lstrip())]
            if line.strip() == "...":
                lines += [indent + STUB_MARKER, indent + STUB_RAISE]
            elif _ASSIGNED_ELLIPSIS.match(line):
                lines.append(line.rstrip() + "  " + STUB_MARKER)
            else:
                lines.append(line)
        cell.source = "\n".join(lines)


def normalize(notebook: nbformat.NotebookNode) -> None:
    """Clear outputs and volatile metadata; give cells ids derived from their content."""
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if "attachments" in cell and not cell.attachments:
            del cell["attachments"]
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        digest = hashlib.sha256(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:12]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
    notebook.metadata.get("language_info", {}).pop("version", None)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
