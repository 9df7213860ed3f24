"""The isolation interface, and the ``none`` backend (resource limits only).

A backend turns a submission's scratch directory into a ``KernelLaunch``: the argv
prefix that wraps the kernel's command, the environment, and how the grader talks to
the kernel (TCP or Unix sockets) and interrupts it (signal or message). Everything
else about grading is the same whatever the backend.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..course import Limits
from ..data import DATA_ENV_VAR
from .cgroups import group_processes, kernel_process, kill_and_remove, kill_leftovers

SANDBOX_HOME = "/sandbox"
"""Where a sandboxed kernel sees its working directory (the submission and support files)."""
SANDBOX_DATA = "/data"
"""Where a sandboxed kernel sees the course data, read-only."""
PASSED_THROUGH = ("MPLBACKEND", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONHASHSEED")
"""The only variables of the grader's kernel environment that enter a sandbox."""


@dataclass
class KernelLaunch:
    prefix: list[str]
    """argv placed before the kernel's own command."""
    env: dict[str, str]
    """The environment of the launched process (what the kernel sees unless the prefix clears it)."""
    transport: str = "tcp"
    ip: str = "127.0.0.1"
    connection_file: str | None = None
    interrupt_mode: str = "signal"
    kernel_command: list[str] | None = None
    """The kernel's argv, when it differs from the kernel spec's (a container's own Python)."""
    cgroup: str | None = None
    container: str | None = None
    kernel_pid: int | None = None
    """The kernel's host pid, found in its cgroup once it started (bwrap)."""

    def kernel_started(self) -> None:
        self.kernel_pid = kernel_process(self.cgroup) if self.cgroup else None

    def processes(self) -> frozenset[int]:
        """The sandbox's processes now (empty where it has no cgroup)."""
        return frozenset(group_processes(self.cgroup)) if self.cgroup else frozenset()

    def kill_leftovers(self, spare: frozenset[int] = frozenset(), busy_only: bool = False) -> int:
        """Kill what the notebook left running in its sandbox, except the kernel; how many were killed."""
        if self.cgroup and self.kernel_pid:
            return kill_leftovers(self.cgroup, self.kernel_pid, spare, busy_only)
        return 0

    def cleanup(self) -> None:
        """Kill whatever the kernel left behind (cgroup members, a container)."""
        if self.cgroup:
            kill_and_remove(self.cgroup)
        if self.container:
            remove_container(self.container)


def remove_container(name: str, wait: float = 30.0) -> None:
    """Kill and remove a container, and wait until its name is free.

    A restarted kernel's container takes the same name: ``docker kill`` returns before
    ``--rm`` has removed the old one, and the new ``docker run`` then fails on the name.
    """
    subprocess.run(["docker", "rm", "--force", name], capture_output=True, timeout=120)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if subprocess.run(["docker", "container", "inspect", name], capture_output=True, timeout=60).returncode != 0:
            return
        time.sleep(0.2)


@dataclass(frozen=True)
class SandboxPaths:
    """What a backend may expose to the kernel."""

    scratch: Path
    """A private directory for this submission (the backend may create subdirectories)."""
    workdir: Path
    """The kernel's working directory: the submission and copies of the support files."""
    support_files: tuple[str, ...] = ()
    """Names (inside ``workdir``) of the files to expose read-only."""
    data_dir: Path | None = None


def sandbox_environment(env: dict[str, str], paths: SandboxPaths, extra: dict[str, str]) -> dict[str, str]:
    """A sandboxed kernel's whole environment: the passed-through variables, ``extra``, the data location."""
    inside = {key: env[key] for key in PASSED_THROUGH if key in env}
    inside.update({"HOME": "/tmp", "MPLCONFIGDIR": "/tmp/matplotlib", "PYTHONDONTWRITEBYTECODE": "1", **extra})
    if paths.data_dir is not None:
        inside[DATA_ENV_VAR] = SANDBOX_DATA
    return inside


def disk_inodes(disk: int) -> int:
    """Files the working directory may hold: one per 16 KiB of its size, at least 1,000."""
    return max(1000, disk // (16 * 2**10))


def launcher_prefix(limits: Limits, *, address_space: bool, cgroup: str | None = None, tmpfs: Path | None = None) -> list[str]:
    """The rlimit/cgroup launcher (``autograder.sandbox.rlimits``) as an argv prefix."""
    prefix = [sys.executable, "-m", "autograder.sandbox.rlimits", f"--cpu={int(limits.timeout * 2 + 60)}"]
    if address_space:
        prefix.append(f"--memory={limits.memory}")
    if cgroup:
        prefix += [f"--cgroup={cgroup}", f"--pids={limits.processes}", f"--cgroup-memory={limits.memory}"]
    if tmpfs is not None:
        prefix.append(f"--tmpfs={tmpfs}:{limits.disk}:{disk_inodes(limits.disk)}")
    return prefix + ["--"]


class Isolation:
    """Base class: a named way to launch kernels."""

    name = "base"
    warning: str | None = None

    def launch(self, paths: SandboxPaths, limits: Limits, env: dict[str, str]) -> KernelLaunch:
        raise NotImplementedError


class NoIsolation(Isolation):
    """The kernel runs as the grader's user, with its files and network: rlimits only."""

    name = "none"

    def __init__(self, fallback_reason: str | None = None):
        because = f" (no sandbox available: {fallback_reason})" if fallback_reason else ""
        self.warning = (
            f"warning: --isolation none{because}: submissions run as you, with your files and network; only "
            "memory (address space), CPU time, file-size and open-file limits apply. Use it on trusted code or a laptop."
        )

    def launch(self, paths: SandboxPaths, limits: Limits, env: dict[str, str]) -> KernelLaunch:
        return KernelLaunch(prefix=launcher_prefix(limits, address_space=True), env=env)
