"""Where Python-format test functions run: a child process of the grader, relaying their questions to the kernel.

The test's computations run on values the student chose. In the grader's own process a
loop over them would hold the interpreter, and so every other submission, and a
broadcast could take its memory. The child is forked from a server that has NumPy
loaded, gets a memory limit once the test file's own imports are in, and is killed at
the deadline; it talks to the grader in JSON lines, never pickles.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import resource
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .remote import KernelUnavailable, run_test_functions

CHILD_HEADROOM = 384 * 2**20
"""Bytes of data the child may allocate once the test file's own imports are loaded: student values are small."""
_FORKSERVER: multiprocessing.context.ForkServerContext | None = None


async def run_in_child(source: str, send: Callable[[dict], Awaitable[dict]], deadline: float) -> list[tuple[bool, str]]:
    """``run_test_functions`` in a child process, each of its questions to the kernel relayed by ``send``."""
    global _FORKSERVER
    if _FORKSERVER is None:
        _FORKSERVER = multiprocessing.get_context("forkserver")
        _FORKSERVER.set_forkserver_preload(["autograder.grade.judge_process", "numpy"])
    mine, theirs = _FORKSERVER.Pipe()
    child = _FORKSERVER.Process(target=_child, args=(source, theirs), daemon=True)
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
                mine.send_bytes(json.dumps(reply).encode())
            elif message.get("kind") == "done":
                return [(bool(passed), str(report)) for passed, report in message["outcomes"]]
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


def _child(source: str, connection: Any) -> None:
    """In the child: run the test functions, asking the parent for each value; limit memory once the file is loaded."""

    def send(op: dict) -> dict:
        connection.send_bytes(json.dumps({"kind": "op", "op": op}).encode())
        reply = json.loads(connection.recv_bytes())
        if "unavailable" in reply:
            raise KernelUnavailable(reply["unavailable"])
        return reply

    def limit() -> None:
        with open("/proc/self/status") as status:
            data = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:"))
        resource.setrlimit(resource.RLIMIT_DATA, (data + CHILD_HEADROOM, data + CHILD_HEADROOM))

    try:
        outcomes = run_test_functions(source, send, loaded=limit)
        message: dict = {"kind": "done", "outcomes": outcomes}
    except KernelUnavailable as error:
        message = {"kind": "unavailable", "reason": str(error)}
    except BaseException as error:
        message = {"kind": "error", "error": f"{type(error).__name__}: {str(error)[:300]}"}
    connection.send_bytes(json.dumps(message).encode())
