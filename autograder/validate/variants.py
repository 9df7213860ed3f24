"""Variants of the solution a TA writes down: mutants the tests must catch, equivalents they must accept.

A *mutant* is a realistic wrong answer: it must lose points on each question it names.
An *equivalent* is another correct way of writing the answer (SciPy's ``expit`` for a
hand-written sigmoid, a float32 PyTorch reduction, a loop for vectorised code): it must
keep full marks on every question its run reaches, or a test is too harsh.

One YAML file per variant, in ``solutions/<id>/mutants/`` or ``solutions/<id>/equivalents/``::

    # solutions/hw03/mutants/auc_from_labels.yaml
    question: q4                  # or a list: [q4, q5], run up to the last one's tests
    description: ROC AUC from predicted labels instead of probabilities
    replace:                      # applied to the question's solution code
      - old: model.predict_proba(X_test)
        new: model.predict(X_test)

Each ``old`` must occur exactly once in the answer cells of the (first) question, so a
variant breaks loudly when the solution it was written against changes. An equivalent
whose answer feeds later questions names them too, so that their tests judge it as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from ..errors import GraderError
from ..grade.plan import Step
from ..grade.probes import Probe, ProbeStep
from .answers import Answer

MUTANTS_DIR = "mutants"
EQUIVALENTS_DIR = "equivalents"

VariantKind = Literal["mutant", "equivalent"]
VARIANT_DIRS: dict[VariantKind, str] = {"mutant": MUTANTS_DIR, "equivalent": EQUIVALENTS_DIR}
"""Where each kind of variant lives in ``solutions/<id>/``."""


@dataclass(frozen=True)
class Replacement:
    old: str
    new: str


@dataclass(frozen=True)
class Variant:
    kind: VariantKind
    name: str
    questions: tuple[str, ...]
    description: str
    replacements: tuple[Replacement, ...]
    path: Path

    @property
    def title(self) -> str:
        return f"{self.kind} {self.name}"


def load_variants(directory: Path, kind: VariantKind, label: str) -> list[Variant]:
    """Every ``*.yaml`` variant in ``directory`` (none if it does not exist), by file name."""
    if not directory.is_dir():
        return []
    return [_load(path, kind, f"{label}/{path.name}") for path in sorted(directory.glob("*.y*ml"))]


def _load(path: Path, kind: VariantKind, label: str) -> Variant:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise GraderError(f"{label}: invalid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(raw, dict):
        raise GraderError(f"{label}: a {kind} is a mapping with question, description and replace")
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
    return Variant(kind, path.stem, tuple(questions), str(raw.get("description", "")).strip(), tuple(replacements), path)


def variant_probe(variant: Variant, answers: dict[str, Answer], plan: list[Step], label: str) -> Probe:
    """The probe that runs the variant: forked before its first changed cell, up to its last question's tests
    (every question checked on the way is tested too)."""
    for question in variant.questions:
        if question not in answers:
            known = ", ".join(answers) or "none"
            raise GraderError(f"{label}: {variant.name}: {question} is not an autograded question with a solution (known: {known})")
    answer = answers[variant.questions[0]]
    sources = {index: _source(plan, index) for index in answer.cells}
    for replacement in variant.replacements:
        holders = [index for index, source in sources.items() if replacement.old in source]
        count = sum(sources[index].count(replacement.old) for index in holders)
        if count != 1:
            where = "is not in" if count == 0 else f"occurs {count} times in"
            raise GraderError(f"{label}: {variant.name}: {replacement.old.strip()[:60]!r} {where} the solution of {answer.question}")
        sources[holders[0]] = sources[holders[0]].replace(replacement.old, replacement.new)
    changed = {index: source for index, source in sources.items() if source != _source(plan, index)}
    if not changed:
        raise GraderError(f"{label}: {variant.name}: its replacements leave the solution unchanged")
    start = min(i for i, step in enumerate(plan) if step.kind == "cell" and step.cell in changed)
    checks = {step.question: i for i, step in enumerate(plan) if step.kind == "check"}
    unchecked = [q for q in variant.questions if q not in checks]  # tested after the last cell
    end = len(plan) - 1 if unchecked else max(checks[q] for q in variant.questions)
    steps = tuple(
        ProbeStep("cell", step.cell, changed.get(step.cell, step.source)) if step.kind == "cell"
        else ProbeStep("tests", step.cell, question=step.question)
        for step in plan[start:end + 1]
    ) + tuple(ProbeStep("tests", len(plan), question=q) for q in unchecked)
    return Probe(variant.title, start, steps)


def _source(plan: list[Step], cell: int) -> str:
    for step in plan:
        if step.kind == "cell" and step.cell == cell:
            return step.source
    raise GraderError(f"cell {cell + 1} is not run at grading (is it tagged otter_ignore?)")
