"""The ``bwrap`` backend: each kernel in its own bubblewrap sandbox.

Only the kernel is inside; the grader (and the hidden tests it holds) stays outside
and talks to it over Unix sockets in a directory shared with the sandbox (TCP cannot
cross ``--unshare-net``). The sandbox sees: read-only ``/usr``, the Python
installation and the virtualenv; a private working directory ``/sandbox``, a tmpfs of
the assignment's ``disk`` size (support files bound read-only in it); the course data
read-only at ``/data``; a private ``/tmp`` of bounded size; ``/proc`` of its own pid namespace. No network, no other
user's or submission's files, no home directory, a scrubbed environment, uid 1000 in
a user namespace with no capabilities. The launcher outside puts it in fresh cgroups
(``pids.max``, ``memory.limit_in_bytes``) and sets rlimits; killing the sandbox's
first process kills everything in its pid namespace.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from ..course import Limits
from .base import SANDBOX_DATA, SANDBOX_HOME, Isolation, KernelLaunch, SandboxPaths, launcher_prefix, sandbox_environment
from .cgroups import cgroups_available, new_group_name

TMP_SIZE = 512 * 2**20


def python_roots() -> list[Path]:
    """The directories the kernel's Python needs: the virtualenv, the base installation, and where its
    site-packages really are (a virtualenv may link them from elsewhere)."""
    roots = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(os.path.realpath(sys.executable)).parent.parent}
    roots |= {Path(p).resolve() for p in site.getsitepackages() if Path(p).is_dir()}
    return sorted(root for root in roots if not any(other in root.parents for other in roots))


def bwrap_command(paths: SandboxPaths, env: dict[str, str], connection_dir: Path, disk: int = Limits.disk,
                  disk_mount: Path | None = None) -> list[str]:
    """``disk_mount``: a directory the launcher mounted a size- and file-capped tmpfs on (as root), bound as
    ``/sandbox``; without one, bwrap's own tmpfs of ``disk`` bytes (no cap on the number of files)."""
    command = [shutil.which("bwrap") or "bwrap", "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        if Path(f"/usr/{name}").exists():
            command += ["--symlink", f"usr/{name}", f"/{name}"]
    for etc in ("/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime"):
        if Path(etc).exists():
            command += ["--ro-bind", etc, etc]
    command += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_SIZE), "--tmpfs", "/tmp"]
    for root in python_roots():  # after the private /tmp: a virtualenv under /tmp stays visible
        command += ["--ro-bind", str(root), str(root)]
    # The working directory is a tmpfs of the assignment's disk size (its pages count against the memory
    # cgroup, never the host's disk); the submission's support files are bound read-only into it.
    if disk_mount is not None:
        command += ["--bind", str(disk_mount), SANDBOX_HOME]
    else:
        command += ["--size", str(disk), "--tmpfs", SANDBOX_HOME]
    for name in paths.support_files:
        command += ["--ro-bind", str(paths.workdir / name), f"{SANDBOX_HOME}/{name}"]
    if paths.data_dir is not None and paths.data_dir.exists():
        command += ["--ro-bind", str(paths.data_dir.resolve()), SANDBOX_DATA]
    command += ["--bind", str(connection_dir), str(connection_dir)]
    command += [
        "--chdir", SANDBOX_HOME,
        "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000", "--disable-userns",
        "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox",
        "--clearenv",
    ]
    for key, value in sorted(_sandbox_env(env, paths).items()):
        command += ["--setenv", key, value]
    return command + ["--remount-ro", "/", "--"]


def _sandbox_env(env: dict[str, str], paths: SandboxPaths) -> dict[str, str]:
    path = f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin"
    return sandbox_environment(env, paths, {"PATH": path, "USER": "student", "LOGNAME": "student", "LANG": "C.UTF-8", "TMPDIR": "/tmp"})


class BwrapIsolation(Isolation):
    name = "bwrap"

    def launch(self, paths: SandboxPaths, limits: Limits, env: dict[str, str]) -> KernelLaunch:
        connection_dir = paths.scratch / "kernel"
        connection_dir.mkdir()
        cgroup = new_group_name() if cgroups_available() else None
        disk_mount = None
        if os.geteuid() == 0:  # the launcher can mount a tmpfs capped in files too
            disk_mount = paths.scratch / "sandbox-disk"
            disk_mount.mkdir(exist_ok=True)
        prefix = launcher_prefix(limits, address_space=cgroup is None, cgroup=cgroup, tmpfs=disk_mount)
        prefix += bwrap_command(paths, env, connection_dir, limits.disk, disk_mount)
        return KernelLaunch(
            prefix=prefix,
            env=env,
            transport="ipc",
            ip=str(connection_dir / "kernel"),
            connection_file=str(connection_dir / "connection.json"),
            interrupt_mode="message",
            cgroup=cgroup,
        )


@lru_cache(maxsize=1)
def bwrap_works() -> tuple[bool, str]:
    """Probe once: can a sandbox like the real one start here and import the kernel?"""
    if shutil.which("bwrap") is None:
        return False, "bwrap is not installed (apt-get install bubblewrap)"
    with tempfile.TemporaryDirectory(prefix="grader-bwrap-probe-") as scratch:
        workdir = Path(scratch) / "work"
        workdir.mkdir()
        connection_dir = Path(scratch) / "kernel"
        connection_dir.mkdir()
        paths = SandboxPaths(Path(scratch), workdir)
        command = bwrap_command(paths, {}, connection_dir) + [sys.executable, "-c", "import os, ipykernel; print(os.getuid())"]
        try:
            probe = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"bwrap failed to start: {exc}"
    if probe.returncode != 0 or probe.stdout.strip() != "1000":
        reason = (probe.stderr.strip().splitlines() or [f"exit status {probe.returncode}"])[-1]
        return False, f"bwrap does not work here: {reason}"
    return True, "ok"
