"""Isolation backends: how a submission's kernel is launched and what limits it runs under.

The grading engine asks a backend for the command prefix that wraps the kernel
(``ipykernel_launcher``); everything else about grading is the same whatever the
backend.
"""

from .base import Isolation, available_backends, select_isolation

__all__ = ["Isolation", "available_backends", "select_isolation"]
