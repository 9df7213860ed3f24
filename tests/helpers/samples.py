"""What each sample submission under tests/submissions/ deserves, per question (shared by several test modules)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import run_grader

# hw01
AUTOGRADED = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q13"]
MAX = {"q1": 2, "q2": 2, "q3": 1, "q4": 3, "q5": 3, "q6": 3, "q7": 4, "q8": 2, "q9": 4, "q10": 2, "q11": 2, "q13": 4}
# What each sample's mistakes cost, question by question (everything else earns full marks).
EXPECTED_LOSSES = {
    "solution": {},
    "correct": {},
    # Gradient ascent: the gradient's hidden checks fail, training diverges from the
    # reference, so both experiments' accuracy checks fail (their shape checks pass).
    "gradient_sign_error": {"q7": 1, "q9": 1, "q10": 0, "q11": 1},
    # Overflows at z = -1000: only the stability case fails.
    "overflowing_sigmoid": {"q5": 2},
    # log(0) at h = 0 or 1: only the clipping case fails.
    "unclipped_log": {"q6": 2},
    "unmodified_release": dict.fromkeys(AUTOGRADED, 0),
}

# lab02, hw03, hw04, hw05: full marks per question
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


def grade_samples(course: Path, assignment: str, output: Path, *options: str) -> Path:
    """``grader grade`` the samples of ``assignment`` (lab02, hw03, hw04, hw05), sandboxed, into ``output``."""
    result = run_grader("grade", assignment, f"tests/submissions/{assignment}", "--output", str(output),
                        "--require-isolation", "--workers", "2", *options, cwd=course, timeout=1800)
    assert result.returncode == 0, result.stderr
    return output


def assert_sample_deserves(output: Path, assignment: str, sample: str) -> None:
    """Graded, with no problem, and each question scored what ``LOSSES`` says the sample's mistakes cost."""
    result = json.loads((output / "results" / f"{sample}.json").read_text())
    expected = {q: LOSSES[assignment][sample].get(q, points) for q, points in FULL[assignment].items()}
    assert result["status"] == "graded", result.get("error")
    assert result["problems"] == []
    assert {q["name"]: q["score"] for q in result["questions"]} == pytest.approx(expected)
