"""What every cluster task carries, and what a worker must match to run it."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import autograder

from .. import __version__
from ..course import Limits
from ..grade.scoring import TestSuite

DATA_DIR_ENV = "GRADER_DATA_DIR"
"""Set on a worker whose copy of the course data is somewhere else than the client's."""


@dataclass(frozen=True)
class ClusterJob:
    """How a batch is graded, as plain data: the hidden tests are in ``suite``, in memory only."""

    suite: TestSuite
    limits: Limits
    kernel_name: str
    isolation: str
    """The backend asked for (``auto``, ``bwrap``, ``docker``, ``none``), chosen on each worker."""
    require_isolation: bool
    docker_image: str | None
    support_files: tuple[tuple[str, bytes], ...]
    """(path relative to the submission's folder, content): the assignment's support files."""
    data_dir: str | None
    """The course data as the client sees it; a worker's ``GRADER_DATA_DIR`` takes precedence."""
    datasets: tuple[str, ...]
    """Datasets the notebooks read: a worker without them is refused before the batch starts."""
    package: str
    """``package_fingerprint()`` of the client: a worker running other grading code is refused."""
    preload: tuple[str, ...] = ()
    warm_kernels: bool = True
    """Each grading process starts its next kernel (with ``preload``) while the current submission runs."""

    @functools.cached_property
    def key(self) -> str:
        """Names this job's grading setup in a worker's cache."""
        digest = hashlib.sha256()
        for part in (self.suite.sha256, repr(self.limits), self.kernel_name, self.isolation, str(self.require_isolation),
                     str(self.docker_image), str(self.data_dir), repr(self.datasets), self.package, repr(self.preload),
                     str(self.warm_kernels)):
            digest.update(part.encode() + b"\0")
        for name, content in self.support_files:
            digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        return digest.hexdigest()[:16]


def read_support_files(paths: tuple[Path, ...]) -> tuple[tuple[str, bytes], ...]:
    """Support files and folders as (relative path, bytes), the way the engine lays them out beside a submission."""
    files = []
    for path in paths:
        if path.is_dir():
            files += [(f"{path.name}/{p.relative_to(path).as_posix()}", p.read_bytes()) for p in sorted(path.rglob("*")) if p.is_file()]
        else:
            files.append((path.name, path.read_bytes()))
    return tuple(files)


@functools.cache
def package_fingerprint() -> str:
    """The grader's version and a hash of its code: two installs grade alike only if these agree."""
    root = Path(autograder.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{__version__}+{digest.hexdigest()[:12]}"
