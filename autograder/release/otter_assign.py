"""Run otter assign, the format's own parser, on an executed master.

It runs in a subprocess: ``otter.assign.main`` changes the working directory of the
process that calls it, and its failures (assertions on malformed markers) are best
read off its last line of output.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from ..errors import GraderError
from ..notebooks import cell_source, first_line


def configure(notebook: nbformat.NotebookNode, assignment_id: str, support_files: list[str], label: str) -> None:
    """Set the ``# ASSIGNMENT CONFIG`` keys this pipeline relies on, in place.

    Tests go to files (the engine and the leak guard read them there), otter does not
    re-run them (release executed the master already), and the support files come
    from ``course.toml``.
    """
    for cell in notebook.cells:
        if cell.cell_type == "raw" and first_line(cell).upper().startswith("# ASSIGNMENT CONFIG"):
            body = "\n".join(cell_source(cell).splitlines()[1:])
            try:
                config = yaml.safe_load(body) or {}
            except yaml.YAMLError as exc:
                raise GraderError(f"{label}: invalid ASSIGNMENT CONFIG ({' '.join(str(exc).split())})") from None
            break
    else:
        raise GraderError(f"{label}: no '# ASSIGNMENT CONFIG' raw cell")
    config["name"] = assignment_id
    config["run_tests"] = False
    config["solutions_pdf"] = False
    config["template_pdf"] = False
    config.setdefault("generate", True)
    config["tests"] = {**(config.get("tests") or {}), "files": True}
    config["files"] = sorted(set(config.get("files") or []) | set(support_files))
    cell.source = "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=True)


def run_otter_assign(master: Path, output: Path, label: str) -> None:
    """``otter assign --no-pdfs master output``, with otter's own error as a one-liner."""
    otter = shutil.which("otter", path=str(Path(sys.executable).parent)) or "otter"
    process = subprocess.run(
        [otter, "assign", "--no-pdfs", str(master), str(output)],
        cwd=master.parent,
        capture_output=True,
        text=True,
    )
    if process.returncode != 0:
        lines = [line.strip() for line in (process.stderr + process.stdout).splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {process.returncode}"
        raise GraderError(f"{label}: otter assign failed: {reason[:300]}")
