"""lab02, hw03, hw04 and hw05: each sample submission, graded in the sandbox, gets the score its mistakes deserve."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest
from conftest import REPO, run_grader

from autograder.release.leaks import find_hidden_test_leaks
from autograder.testfiles import read_tests_dir

pytestmark = pytest.mark.slow

FULL = {
    "lab02": {"q1": 3, "q2": 2, "q3": 4, "q4": 2, "q5": 2, "q6": 3, "q7": 4, "q8": 3, "q9": 3, "q10": 3, "q11": 2},
    "hw03": {"q1": 4, "q2": 2, "q3": 2, "q4": 4, "q5": 3, "q6": 2, "q8": 3, "q9": 3, "q10": 2, "q11": 4},
    "hw04": {"q1": 2, "q2": 2, "q3": 3, "q4": 2, "q5": 3, "q6": 3, "q7": 4, "q8": 2, "q9": 3, "q11": 4},
    "hw05": {"q1": 3, "q2": 2, "q3": 2, "q5": 2, "q6": 2, "q7": 2, "q8": 4, "q9": 2, "q10": 2, "q11": 3, "q12": 2, "q13": 3},
}
# Per sample, the questions its mistake costs points on, and what they score then.
LOSSES = {
    "lab02": {
        "correct": {},
        "choose_C_by_train_accuracy": {"q8": 1},  # C chosen by training accuracy, not validation log-loss
        "confused_pair_one_direction": {"q10": 2},  # cm[i, j] only, not cm[i, j] + cm[j, i]
        "one_hot_boolean_columns": {"q4": 1},  # get_dummies without dtype=int
        "scaler_fit_on_all_data": {"q3": 2},  # leakage: statistics of all 60,000 images
        "scaler_refit_on_test": {"q3": 2},  # test set standardised with its own statistics
        "sweep_on_test_set": {"q7": 2},  # model selection on the test set
        "unmodified_release": dict.fromkeys(FULL["lab02"], 0),
    },
    "hw03": {
        "correct": {},
        "auc_from_labels": {"q4": 2, "q5": 2},  # ROC AUC from predict() labels, not probabilities
        "best_by_idxmin": {"q8": 1},  # idxmin picks the worst row
        "best_by_train_auc": {"q8": 2},  # best row chosen by training AUC
        "non_stratified_split": {"q1": 2},  # split without stratify
        "scaled_before_pipeline": {"q11": 2},  # scaler fitted outside the pipeline
        "unmodified_release": dict.fromkeys(FULL["hw03"], 0),
    },
    "hw04": {
        "correct": {},
        "evaluate_in_train_mode": {"q8": 1},  # no model.eval(), no torch.no_grad()
        # gradients accumulate across batches: the loop's own test, and the training that relies on it
        "forgot_zero_grad": {"q7": 3, "q9": 1, "q11": 3},
        "missing_factor_2": {"q1": 1, "q2": 1},  # dL/dw without its 2; q2's public check compares with it
        "mlp_without_activation": {"q6": 2, "q9": 1},  # a linear "MLP": it cannot memorise the 500 images
        "selection_on_test_set": {"q11": 3},  # candidates scored on the test set
        "unmodified_release": dict.fromkeys(FULL["hw04"], 0),
    },
    "hw05": {
        "correct": {},
        "relu_before_linear": {"q11": 2},  # ReLU(x) W + b instead of ReLU(x W + b)
        "returns_last_theta": {"q8": 1},  # early stopping that keeps the last parameters, not the best
        "selection_on_test_set": {"q13": 2},  # configurations compared on the test set
        "shift_with_roll": {"q1": 1},  # np.roll wraps around instead of filling with zeros
        "softmax_without_max": {"q5": 1},  # overflows on large scores
        "unmodified_release": dict.fromkeys(FULL["hw05"], 0),
    },
}


@pytest.fixture(scope="module")
def graded(released_course: Path, tmp_path_factory) -> dict[str, Path]:
    outputs = {}
    for assignment in LOSSES:
        output = tmp_path_factory.mktemp(f"graded_{assignment}")
        result = run_grader("grade", assignment, f"tests/submissions/{assignment}", "--output", str(output),
                            "--require-isolation", "--workers", "2", cwd=released_course)
        assert result.returncode == 0, result.stderr
        outputs[assignment] = output
    return outputs


@pytest.mark.parametrize("assignment, sample", [(a, s) for a in LOSSES for s in sorted(LOSSES[a])])
def test_sample_scores(graded: dict, assignment: str, sample: str):
    result = json.loads((graded[assignment] / "results" / f"{sample}.json").read_text())
    expected = {q: LOSSES[assignment][sample].get(q, points) for q, points in FULL[assignment].items()}
    assert result["status"] == "graded"
    assert result["problems"] == []
    assert {q["name"]: q["score"] for q in result["questions"]} == pytest.approx(expected)


@pytest.mark.parametrize("assignment", sorted(LOSSES))
def test_release_is_public_only_and_sample_release_current(released_course: Path, graded: dict, assignment: str):
    assert filecmp.cmp(REPO / f"tests/submissions/{assignment}/unmodified_release.ipynb",
                       REPO / f"assignments/{assignment}/{assignment}.ipynb", shallow=False)
    bundle = read_tests_dir(released_course / "dist" / assignment / "tests")
    public = read_tests_dir(released_course / "assignments" / assignment / "tests")
    assert all(t.hidden_cases for t in bundle) and not any(t.hidden_cases for t in public)
    others = [spec for other in ("hw01", *FULL) if other != assignment
              for spec in read_tests_dir(released_course / "assignments" / other / "tests")]
    assert find_hidden_test_leaks(bundle, [released_course / "assignments", graded[assignment] / "feedback"], others) == []
