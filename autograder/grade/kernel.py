"""One Jupyter kernel for one submission: run code with a deadline, survive what the code does.

A small wrapper over jupyter_client's ``AsyncKernelManager``/``AsyncKernelClient``:
``run`` executes code and follows its IOPub messages until the kernel is idle, with
a deadline. Past the deadline the kernel is interrupted and given a grace period; a
kernel that ignores the interrupt (or floods output past it), or that dies
(``os._exit``, segfault, OOM kill), is reported so the engine can restart it. Output is counted, never kept (apart from
the runner's result messages), and a cell that floods it is interrupted.
"""

from __future__ import annotations

import json
import os
import queue
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from jupyter_client import AsyncKernelClient, AsyncKernelManager

from ..sandbox import KernelLaunch

INTERRUPT_GRACE = 5.0
"""Seconds of silence after an interrupt before the kernel counts as unresponsive."""
MAX_DRAIN = 30.0
"""Seconds after an interrupt that a still-chattering kernel gets before it is restarted."""
STARTUP_TIMEOUT = 60.0
MAX_FRAME_BYTES = 32 * 2**20
"""A message frame larger than this is dropped undecoded (its bytes still count as output)."""
MAX_DEPTH = 100
"""Containers nested deeper than this in one message: dropped, as no Jupyter message needs it."""
MAX_SHELL_DRAIN = 10.0
"""Seconds an execution's shell reply is waited for once its output is over."""
MAX_RESULTS = 8
"""Result messages kept per execution; any beyond are counted as output and reported."""


class ChannelViolation(ValueError):
    """The kernel sent something no honest kernel sends (too large, too deep, malformed)."""

    def __init__(self, message: str, size: int = 0):
        super().__init__(message)
        self.size = size


def bounded_unpack(data: bytes | str) -> Any:
    """``Session.unpack`` with limits checked before and right after decoding.

    The kernel is the student's process: it can sign any message it likes, so every
    frame it sends is treated as hostile input to the grader.
    """
    if len(data) > MAX_FRAME_BYTES:
        raise ChannelViolation(f"a message frame of {len(data)} bytes", len(data))
    try:
        value = json.loads(data)
    except RecursionError:
        raise ChannelViolation("a message nested too deeply to decode", len(data)) from None
    except ValueError:
        raise ChannelViolation("a message that is not JSON", len(data)) from None
    if _depth_exceeds(value, MAX_DEPTH):
        raise ChannelViolation(f"a message nested more than {MAX_DEPTH} levels deep", len(data))
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


class WrappedKernelManager(AsyncKernelManager):
    """A kernel manager that launches the kernel behind a command prefix (limits, sandbox)."""

    command_prefix: list[str] = []
    kernel_command: list[str] | None = None

    def format_kernel_cmd(self, extra_arguments=None):
        if self.kernel_command is None:
            return [*self.command_prefix, *super().format_kernel_cmd(extra_arguments)]
        connection_file = os.path.realpath(self.connection_file)
        # Written just now, 0600 and the grader's: a container's kernel runs as another uid. Its
        # directory lies in the submission's private (0700) scratch, so no other host user reaches it.
        os.chmod(connection_file, 0o644)
        return [*self.command_prefix, *(part.replace("{connection_file}", connection_file) for part in self.kernel_command)]


OutcomeStatus = Literal["ok", "error", "timeout", "flooded", "died"]


@dataclass
class Outcome:
    status: OutcomeStatus
    """``timeout``: interrupted at the deadline; ``flooded``: interrupted for printing too
    much; ``died``: the kernel process is gone."""
    unresponsive: bool = False
    """The kernel did not come back to idle after an interrupt (it ignores SIGINT)."""
    ename: str = ""
    evalue: str = ""
    output_bytes: int = 0
    result_bytes: int = 0
    """Of ``output_bytes``, those of the result messages asked for."""
    results: list[dict] = field(default_factory=list)
    """Data of display messages with the result mimetype asked for (at most ``MAX_RESULTS``)."""
    buffers: list[bytes] = field(default_factory=list)
    """The raw frame the first result came with, if any (the bytes of an array, ``kernel_side._publish_with_buffer``)."""
    violations: list[str] = field(default_factory=list)
    """What the kernel sent that an honest kernel does not (see ``ChannelViolation``), in order."""

    def violate(self, what: str) -> None:
        if len(self.violations) < MAX_RESULTS:
            self.violations.append(what)

    @property
    def needs_restart(self) -> bool:
        return self.status == "died" or self.unresponsive


