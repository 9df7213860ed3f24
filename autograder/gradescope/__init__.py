"""``grader gradescope``: the autograder zip Gradescope accepts, running this project's engine."""

from .bundle import build_autograder_zip
from .results import RESULTS_SCHEMA, failure_results, gradescope_results

__all__ = ["RESULTS_SCHEMA", "build_autograder_zip", "failure_results", "gradescope_results"]
