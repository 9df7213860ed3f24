"""Execute a master notebook before otter assign reads its stored outputs.

Otter takes the expected output of each test from the master's stored outputs, so a
master that was not freshly executed releases stale or empty tests (otter issue
917). Release therefore always runs it here first, in a scratch copy, and a cell that
raises stops the release with the cell named.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..course import Assignment, Course
from ..environment import kernel_environment
from ..errors import GraderError
from .markers import describe_cell


def execute_master(notebook: nbformat.NotebookNode, workdir: Path, assignment: Assignment, course: Course, label: str) -> nbformat.NotebookNode:
    """Run every code cell of ``notebook`` with ``workdir`` as its working directory."""
    current = {"index": None}

    def remember(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        notebook,
        timeout=int(assignment.limits.cell_timeout),
        kernel_name=assignment.kernel,
        resources={"metadata": {"path": str(workdir)}},
        on_cell_execute=remember,
        record_timing=False,
    )
    try:
        client.execute(env=kernel_environment(course.data_dir), stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        where = describe_cell(notebook, current["index"])
        raise GraderError(f"{label}: {where} raised {exc.ename}: {_one_line(exc.evalue)}") from None
    except CellTimeoutError:
        where = describe_cell(notebook, current["index"])
        raise GraderError(
            f"{label}: {where} ran longer than the cell timeout ({assignment.limits.cell_timeout:g} s)"
        ) from None
    except DeadKernelError:
        where = describe_cell(notebook, current["index"])
        raise GraderError(f"{label}: the kernel died while running {where}") from None
    return notebook


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 200 else text[:197] + "..."
