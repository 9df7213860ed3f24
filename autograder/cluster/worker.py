"""What runs on a Dask worker: each submission graded in a grading process of the worker's own.

Tasks run in the worker's threads, but grading needs a main thread (the grader's
predicate time limit is a signal), and a grader crash must not take the worker down.
So each worker keeps a small pool of grading processes (``process.py``, one per worker
thread), killed with the worker; sandboxed kernels die with their grading process.
A grading process builds its setup (sandbox backend, data, support files) once per
job and reuses it for the job's submissions.
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import threading
from pathlib import Path

from .. import data as datasets
from ..errors import GraderError
from ..grade.engine import grade_submission
from ..grade.kernels import KernelSupply
from ..grade.setup import GradingSetup, grading_setup
from ..grade.submissions import Submission
from ..sandbox import Isolation, select_isolation
from .job import DATA_DIR_ENV, ClusterJob, package_fingerprint
from .process import GradingPool

_pool: GradingPool | None = None
_pool_lock = threading.Lock()


def grade_task(job: ClusterJob, name: str, notebook: bytes) -> str:
    """The Dask task: one submission's result, as JSON."""
    return _grading_pool().call("grade_here", job, name, notebook)


def check_worker(job: ClusterJob) -> str:
    """Why this worker cannot grade ``job`` ('' when it can), checked in a grading process like the real ones."""
    return _grading_pool().call("problem_here", job)


def _grading_pool() -> GradingPool:
    global _pool
    with _pool_lock:
        if _pool is None:
            try:
                from distributed import get_worker

                size = get_worker().state.nthreads
            except (ImportError, ValueError):  # not in a worker: one process per core
                size = os.cpu_count() or 1
            _pool = GradingPool(max(size, 1))
        return _pool


# In a grading process.

_setups: dict[str, tuple[GradingSetup, tempfile.TemporaryDirectory]] = {}
_supplies: dict[str, KernelSupply] = {}
_loop: asyncio.AbstractEventLoop | None = None
"""One event loop for the process's life: a warm kernel started during one submission serves the next."""


def grade_here(job: ClusterJob, name: str, notebook: bytes) -> str:
    global _loop
    setup = _setup_for(job)
    _loop = _loop or asyncio.new_event_loop()
    for key in [k for k in _supplies if k != job.key]:  # another batch's warm kernels
        _loop.run_until_complete(_supplies.pop(key).aclose())
    supply = _supplies.setdefault(job.key, KernelSupply(setup, ahead=1 if job.warm_kernels else 0))
    with tempfile.TemporaryDirectory(prefix="grader-cluster-") as scratch:
        path = Path(scratch) / "submission.ipynb"
        path.write_bytes(notebook)
        result = _loop.run_until_complete(grade_submission(Submission(name, path), setup, kernels=supply))
    _loop.run_until_complete(supply.settle())  # started while this one ran: usually ready already
    return result.to_json()


def _setup_for(job: ClusterJob) -> GradingSetup:
    if job.key not in _setups:
        try:
            backend = _backend_if_ready(job)
        except GraderError as exc:
            raise GraderError(f"on {socket.gethostname()}: {exc}") from None
        support = tempfile.TemporaryDirectory(prefix="grader-support-")
        for relative, content in job.support_files:
            target = Path(support.name) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        tops = sorted({Path(support.name) / relative.split("/")[0] for relative, _ in job.support_files})
        setup = grading_setup(job.suite, backend, limits=job.limits, kernel_name=job.kernel_name,
                              data_dir=_data_dir(job), support_files=tops, preload=job.preload)
        _setups[job.key] = (setup, support)
    return _setups[job.key][0]


def _data_dir(job: ClusterJob) -> Path | None:
    given = os.environ.get(DATA_DIR_ENV) or job.data_dir
    return Path(given) if given else None


def problem_here(job: ClusterJob) -> str:
    """What stops this machine from grading ``job``, in one line, or ''."""
    try:
        _backend_if_ready(job)
    except GraderError as exc:
        return f"on {socket.gethostname()}: {exc}"
    return ""


def _backend_if_ready(job: ClusterJob) -> Isolation:
    """The sandbox backend ``job`` asks for, once this machine has the client's grader and the datasets."""
    if package_fingerprint() != job.package:
        raise GraderError(f"grader {package_fingerprint()} is installed, the client runs {job.package}; "
                          "install the same version of the course's grader on every worker")
    data_dir = _data_dir(job)
    if job.datasets:
        if data_dir is None or not data_dir.is_dir():
            raise GraderError(f"no course data at {data_dir} (set {DATA_DIR_ENV} on the worker to where it is)")
        datasets.require(job.datasets, data_dir)
    return select_isolation(job.isolation, job.require_isolation, job.docker_image)
