"""What ``run_autograder`` runs on Gradescope: grade the submission, write results.json.

What is the submission's fault (no notebook, two notebooks, an unreadable file) ends
as a results.json with 0 points and the reason. What is the grader's (a bug, a kernel
that cannot start, a broken bundle) is never a zero: no results.json and a non-zero
exit, which Gradescope shows as an autograder failure, without a score, for staff to
rerun. The hidden tests are read into memory and deleted from disk before the
submission's first cell runs, so no sandbox is needed to keep them out of its reach.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
from pathlib import Path

from ..course import Limits
from ..errors import GraderError
from ..grade.engine import grade_submission
from ..grade.scoring import load_test_suite
from ..grade.setup import grading_setup
from ..grade.submissions import Submission
from ..sandbox import select_isolation
from .results import failure_results, gradescope_results


class SubmissionProblem(GraderError):
    """The submission cannot be graded, through its own fault: 0 points and the reason."""


def main() -> int:
    root = Path(os.environ.get("GRADESCOPE_ROOT", "/autograder"))
    started = time.monotonic()
    try:
        results = grade(root)
    except SubmissionProblem as exc:
        results = failure_results(f"**This submission could not be graded:** {exc}", time.monotonic() - started)
    except Exception as exc:  # the grader's failure: no results.json, so no score, and Gradescope says it failed
        print(f"grader failure (not the submission's fault; no score written): {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name("results.json.partial")
    partial.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    partial.replace(target)
    return 0


def grade(root: Path) -> dict:
    started = time.monotonic()
    source = root / "source"
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    notebook = find_submission(root / "submission", config["assignment"])
    suite = load_test_suite(source / "tests")
    suite.require_references(source / "tests")
    shutil.rmtree(source / "tests")  # in memory now; gone from disk before the submission runs
    isolation = select_isolation("auto", unsandboxed_fallback=True)  # Gradescope's container is the sandbox
    if isolation.warning:
        print(isolation.warning, file=sys.stderr)
    data_dir = source / "data"
    files = source / "files"
    setup = grading_setup(suite, isolation, limits=Limits(**config["limits"]), kernel_name=config["kernel"],
                          data_dir=data_dir, support_files=sorted(files.iterdir()) if files.is_dir() else ())
    result = asyncio.run(grade_submission(Submission(notebook.stem, notebook), setup))
    if result.status == "error":
        raise SubmissionProblem(result.error or "the notebook could not be run")
    if result.status != "graded":
        raise GraderError(result.error or "the grader failed")
    return gradescope_results(result, time.monotonic() - started, manual=config.get("manual", {}))


def find_submission(folder: Path, assignment_id: str) -> Path:
    """The notebook to grade: ``<assignment>.ipynb``, else the only notebook submitted."""
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    named = [p for p in notebooks if p.name == f"{assignment_id}.ipynb"]
    if len(named) == 1:
        return named[0]
    if len(notebooks) == 1:
        return notebooks[0]
    if not notebooks:
        raise SubmissionProblem(f"no notebook was submitted: upload {assignment_id}.ipynb")
    names = ", ".join(p.relative_to(folder).as_posix() for p in notebooks)
    raise SubmissionProblem(f"{len(notebooks)} notebooks were submitted ({names}): upload only {assignment_id}.ipynb")


if __name__ == "__main__":
    sys.exit(main())
