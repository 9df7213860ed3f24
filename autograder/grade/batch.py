"""Grade many submissions, N at a time, resumably.

Each submission's result is written the moment it is graded. A submission whose
previous result has the same submission hash and tests hash is not regraded (unless
``force``), so a killed batch, re-run, loses nothing and finishes the rest.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from .engine import failed_result, grade_submission
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


@dataclass
class BatchSummary:
    results: list[SubmissionResult]
    graded: int
    kept: int

    @property
    def errors(self) -> int:
        return sum(r.status == "error" for r in self.results)


def grade_batch(submissions: list[Submission], setup: GradingSetup, options: BatchOptions, progress: Progress | None = None) -> BatchSummary:
    return asyncio.run(_grade_batch(submissions, setup, options, progress or Progress(len(submissions))))


async def _grade_batch(submissions, setup: GradingSetup, options: BatchOptions, progress: Progress) -> BatchSummary:
    results: dict[str, SubmissionResult] = {}
    pending = []
    for submission in submissions:
        previous = None if options.force else load_result(result_path(options.output_dir, submission.file_stem))
        if previous and previous.submission_sha256 == submission.sha256 and previous.tests_sha256 == setup.suite.sha256:
            results[submission.name] = previous
            progress.update(submission.name, previous.status, "", skipped=True)
        else:
            pending.append(submission)

    slots = asyncio.Semaphore(max(options.workers, 1))

    async def grade_one(submission: Submission) -> None:
        async with slots:
            try:
                result = await grade_submission(submission, setup)
            except Exception as exc:  # a grader failure must not stop the batch
                result = failed_result(submission, setup, f"the grader failed: {type(exc).__name__}: {exc}")
        write_submission_files(options.output_dir, submission.file_stem, result)
        results[submission.name] = result
        progress.update(submission.name, result.status, f"{result.score:g}/{result.max_score:g}")

    try:
        await asyncio.gather(*(grade_one(s) for s in pending))
    finally:
        progress.close()
        ordered = [results[s.name] for s in submissions if s.name in results]
        write_atomically(options.output_dir / "grades.csv", grades_csv(ordered, setup.suite.names))
    return BatchSummary(ordered, graded=len(pending), kept=len(submissions) - len(pending))
