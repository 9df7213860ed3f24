"""The cluster's pieces without a cluster: what a task carries, the worker's checks, its grading processes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from helpers import ok_test_file, write_tests

from autograder.cluster.job import ClusterJob, package_fingerprint, read_support_files
from autograder.cluster.process import GradingPool, GradingProcessDied
from autograder.cluster.worker import problem_here
from autograder.course import Limits
from autograder.grade.scoring import load_test_suite


@pytest.fixture
def job(tmp_path: Path) -> ClusterJob:
    tests = write_tests(tmp_path / "tests", {"q1": ok_test_file("q1", (">>> 1 + 1\n2\n", False), (">>> secret()\n3\n", True))})
    (tmp_path / "support").mkdir()
    (tmp_path / "support" / "helper.py").write_text("X = 1\n")
    (tmp_path / "notes.txt").write_text("notes")
    files = read_support_files((tmp_path / "support", tmp_path / "notes.txt"))
    return ClusterJob(load_test_suite(tests), Limits(), "python3", "none", False, None, files, None, (), package_fingerprint())


def test_a_job_travels_whole_with_its_hidden_tests_in_memory(job: ClusterJob, tmp_path: Path):
    copy = pickle.loads(pickle.dumps(job))
    assert copy.key == job.key and copy.suite.sha256 == job.suite.sha256
    assert "secret()" in copy.suite["q1"].source  # the hidden case is in the job itself, not a path to it
    assert dict(copy.support_files) == {"support/helper.py": b"X = 1\n", "notes.txt": b"notes"}


def test_a_worker_running_other_grader_code_is_refused(job: ClusterJob):
    from dataclasses import replace

    problem = problem_here(replace(job, package="0.0.1+000000000000"))
    assert "0.0.1+000000000000" in problem and package_fingerprint() in problem


def test_a_worker_without_the_data_is_refused(job: ClusterJob, tmp_path: Path):
    from dataclasses import replace

    problem = problem_here(replace(job, datasets=("mnist",), data_dir=str(tmp_path / "nowhere")))
    assert "no course data at" in problem and str(tmp_path / "nowhere") in problem


def test_a_grading_process_that_dies_fails_its_request_and_is_replaced(job: ClusterJob):
    pool = GradingPool(1)
    try:
        assert pool.call("problem_here", job) == ""
        process = pool.idle.get_nowait()
        process.process.kill()
        process.process.wait()
        pool.idle.put(process)
        with pytest.raises(GradingProcessDied):
            pool.call("problem_here", job)
        assert pool.call("problem_here", job) == ""  # a new process took its place
    finally:
        pool.close()


def test_a_grading_process_reply_is_json_text_never_a_pickle():
    """The grading process has run submissions: what it sends back is read as JSON text, and anything else
    (a pickle, a non-string value) is a dead process, not an object loaded into the worker."""
    import io
    import json

    from autograder.cluster.process import _read_reply, _write_frame

    def frame(data: bytes) -> io.BytesIO:
        stream = io.BytesIO()
        _write_frame(stream, data)
        stream.seek(0)
        return stream

    assert _read_reply(frame(json.dumps(["ok", "{}"]).encode())) == ("ok", "{}")
    for bad in (pickle.dumps(("ok", "{}")), json.dumps(["ok", {"a": 1}]).encode(), json.dumps(["maybe", ""]).encode()):
        with pytest.raises(GradingProcessDied):
            _read_reply(frame(bad))
