"""Grade many submissions, N at a time, resumably.

Each submission's result is written the moment it is graded. A submission whose
previous result has the same submission hash and tests hash is not regraded (unless
``force``), so a killed batch, re-run, loses nothing and finishes the rest. A
submission the grader failed on (status ``failed``) is always graded again, and a
batch whose submissions fail one after another stops early: a broken backend would
fail them all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from .engine import grade_submission, ungraded_result
from .outputs import grades_csv, load_result, result_path, write_atomically, write_submission_files
from .progress import Progress
from .results import SubmissionResult
from .setup import GradingSetup
from .submissions import Submission


@dataclass(frozen=True)
class BatchOptions:
    output_dir: Path
    workers: int = 1
    force: bool = False


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


def grade_batch(submissions: list[Submission], setup: GradingSetup, options: BatchOptions, progress: Progress | None = None) -> BatchSummary:
    return asyncio.run(_grade_batch(submissions, setup, options, progress or Progress(len(submissions))))


async def _grade_batch(submissions, setup: GradingSetup, options: BatchOptions, progress: Progress) -> BatchSummary:
    results: dict[str, SubmissionResult] = {}
    pending = []
    for submission in submissions:
        previous = None if options.force else load_result(result_path(options.output_dir, submission.file_stem))
        if (previous and previous.status != "failed" and previous.submission_sha256 == submission.sha256
                and previous.tests_sha256 == setup.suite.sha256):
            results[submission.name] = previous
            progress.update(submission.name, previous.status, "", skipped=True)
        else:
            pending.append(submission)

    slots = asyncio.Semaphore(max(options.workers, 1))
    failures: list[str] = []  # the current run of consecutive grader failures
    stopped: list[str] = []
    started = 0

    async def grade_one(submission: Submission) -> None:
        nonlocal started
        async with slots:
            if stopped:
                return
            started += 1
            try:
                result = await grade_submission(submission, setup)
            except Exception as exc:  # the grader's failure, not the student's: no score, graded again next run
                result = ungraded_result(submission, setup, f"the grader failed: {type(exc).__name__}: {exc}", status="failed")
            if result.status == "failed":
                failures.append(result.error or "")
                if len(failures) >= MAX_CONSECUTIVE_FAILURES and not stopped:
                    stopped.append(f"{len(failures)} submissions in a row failed to grade ({failures[0]})")
            else:
                failures.clear()
        write_submission_files(options.output_dir, submission.file_stem, result)
        results[submission.name] = result
        score = "" if result.status == "failed" else f"{result.score:g}/{result.max_score:g}"
        progress.update(submission.name, result.status, score)

    try:
        await asyncio.gather(*(grade_one(s) for s in pending))
    finally:
        progress.close()
        ordered = [results[s.name] for s in submissions if s.name in results]
        write_atomically(options.output_dir / "grades.csv", grades_csv(ordered, setup.suite.names))
    return BatchSummary(ordered, graded=started, kept=len(submissions) - len(pending), stopped=stopped[0] if stopped else None,
                        not_started=len(pending) - started)
