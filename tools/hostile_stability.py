"""Grade the hostile notebooks several times in a row; every run must give each its honest score.

Timing attacks (a fork bomb, a memory bomb, a SIGINT-deaf loop, an output flood) used to
pass or fail depending on what the machine was doing. This runs the same batch N times
in the bwrap sandbox and prints, per notebook, the scores it got; exit status 1 if any
run gave any notebook other than its honest score (2: ``value = 1`` before the attack,
``other = 2`` after it).

    .venv/bin/python tools/hostile_stability.py --runs 10
    .venv/bin/python tools/hostile_stability.py --runs 3 fork_bomb memory_bomb
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOSTILE = REPO / "tests" / "submissions" / "hostile"
TIMING = ["fork_bomb", "memory_bomb", "infinite_loop", "ignores_sigint", "sleep_forever", "print_flood", "kill_everything"]
HONEST_SCORE = 2
TESTS = {
    "q1": "OK_FORMAT = True\ntest = {'name': 'q1', 'points': 1, 'suites': [{'cases': [{'code': '>>> assert value == 1\\n', "
          "'hidden': False, 'locked': False}], 'scored': True, 'setup': '', 'teardown': '', 'type': 'doctest'}]}\n",
    "q2": "OK_FORMAT = True\ntest = {'name': 'q2', 'points': 1, 'suites': [{'cases': [{'code': '>>> assert other == 2\\n', "
          "'hidden': True, 'locked': False}], 'scored': True, 'setup': '', 'teardown': '', 'type': 'doctest'}]}\n",
}


def grade_once(names: list[str], scratch: Path) -> dict[str, float]:
    tests, submissions, output = scratch / "tests", scratch / "submissions", scratch / "graded"
    for folder in (tests, submissions):
        folder.mkdir(parents=True, exist_ok=True)
    for name, text in TESTS.items():
        (tests / f"{name}.py").write_text(text)
    for name in names:
        shutil.copy(HOSTILE / f"{name}.ipynb", submissions)
    grader = Path(sys.executable).parent / "grader"
    run = subprocess.run([str(grader), "grade", "--tests", str(tests), str(submissions), "--output", str(output), "--force",
                          "--require-isolation", "--cell-timeout", "5", "--timeout", "90", "--memory", "2GiB", "--workers", "2"],
                         cwd=scratch, capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        raise SystemExit(f"grader grade failed:\n{run.stderr[-2000:]}")
    return {name: json.loads((output / "results" / f"{name}.json").read_text())["score"] for name in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("names", nargs="*", default=TIMING, help="hostile notebooks (default: the timing attacks)")
    args = parser.parse_args(argv)
    scores: dict[str, list[float]] = {name: [] for name in args.names}
    with tempfile.TemporaryDirectory(prefix="hostile-stability-") as scratch:
        for run in range(1, args.runs + 1):
            for name, score in grade_once(args.names, Path(scratch)).items():
                scores[name].append(score)
            print(f"run {run}/{args.runs}: " + ", ".join(f"{n} {scores[n][-1]:g}" for n in args.names), flush=True)
    unstable = {name: got for name, got in scores.items() if any(score != HONEST_SCORE for score in got)}
    print(f"{args.runs} runs: " + ("every notebook scored its honest 2 every time" if not unstable else f"UNSTABLE: {unstable}"))
    return 1 if unstable else 0


if __name__ == "__main__":
    sys.exit(main())
