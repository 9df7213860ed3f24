"""Set resource limits, join fresh cgroups, then exec a command.

    python -m autograder.sandbox.rlimits --memory=N [--cgroup=NAME --pids=N] [--tmpfs=DIR:BYTES:FILES] -- CMD...

Used as the kernel's launcher so the limits apply to the kernel (and all it forks)
without ``preexec_fn``, which is not thread-safe. ``exec`` keeps the PID, so the
kernel manager's signals reach the process it started. Root ignores RLIMIT_NPROC, so
a process budget needs the cgroup-v1 ``pids`` controller; the ``memory`` controller
gives a real resident-memory limit (the kernel is OOM-killed past it) where
RLIMIT_AS can only cap address space. As root, ``--tmpfs`` mounts a tmpfs capped in
size and in files (``nr_inodes``, which bwrap's own ``--tmpfs`` cannot set) on DIR, in a
mount namespace of the launcher's own, so it is gone when the sandbox is.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource

from .cgroups import join_cgroups


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rlimits")
    parser.add_argument("--memory", type=int, help="bytes of address space (RLIMIT_AS)")
    parser.add_argument("--cpu", type=int, help="seconds of CPU time (RLIMIT_CPU)")
    parser.add_argument("--file-size", type=int, default=1 << 30, help="largest file written (RLIMIT_FSIZE)")
    parser.add_argument("--open-files", type=int, default=1024, help="open file descriptors (RLIMIT_NOFILE)")
    parser.add_argument("--cgroup", help="name of the cgroups to create and join (cgroup v1)")
    parser.add_argument("--pids", type=int, help="with --cgroup: most processes and threads (pids.max)")
    parser.add_argument("--cgroup-memory", type=int, help="with --cgroup: bytes of memory (memory.limit_in_bytes)")
    parser.add_argument("--tmpfs", help="DIR:BYTES:FILES: as root, a private tmpfs of that size and file count on DIR")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if args.cgroup:
        join_cgroups(args.cgroup, pids=args.pids, memory=args.cgroup_memory)
    if args.tmpfs:
        directory, size, files = args.tmpfs.rsplit(":", 2)
        mount_private_tmpfs(directory, int(size), int(files))
    if args.memory:
        resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    if args.cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (args.cpu, args.cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size, args.file_size))
    resource.setrlimit(resource.RLIMIT_NOFILE, (args.open_files, args.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execvp(command[0], command)


CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 1 << 14, 1 << 18


def mount_private_tmpfs(directory: str, size: int, files: int) -> None:
    """In a new mount namespace (mounts made private first), mount a tmpfs of ``size`` bytes and ``files`` inodes."""
    libc = ctypes.CDLL(None, use_errno=True)
    steps = [
        (lambda: libc.unshare(CLONE_NEWNS), "unshare the mount namespace"),
        (lambda: libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private"),
        (lambda: libc.mount(b"tmpfs", directory.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                            f"size={size},nr_inodes={files},mode=1777".encode()), f"mount a tmpfs on {directory}"),
    ]
    for step, what in steps:
        if step() != 0:
            raise SystemExit(f"rlimits: could not {what}: {os.strerror(ctypes.get_errno())}")


if __name__ == "__main__":
    main()
