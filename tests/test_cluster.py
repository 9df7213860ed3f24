"""``grader grade --cluster`` on a real Dask cluster on 127.0.0.1: a ``dask scheduler`` and ``dask worker`` processes.

A batch graded there scores exactly as it does locally, also when a worker is killed
mid-batch (its tasks run again on the other; each submission is written once), and a
worker that cannot grade (no course data) stops the batch before anything is graded,
named in the error.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from helpers import GRADER, assert_one_line_error, run_grader
from helpers.samples import LOSSES, grade_samples

from autograder.cluster.job import DATA_DIR_ENV
from autograder.cluster.loopback import loopback_cluster

pytestmark = pytest.mark.slow

ASSIGNMENT = "hw05"
"""The quickest of the course's assignments with real data (MNIST), seven samples."""


@pytest.fixture(scope="module")
def graded_locally(released_course: Path, tmp_path_factory) -> Path:
    return grade_samples(released_course, ASSIGNMENT, tmp_path_factory.mktemp("local"))


def comparable(result: dict) -> dict:
    """What a result says about the submission, without where or how fast it was graded."""
    return {
        "status": result["status"], "score": result["score"], "error": result["error"], "problems": result["problems"],
        "cell_errors": result["cell_errors"],
        "questions": [(q["name"], q["score"], [(c["name"], c["passed"], c["score"]) for c in q["cases"]]) for q in result["questions"]],
    }


def test_a_batch_scores_as_locally_with_a_worker_killed_mid_batch(released_course: Path, graded_locally: Path, tmp_path: Path):
    import json

    output = tmp_path / "graded"
    with loopback_cluster(tmp_path / "cluster", workers=2) as cluster:
        batch = subprocess.Popen([str(GRADER), "grade", ASSIGNMENT, f"tests/submissions/{ASSIGNMENT}", "--cluster", cluster.address,
                                  "--output", str(output), "--require-isolation"],
                                 cwd=released_course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 600
        while not list((output / "results").glob("*.json")):
            assert batch.poll() is None and time.monotonic() < deadline, batch.communicate()
            time.sleep(0.2)
        cluster.kill(cluster.workers[0])  # nanny, worker and its grading processes, mid-batch
        stdout, stderr = batch.communicate(timeout=900)
    assert batch.returncode == 0, stderr
    samples = sorted(LOSSES[ASSIGNMENT])
    progress = [line for line in stderr.splitlines() if " done, " in line]
    assert sorted(line.rsplit("  ", 1)[1].split(":")[0] for line in progress) == samples  # each written once
    assert sorted(p.stem for p in (output / "results").glob("*.json")) == samples
    for sample in samples:
        here = json.loads((graded_locally / "results" / f"{sample}.json").read_text())
        there = json.loads((output / "results" / f"{sample}.json").read_text())
        assert comparable(there) == comparable(here), sample
        assert there["path"] == here["path"]
    assert (output / "grades.csv").read_text() == (graded_locally / "grades.csv").read_text()


def test_a_worker_without_the_course_data_stops_the_batch_naming_it(released_course: Path, tmp_path: Path):
    no_data = tmp_path / "elsewhere"
    no_data.mkdir()
    with loopback_cluster(tmp_path / "cluster", workers=1) as cluster:
        cluster.add_worker(env={DATA_DIR_ENV: str(no_data)})
        cluster.wait_for_workers(2)
        from distributed import Client

        with Client(cluster.address, set_as_default=False) as client:
            names = {info["name"]: address for address, info in client.scheduler_info(n_workers=-1)["workers"].items()}
        result = run_grader("grade", ASSIGNMENT, f"tests/submissions/{ASSIGNMENT}/correct.ipynb", "--cluster", cluster.address,
                            "--output", str(tmp_path / "graded"), cwd=released_course)
    assert_one_line_error(result, "the cluster cannot grade this batch, nothing was graded")
    named = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("worker ")]
    assert len(named) == 1 and named[0].startswith(f"worker {names['worker-2']} "), result.stderr
    assert "mnist" in named[0] and str(no_data) in named[0]
    assert not (tmp_path / "graded" / "results").exists()


def test_no_scheduler_there_is_a_one_line_error(released_course: Path, tmp_path: Path):
    result = run_grader("grade", ASSIGNMENT, f"tests/submissions/{ASSIGNMENT}/correct.ipynb", "--cluster", "tcp://127.0.0.1:9",
                        "--output", str(tmp_path / "graded"), cwd=released_course)
    assert_one_line_error(result, "--cluster tcp://127.0.0.1:9", "cannot reach a Dask scheduler")
