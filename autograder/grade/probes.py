"""Probes: steps run in a throwaway copy of a submission's kernel, forked at one point of its run.

A probe says where to fork (before which step of the plan) and what the copy runs:
cells (new code, or the notebook's own cells changed) and questions' tests. The copy
starts from the kernel's exact state at that point and is discarded afterwards, so
the main run goes on as if nothing happened, and each probe pays only for the steps
it runs. ``grader validate`` uses this to grade a mutant of question 7 without
re-running questions 1 to 6, and to try cheats on every question of one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .results import CellError, ProbeResult
from .scoring import TestSuite, Which

PROBE_RESULT_SCHEMA = {
    "type": "object",
    "required": ["request_id", "status", "error", "cells", "tests"],
    "additionalProperties": False,
    "properties": {
        "request_id": {"type": "string"},
        "status": {"enum": ["ok", "timeout", "died", "error"]},
        "error": {"type": "string"},
        "cells": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["cell", "status", "ename"],
                "additionalProperties": False,
                "properties": {
                    "cell": {"type": "integer"},
                    "status": {"enum": ["ok", "timeout", "error"]},
                    "ename": {"type": "string"},
                    "evalue": {"type": "string"},
                },
            },
        },
        "tests": {"type": "array", "items": {"type": "object"}},
    },
}


@dataclass(frozen=True)
class ProbeStep:
    kind: Literal["cell", "tests"]
    cell: int
    """0-based index of the notebook cell the step stands for."""
    source: str = ""
    question: str = ""
    public_only: bool = False
    """Run only the public cases (e.g. to see what the public tests ask of a function)."""
    report: bool = True
    """False: run the tests for their effect only, leave them out of the result."""


@dataclass(frozen=True)
class Probe:
    name: str
    before_step: int
    """Index in the submission's plan (``plan_steps``) of the step the fork happens before;
    ``len(plan)`` forks after the last cell."""
    steps: tuple[ProbeStep, ...]

    def kernel_request(self, request_id: str, suite: TestSuite, snapshot_key: str, cell_timeout: float) -> dict:
        steps = []
        for step in self.steps:
            if step.kind == "cell":
                steps.append({"kind": "cell", "cell": step.cell, "source": step.source})
            else:
                which: Which = "public" if step.public_only else "all"
                tests = suite[step.question]
                request = tests.kernel_request(f"{request_id}-{len(steps)}", tests.select(which))
                request["snapshot"] = snapshot_key
                steps.append({"kind": "tests", "cell": step.cell, "request": request, "report": step.report})
        return {"request_id": request_id, "steps": steps, "cell_timeout": cell_timeout,
                "timeout": self.budget(cell_timeout)}

    def budget(self, cell_timeout: float) -> float:
        """Seconds the copy may take: a cell timeout per step, as the main run would allow."""
        return cell_timeout * max(len(self.steps), 1)


def probe_result(probe: Probe, payload: dict, suite: TestSuite) -> ProbeResult:
    """Score what the copy reported (``payload`` already checked against the schema)."""
    questions = []
    for tests in payload["tests"]:
        question = suite[tests["question"]]
        questions.append(question.score(question.judge(tests.get("cases", []), question.spec.cases), None))
    cell_errors = [
        CellError(cell["cell"] + 1, cell["ename"] or "CellTimeout", cell.get("evalue", ""))
        for cell in payload["cells"]
        if cell["status"] != "ok"
    ]
    return ProbeResult(probe.name, payload["status"], questions, cell_errors, payload["error"])


def not_run(probe: Probe, why: str) -> ProbeResult:
    return ProbeResult(probe.name, "not_run", error=why)
