"""Finding submissions on disk and naming them.

A submission is a ``.ipynb`` path given directly or found (recursively) in a given
directory. Its name is the file's stem; when stems collide (every student's
``hw01.ipynb``), it is named after its folder instead: the folder's path relative to
the directory it was found in, or, for a file given by itself, its parent folder's
name. That covers the LMS bulk downloads: Gradescope's export has a folder per
submission (``submission_123/hw01.ipynb`` -> ``submission_123``); Canvas's is flat,
with unique file names (``doejohn_12345_678910_hw01.ipynb``). Nothing here reads the
notebook: a broken one is still a submission, graded as ``error`` with a reason.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import GraderError


@dataclass(frozen=True)
class Submission:
    name: str
    path: Path

    @property
    def sha256(self) -> str:
        if not self.path.is_file():
            return ""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @property
    def file_stem(self) -> str:
        return file_stem(self.name)


def file_stem(name: str) -> str:
    """A submission's name, safe as a file name (``a/b`` -> ``a__b``)."""
    return name.replace("/", "__")


def find_submissions(paths: list[Path]) -> list[Submission]:
    found: list[tuple[Path, Path]] = []  # (path, the directory it was found under, or its parent)
    for given in paths:
        if given.is_dir() and given.suffix != ".ipynb":
            found += [(p, given) for p in sorted(given.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
        elif given.exists():
            found.append((given, given.parent))
        else:
            raise GraderError(f"{given}: no such file or directory")
    unique = list(dict.fromkeys(found))
    stems = Counter(path.stem for path, _ in unique)
    submissions = []
    for path, base in unique:
        submissions.append(Submission(path.stem if stems[path.stem] == 1 else _folder_name(path, base), path))
    names = Counter(s.name for s in submissions)
    duplicates = [name for name, count in names.items() if count > 1]
    if duplicates:
        raise GraderError(f"two submissions would share the name {duplicates[0]!r}; pass their directories instead")
    return submissions


def _folder_name(path: Path, base: Path) -> str:
    """A colliding notebook's name: its folder below ``base``, or its parent's name when given by itself."""
    folder = path.parent.relative_to(base).as_posix()
    if folder == ".":
        folder = path.parent.name if path.parent == base and base.name else ""
    return folder or str(path.relative_to(base).with_suffix(""))
