"""The kernel message loop against scripted message streams, as nbclient tests its client (no kernel)."""

from __future__ import annotations

import asyncio
import json
import queue

import pytest

from autograder.grade import kernel
from autograder.grade.kernel import ChannelViolation, KernelSession, bounded_unpack

MIME = "application/x-result"
MSG_ID = "request-1"


class FakeClient:
    """Answers ``execute`` with a fixed id and hands out scripted IOPub messages, then silence."""

    def __init__(self, script: list):
        self.script = list(script)
        self.executed: list[str] = []

    def execute(self, code, **options):
        self.executed.append(code)
        return MSG_ID

    async def get_iopub_msg(self, timeout=None):
        if not self.script:
            await asyncio.sleep(0.01)
            raise queue.Empty
        item = self.script.pop(0)
        if isinstance(item, queue.Empty):
            await asyncio.sleep(0.01)
        if isinstance(item, BaseException):
            raise item
        return item

    async def get_shell_msg(self, timeout=None):
        return {"parent_header": {"msg_id": MSG_ID}, "msg_type": "execute_reply", "content": {}}


class FakeManager:
    def __init__(self, alive=True):
        self.alive = alive
        self.interrupts = 0

    async def is_alive(self):
        return self.alive

    async def interrupt_kernel(self):
        self.interrupts += 1


class ChattyClient(FakeClient):
    """A kernel that prints forever, interrupted or not (a message every 10 ms)."""

    async def get_iopub_msg(self, timeout=None):
        await asyncio.sleep(0.01)
        return message("stream", {"text": "x" * 10})


def session(script, alive=True, client_class=FakeClient) -> KernelSession:
    """A session around fakes: no kernel is started (``__init__``, which builds a kernel manager, is skipped)."""
    made = object.__new__(KernelSession)
    made.client, made.manager = client_class(script), FakeManager(alive)
    return made


def message(kind, content, parent=MSG_ID):
    return {"parent_header": {"msg_id": parent}, "msg_type": kind, "content": content}


IDLE = message("status", {"execution_state": "idle"})


def run(script, alive=True, timeout=5.0, output_limit=1000, client_class=FakeClient, **options):
    kernel_session = session(script, alive, client_class)
    outcome = asyncio.run(kernel_session.run("x = 1", timeout, output_limit=output_limit, **options))
    return outcome, kernel_session.manager


@pytest.fixture(autouse=True)
def quick_grace(monkeypatch):
    monkeypatch.setattr(kernel, "INTERRUPT_GRACE", 0.2)
    monkeypatch.setattr(kernel, "MAX_DRAIN", 0.5)


def test_an_ordinary_run_ends_at_idle():
    kernel_session = session([message("stream", {"text": "hello\n"}), IDLE])
    outcome = asyncio.run(kernel_session.run("print('hello')", 5.0, output_limit=1000))
    assert (outcome.status, outcome.output_bytes, kernel_session.manager.interrupts) == ("ok", 6, 0)
    assert not outcome.needs_restart and outcome.results == [] and outcome.violations == []
    assert kernel_session.client.executed == ["print('hello')"]


def test_an_error_is_reported_and_other_parents_are_ignored():
    outcome, _ = run([message("error", {"ename": "NameError", "evalue": "x"}, parent="someone-else"),
                      message("error", {"ename": "ValueError", "evalue": "bad"}), IDLE])
    assert (outcome.status, outcome.ename, outcome.evalue) == ("error", "ValueError", "bad")


def test_a_flood_is_interrupted_once():
    outcome, manager = run([message("stream", {"text": "x" * 600}) for _ in range(5)] + [IDLE])
    assert outcome.status == "flooded" and manager.interrupts == 1 and outcome.output_bytes == 3000


def test_the_deadline_interrupts_and_a_kernel_that_then_says_nothing_is_unresponsive():
    outcome, manager = run([], timeout=0.05)
    assert outcome.status == "timeout" and outcome.unresponsive and outcome.needs_restart and manager.interrupts == 1


def test_a_kernel_that_answers_the_interrupt_is_not_restarted():
    slow = [queue.Empty()] * 10 + [message("error", {"ename": "KeyboardInterrupt", "evalue": ""}), IDLE]
    outcome, manager = run(slow, timeout=0.02)
    assert outcome.status == "timeout" and not outcome.needs_restart and manager.interrupts == 1


@pytest.mark.parametrize("timeout, output_limit, status", [(0.05, 10**9, "timeout"), (5.0, 100, "flooded")])
def test_a_kernel_that_keeps_printing_after_the_interrupt_is_restarted(monkeypatch, timeout, output_limit, status):
    """Never silent, so never past the grace period: MAX_DRAIN after the interrupt ends the wait."""
    monkeypatch.setattr(kernel, "MAX_DRAIN", 0.2)
    outcome, manager = run([], timeout=timeout, output_limit=output_limit, client_class=ChattyClient)
    assert outcome.status == status and outcome.unresponsive and outcome.needs_restart and manager.interrupts == 1


def test_a_dead_kernel_is_noticed():
    outcome, _ = run([], alive=False)
    assert outcome.status == "died" and outcome.needs_restart


def test_results_are_kept_apart_counted_and_bounded():
    result = message("display_data", {"data": {MIME: {"request_id": "r"}}})
    outcome, _ = run([result] * (kernel.MAX_RESULTS + 3) + [IDLE], output_limit=10**6, result_mimetype=MIME)
    assert outcome.results == [{"request_id": "r"}] * kernel.MAX_RESULTS
    assert outcome.output_bytes > 0 and outcome.violations == ["more result messages than one execution sends"] * 3


def test_what_no_honest_kernel_sends_is_a_violation_not_a_crash():
    script = [ChannelViolation("a message nested too deeply to decode", 40_000), KeyError("msg_id"),
              {"parent_header": "not a dict"}, message("stream", ["not", "a", "dict"]), IDLE]
    outcome, _ = run(script, output_limit=10**6)
    assert outcome.status == "ok" and outcome.output_bytes == 40_000
    assert outcome.violations == ["a message nested too deeply to decode", "a malformed message (KeyError)"]


def test_frames_are_bounded_before_they_are_decoded(monkeypatch):
    assert bounded_unpack(b'{"a": [1, 2]}') == {"a": [1, 2]}
    with pytest.raises(ChannelViolation, match="nested"):
        bounded_unpack(b"[" * 20_000 + b"]" * 20_000)
    with pytest.raises(ChannelViolation, match="nested more than"):
        bounded_unpack(json.dumps(nest(kernel.MAX_DEPTH + 5)).encode())
    with pytest.raises(ChannelViolation, match="not JSON"):
        bounded_unpack(b"{nope")
    monkeypatch.setattr(kernel, "MAX_FRAME_BYTES", 100)
    with pytest.raises(ChannelViolation, match="frame of 101 bytes") as raised:
        bounded_unpack(b"x" * 101)
    assert raised.value.size == 101


def nest(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value
