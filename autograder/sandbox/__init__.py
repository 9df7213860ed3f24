"""Isolation backends: how a submission's kernel is launched and what contains it.

``auto`` picks the strongest backend that works on this machine (probed at start-up):
``bwrap`` where bubblewrap can create its namespaces, else ``docker`` where an engine
answers, else ``none`` with a warning.
``--require-isolation`` turns that fallback into an error.
"""

from __future__ import annotations

from ..errors import GraderError
from .base import Isolation, KernelLaunch, NoIsolation, SandboxPaths
from .bwrap import BwrapIsolation, bwrap_works
from .docker import DEFAULT_IMAGE, DockerIsolation, docker_works

BACKENDS = ("auto", "bwrap", "docker", "none")


def select_isolation(requested: str, require_isolation: bool = False, docker_image: str = DEFAULT_IMAGE) -> Isolation:
    """The backend to grade with; ``auto`` tries bwrap, then docker, then falls back to none."""
    if requested not in BACKENDS:
        raise GraderError(f"unknown isolation backend {requested!r} (choose from {', '.join(BACKENDS)})")
    if requested == "none":
        if require_isolation:
            raise GraderError("--require-isolation: refusing to grade with --isolation none")
        return NoIsolation()
    reasons = []
    if requested in ("auto", "bwrap"):
        works, reason = bwrap_works()
        if works:
            return BwrapIsolation()
        reasons.append(reason)
    if requested in ("auto", "docker"):
        works, reason = docker_works()
        if works:
            return DockerIsolation(docker_image)
        reasons.append(reason)
    if requested != "auto":
        raise GraderError(f"--isolation {requested}: {reasons[-1]}")
    if require_isolation:
        raise GraderError(f"--require-isolation: no sandboxing backend works here ({'; '.join(reasons)})")
    return NoIsolation(fallback_reason="; ".join(reasons))


__all__ = ["BACKENDS", "DEFAULT_IMAGE", "Isolation", "KernelLaunch", "SandboxPaths", "select_isolation"]
