"""A real Dask cluster on 127.0.0.1: a ``dask scheduler`` and ``dask worker`` processes, as the tests and the
benchmark start one. Each process has a session of its own, so a worker can be killed outright, nanny and all."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraderError

DASK = Path(sys.executable).parent / "dask"


@dataclass
class LoopbackCluster:
    directory: Path
    scheduler: subprocess.Popen
    address: str = ""
    workers: list[subprocess.Popen] = field(default_factory=list)

    def add_worker(self, threads: int = 1, env: dict[str, str] | None = None) -> subprocess.Popen:
        name = f"worker-{len(self.workers) + 1}"
        with open(self.directory / f"{name}.log", "wb") as log:  # the process writes to its own copy
            worker = subprocess.Popen(
                [str(DASK), "worker", self.address, "--nthreads", str(threads), "--nworkers", "1", "--no-dashboard",
                 "--name", name, "--local-directory", str(self.directory / name), "--death-timeout", "60"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **(env or {})})
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, timeout: float = 120) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(count, timeout=timeout)

    def kill(self, process: subprocess.Popen) -> None:
        """Kill a process and its children (a worker's nanny, worker and grading processes) at once."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            self.kill(process)


@contextmanager
def loopback_cluster(directory: Path, workers: int = 2, threads: int = 1) -> Iterator[LoopbackCluster]:
    """A scheduler and ``workers`` workers of ``threads`` threads each, all killed on the way out."""
    directory.mkdir(parents=True, exist_ok=True)
    scheduler_file = directory / "scheduler.json"
    with open(directory / "scheduler.log", "wb") as log:
        scheduler = subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    cluster = LoopbackCluster(directory, scheduler)
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file():
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise GraderError(f"the Dask scheduler did not start (see {directory / 'scheduler.log'})")
            time.sleep(0.1)
        time.sleep(0.1)  # the file is written in one go, but give it the moment
        cluster.address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(workers):
            cluster.add_worker(threads)
        cluster.wait_for_workers(workers)
        yield cluster
    finally:
        cluster.close()
