"""How one batch is graded, save the submissions: made in one place for grade, validate, check and Gradescope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..course import Limits
from ..environment import kernel_environment
from ..sandbox import Isolation
from .scoring import TestSuite

CELL_OUTPUT_LIMIT = 10 * 2**20
SUBMISSION_OUTPUT_LIMIT = 50 * 2**20


@dataclass(frozen=True)
class GradingSetup:
    """Everything about how submissions of one batch are graded, save the submission itself."""

    suite: TestSuite
    limits: Limits
    kernel_name: str
    env: dict[str, str]
    isolation: Isolation
    support_files: tuple[Path, ...] = ()
    data_dir: Path | None = None
    cell_output_limit: int = CELL_OUTPUT_LIMIT
    submission_output_limit: int = SUBMISSION_OUTPUT_LIMIT
    preload: tuple[str, ...] = ()
    """Modules a warm kernel imports before its submission arrives (``course.toml``'s ``preload``)."""


def grading_setup(
    suite: TestSuite,
    isolation: Isolation,
    *,
    limits: Limits,
    kernel_name: str,
    data_dir: Path | None = None,
    support_files: Iterable[Path] = (),
    preload: Iterable[str] = (),
) -> GradingSetup:
    """The one way to make a ``GradingSetup``, so every command grades alike.

    The kernel's environment follows from the data directory (a missing one is
    treated as none), so grading, validation, self-checks and Gradescope cannot drift
    apart in what a notebook sees.
    """
    data = data_dir if data_dir is not None and data_dir.is_dir() else None
    return GradingSetup(
        suite=suite,
        limits=limits,
        kernel_name=kernel_name,
        env=kernel_environment(data),
        isolation=isolation,
        support_files=tuple(support_files),
        data_dir=data,
        preload=tuple(preload),
    )
