"""``grader grade``: execute submissions in kernels, run otter-format tests in them, score."""

from .batch import BatchOptions, BatchSummary, grade_batch
from .engine import grade_submission
from .results import SubmissionResult
from .scoring import TestSuite, load_test_suite
from .setup import GradingSetup, grading_setup
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
    "grading_setup",
    "load_test_suite",
]
