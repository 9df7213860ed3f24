"""From a submission notebook to the steps the engine runs.

Code cells run in order, except cells tagged to be ignored at grading (otter's
``otter_ignore`` tag or ``{"otter": {"ignore": true}}`` metadata). otter's own
plumbing is replaced: the ``otter.Notebook`` initialisation is dropped (the kernel
never imports otter), and each ``grader.check("qN")`` becomes a step that runs qN's
tests right there, in the notebook's namespace as it stands at that cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_CHECK = re.compile(r"""^\s*grader\.check\(\s*["']([^"']+)["']\s*\)\s*;?\s*$""")
_OTTER_PLUMBING = re.compile(
    r"""^\s*(import\s+otter\s*|grader\s*=\s*otter\.Notebook\(.*\)\s*|grader\.(check_all|export)\(.*\)\s*"""
    r"""|\#\s*Initialize Otter\s*|\#\s*Save your notebook first.*)$"""
)
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
    steps = []
    for index, cell in enumerate(notebook.cells):
        if cell.get("cell_type") != "code" or _ignored(cell):
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        code_lines, checks = [], []
        for line in source.splitlines():
            check = _CHECK.match(line)
            if check:
                checks.append(check.group(1))
            elif not _OTTER_PLUMBING.match(line):
                code_lines.append(line)
        code = "\n".join(code_lines)
        if code.strip():
            steps.append(Step("cell", index, code))
        steps.extend(Step("check", index, question=q) for q in checks if q in known)
    return steps


def _ignored(cell) -> bool:
    metadata = cell.get("metadata", {})
    return IGNORE_TAG in metadata.get("tags", []) or bool(metadata.get("otter", {}).get("ignore", False))
