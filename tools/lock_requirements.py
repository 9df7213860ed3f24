"""Write requirements.lock from the installed environment, or check that they agree (``--check``).

    .venv/bin/python tools/lock_requirements.py           # after upgrading a library on purpose (or: make lock)
    .venv/bin/python tools/lock_requirements.py --check   # exit 1, naming each difference (2: the lock is unreadable)

The lock is the closure of ml-course-autograder[course] as installed (autograder.requirements):
the test tools (pytest, ruff, mypy) and the project itself are not in it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.errors import GraderError
from autograder.requirements import LOCK_NAME, differences, installed_closure, lock_text, read_lock

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the environment differs from the lock")
    parser.add_argument("--lock", type=Path, default=ROOT / LOCK_NAME, help=f"the lock file (default: {LOCK_NAME} at the repository root)")
    args = parser.parse_args(argv)
    lock, installed = args.lock, installed_closure()
    if not args.check:
        lock.write_text(lock_text(installed), encoding="utf-8")
        print(f"wrote {lock}: {len(installed)} packages")
        return 0
    try:
        locked = read_lock(lock)
    except (GraderError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = differences(locked, installed)
    for line in found:
        print(line, file=sys.stderr)
    print(f"{lock}: {'differs from the environment (make lock rewrites it)' if found else 'matches the environment'} "
          f"({len(installed)} packages installed)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
