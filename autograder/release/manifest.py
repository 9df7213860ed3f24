"""``release.json``: what a student release was built from, so staleness is detectable.

Solutions are stripped from the release, so editing only a solution cell would leave
the student files unchanged; the fingerprint of the master's sources (and support
files) makes that edit show up in ``grader release --check`` too.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__

MANIFEST_NAME = "release.json"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def master_fingerprint(master, support_files: list[Path]) -> str:
    """Hash of the master's cell types and sources (not outputs) and the support files."""
    digest = hashlib.sha256()
    cells = [[cell.cell_type, cell.source] for cell in master.cells]
    digest.update(json.dumps(cells, sort_keys=True).encode())
    for path in sorted(support_files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def question_summary(suite) -> dict:
    """Per question: its points, and how many public and hidden cases (and hidden points) it has.

    Students only get the public tests; this tells them (and ``grader check``) what
    else runs at grading, without a line of the hidden tests.
    """
    summary = {}
    for question in suite.questions:
        hidden = [points for case, points in zip(question.spec.cases, question.points, strict=True) if case.hidden]
        summary[question.name] = {
            "points": question.max_score,
            "public_cases": len(question.spec.cases) - len(hidden),
            "hidden_cases": len(hidden),
            "hidden_points": round(sum(hidden), 6),
        }
    return summary


def read_manifest(release_dir: Path) -> dict:
    path = release_dir / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(student_dir: Path, *, assignment_id: str, title: str, master: str, fingerprint: str,
                   otter_version: str, questions: dict) -> None:
    files = {
        str(path.relative_to(student_dir)): sha256_file(path)
        for path in sorted(student_dir.rglob("*"))
        if path.is_file() and path.name != MANIFEST_NAME
    }
    manifest = {
        "assignment": assignment_id,
        "title": title,
        "master": master,
        "master_sha256": fingerprint,
        "released_with": {"ml-course-autograder": __version__, "otter-grader": otter_version},
        "files": files,
        "questions": questions,
    }
    (student_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
