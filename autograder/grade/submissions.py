"""Finding submissions on disk and naming them.

A submission is a ``.ipynb`` path given directly or found (recursively) in a given
directory. Its name is the file's stem, or its path relative to the directory it was
found in (without ``.ipynb``) when two stems collide. Nothing here reads the
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
        """The name, safe as a file name (``a/b`` -> ``a__b``)."""
        return self.name.replace("/", "__")


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
        name = path.stem if stems[path.stem] == 1 else str(path.relative_to(base).with_suffix(""))
        submissions.append(Submission(name, path))
    names = Counter(s.name for s in submissions)
    duplicates = [name for name, count in names.items() if count > 1]
    if duplicates:
        raise GraderError(f"two submissions would share the name {duplicates[0]!r}; pass their directories instead")
    return submissions
