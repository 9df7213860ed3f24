"""``grader check``: a student's notebook against its public tests, and what else runs at grading."""

from .selfcheck import CheckReport, QuestionCheck, check_notebook, find_public_tests, format_check_report

__all__ = ["CheckReport", "QuestionCheck", "check_notebook", "format_check_report", "find_public_tests"]
