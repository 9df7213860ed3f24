"""What grading produces, as typed dataclasses that serialise to JSON.

``SubmissionResult`` is written to ``results/<submission>.json``; ``grades.csv`` and
the feedback files are derived from it. ``KERNEL_RESULT_SCHEMA`` is the contract for
the one message the in-kernel runner sends back per question.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

Status = Literal["graded", "error", "failed"]
"""``graded``: the notebook ran and was scored; ``error``: the submission itself could not be graded (not a
notebook, empty...), which scores 0; ``failed``: the grader, the kernel launcher or the sandbox failed, not the
student: no score is given (blank in every gradebook), and the next run grades it again."""
ProblemKind = Literal[
    "cell_timeout",
    "cell_stuck",
    "kernel_died",
    "kernel_restarted",
    "notebook_repaired",
    "output_truncated",
    "replay_failed",
    "snapshot_failed",
    "submission_timeout",
    "tampering",
    "tests_failed_to_run",
    "too_many_restarts",
]
"""What went wrong while a submission ran; students see the kinds in ``STUDENT_VISIBLE_PROBLEMS``."""
STUDENT_VISIBLE_PROBLEMS: tuple[ProblemKind, ...] = ("cell_timeout", "kernel_died", "cell_stuck", "output_truncated", "submission_timeout",
                                                     "notebook_repaired")
ProbeStatus = Literal["ok", "timeout", "died", "error", "not_run"]

@dataclass(frozen=True)
class ManualMark:
    """A TA's score for one manual question of one submission (``grader report --manual``)."""

    question: str
    max_score: float
    score: float | None
    """None: not graded yet (pending), never 0."""
    comment: str = ""


KERNEL_RESULT_SCHEMA = {
    "type": "object",
    "required": ["request_id", "question", "cases", "tampered"],
    "additionalProperties": False,
    "properties": {
        "request_id": {"type": "string"},
        "question": {"type": "string"},
        "tampered": {"type": "array", "items": {"type": "string"}},
        "cases": {
            "type": "array",
            "items": {
                "oneOf": [
                    {  # an OK-format case: data per example, judged in the grader
                        "type": "object",
                        "required": ["examples"],
                        "additionalProperties": False,
                        "properties": {
                            "examples": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["output", "exception", "value"],  # "shown" may be missing: nothing displayed
                                    "additionalProperties": False,
                                    "properties": {
                                        "output": {"type": "string"},
                                        "shown": {"type": "string"},
                                        "exception": {"type": ["string", "null"]},
                                        "value": {"type": ["object", "null"]},
                                    },
                                },
                            }
                        },
                    },
                    {  # a Python-format test function: decided in the kernel
                        "type": "object",
                        "required": ["passed", "output"],
                        "additionalProperties": False,
                        "properties": {"passed": {"type": "boolean"}, "output": {"type": "string"}},
                    },
                ]
            },
        },
    },
}


@dataclass
class CaseResult:
    name: str
    """``q3 - 2``: the question and the case's 1-based position, as otter names them."""
    hidden: bool
    passed: bool
    score: float
    max_score: float
    output: str = ""


@dataclass
class QuestionResult:
    name: str
    score: float
    max_score: float
    cases: list[CaseResult] = field(default_factory=list)
    checked_at_cell: int | None = None
    """1-based index of the ``grader.check`` cell where the tests ran; None: after the last cell."""
    ran: bool = True
    """False when the tests never ran (the submission timed out first)."""
    seconds: float = 0.0
    """How long the question's tests took to run."""


@dataclass
class Problem:
    kind: ProblemKind
    message: str
    """The grader's own words (students may see it for the kinds in ``STUDENT_VISIBLE_PROBLEMS``)."""
    cell: int | None = None
    detail: str = ""
    """Text from the kernel process (e.g. its last line before dying): for instructors only."""


@dataclass
class CellError:
    cell: int
    ename: str
    evalue: str


@dataclass
class ProbeResult:
    """What a probe (steps run in a throwaway fork of the kernel) gave; see ``grade.probes``."""

    name: str
    status: ProbeStatus
    """``ok``; ``timeout`` (the copy was killed); ``died`` (it crashed); ``error``; ``not_run``."""
    questions: list[QuestionResult] = field(default_factory=list)
    cell_errors: list[CellError] = field(default_factory=list)
    error: str = ""


@dataclass
class SubmissionResult:
    submission: str
    path: str
    status: Status
    score: float
    max_score: float
    questions: list[QuestionResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cell_errors: list[CellError] = field(default_factory=list)
    error: str | None = None
    """Why the submission could not be graded at all (status ``error`` or ``failed``)."""
    timed_out: bool = False
    submission_sha256: str = ""
    tests_sha256: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    grader_version: str = ""
    probes: list[ProbeResult] = field(default_factory=list)
    """Only when probes were asked for (``grader validate``)."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> SubmissionResult:
        raw = json.loads(text)
        raw["questions"] = [_question(q) for q in raw.get("questions", [])]
        raw["probes"] = [
            ProbeResult(**{**p, "questions": [_question(q) for q in p["questions"]],
                           "cell_errors": [CellError(**e) for e in p["cell_errors"]]})
            for p in raw.get("probes", [])
        ]
        raw["problems"] = [Problem(**p) for p in raw.get("problems", [])]
        raw["cell_errors"] = [CellError(**e) for e in raw.get("cell_errors", [])]
        return cls(**raw)


def _question(raw: dict) -> QuestionResult:
    return QuestionResult(**{**raw, "cases": [CaseResult(**c) for c in raw.get("cases", [])]})
