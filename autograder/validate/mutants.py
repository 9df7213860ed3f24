"""Mutants: realistic wrong answers a TA writes down, which the tests must catch.

One YAML file per mutant in ``solutions/<id>/mutants/``::

    # solutions/hw03/mutants/auc_from_labels.yaml
    question: q4                  # or a list: [q4, q5]; each must lose points
    description: ROC AUC from predicted labels instead of probabilities
    replace:                      # applied to the question's solution code
      - old: model.predict_proba(X_test)
        new: model.predict(X_test)

Each ``old`` must occur exactly once in the answer cells of the (first) question, so a
mutant breaks loudly when the solution it was written against changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import GraderError
from ..grade.plan import Step
from ..grade.probes import Probe, ProbeStep
from .answers import Answer

MUTANTS_DIR = "mutants"


@dataclass(frozen=True)
class Replacement:
    old: str
    new: str


@dataclass(frozen=True)
class Mutant:
    name: str
    questions: tuple[str, ...]
    description: str
    replacements: tuple[Replacement, ...]
    path: Path


def load_mutants(directory: Path, label: str) -> list[Mutant]:
    """Every ``*.yaml`` mutant in ``directory`` (none if it does not exist), by file name."""
    if not directory.is_dir():
        return []
    return [_load(path, f"{label}/{path.name}") for path in sorted(directory.glob("*.y*ml"))]


def _load(path: Path, label: str) -> Mutant:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise GraderError(f"{label}: invalid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(raw, dict):
        raise GraderError(f"{label}: a mutant is a mapping with question, description and replace")
    unknown = set(raw) - {"question", "description", "replace"}
    if unknown:
        raise GraderError(f"{label}: unknown key(s) {', '.join(sorted(unknown))} (expected question, description, replace)")
    questions = raw.get("question")
    questions = [questions] if isinstance(questions, str) else questions
    if not questions or not all(isinstance(q, str) for q in questions):
        raise GraderError(f"{label}: 'question' must name a question (e.g. q3) or list them")
    replace = raw.get("replace")
    if not isinstance(replace, list) or not replace:
        raise GraderError(f"{label}: 'replace' must be a list of {{old, new}} pairs")
    replacements = []
    for number, item in enumerate(replace, start=1):
        if not isinstance(item, dict) or set(item) != {"old", "new"} or not isinstance(item["old"], str) \
                or not isinstance(item["new"], str) or not item["old"]:
            raise GraderError(f"{label}: replace item {number} must have a non-empty 'old' and a 'new' string")
        replacements.append(Replacement(item["old"], item["new"]))
    return Mutant(path.stem, tuple(questions), str(raw.get("description", "")).strip(), tuple(replacements), path)


def mutant_probe(mutant: Mutant, answers: dict[str, Answer], plan: list[Step], label: str) -> Probe:
    """The probe that runs the mutant: forked before its first changed cell, up to its last question's tests."""
    for question in mutant.questions:
        if question not in answers:
            known = ", ".join(answers) or "none"
            raise GraderError(f"{label}: {mutant.name}: {question} is not an autograded question with a solution (known: {known})")
    answer = answers[mutant.questions[0]]
    sources = {index: _source(plan, index) for index in answer.cells}
    for replacement in mutant.replacements:
        holders = [index for index, source in sources.items() if replacement.old in source]
        count = sum(sources[index].count(replacement.old) for index in holders)
        if count != 1:
            where = "is not in" if count == 0 else f"occurs {count} times in"
            raise GraderError(f"{label}: {mutant.name}: {replacement.old.strip()[:60]!r} {where} the solution of {answer.question}")
        sources[holders[0]] = sources[holders[0]].replace(replacement.old, replacement.new)
    changed = {index: source for index, source in sources.items() if source != _source(plan, index)}
    start = min(i for i, step in enumerate(plan) if step.kind == "cell" and step.cell in changed)
    checks = {step.question: i for i, step in enumerate(plan) if step.kind == "check"}
    unchecked = [q for q in mutant.questions if q not in checks]  # tested after the last cell
    end = len(plan) - 1 if unchecked else max(checks[q] for q in mutant.questions)
    steps = tuple(
        ProbeStep("cell", step.cell, changed.get(step.cell, step.source)) if step.kind == "cell"
        else ProbeStep("tests", step.cell, question=step.question)
        for step in plan[start:end + 1]
    ) + tuple(ProbeStep("tests", len(plan), question=q) for q in unchecked)
    return Probe(f"mutant {mutant.name}", start, steps)


def _source(plan: list[Step], cell: int) -> str:
    for step in plan:
        if step.kind == "cell" and step.cell == cell:
            return step.source
    raise GraderError(f"cell {cell + 1} is not run at grading (is it tagged otter_ignore?)")
