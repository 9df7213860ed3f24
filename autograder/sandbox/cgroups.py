"""cgroup v1 ``pids`` and ``memory`` groups for one kernel: create, join, kill, remove.

Used where ``/sys/fs/cgroup/{pids,memory}`` is a writable cgroup-v1 hierarchy (as on
this project's machines, run as root). Each kernel gets ``grader/<name>`` in both, so
a fork bomb stops at ``pids.max`` and a memory bomb is OOM-killed at
``memory.limit_in_bytes``, whatever uid the code runs as.
"""

from __future__ import annotations

import atexit
import os
import signal
import time
import uuid
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


def new_group_name() -> str:
    """A group name for one kernel, ``<grader pid>-<random>``. The first one a grader makes also removes the
    empty groups of graders that are gone, and this grader's own are swept when it exits: a launcher that
    created its group after the kernel was given up on leaves none behind."""
    global _swept
    if not _swept:
        _swept = True
        remove_stale_groups()
        atexit.register(remove_stale_groups, os.getpid())
    return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


_swept = False


def remove_stale_groups(own_pid: int | None = None) -> None:
    """Remove the groups of graders that exited (and, at exit, this grader's own)."""
    names = {p.name for controller in CONTROLLERS for p in (ROOT / controller / "grader").glob("*-*") if p.is_dir()}
    for name in names:
        owner = name.split("-")[0]
        if owner.isdigit() and (int(owner) == own_pid or not Path("/proc", owner).exists()):
            kill_and_remove(name, patience=1.0)


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


def kill_and_remove(name: str, patience: float = 10.0) -> None:
    """SIGKILL whatever is left in the groups, then remove them.

    A group cannot be removed while it holds a process, a killed one included until it is
    reaped; a fork bomb's last children can take seconds to go. So kill and retry the
    removal until it succeeds or ``patience`` runs out, rather than leave the group behind.
    """
    deadline = time.monotonic() + patience
    for directory in cgroup_dirs(name).values():
        while directory.exists():
            try:
                pids = [int(p) for p in (directory / "cgroup.procs").read_text().split()]
            except (OSError, ValueError):
                pids = []
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                directory.rmdir()
            except FileNotFoundError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)


def group_processes(name: str) -> set[int]:
    try:
        return {int(p) for p in (cgroup_dirs(name)["pids"] / "cgroup.procs").read_text().split()}
    except (OSError, ValueError):
        return set()


def kernel_process(name: str) -> int | None:
    """The kernel in a freshly started group (nothing of the notebook runs yet): the innermost process whose
    command line names ``ipykernel_launcher`` (the launchers around it, bwrap's among them, name it too)."""
    candidates = set()
    for pid in group_processes(name):
        try:
            if b"ipykernel_launcher" in Path(f"/proc/{pid}/cmdline").read_bytes():
                candidates.add(pid)
        except OSError:
            continue
    return max(candidates, key=lambda pid: len(_ancestors(pid) & candidates), default=None)


def kill_leftovers(name: str, kernel: int, spare: frozenset[int] = frozenset(), busy_only: bool = False) -> int:
    """SIGKILL processes of the group other than the kernel and its ancestors (the sandbox around it): what a
    notebook started and left running (a fork bomb's children, a background job) would take the CPU and the
    process budget from the tests. ``spare``: processes to leave alone (those that ran before a cell that timed
    out); ``busy_only``: kill only those using the CPU, so idle worker pools (joblib's, a DataLoader's) survive.
    Returns how many were killed."""
    keep = {kernel} | _ancestors(kernel) | set(spare)
    if busy_only:
        idle = group_processes(name) - keep
        if not idle:
            return 0
        before = {pid: _cpu_ticks(pid) for pid in idle}
        time.sleep(0.05)
        keep |= {pid for pid in idle if _cpu_ticks(pid) == before[pid] and _state(pid) not in ("R", "D")}
    killed = 0
    for _ in range(50):
        leftovers = group_processes(name) - keep
        if not leftovers:
            break
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(0.02)
    return killed


def _stat_fields(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _state(pid: int) -> str:
    fields = _stat_fields(pid)
    return fields[0] if fields else ""


def _cpu_ticks(pid: int) -> int:
    fields = _stat_fields(pid)
    return int(fields[11]) + int(fields[12]) if len(fields) > 12 else -1  # utime + stime


def _ancestors(pid: int) -> set[int]:
    found = set()
    while pid > 1:
        fields = _stat_fields(pid)
        if len(fields) < 2:
            break
        pid = int(fields[1])  # the field after the state: the parent's pid
        found.add(pid)
    return found
