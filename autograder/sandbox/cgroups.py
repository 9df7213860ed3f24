"""cgroup v1 ``pids`` and ``memory`` groups for one kernel: create, join, kill, remove.

Used where ``/sys/fs/cgroup/{pids,memory}`` is a writable cgroup-v1 hierarchy (as on
this project's machines, run as root). Each kernel gets ``grader/<name>`` in both, so
a fork bomb stops at ``pids.max`` and a memory bomb is OOM-killed at
``memory.limit_in_bytes``, whatever uid the code runs as.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("pids", "memory")


def cgroup_dirs(name: str) -> dict[str, Path]:
    return {controller: ROOT / controller / "grader" / name for controller in CONTROLLERS}


def cgroups_available() -> bool:
    """True when both controllers accept a new group here (i.e. we may create one)."""
    probe = f"probe-{os.getpid()}"
    try:
        for directory in cgroup_dirs(probe).values():
            directory.mkdir(parents=True, exist_ok=True)
        return True
    except OSError:
        return False
    finally:
        for directory in cgroup_dirs(probe).values():
            try:
                directory.rmdir()
            except OSError:
                pass


def join_cgroups(name: str, *, pids: int | None, memory: int | None) -> None:
    """Create the groups, set their limits, and move the calling process into them."""
    directories = cgroup_dirs(name)
    for directory in directories.values():
        directory.mkdir(parents=True, exist_ok=True)
    if pids:
        (directories["pids"] / "pids.max").write_text(str(pids))
    if memory:
        (directories["memory"] / "memory.limit_in_bytes").write_text(str(memory))
        swap = directories["memory"] / "memory.memsw.limit_in_bytes"
        if swap.exists():
            swap.write_text(str(memory))
    for directory in directories.values():
        (directory / "cgroup.procs").write_text(str(os.getpid()))


def kill_and_remove(name: str) -> None:
    """SIGKILL whatever is left in the groups, then remove them."""
    for directory in cgroup_dirs(name).values():
        if not directory.exists():
            continue
        for _ in range(50):
            try:
                pids = [int(p) for p in (directory / "cgroup.procs").read_text().split()]
            except OSError:
                break
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        try:
            directory.rmdir()
        except OSError:
            pass

