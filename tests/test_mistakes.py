"""The mistake catalogue (docs/mistakes.md): every entry is exercised by mutants that exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "docs" / "mistakes.md"
REQUIRED = ["fitted on validation, test or all data", "train + validation", "wrong split", "label versus position",
            "seeds and generators", "hyperparameters not passed", "summed versus averaged", "after the output layer",
            "softmax over the wrong axis", "8-bit overflow", "integer division", "maximum instead of the fixed constant",
            "different permutations", "`eval()` / `train()`", "`zero_grad`", "early stopping", "in-place mutation"]


def entries() -> dict[str, str]:
    """Each ``### title`` with its text."""
    parts = re.split(r"^### (.+)$", CATALOGUE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_entry_names_mutants_that_exist():
    catalogue = entries()
    assert len(catalogue) >= len(REQUIRED)
    for title, text in catalogue.items():
        for field in ("What the student does", "Applies to", "How a test catches it", "Mutants"):
            assert f"**{field}:**" in text, f"{title}: no {field}"
        mutants = re.findall(r"`(\w+)/(\w+)`", text.split("**Mutants:**")[1])
        assert mutants, f"{title}: no mutant exercises it"
        for assignment, name in mutants:
            assert (REPO / "solutions" / assignment / "mutants" / f"{name}.yaml").is_file(), f"{title}: {assignment}/{name} does not exist"


def test_the_catalogue_covers_the_common_mistakes():
    titles = " ".join(entries()).lower()
    missing = [mistake for mistake in REQUIRED if mistake.lower() not in titles]
    assert not missing


def applies_to(text: str) -> set[tuple[str, str]]:
    """The (assignment, question) pairs an entry's "Applies to" names: ``hw01 q9-q11, lab02 q7`` (asides in brackets skipped)."""
    line = re.sub(r"\([^)]*\)", "", text.split("**Applies to:**")[1].split("\n- **")[0])
    pairs, assignment = set(), None
    for token in re.finditer(r"\b(hw\d+|lab\d+)\b|\bq(\d+)(?:-q(\d+))?\b", line):
        if token[1]:
            assignment = token[1]
            continue
        assert assignment is not None, f"a question before any assignment in: {line.strip()}"
        first = int(token[2])
        pairs.update((assignment, f"q{n}") for n in range(first, int(token[3] or first) + 1))
    return pairs


def test_every_question_an_entry_applies_to_has_a_mutant_of_it():
    """Not two mutants per question: every catalogue mistake where it applies (issue 14)."""
    uncovered = []
    for title, text in entries().items():
        covered = set()
        for assignment, name in re.findall(r"`(\w+)/(\w+)`", text.split("**Mutants:**")[1]):
            raw = yaml.safe_load((REPO / "solutions" / assignment / "mutants" / f"{name}.yaml").read_text())
            questions = raw["question"]
            covered.update((assignment, q) for q in ([questions] if isinstance(questions, str) else questions))
        uncovered += [f"{title}: {a} {q}" for a, q in sorted(applies_to(text) - covered)]
    assert not uncovered, "\n".join(uncovered)
