"""``grader check``: a student's notebook against its public tests, and what else runs at grading."""

from .selfcheck import CheckReport, QuestionCheck, check_notebook, find_release

__all__ = ["CheckReport", "QuestionCheck", "check_notebook", "find_release"]
