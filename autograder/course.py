"""The course configuration (``course.toml``): which assignments exist and how they run.

``grader`` finds ``course.toml`` by walking up from the working directory, the way
git finds its repository, so every command works from any subdirectory.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import GraderError

CONFIG_NAME = "course.toml"
MODULE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")

_SIZE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
_SIZE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*$", re.IGNORECASE)


def parse_size(text: str | int) -> int:
    """Bytes in a size such as ``"4GiB"``, ``"512M"`` or ``1024`` (binary units)."""
    if isinstance(text, int):
        return text
    match = _SIZE_PATTERN.match(text)
    if not match:
        raise GraderError(f"invalid size {text!r} in {CONFIG_NAME} (use e.g. '4GiB' or '512MiB')")
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).upper()])


@dataclass(frozen=True)
class Limits:
    """Resource limits for executing one notebook (the master at release, a submission at grading)."""

    cell_timeout: float = 60.0
    """Seconds one cell may run before it is interrupted."""
    timeout: float = 600.0
    """Seconds the whole notebook may run."""
    memory: int = 4 * 2**30
    """Bytes of memory the kernel may use."""
    processes: int = 256
    """Processes and threads a sandboxed kernel may have at once (cgroup ``pids.max``)."""
    test_budget: float = 10.0
    """Seconds one question's tests may take; ``grader validate`` flags slower ones."""
    disk: int = 256 * 2**20
    """Bytes the notebook may write in its working directory, ``/sandbox`` (a size-limited tmpfs in a sandbox)."""


@dataclass(frozen=True)
class Assignment:
    """One assignment of the course, as listed in ``course.toml``."""

    id: str
    title: str
    master: Path
    """The master notebook (otter assign format), absolute."""
    files: tuple[Path, ...] = ()
    """Support files shipped with the release and the autograder, absolute."""
    data: tuple[str, ...] = ()
    """Dataset names (see ``autograder.data``) the notebook reads from ``$COURSE_DATA``."""
    kernel: str = "python3"
    limits: Limits = field(default_factory=Limits)
    preload: tuple[str, ...] = ()
    """Modules a warm kernel imports before its submission arrives (``numpy``, ``torch``): the notebook's own
    imports of them are then instant. Only ever modules the notebooks import anyway."""

    @property
    def master_dir(self) -> Path:
        return self.master.parent


@dataclass(frozen=True)
class Course:
    """The whole course: its root directory and its assignments, in order."""

    root: Path
    name: str
    assignments: tuple[Assignment, ...]
    data_dir: Path
    """Where ``grader data`` prepares datasets (gitignored), absolute."""

    @property
    def assignments_dir(self) -> Path:
        return self.root / "assignments"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def shared_datasets_dir(self) -> Path:
        """The read-only offline datasets beside the repository (``../shared/datasets``)."""
        return self.root.parent / "shared" / "datasets"

    def assignment(self, assignment_id: str) -> Assignment:
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        known = ", ".join(a.id for a in self.assignments) or "none"
        raise GraderError(f"unknown assignment {assignment_id!r} ({CONFIG_NAME} lists: {known})")

    def relative(self, path: Path) -> str:
        """A path relative to the course root, for messages."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


_DEFAULT_KEYS = {"kernel", "preload"} | {f.name for f in fields(Limits)}
_ASSIGNMENT_KEYS = {"id", "title", "master", "files", "data"} | _DEFAULT_KEYS


def find_course_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` that holds ``course.toml``."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / CONFIG_NAME).is_file():
            return directory
    raise GraderError(f"no {CONFIG_NAME} found in {here} or any parent directory")


def load_course(start: Path | None = None) -> Course:
    """Load the course whose ``course.toml`` is at or above ``start`` (default: the cwd)."""
    root = find_course_root(start)
    path = root / CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GraderError(f"{path} is not valid TOML: {exc}") from None
    course = raw.get("course", {})
    defaults_table = raw.get("defaults", {})
    unknown = set(defaults_table) - _DEFAULT_KEYS
    if unknown:
        raise GraderError(f"{CONFIG_NAME} [defaults]: unknown keys {sorted(unknown)}")
    defaults = _limits(defaults_table, Limits())
    default_kernel = defaults_table.get("kernel", "python3")
    default_preload = _preload(defaults_table.get("preload", []), "[defaults]")
    assignments = []
    seen = set()
    for entry in raw.get("assignments", []):
        assignment = _assignment(root, entry, defaults, default_kernel, default_preload)
        if assignment.id in seen:
            raise GraderError(f"{CONFIG_NAME}: assignment {assignment.id!r} is listed twice")
        seen.add(assignment.id)
        assignments.append(assignment)
    return Course(
        root=root,
        name=course.get("name", root.name),
        assignments=tuple(assignments),
        data_dir=(root / course.get("data_dir", "data")).resolve(),
    )


def _limits(table: dict, base: Limits) -> Limits:
    values = {}
    for f in fields(Limits):
        if f.name in table:
            raw = table[f.name]
            values[f.name] = parse_size(raw) if f.name in ("memory", "disk") else int(raw) if f.name == "processes" else float(raw)
    return Limits(**{**base.__dict__, **values})


def _preload(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(m, str) and MODULE_NAME.fullmatch(m) for m in raw):
        raise GraderError(f"{CONFIG_NAME} {where}: preload must be a list of module names, like [\"numpy\", \"torch\"]")
    return tuple(raw)


def _assignment(root: Path, entry: dict, defaults: Limits, default_kernel: str, default_preload: tuple[str, ...] = ()) -> Assignment:
    missing = [key for key in ("id", "master") if key not in entry]
    if missing:
        raise GraderError(f"{CONFIG_NAME}: an [[assignments]] entry lacks {', '.join(missing)}")
    unknown = set(entry) - _ASSIGNMENT_KEYS
    if unknown:
        raise GraderError(f"{CONFIG_NAME}: assignment {entry['id']!r} has unknown keys {sorted(unknown)}")
    master = (root / entry["master"]).resolve()
    return Assignment(
        id=entry["id"],
        title=entry.get("title", entry["id"]),
        master=master,
        files=tuple((master.parent / f).resolve() for f in entry.get("files", [])),
        data=tuple(entry.get("data", [])),
        kernel=entry.get("kernel", default_kernel),
        limits=_limits(entry, defaults),
        preload=_preload(entry["preload"], f"assignment {entry['id']!r}") if "preload" in entry else default_preload,
    )