class KernelSession:
    def __init__(self, kernel_name: str, workdir: Path, launch: KernelLaunch, log: IO[bytes]):
        """``log`` receives the kernel process's own stdout and stderr (crash messages)."""
        self.workdir, self.launch, self.log = workdir, launch, log
        self.manager = WrappedKernelManager(kernel_name=kernel_name, transport=launch.transport, ip=launch.ip)
        if launch.connection_file:
            self.manager.connection_file = launch.connection_file
        self.manager.command_prefix = launch.prefix
        self.manager.kernel_command = launch.kernel_command
        kernel_spec = self.manager.kernel_spec
        assert kernel_spec is not None, kernel_name
        kernel_spec.interrupt_mode = launch.interrupt_mode
        self.client: AsyncKernelClient | None = None

    async def start(self) -> None:
        await self.manager.start_kernel(cwd=str(self.workdir), env=self.launch.env, stdout=self.log, stderr=self.log)
        await self._connect()
        self.launch.kernel_started()

    async def _connect(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        client = self.manager.client()
        client.session.unpack = bounded_unpack
        client.start_channels()
        await client.wait_for_ready(timeout=STARTUP_TIMEOUT)
        self.client = client

    @property
    def _client(self) -> AsyncKernelClient:
        if self.client is None:
            raise RuntimeError("the kernel was not started")
        return self.client

    async def restart(self) -> None:
        """A new kernel, once everything the old one left in its sandbox is gone.

        A fork bomb's processes outlive the kernel they came from; until they are killed
        they hold the sandbox's process budget and the new kernel could not even start.
        """
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        try:
            await self.manager.shutdown_kernel(now=True, restart=True)  # restart: keep the manager's ZMQ context
        except Exception:  # already dead: nothing left to stop
            pass
        self.launch.cleanup()
        await self.start()

    async def shutdown(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        try:
            await self.manager.shutdown_kernel(now=True)
        except Exception:  # already dead, or never started: nothing left to stop
            pass
        self.launch.cleanup()
        # Close this kernel's sockets now: a context left to the garbage collector with a socket still open
        # (a start that failed half-way) blocks the whole event loop in its __del__, forever.
        self.manager.context.destroy(linger=0)

    async def run(
        self,
        code: str,
        timeout: float,
        *,
        output_limit: int,
        result_mimetype: str | None = None,
        store_history: bool = True,
        user_expressions: dict[str, str] | None = None,
    ) -> Outcome:
        msg_id = self._client.execute(code, silent=False, store_history=store_history, allow_stdin=False, stop_on_error=False,
                                      user_expressions=user_expressions)
        outcome = Outcome("ok")
        now = time.monotonic()
        deadline = now + max(timeout, 0.01)
        interrupted: OutcomeStatus | None = None  # why: "timeout" or "flooded"
        last_message = now
        while True:
            now = time.monotonic()
            if interrupted is None and now >= deadline:
                interrupted = await self._interrupt("timeout")
                last_message = now
            if interrupted is not None and (now - last_message > INTERRUPT_GRACE or now - deadline > MAX_DRAIN):
                outcome.status, outcome.unresponsive = interrupted, True
                return outcome
            try:
                message = await self._client.get_iopub_msg(timeout=0.5)
            except (TimeoutError, queue.Empty):
                if not await self.manager.is_alive():
                    outcome.status = "died"
                    return outcome
                continue
            except ChannelViolation as violation:
                message = None
                outcome.violate(str(violation))
                outcome.output_bytes += violation.size
            except (AttributeError, KeyError, TypeError, ValueError) as error:  # a frame that decodes but is no message
                message = None
                outcome.violate(f"a malformed message ({type(error).__name__})")
            last_message = time.monotonic()
            parent, kind, content = _fields(message)
            if parent != msg_id or not isinstance(content, dict):
                pass
            elif kind == "status" and content.get("execution_state") == "idle":
                break
            elif kind == "error":
                outcome.status, outcome.ename, outcome.evalue = "error", str(content.get("ename", "")), str(content.get("evalue", ""))
            elif kind in ("stream", "display_data", "execute_result", "update_display_data"):
                data = content.get("data", {})
                data = data if isinstance(data, dict) else {}
                buffers = [bytes(b) for b in message.get("buffers") or ()] if isinstance(message, dict) else []
                size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in data.values()) + sum(map(len, buffers))
                outcome.output_bytes += size
                if result_mimetype and result_mimetype in data:
                    outcome.result_bytes += size
                    if not outcome.results and len(buffers) == 1 and len(buffers[0]) <= MAX_FRAME_BYTES:
                        outcome.buffers = buffers
                    if len(outcome.results) < MAX_RESULTS and isinstance(data[result_mimetype], dict):
                        outcome.results.append(data[result_mimetype])
                    else:
                        outcome.violate("more result messages than one execution sends")
            if outcome.output_bytes > output_limit and interrupted != "flooded":
                interrupted = await self._interrupt("flooded")
                deadline = time.monotonic()
        if interrupted is not None:
            outcome.status = interrupted
        await self._drain_shell(msg_id)
        return outcome

    async def _interrupt(self, reason: OutcomeStatus) -> OutcomeStatus:
        await self.manager.interrupt_kernel()
        return reason

    async def _drain_shell(self, msg_id: str) -> None:
        """Consume the execute reply so the shell channel does not back up; give up after ``MAX_SHELL_DRAIN``
        seconds, as a kernel sending shell messages of its own without end would otherwise hold the grader here."""
        deadline = time.monotonic() + MAX_SHELL_DRAIN
        try:
            while time.monotonic() < deadline:
                try:
                    reply = await self._client.get_shell_msg(timeout=2)
                except (AttributeError, ChannelViolation, KeyError, TypeError, ValueError):
                    continue
                if _fields(reply)[0] == msg_id:
                    return
        except (TimeoutError, queue.Empty):
            return


def _fields(message: Any) -> tuple[Any, Any, Any]:
    """(parent msg_id, msg_type, content) of a message, whatever shape a hostile kernel gave it."""
    if not isinstance(message, dict):
        return None, None, None
    parent = message.get("parent_header")
    return parent.get("msg_id") if isinstance(parent, dict) else None, message.get("msg_type"), message.get("content")
