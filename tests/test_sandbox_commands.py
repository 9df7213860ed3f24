"""The exact commands the sandbox backends build, and backend selection.

The docker backend cannot run here (no Docker engine): this is as far as it is tested.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from autograder import sandbox
from autograder.course import Limits
from autograder.errors import GraderError
from autograder.sandbox import select_isolation
from autograder.sandbox.base import SandboxPaths
from autograder.sandbox.bwrap import BwrapIsolation
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
    assert pairs(argv, "--volume") == [
        f"{paths.workdir}:/sandbox",
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
    support = inside.index("/sandbox/table.csv")
    assert inside[support - 2:support] == ["--ro-bind", str(paths.workdir / "table.csv")]
    home, python_root = os.path.expanduser("~"), str(Path(sys.base_prefix).resolve())
    for source in pairs(inside, "--ro-bind") + pairs(inside, "--bind"):
        assert source != home
        assert not source.startswith(home + "/") or source.startswith(python_root), source
    assert "SECRET_TOKEN" not in " ".join(inside)
    assert "COURSE_DATA" in pairs(inside, "--setenv")
    assert (launch.transport, launch.interrupt_mode) == ("ipc", "message")


@pytest.fixture
def backends(monkeypatch):
    """Which backends the probes report as working (the probes themselves are tested against the real tools elsewhere)."""
    works = {"bwrap": True, "docker": True}
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: (works["bwrap"], "bwrap: setting up uid map: Permission denied"))
    monkeypatch.setattr(sandbox, "docker_works", lambda: (works["docker"], "no Docker engine answers"))
    return works


def test_auto_prefers_bwrap_then_docker_then_none(backends):
    assert select_isolation("auto").name == "bwrap"
    backends["bwrap"] = False
    assert select_isolation("auto").name == "docker"
    backends["docker"] = False
    fallback = select_isolation("auto")
    assert fallback.name == "none" and "Permission denied" in fallback.warning and "no Docker engine" in fallback.warning


def test_a_named_backend_that_fails_says_why(backends):
    backends["docker"] = False
    with pytest.raises(GraderError, match="--isolation docker: no Docker engine answers"):
        select_isolation("docker")
    assert select_isolation("bwrap").name == "bwrap"


def test_require_isolation_refuses_to_run_unsandboxed(backends):
    backends["bwrap"] = backends["docker"] = False
    with pytest.raises(GraderError, match="no sandboxing backend works here"):
        select_isolation("auto", require_isolation=True)
    with pytest.raises(GraderError, match="refusing to grade with --isolation none"):
        select_isolation("none", require_isolation=True)
    assert select_isolation("none").name == "none"
    with pytest.raises(GraderError, match="unknown isolation backend"):
        select_isolation("chroot")
