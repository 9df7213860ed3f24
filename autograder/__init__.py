"""Autograder for otter-format ML course notebooks: release, grade, check, report."""

__version__ = "0.1.0"
