"""The exact commands the sandbox backends build, and backend selection.

Fast, with no engine: real containers are tests/test_docker.py's and tests/test_hostile.py's.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder import sandbox
from autograder.course import Limits
from autograder.errors import GraderError
from autograder.sandbox import select_isolation
from autograder.sandbox.base import SandboxPaths
from autograder.sandbox.bwrap import BwrapIsolation, python_roots
from autograder.sandbox.docker import DockerIsolation

LIMITS = Limits(cell_timeout=30, timeout=300, memory=2 * 2**30, processes=128)
ENV = {"PATH": "/usr/bin", "SECRET_TOKEN": "do-not-leak", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


@pytest.fixture
def paths(tmp_path: Path) -> SandboxPaths:
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "table.csv").write_text("a\n")
    data = tmp_path / "data"
    data.mkdir()
    return SandboxPaths(tmp_path, workdir, ("table.csv",), data)


def pairs(argv: list[str], flag: str) -> list[str]:
    return [argv[i + 1] for i, value in enumerate(argv[:-1]) if value == flag]


def test_docker_command(paths: SandboxPaths):
    launch = DockerIsolation("course-image:1").launch(paths, LIMITS, ENV)
    argv = launch.prefix
    assert argv[1:5] == ["run", "--rm", "--interactive", "--name"] and argv[-1] == "course-image:1"
    assert pairs(argv, "--network") == ["none"]
    assert pairs(argv, "--memory") == [str(2 * 2**30)] and pairs(argv, "--memory-swap") == [str(2 * 2**30)]
    assert pairs(argv, "--pids-limit") == ["128"]
    assert pairs(argv, "--user") == ["1000:1000"] and pairs(argv, "--cap-drop") == ["ALL"]
    assert "--read-only" in argv and pairs(argv, "--security-opt") == ["no-new-privileges"]
    connection_dir = paths.scratch / "kernel"
    assert f"/sandbox:rw,exec,mode=1777,size={LIMITS.disk},nr_inodes=16384" in pairs(argv, "--tmpfs")
    assert pairs(argv, "--volume") == [
        f"{paths.workdir / 'table.csv'}:/sandbox/table.csv:ro",
        f"{paths.data_dir}:/data:ro",
        f"{connection_dir}:{connection_dir}",
    ]
    environment = pairs(argv, "--env")
    assert "COURSE_DATA=/data" in environment and "OMP_NUM_THREADS=1" in environment
    assert not any("SECRET_TOKEN" in e or e.startswith("PATH=") for e in environment)
    assert (launch.transport, launch.interrupt_mode) == ("ipc", "message")
    assert launch.kernel_command == ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    assert launch.container and launch.container == argv[argv.index("--name") + 1]


def test_bwrap_command(paths: SandboxPaths):
    launch = BwrapIsolation().launch(paths, LIMITS, ENV)
    argv = launch.prefix
    bwrap = argv.index(next(a for a in argv if a.endswith("bwrap")))
    assert argv[:bwrap][-1] == "--" and "autograder.sandbox.rlimits" in argv[:bwrap]
    inside = argv[bwrap:]
    for flag in ("--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--clearenv", "--disable-userns"):
        assert flag in inside
    assert pairs(inside, "--cap-drop") == ["ALL"] and pairs(inside, "--uid") == ["1000"]
    assert inside[-3:] == ["--remount-ro", "/", "--"]
    sandbox = inside.index("/sandbox")  # a tmpfs of the disk limit, the support files read-only in it
    if os.geteuid() == 0:  # mounted by the launcher, capped in size and files, in a mount namespace of its own
        assert inside[sandbox - 2:sandbox] == ["--bind", str(paths.scratch / "sandbox-disk")]
        assert f"--tmpfs={paths.scratch / 'sandbox-disk'}:{LIMITS.disk}:16384" in argv[:bwrap]
    else:  # bwrap's own tmpfs: capped in size only
        assert inside[sandbox - 3:sandbox] == ["--size", str(LIMITS.disk), "--tmpfs"]
    support = inside.index("/sandbox/table.csv")
    assert inside[support - 2:support] == ["--ro-bind", str(paths.workdir / "table.csv")]
    home, roots = os.path.expanduser("~"), [str(root) for root in python_roots()]
    for source in pairs(inside, "--ro-bind") + pairs(inside, "--bind"):  # of the home directory, at most the Python installs
        assert source != home
        assert not source.startswith(home + "/") or any(source == root or source.startswith(root + "/") for root in roots), source
    private_tmp = inside.index("--tmpfs")
    assert inside[private_tmp + 1] == "/tmp" and all(inside.index(root) > private_tmp for root in roots)  # a venv under /tmp stays visible
    assert "SECRET_TOKEN" not in " ".join(inside)
    assert "COURSE_DATA" in pairs(inside, "--setenv")
    assert (launch.transport, launch.interrupt_mode) == ("ipc", "message")


BWRAP_FAILS = "bwrap: setting up uid map: Permission denied"
DOCKER_FAILS = "no Docker engine answers"


@pytest.fixture
def backends(monkeypatch):
    """Which backends the probes report as working (the probes themselves run the real tools in the slow tests);
    set ``backends["bwrap"]``/``backends["docker"]`` to False to make one fail, with the reason above."""
    works = {"bwrap": True, "docker": True}
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: (works["bwrap"], "" if works["bwrap"] else BWRAP_FAILS))
    monkeypatch.setattr(sandbox, "docker_works", lambda image: (works["docker"], "" if works["docker"] else DOCKER_FAILS))
    monkeypatch.setattr(sandbox, "sweep_orphans", list)  # no engine in the fast layer
    return works


# The policy, one row per combination of working backends: what ``auto`` picks.
AUTO = [
    (True, True, "bwrap"),
    (True, False, "bwrap"),
    (False, True, "docker"),
    (False, False, "none"),
]


@pytest.mark.parametrize("bwrap, docker, picked", AUTO)
def test_grading_never_falls_back_to_no_sandbox(backends, bwrap, docker, picked):
    """``grader grade``: bwrap, else docker, else stop, saying why each failed and how to fix it."""
    backends.update(bwrap=bwrap, docker=docker)
    if picked != "none":
        backend = select_isolation("auto")
        assert backend.name == picked and backend.warning is None
        return
    with pytest.raises(GraderError, match="no sandbox works here, so nothing was graded") as refused:
        select_isolation("auto")
    message = str(refused.value)
    assert BWRAP_FAILS in message and DOCKER_FAILS in message
    assert "apt-get install bubblewrap" in message and "grader image build" in message and "--isolation none" in message


@pytest.mark.parametrize("bwrap, docker, picked", AUTO)
def test_check_and_validate_may_fall_back_unless_isolation_is_required(backends, bwrap, docker, picked):
    backends.update(bwrap=bwrap, docker=docker)
    backend = select_isolation("auto", unsandboxed_fallback=True)
    assert backend.name == picked
    if picked == "none":  # the fallback says it runs unsandboxed, and why each backend failed
        assert "--isolation none" in backend.warning and BWRAP_FAILS in backend.warning and DOCKER_FAILS in backend.warning
        with pytest.raises(GraderError, match="no sandbox works here"):
            select_isolation("auto", require_isolation=True, unsandboxed_fallback=True)
    else:
        assert select_isolation("auto", require_isolation=True, unsandboxed_fallback=True).name == picked


@pytest.mark.parametrize("named, reason", [("bwrap", BWRAP_FAILS), ("docker", DOCKER_FAILS)])
def test_a_named_backend_is_used_or_fails_saying_why(backends, named, reason):
    """No fallback from a backend asked for by name, not even to the other sandbox."""
    assert select_isolation(named).name == named
    backends[named] = False
    with pytest.raises(GraderError, match=f"^--isolation {named}: {reason} \\(to fix: "):
        select_isolation(named)


def test_isolation_none_is_refused_only_when_isolation_is_required(backends):
    assert select_isolation("none").name == "none" and "--isolation none" in select_isolation("none").warning
    with pytest.raises(GraderError, match="refusing to grade with --isolation none"):
        select_isolation("none", require_isolation=True)


def test_an_unknown_backend_is_an_error(backends):
    with pytest.raises(GraderError, match="unknown isolation backend 'chroot'"):
        select_isolation("chroot")
