"""A grading result in Gradescope's ``results.json`` form.

Public test cases are ``visible`` with their output; hidden ones are
``after_published`` and say only whether they passed and their points, never their
code or output. The top-level ``output`` is the student's feedback (the same
Markdown ``grader grade`` writes), which holds no hidden test either.
"""

from __future__ import annotations

import json
from importlib import resources

from ..grade.outputs import feedback_markdown
from ..grade.results import SubmissionResult

RESULTS_SCHEMA = json.loads(resources.files(__package__).joinpath("results.schema.json").read_text(encoding="utf-8"))


def gradescope_results(result: SubmissionResult, execution_time: float, manual: dict[str, float] | None = None) -> dict:
    """``manual``: the questions graded by hand (name -> points), which the feedback names as graded separately."""
    tests = []
    for number, question in enumerate(result.questions, start=1):
        for index, case in enumerate(question.cases, start=1):
            status = "passed" if case.passed else "failed"
            entry = {
                "name": case.name + (" (hidden)" if case.hidden else ""),
                "number": f"{number}.{index}",
                "score": case.score,
                "max_score": case.max_score,
                "status": status,
                "visibility": "after_published" if case.hidden else "visible",
                "output": f"hidden test {status}" if case.hidden else (case.output if not case.passed else "passed"),
            }
            tests.append(entry)
    return {
        "score": result.score,
        "execution_time": round(execution_time, 2),
        "output": feedback_markdown(result) + _graded_separately(manual or {}),
        "output_format": "md",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _graded_separately(manual: dict[str, float]) -> str:
    if not manual:
        return ""
    listed = ", ".join(f"{name} ({points:g} points)" for name, points in manual.items())
    return (f"\n**Graded separately by course staff:** {listed}. Those points are not in the score above; "
            "they are added when course staff have graded them.\n")


def failure_results(message: str, execution_time: float = 0.0) -> dict:
    """What a student sees when the submission or the grader itself failed: 0 points and why."""
    return {
        "score": 0,
        "execution_time": round(execution_time, 2),
        "output": message,
        "output_format": "md",
        "stdout_visibility": "hidden",
        "tests": [],
    }
