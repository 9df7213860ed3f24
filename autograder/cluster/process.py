"""Grading processes a Dask worker keeps: one per worker thread, reused from submission to submission.

A Dask worker runs under a nanny as a daemonic process, which ``multiprocessing`` forbids
to have children; and grading needs a main thread of its own (signals). So a worker
starts plain ``python -m autograder.cluster.process`` processes and talks to them over
their stdin and stdout: length-prefixed pickles, between two halves of the same
grader, never anything a submission writes (the grading process's own stdout goes to
stderr, its stdin to ``/dev/null``).
"""

from __future__ import annotations

import ctypes
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


def _send(stream: IO[bytes], payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_HEADER, "big") + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER)
    if len(header) < _HEADER:
        raise EOFError
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # written by the other half of this grader, over a private pipe


class GradingProcess:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.cluster.process"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, start_new_session=False)

    def call(self, function: str, *args: Any) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            _send(self.process.stdin, (function, args))
            status, value = _receive(self.process.stdout)
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

    def call(self, function: str, *args: Any) -> Any:
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
            function, args = _receive(requests)
        except EOFError:
            return
        try:
            reply = ("ok", getattr(worker, function)(*args))
        except Exception as exc:  # reported to the task, which the client records as the grader's failure
            reply = ("error", f"{type(exc).__name__}: {exc}")
        _send(replies, reply)


if __name__ == "__main__":
    main()
