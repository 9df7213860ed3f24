"""Set resource limits, then exec a command: ``python -m autograder.sandbox.rlimits --memory=N -- CMD``.

Used as the kernel's launcher so the limits apply to the kernel process (and what it
forks) without ``preexec_fn``, which is not thread-safe. ``exec`` keeps the PID, so
signals (interrupt, kill) reach the kernel itself.
"""

from __future__ import annotations

import argparse
import os
import resource


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rlimits")
    parser.add_argument("--memory", type=int, help="bytes of address space (RLIMIT_AS)")
    parser.add_argument("--file-size", type=int, default=1 << 30, help="largest file written (RLIMIT_FSIZE)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if args.memory:
        resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (args.file_size, args.file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
