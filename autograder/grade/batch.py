"""Grade many submissions, N at a time, resumably.

Each submission's result is written the moment it is graded. A submission whose
previous result has the same submission hash and tests hash is not regraded (unless
``force``), so a killed batch, re-run, loses nothing and finishes the rest. A
submission the grader failed on (status ``failed``) is always graded again, and a
batch whose submissions fail one after another stops early: a broken backend would
fail them all. Where a submission is graded (here, or on a cluster's worker: see
``autograder.cluster``) changes none of this: both go through one ``BatchLedger``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from .engine import grade_submission, ungraded_result
from .kernels import KernelSupply
from .outputs import grades_csv, load_result, result_path, write_atomically, write_submission_files
from .progress import Progress
from .results import SubmissionResult
from .scoring import TestSuite
from .setup import GradingSetup
from .submissions import Submission


@dataclass(frozen=True)
class BatchOptions:
    output_dir: Path
    workers: int = 1
    force: bool = False
    warm_kernels: bool = True
    """Start each slot's next kernel (and its preloads) while the current submission runs."""


MAX_CONSECUTIVE_FAILURES = 3
"""Grader failures in a row, with no submission graded between them, that stop a batch."""


@dataclass
class BatchSummary:
    results: list[SubmissionResult]
    graded: int
    kept: int
    stopped: str | None = None
    """Why the batch stopped before grading every submission (the failure that repeated)."""
    not_started: int = 0

    @property
    def errors(self) -> int:
        return sum(r.status == "error" for r in self.results)

    @property
    def failed(self) -> list[SubmissionResult]:
        return [r for r in self.results if r.status == "failed"]


class BatchLedger:
    """A batch's bookkeeping: results kept from earlier runs, each new result written as it arrives (once),
    the run of grader failures that stops the batch, and ``grades.csv`` at the end."""

    def __init__(self, submissions: list[Submission], suite: TestSuite, options: BatchOptions, progress: Progress):
        self.submissions, self.suite, self.options, self.progress = submissions, suite, options, progress
        self.results: dict[str, SubmissionResult] = {}
        self.pending: list[Submission] = []
        self.graded = 0
        self.stopped: str | None = None
        self._failures: list[str] = []  # the current run of consecutive grader failures
        for submission in submissions:
            previous = None if options.force else load_result(result_path(options.output_dir, submission.file_stem))
            if (previous and previous.status != "failed" and previous.submission_sha256 == submission.sha256
                    and previous.tests_sha256 == suite.sha256):
                self.results[submission.name] = previous
                progress.update(submission.name, previous.status, "", skipped=True)
            else:
                self.pending.append(submission)
        self.kept = len(submissions) - len(self.pending)

    def record(self, submission: Submission, result: SubmissionResult) -> None:
        if submission not in self.pending:  # a result that came twice (a task run again): counted once
            return
        if result.status == "failed":
            self._failures.append(result.error or "")
            if len(self._failures) >= MAX_CONSECUTIVE_FAILURES and self.stopped is None:
                self.stopped = f"{len(self._failures)} submissions in a row failed to grade ({self._failures[0]})"
        else:
            self._failures.clear()
        write_submission_files(self.options.output_dir, submission.file_stem, result)
        self.results[submission.name] = result
        self.pending.remove(submission)
        self.graded += 1
        score = "" if result.status == "failed" else f"{result.score:g}/{result.max_score:g}"
        self.progress.update(submission.name, result.status, score)

    def finish(self) -> BatchSummary:
        """Write ``grades.csv`` from every result there is (also after an interrupt) and sum up."""
        self.progress.close()
        ordered = [self.results[s.name] for s in self.submissions if s.name in self.results]
        write_atomically(self.options.output_dir / "grades.csv", grades_csv(ordered, self.suite.names))
        return BatchSummary(ordered, graded=self.graded, kept=self.kept, stopped=self.stopped, not_started=len(self.pending))


def grade_batch(submissions: list[Submission], setup: GradingSetup, options: BatchOptions, progress: Progress | None = None) -> BatchSummary:
    return asyncio.run(_grade_batch(submissions, setup, options, progress or Progress(len(submissions))))


async def _grade_batch(submissions, setup: GradingSetup, options: BatchOptions, progress: Progress) -> BatchSummary:
    ledger = BatchLedger(submissions, setup.suite, options, progress)
    slots = asyncio.Semaphore(max(options.workers, 1))
    kernels = KernelSupply(setup, ahead=max(options.workers, 1) if options.warm_kernels else 0, total=len(ledger.pending))

    async def grade_one(submission: Submission) -> None:
        async with slots:
            if ledger.stopped:
                return
            try:
                result = await grade_submission(submission, setup, kernels=kernels)
            except Exception as exc:  # the grader's failure, not the student's: no score, graded again next run
                result = ungraded_result(submission, setup.suite, f"the grader failed: {type(exc).__name__}: {exc}", status="failed")
        ledger.record(submission, result)

    try:
        await asyncio.gather(*(grade_one(s) for s in list(ledger.pending)))
    finally:
        try:
            await kernels.aclose()
        finally:
            summary = ledger.finish()
    return summary
