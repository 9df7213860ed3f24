"""``grader validate``: the solution passes, stubs fail, mutants and cheats are caught, nothing leaks, tests are stable."""

from .report import report_json, report_text
from .validator import AssignmentReport, Finding, validate_assignments

__all__ = ["AssignmentReport", "Finding", "report_json", "report_text", "validate_assignments"]
