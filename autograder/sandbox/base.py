"""The isolation interface and the ``none`` backend (resource limits only)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from ..course import Limits
from ..errors import GraderError

NONE_WARNING = (
    "warning: --isolation none: submissions run as you, with your files and network; only "
    "memory, file-size and core-dump limits apply. Use it on trusted code or a laptop."
)


@dataclass(frozen=True)
class Isolation:
    """How a kernel is launched. ``none``: the kernel is wrapped by the rlimit launcher."""

    name: str = "none"

    def kernel_prefix(self, limits: Limits) -> list[str]:
        """argv placed before the kernel's own command (which the prefix then execs)."""
        return [
            sys.executable,
            "-m",
            "autograder.sandbox.rlimits",
            f"--memory={limits.memory}",
            "--",
        ]

    @property
    def warning(self) -> str | None:
        return NONE_WARNING if self.name == "none" else None


def available_backends() -> list[str]:
    return ["none"]


def select_isolation(requested: str, require_isolation: bool = False) -> Isolation:
    """``auto`` picks the strongest backend that works here."""
    backends = available_backends()
    if requested == "auto":
        requested = backends[0]
    if requested not in backends:
        raise GraderError(f"isolation backend {requested!r} is not available here (available: {', '.join(backends)})")
    if require_isolation and requested == "none":
        raise GraderError("--require-isolation: no sandboxing backend works here, refusing to grade with --isolation none")
    return Isolation(requested)
