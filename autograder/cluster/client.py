"""The client side of ``grader grade --cluster``: submit, collect, write, exactly as a local batch does."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import GraderError
from ..grade.batch import BatchLedger, BatchOptions, BatchSummary
from ..grade.engine import ungraded_result
from ..grade.progress import Progress
from ..grade.results import SubmissionResult
from ..grade.submissions import Submission
from .job import ClusterJob
from .worker import check_worker, grade_task

CONNECT_TIMEOUT = "20s"
IN_FLIGHT_PER_THREAD = 2
"""Tasks handed to the cluster per worker thread at once: enough to keep every thread busy, few enough that
the scheduler does not hold every notebook of a 1,500-submission batch in memory."""


def grade_on_cluster(address: str, submissions: list[Submission], job: ClusterJob, options: BatchOptions,
                     progress: Progress | None = None) -> BatchSummary:
    """Grade ``submissions`` on the Dask cluster at ``address``; results and ``grades.csv`` as in a local batch.

    A worker lost mid-task has its task run again elsewhere by the scheduler; the ledger writes each
    submission's result once.
    """
    ledger = BatchLedger(submissions, job.suite, options, progress or Progress(len(submissions)))
    try:
        if ledger.pending:
            with _connected(address) as client:
                _preflight(client, job, address)
                _collect(client, job, ledger)
    finally:
        summary = ledger.finish()
    return summary


@contextmanager
def _connected(address: str) -> Iterator[Any]:
    from distributed import Client

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise GraderError(f"--cluster {address}: cannot reach a Dask scheduler there ({exc})") from None
    try:
        yield client
    finally:
        client.close()


def _preflight(client: Any, job: ClusterJob, address: str) -> None:
    """Refuse the batch, naming each worker, when a worker lacks the grader, the data or a sandbox."""
    workers = sorted(client.scheduler_info(n_workers=-1)["workers"])
    if not workers:
        raise GraderError(f"--cluster {address}: the scheduler has no workers")
    checks = {worker: client.submit(check_worker, job, workers=[worker], allow_other_workers=False, pure=False,
                                    key=f"grader-check-{secrets.token_hex(6)}") for worker in workers}
    problems = []
    for worker, future in checks.items():
        try:
            problem = future.result()
        except Exception as exc:  # the check itself broke on that worker
            problem = f"the check failed: {type(exc).__name__}: {exc}"
        if problem:
            problems.append(f"worker {worker} {problem}")
    if problems:
        raise GraderError("the cluster cannot grade this batch, nothing was graded:\n  " + "\n  ".join(problems))


def _collect(client: Any, job: ClusterJob, ledger: BatchLedger) -> None:
    from distributed import as_completed

    threads = sum(w.get("nthreads", 1) for w in client.scheduler_info(n_workers=-1)["workers"].values())
    queue = list(ledger.pending)
    batch_id = secrets.token_hex(6)
    futures: dict[Any, Submission] = {}

    running = as_completed(loop=client.loop)

    def submit_next() -> None:
        while queue:
            submission = queue.pop(0)
            try:
                notebook = submission.path.read_bytes()
            except OSError as exc:  # gone since it was found: the same error a local batch gives
                ledger.record(submission, ungraded_result(submission, job.suite, f"cannot read the notebook: {exc}"))
                continue
            future = client.submit(grade_task, job, submission.name, notebook, pure=False, key=f"grade-{batch_id}-{submission.file_stem}")
            futures[future] = submission
            running.add(future)
            return

    for _ in range(max(threads, 1) * IN_FLIGHT_PER_THREAD):
        submit_next()
    for future in running:
        submission = futures.pop(future)
        try:
            result = SubmissionResult.from_json(future.result())
            result.path = str(submission.path)
        except Exception as exc:  # the grader's failure (a task that killed its workers, a broken worker): no score
            result = ungraded_result(submission, job.suite, f"the grader failed on the cluster: {type(exc).__name__}: {exc}",
                                     status="failed")
        ledger.record(submission, result)
        if ledger.stopped:
            client.cancel(list(futures))
            return
        submit_next()
