"""Where tests judged in the grader run: a child process of the grader, relaying their questions to the kernel.

Python-format test functions (``grade.remote.run_test_functions``) and hidden OK-format cases
(``run_example_cases``) compute on values the student chose. In the grader's own process a
loop over them would hold the interpreter, and so every other submission, and a broadcast
could take its memory. The child is forked from a server that has the assignment's imports
loaded, gets a memory limit once the test's own imports are in, and is killed at the
deadline; it talks to the grader in JSON lines, never pickles.
"""

from __future__ import annotations

import ast
import asyncio
import base64
import json
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .remote import KernelUnavailable, RunBudget, run_example_cases, run_test_functions

CHILD_HEADROOM = 384 * 2**20
"""Bytes of data the child may allocate once the test's own imports are loaded, and twice more for every large
array it reads (a split of a dataset: tens to hundreds of MB), to compute with it; within ``RunBudget``'s bound."""
_FORKSERVER: multiprocessing.context.ForkServerContext | None = None
_PRELOADED: frozenset[str] = frozenset()
_LOCK = threading.Lock()


def preload_modules(imports: Iterable[str]) -> frozenset[str]:
    """The modules import statements load (``from torch import nn``: ``torch``), for the fork server to hold."""
    modules = {"numpy"}
    for statement in imports:
        try:
            nodes = ast.parse(statement).body
        except SyntaxError:
            continue
        for node in nodes:
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module)
    return frozenset(modules)


def _server(preload: frozenset[str]) -> multiprocessing.context.ForkServerContext:
    """The fork server, restarted with more modules when a test needs some it does not hold (an import in each
    child would cost seconds per question: PyTorch's)."""
    global _FORKSERVER, _PRELOADED
    with _LOCK:
        if _FORKSERVER is not None and preload <= _PRELOADED:
            return _FORKSERVER
        if _FORKSERVER is not None:
            multiprocessing.forkserver._forkserver._stop()  # type: ignore[attr-defined]
        _PRELOADED = _PRELOADED | preload
        _FORKSERVER = multiprocessing.get_context("forkserver")
        _FORKSERVER.set_forkserver_preload(["autograder.grade.judge_process", *sorted(_PRELOADED)])
        return _FORKSERVER


def prepare(imports: Iterable[str]) -> None:
    """Start the fork server with ``imports`` loaded (seconds) while a notebook's cells run, not when its tests are due."""
    _server(preload_modules(imports))
    multiprocessing.forkserver.ensure_running()


async def run_in_child(job: dict, send: Callable[[dict], Awaitable[dict]], deadline: float) -> list:
    """A job in a child process, each of its questions to the kernel relayed by ``send``: ``{"functions": source}``
    (``run_test_functions``: each case's (passed, report)) or ``{"examples": cases, "imports": [...]}``
    (``run_example_cases``: each case's replies)."""
    server = _server(preload_modules(job.get("imports", ())))
    mine, theirs = server.Pipe()
    child = server.Process(target=_child, args=(job, theirs), daemon=True)
    child.start()
    theirs.close()
    loop = asyncio.get_running_loop()
    try:
        while True:
            message = await _receive(loop, mine, deadline)
            if message.get("kind") == "op":
                try:
                    reply = await send(message["op"])
                except KernelUnavailable as error:
                    reply = {"unavailable": str(error)}
                raw = reply.pop("bytes", None)
                if reply.get("kind") == "chunk" and raw is None:  # megabytes of an array: decoded here, sent on as they are
                    try:
                        raw = base64.b64decode(str(reply.pop("data", "")), validate=True)
                    except ValueError:
                        reply = {"unavailable": "the kernel sent a chunk that is not base64"}
                await _send(loop, mine, [json.dumps({**reply, "raw": raw is not None}).encode()]
                            + ([raw] if raw is not None else []), deadline)
            elif message.get("kind") == "done":
                return list(message["outcomes"])
            elif message.get("kind") == "unavailable":
                raise KernelUnavailable(str(message.get("reason", "")))
            else:
                raise RuntimeError(f"the test file could not run: {message.get('error', 'the test process died')}")
    finally:
        mine.close()
        if child.is_alive():
            child.kill()
        await loop.run_in_executor(None, child.join, 5)


async def _receive(loop: asyncio.AbstractEventLoop, connection: Any, deadline: float) -> dict:
    ready: asyncio.Future = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(connection.fileno(), wake)
    try:
        await asyncio.wait_for(ready, max(deadline - time.monotonic(), 0.01))
    except TimeoutError:
        raise KernelUnavailable("timeout") from None
    finally:
        loop.remove_reader(connection.fileno())
    try:
        return json.loads(connection.recv_bytes())
    except (EOFError, OSError, ValueError):  # killed by what the values made it do (its memory limit): the tests failed
        raise KernelUnavailable("the test's process died") from None


async def _send(loop: asyncio.AbstractEventLoop, connection: Any, messages: list[bytes], deadline: float) -> None:
    """Write to the child in a thread, within the deadline: a child that stopped reading must not hold the event loop
    (every other submission's grading)."""

    def write() -> None:
        for message in messages:
            connection.send_bytes(message)

    try:
        await asyncio.wait_for(loop.run_in_executor(None, write), max(deadline - time.monotonic(), 0.01))
    except TimeoutError:
        raise KernelUnavailable("timeout") from None
    except OSError:  # the child is gone (its memory limit): it tells no more
        raise KernelUnavailable("the test's process died") from None


def _child(job: dict, connection: Any) -> None:
    """In the child: run the job, asking the parent for each value; limit memory once the test's imports are loaded."""

    def send(op: dict) -> dict:
        try:
            connection.send_bytes(json.dumps({"kind": "op", "op": op}).encode())
            reply = json.loads(connection.recv_bytes())
            if reply.pop("raw", False):
                reply["bytes"] = connection.recv_bytes()
        except BaseException:  # out of memory halfway through a message: the conversation cannot go on
            os._exit(3)
        if "unavailable" in reply:
            raise KernelUnavailable(reply["unavailable"])
        return reply

    budget = RunBudget()
    ceiling = CHILD_HEADROOM + 3 * budget.value_bytes

    def limit() -> None:
        with open("/proc/self/status") as status:
            data = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:"))
        resource.setrlimit(resource.RLIMIT_DATA, (data + CHILD_HEADROOM, data + ceiling))

    def grow(size: int) -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if soft != resource.RLIM_INFINITY:
            resource.setrlimit(resource.RLIMIT_DATA, (min(soft + 3 * size, hard), hard))

    budget.on_data = grow
    try:
        outcomes: list = (run_test_functions(job["functions"], send, loaded=limit, budget=budget) if "functions" in job
                          else run_example_cases(job["examples"], job.get("imports", []), send, loaded=limit, budget=budget))
        message: dict = {"kind": "done", "outcomes": outcomes}
    except KernelUnavailable as error:
        message = {"kind": "unavailable", "reason": str(error)}
    except BaseException as error:
        message = {"kind": "error", "error": f"{type(error).__name__}: {str(error)[:300]}"}
    connection.send_bytes(json.dumps(message).encode())
