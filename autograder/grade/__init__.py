"""``grader grade``: execute submissions in kernels, run otter-format tests in them, score."""

from .batch import BatchOptions, BatchSummary, grade_batch
from .engine import GradingSetup, grade_submission
from .results import SubmissionResult
from .scoring import TestSuite, load_test_suite
from .submissions import Submission, find_submissions

__all__ = [
    "BatchOptions",
    "BatchSummary",
    "GradingSetup",
    "Submission",
    "SubmissionResult",
    "TestSuite",
    "find_submissions",
    "grade_batch",
    "grade_submission",
    "load_test_suite",
]
