"""``grader new``: scaffold an assignment that releases and validates straight away."""

from .scaffold import scaffold_assignment

__all__ = ["scaffold_assignment"]
