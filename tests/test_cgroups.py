"""Kernel cgroups never outlive their grader: stale groups are swept, busy ones emptied first."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from autograder.sandbox.cgroups import cgroup_dirs, cgroups_available, kill_and_remove, remove_stale_groups

pytestmark = pytest.mark.skipif(not cgroups_available(), reason="needs a writable cgroup-v1 pids/memory hierarchy (root here)")


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_groups_of_graders_that_exited_are_removed_even_with_processes_left_in_them():
    dead_owner = f"{_dead_pid()}-testsweep01"
    survivor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    live_owner = f"{survivor.pid}-testsweep02"
    for name in (dead_owner, live_owner):
        for directory in cgroup_dirs(name).values():
            directory.mkdir(parents=True)
    # a process the dead grader's kernel left behind, inside its group
    orphan = subprocess.Popen([sys.executable, "-c", f"from autograder.sandbox.cgroups import join_cgroups; "
                               f"join_cgroups({dead_owner!r}, pids=None, memory=None); import time; time.sleep(60)"])
    try:
        for _ in range(200):  # until the orphan has joined
            if (cgroup_dirs(dead_owner)["pids"] / "cgroup.procs").read_text().split():
                break
            time.sleep(0.05)
        remove_stale_groups()
        assert not any(d.exists() for d in cgroup_dirs(dead_owner).values())
        assert orphan.wait(10) == -9
        assert all(d.exists() for d in cgroup_dirs(live_owner).values())  # its grader still runs: its business
    finally:
        survivor.kill()
        orphan.kill()
        kill_and_remove(live_owner)
        kill_and_remove(dead_owner)
    assert not any(d.exists() for d in cgroup_dirs(live_owner).values())


def test_join_cgroups_is_what_the_sweep_undoes():
    name = f"{_dead_pid()}-testsweep03"
    child = subprocess.Popen([sys.executable, "-c", f"from autograder.sandbox.cgroups import join_cgroups; "
                              f"join_cgroups({name!r}, pids=50, memory=2**30); print('in', flush=True); import time; time.sleep(60)"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "in"
        assert (cgroup_dirs(name)["pids"] / "pids.max").read_text().strip() == "50"
        remove_stale_groups()
        assert child.wait(10) == -9 and not any(d.exists() for d in cgroup_dirs(name).values())
    finally:
        child.kill()
        kill_and_remove(name)
