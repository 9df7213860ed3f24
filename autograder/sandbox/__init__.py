"""Isolation backends: how a submission's kernel is launched and what contains it.

``auto`` picks the strongest backend that works on this machine (probed at start-up
by running Python in a real sandbox): ``bwrap`` where bubblewrap can create its
namespaces, else ``docker`` where an engine runs the grading image. If neither works,
grading stops and says why: unsandboxed grading happens only when asked for by name
(``--isolation none``). Commands that run trusted or the student's own code (``check``,
``validate``, Gradescope's runner, whose container is the sandbox) may fall back to
``none`` with a warning, unless ``--require-isolation``.
"""

from __future__ import annotations

from ..errors import GraderError
from .base import Isolation, KernelLaunch, NoIsolation, SandboxPaths
from .bwrap import BwrapIsolation, bwrap_works
from .docker import DockerIsolation, docker_works, sweep_orphans

BACKENDS = ("auto", "bwrap", "docker", "none")


FIXES = {
    "bwrap": "install bubblewrap (apt-get install bubblewrap) where unprivileged user namespaces are allowed",
    "docker": "start a Docker engine and build the image (grader image build; README, Docker)",
}


def select_isolation(requested: str, require_isolation: bool = False, docker_image: str | None = None,
                     *, unsandboxed_fallback: bool = False) -> Isolation:
    """The backend to use; ``auto`` tries bwrap, then docker, then stops (or, with ``unsandboxed_fallback``,
    falls back to none with a warning). ``docker_image``: default, the course's (``grader image build``)."""
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
        reasons.append(f"bwrap: {reason}")
    if requested in ("auto", "docker"):
        if docker_image is None:
            from ..image import course_image

            docker_image = course_image()
        works, reason = docker_works(docker_image)
        if works:
            sweep_orphans()  # containers a grader killed with kill -9 could not remove
            return DockerIsolation(docker_image)
        reasons.append(f"docker: {reason}")
    if requested != "auto":
        raise GraderError(f"--isolation {requested}: {reasons[-1].partition(': ')[2]} (to fix: {FIXES[requested]})")
    if require_isolation or not unsandboxed_fallback:
        raise GraderError(f"no sandbox works here, so nothing was graded ({'; '.join(reasons)}). To fix: "
                          f"{FIXES['bwrap']}, or {FIXES['docker']}; or grade trusted code unsandboxed with --isolation none")
    return NoIsolation(fallback_reason="; ".join(reasons))


__all__ = ["BACKENDS", "Isolation", "KernelLaunch", "SandboxPaths", "select_isolation"]
