"""The exact versions the course was tested with: ``requirements.lock``, and what is installed here.

One lock, three users: ``make`` installs a fresh machine from it, ``grader gradescope``
writes the zip's ``requirements.txt`` from it and ``docker/Dockerfile`` installs the
image from that same list, so a notebook runs with the same libraries everywhere. The
lock is the closure of this package with its ``course`` extra (the course's own
libraries), as installed; ``tools/lock_requirements.py`` rewrites or checks it.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .errors import GraderError

DISTRIBUTION = "ml-course-autograder"
LOCK_NAME = "requirements.lock"
GPU_ONLY = re.compile(r"^(nvidia-|cuda-|triton$)")
"""CUDA runtime packages that come with PyTorch's GPU build; Gradescope and Docker install the CPU build."""


def installed_closure(distribution: str = DISTRIBUTION, extras: tuple[str, ...] = ("course",)) -> dict[str, str]:
    """name -> version of everything ``distribution[extras]`` needs, transitively, as installed here.

    A package's extras are followed wherever one is asked for (``nbconvert[webpdf]``), even
    when the package was reached without them first. ``distribution`` itself is left out.
    Local version labels (``2.14.1+cu130``) are dropped: ``torch==2.14.1`` installs the
    same release, as the CUDA build from PyPI or the CPU build from PyTorch's index.
    """
    versions: dict[str, str] = {}
    followed: set[tuple[str, str]] = set()  # (package, extra) whose requirements are queued; "" is the package itself
    pending = [(distribution, extra) for extra in ("", *extras)]
    while pending:
        name, extra = pending.pop()
        key = (canonicalize_name(name), canonicalize_name(extra) if extra else "")
        if key in followed:
            continue
        followed.add(key)
        try:
            installed = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed: --check reports it if the lock has it
        if key[0] != canonicalize_name(distribution):
            versions[key[0]] = installed.version.split("+")[0]
        for text in installed.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
                pending += [(requirement.name, wanted) for wanted in ("", *requirement.extras)]
    return dict(sorted(versions.items()))


def lock_text(versions: dict[str, str]) -> str:
    header = ("# The exact versions this course was tested with: ml-course-autograder[course] and everything it needs.\n"
              "# Written by `make lock` (tools/lock_requirements.py) from the installed environment; `make` installs from it,\n"
              "# and the Gradescope zip and the Docker image pin the same versions (CUDA-only packages left out there).\n")
    return header + "".join(f"{name}=={version}\n" for name, version in versions.items())


def read_lock(path: Path) -> dict[str, str]:
    versions: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, separator, version = line.partition("==")
        if not separator or not name.strip() or not version.strip():
            raise GraderError(f"{path}, line {number}: expected name==version, got {line!r}")
        versions[canonicalize_name(name.strip())] = version.strip()
    return versions


def differences(locked: dict[str, str], installed: dict[str, str]) -> list[str]:
    """One line per package whose version differs between the lock and the environment."""
    return [f"{name}: locked {locked.get(name, 'absent')}, installed {installed.get(name, 'absent')}"
            for name in sorted(set(locked) | set(installed)) if locked.get(name) != installed.get(name)]


def cpu_requirements(versions: dict[str, str]) -> list[str]:
    """The pins for machines that install PyTorch's CPU build (Gradescope, the Docker image)."""
    return [f"{name}=={version}" for name, version in versions.items() if not GPU_ONLY.match(name)]


def course_requirements(course_root: Path) -> list[str]:
    """The course's CPU pins: from its ``requirements.lock``, else from what is installed here."""
    lock = course_root / LOCK_NAME
    return cpu_requirements(read_lock(lock) if lock.is_file() else installed_closure())
