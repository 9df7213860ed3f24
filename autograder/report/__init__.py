"""``grader report``: an HTML report with charts and an LMS gradebook, from ``grader grade``'s results."""

from .builder import ReportFiles, write_report

__all__ = ["ReportFiles", "write_report"]
