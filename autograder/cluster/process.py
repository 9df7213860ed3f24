"""Grading processes a Dask worker keeps: one per worker thread, reused from submission to submission.

A Dask worker runs under a nanny as a daemonic process, which ``multiprocessing`` forbids
to have children; and grading needs a main thread of its own (signals). So a worker
starts plain ``python -m autograder.cluster.process`` processes and talks to them over
their stdin and stdout, in length-prefixed frames: requests are the worker's own job
(pickled), replies are JSON text (a result, or why it failed), since the grading process
has run submissions' code nearby and the worker unpickles nothing from it. The grading
process's own stdout goes to stderr, its stdin to ``/dev/null``.
"""

from __future__ import annotations

import ctypes
import json
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from typing import IO, Any

_HEADER = 8


class GradingProcessDied(RuntimeError):
    """The grading process exited mid-request (killed, out of memory): the grader's failure, not the student's."""


def _write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(len(data).to_bytes(_HEADER, "big") + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> bytes:
    header = stream.read(_HEADER)
    if len(header) < _HEADER:
        raise EOFError
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def _read_reply(stream: IO[bytes]) -> tuple[str, str]:
    """A reply is JSON, ``["ok" | "error", text]``: the grading process has run submissions, so the worker takes
    only text from it, never an object to unpickle."""
    try:
        status, value = json.loads(_read_frame(stream))
    except (ValueError, TypeError) as exc:
        raise GradingProcessDied("the grading process sent a malformed reply") from exc
    if status not in ("ok", "error") or not isinstance(value, str):
        raise GradingProcessDied("the grading process sent a malformed reply")
    return status, value


class GradingProcess:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.cluster.process"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, start_new_session=False)

    def call(self, function: str, *args: Any) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            _write_frame(self.process.stdin, pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL))
            status, value = _read_reply(self.process.stdout)
        except (EOFError, BrokenPipeError, OSError) as exc:
            self.close()
            raise GradingProcessDied(f"the grading process exited ({self.process.returncode})") from exc
        if status == "error":
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:  # a broken pipe's last flush
                    pass


class GradingPool:
    """Up to ``size`` grading processes, each serving one request at a time."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.idle: queue.LifoQueue[GradingProcess] = queue.LifoQueue()
        self.started = 0
        self.lock = threading.Lock()

    def call(self, function: str, *args: Any) -> str:
        process = self._take()
        try:
            value = process.call(function, *args)
        except GradingProcessDied:
            with self.lock:
                self.started -= 1
            raise
        self.idle.put(process)
        return value

    def close(self) -> None:
        """Stop the idle processes (busy ones are their callers' to finish)."""
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return

    def _take(self) -> GradingProcess:
        with self.lock:
            try:
                return self.idle.get_nowait()
            except queue.Empty:
                if self.started < self.size:
                    self.started += 1
                    return GradingProcess()
        return self.idle.get()


def _die_with_parent() -> None:
    """A killed worker takes its grading processes along (Linux), and sandboxed kernels die with those."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main() -> None:
    _die_with_parent()
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # anything printed here goes to the worker's log, not into the protocol
    from . import worker

    while True:
        try:
            # The request comes from this process's parent, the worker, which built the job: its own data.
            function, args = pickle.loads(_read_frame(requests))
        except EOFError:
            return
        try:
            reply = ["ok", str(getattr(worker, function)(*args))]
        except Exception as exc:  # reported to the task, which the client records as the grader's failure
            reply = ["error", f"{type(exc).__name__}: {exc}"]
        _write_frame(replies, json.dumps(reply).encode())


if __name__ == "__main__":
    main()
