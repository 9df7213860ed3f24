"""Write requirements.lock from the installed environment, or check that they agree (``--check``).

    .venv/bin/python tools/lock_requirements.py           # after upgrading a library on purpose
    .venv/bin/python tools/lock_requirements.py --check   # exit 1, naming each difference
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.requirements import LOCK_NAME, installed_closure, lock_text, read_lock

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the environment differs from the lock")
    args = parser.parse_args()
    lock, installed = ROOT / LOCK_NAME, installed_closure()
    if not args.check:
        lock.write_text(lock_text(installed), encoding="utf-8")
        print(f"wrote {LOCK_NAME}: {len(installed)} packages")
        return 0
    locked = read_lock(lock)
    differences = [f"{name}: locked {locked.get(name, 'absent')}, installed {installed.get(name, 'absent')}"
                   for name in sorted(set(locked) | set(installed)) if locked.get(name) != installed.get(name)]
    for line in differences:
        print(line, file=sys.stderr)
    print(f"{LOCK_NAME}: {'differs from the environment' if differences else 'matches the environment'} "
          f"({len(installed)} packages installed)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
