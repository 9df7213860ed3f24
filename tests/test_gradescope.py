"""grader gradescope: the zip's own run_autograder, run in a local /autograder layout, writes a
schema-valid results.json for correct, partial, unmodified and broken submissions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest
from helpers import run_grader
from helpers.samples import EXPECTED_LOSSES, FULL, LOSSES, MAX
from packaging.requirements import Requirement

from autograder.gradescope import RESULTS_SCHEMA
from autograder.release.leaks import find_hidden_test_leaks
from autograder.testfiles import read_tests_dir

pytestmark = pytest.mark.slow

EXPECTED = {"hw01": (MAX, EXPECTED_LOSSES), **{a: (FULL[a], LOSSES[a]) for a in LOSSES}}
PARTIAL = {"hw01": "gradient_sign_error", "lab02": "sweep_on_test_set", "hw03": "best_by_idxmin",
           "hw04": "forgot_zero_grad", "hw05": "returns_last_theta"}
SAMPLES = ["correct", "partial", "unmodified_release"]
EVERY_HW01_SAMPLE = ["overflowing_sigmoid", "unclipped_log"]  # hw01: every sample, as the issue asks of it
BROKEN = {
    "not_json": {"{id}.ipynb": "{{ this is not a notebook"},
    "two_notebooks": {"first try.ipynb": "{{}}", "second try.ipynb": "{{}}"},  # neither named <id>.ipynb
    "nothing": {"notes.txt": "forgot to attach it"},
}


def expected_score(assignment: str, sample: str) -> float:
    full, losses = EXPECTED[assignment]
    return sum(losses[sample].get(q, points) for q, points in full.items())


@pytest.fixture(scope="module")
def zips(released_course: Path, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("zips")
    built = {}
    for assignment in EXPECTED:
        result = run_grader("gradescope", assignment, "--output", str(folder / f"{assignment}.zip"), cwd=released_course)
        assert result.returncode == 0, result.stderr
        built[assignment] = folder / f"{assignment}.zip"
    return built


def run_autograder(zip_path: Path, root: Path, files: dict[str, bytes]) -> dict:
    """Lay out /autograder as Gradescope does, run the zip's own run_autograder, return results.json."""
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    for name, content in files.items():
        (root / "submission" / name).write_bytes(content)
    (root / "submission_metadata.json").write_text(json.dumps({"id": 1, "users": [{"name": "Student"}]}))
    os.chmod(root / "source" / "run_autograder", 0o755)
    env = {**os.environ, "GRADESCOPE_ROOT": str(root), "GRADER_PYTHON": sys.executable}
    process = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    return json.loads((root / "results" / "results.json").read_text())


@pytest.fixture(scope="module")
def runs(zips, released_course: Path, tmp_path_factory) -> dict[tuple[str, str], tuple[Path, dict]]:
    jobs = {}
    for assignment in EXPECTED:
        for sample in SAMPLES + (EVERY_HW01_SAMPLE if assignment == "hw01" else []):
            name = PARTIAL[assignment] if sample == "partial" else sample
            notebook = (released_course / "tests" / "submissions" / assignment / f"{name}.ipynb").read_bytes()
            jobs[assignment, sample] = {f"{assignment}.ipynb": notebook}
        for broken, files in BROKEN.items():
            jobs[assignment, broken] = {n.format(id=assignment): t.format(id=assignment).encode() for n, t in files.items()}
    roots = {key: tmp_path_factory.mktemp(f"autograder_{key[0]}_{key[1]}") for key in jobs}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(run_autograder, zips[key[0]], roots[key], files) for key, files in jobs.items()}
        return {key: (roots[key], future.result()) for key, future in futures.items()}


@pytest.mark.parametrize("assignment, sample", [(a, s) for a in sorted(EXPECTED) for s in SAMPLES]
                         + [("hw01", s) for s in EVERY_HW01_SAMPLE])
def test_results_are_valid_scored_and_keep_hidden_tests_hidden(runs, released_course: Path, assignment: str, sample: str):
    root, results = runs[assignment, sample]
    jsonschema.validate(results, RESULTS_SCHEMA)
    name = PARTIAL[assignment] if sample == "partial" else sample
    assert results["score"] == pytest.approx(expected_score(assignment, name))
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    assert results["stdout_visibility"] == "hidden"
    hidden = [t for t in results["tests"] if t["name"].endswith("(hidden)")]
    assert hidden and all(t["visibility"] == "after_published" for t in hidden)
    assert all(t["output"] in ("hidden test passed", "hidden test failed") for t in hidden)
    assert all(t["visibility"] == "visible" for t in results["tests"] if t not in hidden)
    manual = json.loads((root / "source" / "config.json").read_text())["manual"]
    assert len(manual) == 2 and all(points > 0 for points in manual.values())  # every assignment has two
    assert f"**Graded separately by course staff:** {', '.join(f'{q} ({p:g} points)' for q, p in manual.items())}" in results["output"]
    # no hidden test's code anywhere a student could see it (results.json is what Gradescope shows)
    bundle = read_tests_dir(released_course / "dist" / assignment / "tests")
    assert find_hidden_test_leaks(bundle, [root / "results"]) == []
    assert not (root / "source" / "tests").exists()  # read into memory, then deleted before the notebook ran


@pytest.mark.parametrize("assignment", sorted(EXPECTED))
@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_broken_submissions_still_get_a_result(runs, assignment: str, broken: str):
    _, results = runs[assignment, broken]
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert results["score"] == 0 and results["tests"] == []
    expected = {"not_json": "not valid JSON", "two_notebooks": "2 notebooks were submitted", "nothing": "no notebook was submitted"}
    assert results["output"].startswith("**This submission could not be graded:**")
    assert expected[broken] in results["output"]


def test_requirements_pin_what_the_course_tested_with(zips):
    with zipfile.ZipFile(zips["hw01"]) as archive:
        pins = archive.read("requirements.txt").decode().split()
        names = set(archive.namelist())
    assert {"setup.sh", "run_autograder", "config.json", "grader/autograder/gradescope/run.py"} <= names
    assert any(n.startswith("tests/") for n in names) and any(n.startswith("data/FashionMNIST/raw/") for n in names)
    for pin in pins:  # the environment this suite runs in is the one the zip asks for
        requirement = Requirement(pin)
        assert metadata.version(requirement.name).split("+")[0] in requirement.specifier, pin
    assert any(pin.startswith("otter-grader==") for pin in pins) and any(pin.startswith("torch==") for pin in pins)


def test_a_grader_failure_is_no_score_not_a_zero(zips, tmp_path: Path):
    """A broken bundle (its tests gone) is the grader's failure: no results.json and a non-zero exit, which
    Gradescope shows as an autograder failure with no score, never as 0 points."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(zips["hw03"]) as archive:
        archive.extractall(root / "source")
    shutil.rmtree(root / "source" / "tests")
    (root / "submission" / "hw03.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    os.chmod(root / "source" / "run_autograder", 0o755)
    env = {**os.environ, "GRADESCOPE_ROOT": str(root), "GRADER_PYTHON": sys.executable}
    process = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    assert process.returncode != 0 and "grader failure (not the submission's fault" in process.stderr
    assert not (root / "results" / "results.json").exists()
