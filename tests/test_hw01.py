"""hw01 end to end: the committed release is current, the split is right, and otter's own
runner gives each sample submission the score its mistakes deserve."""

from __future__ import annotations

import filecmp
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from helpers import REPO, run_grader
from helpers.otter_run import otter_run
from helpers.samples import AUTOGRADED, EXPECTED_LOSSES, MAX

from autograder.course import load_course
from autograder.grade.scoring import load_test_suite
from autograder.release.leaks import find_hidden_test_leaks
from autograder.testfiles import read_tests_dir

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def released(released_course: Path) -> Path:
    return released_course


@pytest.fixture(scope="module")
def grader_results(released: Path, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("graded_hw01")
    result = run_grader("grade", "hw01", "tests/submissions/hw01", "dist/hw01/hw01.ipynb", "--output", str(output),
                        "--require-isolation", "--workers", "2", cwd=released)  # in the bwrap sandbox, as in production
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def otter_scores(released: Path) -> dict:
    course = load_course(released)
    bundle = released / "dist" / "hw01" / "hw01-autograder.zip"
    samples = {path.stem: path for path in sorted((released / "tests" / "submissions" / "hw01").glob("*.ipynb"))}
    samples["solution"] = released / "dist" / "hw01" / "hw01.ipynb"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(samples, pool.map(lambda path: otter_run(course, bundle, path), samples.values()), strict=True))
    return {name: result.scores for name, result in results.items()}


def test_sample_of_the_unmodified_release_is_the_release():
    assert filecmp.cmp(REPO / "tests/submissions/hw01/unmodified_release.ipynb", REPO / "assignments/hw01/hw01.ipynb", shallow=False)


def test_student_release_has_stubs_public_tests_and_no_hidden_code(released: Path):
    student = released / "assignments" / "hw01"
    notebook = nbformat.read(student / "hw01.ipynb", as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    for function in ["flatten_and_normalize", "binary_subset", "bias_trick", "train_test_validation_split", "sigmoid",
                     "binary_cross_entropy", "binary_cross_entropy_derivative", "predict", "accuracy",
                     "logistic_regression", "build_mlp", "train_mlp"]:
        header = next(line for line in code.splitlines() if line.startswith(f"def {function}("))
        after = code.split(header, 1)[1].splitlines()
        assert after[1].strip() == "# YOUR CODE HERE" and after[2].strip() == "raise NotImplementedError()", function
    assert "np.exp(-z[positive])" not in code and "np.clip(h, 1e-12" not in code
    for question in AUTOGRADED:
        assert f'grader.check("{question}")' in code

    public = {t.question: t for t in read_tests_dir(student / "tests")}
    bundle = {t.question: t for t in read_tests_dir(released / "dist" / "hw01" / "tests")}
    assert sorted(public) == sorted(bundle) == sorted(AUTOGRADED)
    for question in AUTOGRADED:
        assert public[question].public_cases and not public[question].hidden_cases, question
        assert bundle[question].hidden_cases, f"{question} has no hidden tests"
        assert bundle[question].points == MAX[question]
    assert find_hidden_test_leaks(list(bundle.values()), [released / "assignments"]) == []


@pytest.mark.parametrize("sample", sorted(EXPECTED_LOSSES))
def test_sample_scores_with_otter_run(released: Path, otter_scores: dict, sample: str):
    """otter run scores the questions whose tests it can judge as grader does: not the `# value` examples, whose
    printed text it compares with the master's (they are compared by value, in grader, against references)."""
    suite = load_test_suite(released / "dist" / "hw01" / "tests")
    by_value = {q.name for q in suite.questions if any(e.comparator for case in q.examples for e in case)}
    assert by_value and len(by_value) < len(AUTOGRADED)
    expected = {q: EXPECTED_LOSSES[sample].get(q, MAX[q]) for q in AUTOGRADED if q not in by_value}
    assert {q: otter_scores[sample][q] for q in expected} == pytest.approx(expected), sample


@pytest.mark.parametrize("sample", sorted(EXPECTED_LOSSES))
def test_sample_scores_with_grader_grade(grader_results: Path, sample: str):
    name = "hw01" if sample == "solution" else sample
    result = json.loads((grader_results / "results" / f"{name}.json").read_text())
    expected = {q: EXPECTED_LOSSES[sample].get(q, MAX[q]) for q in AUTOGRADED}
    assert result["status"] == "graded" and not result["problems"], result["problems"]
    assert {q["name"]: q["score"] for q in result["questions"]} == pytest.approx(expected), sample


def test_feedback_never_shows_hidden_tests(released: Path, grader_results: Path):
    bundle = read_tests_dir(released / "dist" / "hw01" / "tests")
    feedback = grader_results / "feedback"
    assert len(list(feedback.glob("*.md"))) == len(EXPECTED_LOSSES)
    assert find_hidden_test_leaks(bundle, [feedback]) == []
    text = (feedback / "gradient_sign_error.md").read_text()
    assert "- hidden tests: 0 of 2 passed (0 / 3 points)" in text  # q7: counts and points only
    assert "np.eye(5)" not in text and "reference_loss" not in text
