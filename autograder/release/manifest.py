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


def write_manifest(student_dir: Path, *, assignment_id: str, title: str, master: str, fingerprint: str, otter_version: str) -> None:
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
    }
    (student_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
