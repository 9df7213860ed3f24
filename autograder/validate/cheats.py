"""Built-in cheats, tried on every autograded question: each must lose points.

Each cheat is a probe forked at the question's ``grader.check`` cell, from the
solution's state there: it swaps the question's answer names for an adversarial
stand-in (see ``kernel_cheats``), then runs the question's tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..grade.plan import Step
from ..grade.probes import Probe, ProbeStep
from . import kernel_cheats
from .answers import Answer

_SOURCE = Path(kernel_cheats.__file__).read_text(encoding="utf-8")

CHEATS = {
    "always_equal": "answers replaced by an object equal to everything (its attributes, items and calls give itself)",
    "identity": "functions return their first argument unchanged",
    "public_values": "functions hard-coded to what the solution returned for the public tests' inputs (a constant otherwise)",
}


@dataclass(frozen=True)
class CheatProbe:
    cheat: str
    question: str
    probe: Probe


def cheat_probes(answers: dict[str, Answer], plan: list[Step]) -> list[CheatProbe]:
    """Every cheat that applies to each question (``identity`` and ``public_values`` need functions)."""
    checks = {step.question: i for i, step in enumerate(plan) if step.kind == "check"}
    probes = []
    for question, answer in answers.items():
        at = checks.get(question, len(plan))
        cell = plan[at].cell if at < len(plan) else len(plan)
        tests = ProbeStep("tests", cell, question=question)
        names = f"{list(answer.functions)!r}"
        steps: dict[str, tuple[ProbeStep, ...]] = {
            "always_equal": (ProbeStep("cell", cell, _call("always_equal", names, repr(list(answer.variables)))), tests),
        }
        if answer.functions:
            steps["identity"] = (ProbeStep("cell", cell, _call("identity", names)), tests)
            steps["public_values"] = (
                ProbeStep("cell", cell, _call("record", names)),
                ProbeStep("tests", cell, question=question, public_only=True, report=False),
                ProbeStep("cell", cell, _call("replay", names)),
                tests,
            )
        probes += [CheatProbe(cheat, question, Probe(f"cheat {cheat} {question}", at, s)) for cheat, s in steps.items()]
    return probes


def _call(function: str, *arguments: str) -> str:
    return (
        "_grader_cheats_ = {'__name__': 'grader_cheats'}\n"
        f"exec(compile({_SOURCE!r}, '<grader cheats>', 'exec'), _grader_cheats_)\n"
        f"_grader_cheats_[{function!r}]({', '.join(arguments)}, globals())\n"
    )
