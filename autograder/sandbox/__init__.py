"""Isolation backends: how a submission's kernel is launched and what contains it.

``auto`` picks the strongest backend that works on this machine (probed at start-up):
``bwrap`` where bubblewrap can create its namespaces, else ``none`` with a warning.
``--require-isolation`` turns that fallback into an error.
"""

from __future__ import annotations

from ..errors import GraderError
from .base import Isolation, KernelLaunch, NoIsolation, SandboxPaths
from .bwrap import BwrapIsolation, bwrap_works

BACKENDS = ("auto", "bwrap", "none")


def select_isolation(requested: str, require_isolation: bool = False) -> Isolation:
    if requested not in BACKENDS:
        raise GraderError(f"unknown isolation backend {requested!r} (choose from {', '.join(BACKENDS)})")
    if requested == "none":
        if require_isolation:
            raise GraderError("--require-isolation: refusing to grade with --isolation none")
        return NoIsolation()
    works, reason = bwrap_works()
    if works:
        return BwrapIsolation()
    if requested == "bwrap":
        raise GraderError(f"--isolation bwrap: {reason}")
    if require_isolation:
        raise GraderError(f"--require-isolation: no sandboxing backend works here ({reason})")
    return NoIsolation(fallback_reason=reason)


__all__ = ["BACKENDS", "Isolation", "KernelLaunch", "SandboxPaths", "select_isolation"]
