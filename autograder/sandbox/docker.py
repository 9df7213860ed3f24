"""The ``docker`` backend: each kernel in its own container.

Built for machines where bubblewrap is unavailable (macOS, Windows, AppArmor-restricted
Ubuntu) but a Docker engine runs. As with bwrap, only the kernel is inside; the grader
talks to it over Unix sockets in a directory bind-mounted at the same path. The image
is ``grader image build``'s (``autograder.image``).

Every container carries the grader's pid and start time as a label: a grader killed
with ``kill -9`` cannot remove its containers, so each grader, as it starts, removes
those whose grader is gone (``sweep_orphans``, called by ``select_isolation``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from functools import lru_cache

import psutil

from ..course import Limits
from .base import SANDBOX_DATA, SANDBOX_HOME, Isolation, KernelLaunch, SandboxPaths, disk_inodes, sandbox_environment

OWNER_LABEL = "org.ml-course-grader.owner"
"""``<pid>:<start time>`` of the grader that started the container."""
KERNEL_COMMAND = ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
BUILD_COMMAND = "grader image build"


def owner() -> str:
    """This grader's label value: its pid and start time (a pid alone may be reused)."""
    return f"{os.getpid()}:{psutil.Process().create_time():.0f}"


def docker_command(name: str, image: str, paths: SandboxPaths, limits: Limits, env: dict[str, str], connection_dir) -> list[str]:
    command = [
        shutil.which("docker") or "docker", "run", "--rm", "--interactive", "--name", name, "--label", f"{OWNER_LABEL}={owner()}",
        "--network", "none",
        "--memory", str(limits.memory), "--memory-swap", str(limits.memory),
        "--pids-limit", str(limits.processes),
        "--ulimit", "core=0", "--ulimit", "nofile=1024:1024", "--ulimit", f"fsize={1 << 30}",
        "--read-only", "--tmpfs", "/tmp:rw,size=512m",
        "--user", "1000:1000", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--hostname", "sandbox", "--workdir", SANDBOX_HOME,
        "--tmpfs", f"{SANDBOX_HOME}:rw,exec,mode=1777,size={limits.disk},nr_inodes={disk_inodes(limits.disk)}",
    ]
    for support in paths.support_files:
        command += ["--volume", f"{paths.workdir / support}:{SANDBOX_HOME}/{support}:ro"]
    if paths.data_dir is not None:
        command += ["--volume", f"{paths.data_dir.resolve()}:{SANDBOX_DATA}:ro"]
    command += ["--volume", f"{connection_dir}:{connection_dir}"]
    for key, value in sorted(sandbox_environment(env, paths, {}).items()):
        command += ["--env", f"{key}={value}"]
    return command + [image]


class DockerIsolation(Isolation):
    name = "docker"

    def __init__(self, image: str):
        self.image = image

    def launch(self, paths: SandboxPaths, limits: Limits, env: dict[str, str]) -> KernelLaunch:
        connection_dir = paths.scratch / "kernel"
        connection_dir.mkdir()
        for directory in (paths.workdir, connection_dir):  # the container runs as uid 1000
            os.chmod(directory, 0o777)
        name = f"grader-{uuid.uuid4().hex[:12]}"
        return KernelLaunch(
            prefix=docker_command(name, self.image, paths, limits, env, connection_dir),
            env=env,
            transport="ipc",
            ip=str(connection_dir / "kernel"),
            connection_file=str(connection_dir / "connection.json"),
            interrupt_mode="message",
            kernel_command=list(KERNEL_COMMAND),
            container=name,
        )


def sweep_orphans() -> list[str]:
    """Remove the containers of graders that are no longer running; their names."""
    docker = shutil.which("docker")
    if docker is None:
        return []
    listed = subprocess.run([docker, "ps", "--all", "--filter", f"label={OWNER_LABEL}",
                             "--format", f'{{{{.Names}}}} {{{{.Label "{OWNER_LABEL}"}}}}'],
                            capture_output=True, text=True, timeout=60)
    orphans = [name for name, _, label in (line.partition(" ") for line in listed.stdout.splitlines()) if not _alive(label)]
    if orphans:
        subprocess.run([docker, "rm", "--force", *orphans], capture_output=True, timeout=120)
    return orphans


def _alive(label: str) -> bool:
    pid, _, started = label.partition(":")
    try:
        return f"{psutil.Process(int(pid)).create_time():.0f}" == started
    except (ValueError, psutil.Error):
        return False


@lru_cache(maxsize=4)
def docker_works(image: str) -> tuple[bool, str]:
    """Probe once per image: does an engine answer, does the image exist, and does Python with ipykernel
    run in a container of it (an engine that answers ``info`` but cannot run the kernel grades nothing)?"""
    docker = shutil.which("docker")
    if docker is None:
        return False, "docker is not installed"
    steps = [  # (command, what its failure means, timeout, whether docker's own last words add anything)
        ([docker, "info", "--format", "{{.ServerVersion}}"], "no Docker engine answers", 20, True),
        ([docker, "image", "inspect", "--format", "{{.Id}}", image], f"the image {image} is not built (run {BUILD_COMMAND})", 20, False),
        ([docker, "run", "--rm", "--network", "none", "--user", "1000:1000", "--entrypoint", "python", image, "-c",
          "import ipykernel; print('ok')"], f"a container of {image} cannot run the kernel", 120, True),
    ]
    for command, failure, timeout, quote_docker in steps:
        try:
            probe = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"{failure} ({type(exc).__name__})"
        if probe.returncode != 0:
            reason = (probe.stderr.strip().splitlines() or [f"exit status {probe.returncode}"])[-1]
            return False, f"{failure} ({reason[:200]})" if quote_docker else failure
    return True, "ok"
