"""grader similarity: disguised copies rank above independently written work; untouched releases share nothing."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from helpers import REPO, disguise, run_grader
from helpers.disguise import SAMPLES, corpus

from autograder.report.screenshot import find_browser, headless

INDEPENDENT = SAMPLES / "similarity" / "hw01"


def scores(csv_path: Path) -> dict[frozenset[str], float]:
    return {frozenset((row["submission_a"], row["submission_b"])): float(row["score"]) for row in csv.DictReader(csv_path.open())}


def test_every_disguised_pair_ranks_above_every_independent_pair(tmp_path: Path):
    disguised, independent = corpus(tmp_path / "subs")
    found = run_grader("similarity", "hw01", str(tmp_path / "subs"), "--output", str(tmp_path / "out"), cwd=REPO)
    assert found.returncode == 0, found.stderr
    ranked = scores(tmp_path / "out" / "similarity.csv")
    lowest_disguised = min(ranked.get(pair, 0.0) for pair in disguised)
    highest_independent = max(ranked.get(pair, 0.0) for pair in independent)
    assert lowest_disguised > highest_independent, (lowest_disguised, highest_independent)
    rows = list(csv.DictReader((tmp_path / "out" / "similarity.csv").open()))
    lifted = next(r for r in rows if {r["submission_a"], r["submission_b"]} == {"correct", "lifted_one_question"})
    assert float(lifted["q9"]) > 0.9 and float(lifted["overall"]) < 0.5  # one question of several, found on its own
    assert "groups of three or more" in found.stdout


def test_untouched_releases_and_the_template_share_nothing(tmp_path: Path):
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in ("alice", "bob"):
        shutil.copy(REPO / "assignments" / "hw01" / "hw01.ipynb", folder / f"{name}.ipynb")
    shutil.copy(SAMPLES / "hw01" / "unmodified_release.ipynb", folder / "carol.ipynb")
    found = run_grader("similarity", "hw01", str(folder), "--output", str(tmp_path / "out"), cwd=REPO)
    assert found.returncode == 0, found.stderr
    assert scores(tmp_path / "out" / "similarity.csv") == {}
    assert "0 similar pairs" in found.stdout


def test_against_an_earlier_term(tmp_path: Path):
    now, before = tmp_path / "now", tmp_path / "2025"
    now.mkdir()
    before.mkdir()
    shutil.copy(INDEPENDENT / "independent_a.ipynb", now / "dana.ipynb")
    shutil.copy(INDEPENDENT / "independent_c.ipynb", now / "eve.ipynb")
    nbformat.write(disguise.renamed(nbformat.read(INDEPENDENT / "independent_a.ipynb", as_version=4)), before / "old.ipynb")
    nbformat.write(disguise.renamed(nbformat.read(INDEPENDENT / "independent_b.ipynb", as_version=4)), before / "older.ipynb")
    found = run_grader("similarity", "hw01", str(now), "--against", str(before), "--output", str(tmp_path / "out"), cwd=REPO)
    assert found.returncode == 0, found.stderr
    ranked = scores(tmp_path / "out" / "similarity.csv")
    assert ranked[frozenset(("dana", f"{before}/old"))] >= 0.9  # named by the folder as given
    assert frozenset((f"{before}/old", f"{before}/older")) not in ranked  # sources are not compared with each other
    again = run_grader("similarity", "hw01", str(now), "--against", str(now), "--output", str(tmp_path / "out"), cwd=REPO)
    assert again.returncode == 1 and "no .ipynb files to compare against (other than the submissions themselves)" in again.stderr


@pytest.mark.slow
def test_the_page_in_a_real_browser(tmp_path: Path):
    browser = find_browser()
    if browser is None:
        pytest.fail("chromium is not installed: `make test` installs it as root (tools/install-system-packages.sh)")
    corpus(tmp_path / "subs")
    assert run_grader("similarity", "hw01", str(tmp_path / "subs"), "--output", str(tmp_path / "out"), cwd=REPO).returncode == 0
    page = tmp_path / "out" / "similarity.html"
    text = page.read_text()
    assert "evidence for a person to review, not a verdict" in text and "data:image/png;base64," in text
    dom = headless(browser, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri())
    body = re.search(r"<body[^>]*>", dom.stdout).group(0)
    pairs = int(re.search(r'data-pairs="(\d+)"', body).group(1))
    highlights = int(re.search(r'data-highlights="(\d+)"', body).group(1))
    assert pairs >= 10 and highlights > 100  # the side-by-side views exist and mark matched lines
    assert not re.search(r"CONSOLE.*(Uncaught|Error)", dom.stderr), dom.stderr


def test_edits_of_release_cells_and_broken_lines(tmp_path: Path):
    """Only changing a release cell (a data path) is not writing; one broken line does not hide the rest of a copy."""
    release = nbformat.read(REPO / "assignments" / "hw01" / "hw01.ipynb", as_version=4)
    editable = next(c for c in release.cells if c.cell_type == "code" and c.metadata.get("editable") is not False
                    and "otter_answer_cell" not in c.metadata.get("tags", []) and len(c.source.splitlines()) > 3)
    folder = tmp_path / "subs"
    folder.mkdir()
    for number, name in enumerate(("amy", "ben", "cat")):
        notebook = nbformat.from_dict(release)
        cell = next(c for c in notebook.cells if c.source == editable.source)
        cell.source = cell.source + f"\nDATA_DIR = '/content/drive/{name}{number}'"
        prompt = next(c for c in notebook.cells if "**Question 12.**" in c.source)
        prompt.source += f"\n\nMy answer {name}: the classes {'overlap' if number else 'differ'} in pixel space."
        nbformat.write(notebook, folder / f"{name}.ipynb")
    correct = nbformat.read(SAMPLES / "hw01" / "correct.ipynb", as_version=4)
    broken = disguise.renamed(correct)
    for cell in disguise.answer_cells(broken):
        cell.source += "\nprint(theta"  # an unclosed bracket in every answer
    nbformat.write(correct, folder / "correct.ipynb")
    nbformat.write(broken, folder / "broken.ipynb")
    (folder / "odd.ipynb").write_text('{"cells": [{"cell_type": "code", "source": null, "metadata": {}}, '
                                      '{"cell_type": "code", "source": ["a", 3]}], "nbformat": 4, "nbformat_minor": 5}')
    shutil.copy(SAMPLES / "hw01" / "correct.ipynb", folder / "=cmd.ipynb")
    found = run_grader("similarity", "hw01", str(folder), "--output", str(tmp_path / "out"), cwd=REPO)
    assert found.returncode == 0, found.stderr
    ranked = scores(tmp_path / "out" / "similarity.csv")
    assert not any(pair & {"amy", "ben", "cat", "odd"} for pair in ranked)
    assert ranked[frozenset(("correct", "broken"))] >= 0.9
    assert ranked[frozenset(("correct", "'=cmd"))] == 1.0  # a name a spreadsheet would run is quoted
