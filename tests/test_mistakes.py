"""The mistake catalogue (docs/mistakes.md): every entry is exercised by mutants that exist."""

from __future__ import annotations

import re
from pathlib import Path

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
