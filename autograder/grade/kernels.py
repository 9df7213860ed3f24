"""Where a submission's kernel comes from: started for it, or warm, started while the previous one ran.

A ``WarmKernel`` is a fresh sandbox and kernel started before its submission is known:
the support files are in place, the course's declared heavy imports (``preload``) are
loaded, the tests' modules are snapshotted, and the submission's file is there but empty
(the sandbox binds it read-only, so it must exist at launch). When its turn comes, the
submission's bytes are written into that same file. Each kernel serves one submission
and is thrown away: nothing is shared between submissions. A ``KernelSupply`` keeps one
warm kernel per grading slot ahead, and shuts used ones down in the background, so
neither start-up nor shutdown is on a submission's critical path.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..sandbox import SandboxPaths
from . import kernel_side
from .kernel import KernelSession
from .setup import GradingSetup

SUBMISSION_FILE = "submission.ipynb"
"""The notebook's own copy in its working directory, read-only, as in otter's grading directory."""
_RUNNER_SOURCE = Path(kernel_side.__file__).read_text(encoding="utf-8")


_REAL_BUILTINS = (
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'catch_warnings'][0]()._module.sys.modules['builtins']"
)
"""An expression for the builtins module that needs no builtin name: a notebook may rebind ``__builtins__``."""


def runner_code(function: str, arguments: str) -> str:
    """Code that defines the in-kernel runner in a private namespace and calls one of its functions.

    It names no global but its own: a notebook may define ``compile``, ``exec`` or ``globals``.
    """
    return (
        f"__builtins__ = {_REAL_BUILTINS}\n"
        "_grader_runner_ = {'__name__': 'grader_runner', '__builtins__': __builtins__}\n"
        f"__builtins__.exec(__builtins__.compile({_RUNNER_SOURCE!r}, '<grader>', 'exec'), _grader_runner_)\n"
        f"_grader_runner_[{function!r}]({arguments})\n"
        "del _grader_runner_\n"
    )


def runner_call(function: str, arguments: str) -> tuple[str, dict[str, str]]:
    """As ``runner_code``, but the call is an execution's user expression, which IPython evaluates as it is: a
    request carrying megabytes of data (an argument for the notebook's function) is not put through the cell
    transformers (seconds per 10 MB)."""
    code = runner_code(function, arguments).rsplit("\n", 3)[0] + "\n"  # the runner, defined
    call = f"__builtins__.globals().pop('_grader_runner_')[{function!r}]({arguments})"
    return code, {"grader": call}


def kept_runner_call(function: str, snapshot_key: str, request: str) -> tuple[str, dict[str, str]]:
    """As ``runner_call``, with the runner a test session's first call kept in the kernel (``kernel_side.remote``):
    a question asked thousands of times (a dataset's items) costs a call, not the runner's definition each time.
    The notebook can replace the kept runner, but it answers for the notebook's own values only, as any runner does."""
    call = (f"{_REAL_BUILTINS}.__import__('sys').modules[{snapshot_key!r}].runner[{function!r}]"
            f"({request}, {_REAL_BUILTINS}.globals())")
    return "", {"grader": call}


def preload_code(modules: tuple[str, ...]) -> str:
    """Import ``modules`` into the kernel's module cache without binding a name in the notebook's namespace; a
    module that fails to import is left for the notebook's own import to report."""
    body = f"import importlib\nfor name in {list(modules)!r}:\n    try:\n        importlib.import_module(name)\n    except Exception:\n        pass\n"
    return f"__builtins__.exec({body!r}, {{}})"


@dataclass
class WarmKernel:
    scratch: Path
    paths: SandboxPaths
    kernel: KernelSession
    log: IO[bytes]
    snapshot_key: str
    seconds: float = 0.0
    """How long starting it took (off the critical path when it was started ahead)."""
    snapshot_failed: str = ""
    """Why the snapshot failed, if it did: reported in its submission's result."""

    def load(self, notebook: Path) -> None:
        """Put the submission in place: written into the file the sandbox already binds (same inode)."""
        with open(self.paths.workdir / SUBMISSION_FILE, "r+b") as target:
            target.truncate(0)
            target.write(notebook.read_bytes())

    async def close(self) -> None:
        try:
            await self.kernel.shutdown()
        finally:
            self.log.close()
            shutil.rmtree(self.scratch, ignore_errors=True)


async def start_kernel(setup: GradingSetup, preload: tuple[str, ...] = ()) -> WarmKernel:
    """A fresh sandbox and kernel for one submission, with ``preload`` imported and the snapshot done."""
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="grader-submission-"))
    log = tempfile.TemporaryFile()
    try:
        workdir = scratch / "work"
        workdir.mkdir()
        (workdir / SUBMISSION_FILE).touch()
        for path in setup.support_files:
            (shutil.copytree if path.is_dir() else shutil.copy2)(path, workdir / path.name)
        exposed = (SUBMISSION_FILE, *(p.name for p in setup.support_files))
        paths = SandboxPaths(scratch, workdir, exposed, setup.data_dir)
        kernel = KernelSession(setup.kernel_name, workdir, setup.isolation.launch(paths, setup.limits, setup.env), log)
        warm = WarmKernel(scratch, paths, kernel, log, f"_grader_snapshot_{secrets.token_hex(8)}")
    except BaseException:
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        await kernel.start()
        limit = setup.cell_output_limit
        if preload:
            await kernel.run(preload_code(preload), setup.limits.cell_timeout, output_limit=limit, store_history=False)
        # Before any of the notebook's code: what the tests' modules look like.
        outcome = await kernel.run(runner_code("snapshot", f"{warm.snapshot_key!r}, __builtins__.globals()"), setup.limits.cell_timeout,
                                   output_limit=limit, store_history=False)
        if outcome.status != "ok":
            warm.snapshot_failed = f"could not snapshot the kernel's modules ({outcome.status}: {outcome.ename})"
    except BaseException:
        await warm.close()
        raise
    warm.seconds = time.perf_counter() - started
    return warm


class KernelSupply:
    """Kernels for a run of submissions: with ``ahead`` > 0, that many warm ones (the setup's ``preload``
    imported) are kept starting or ready; with 0, each is started when it is taken, with nothing preloaded."""

    def __init__(self, setup: GradingSetup, ahead: int = 0, total: int | None = None):
        """``total``: how many kernels will be taken in all, if known (none is warmed beyond it)."""
        self.setup, self.ahead = setup, ahead
        self.unstarted = total
        self.ready: list[asyncio.Task[WarmKernel]] = []
        self.closing: set[asyncio.Task[None]] = set()

    async def take(self) -> WarmKernel:
        """A kernel nobody has used; the one it replaces starts warming at once."""
        if not self.ahead:
            return await start_kernel(self.setup)
        if not self.ready:
            self._warm_one(force=True)
        task = self.ready.pop(0)
        while len(self.ready) < self.ahead and self._warm_one():
            pass
        try:
            warm = await task
        except Exception:  # one kernel failed to start ahead: start this one now (a broken backend fails again, loudly)
            return await start_kernel(self.setup, self.setup.preload)
        if not await warm.kernel.manager.is_alive():  # died while it waited (the OOM killer): not the student's problem
            await warm.close()
            return await start_kernel(self.setup, self.setup.preload)
        return warm

    async def release(self, warm: WarmKernel) -> None:
        """Shut a used kernel down: in the background when kernels are warm, else now."""
        if not self.ahead:
            await warm.close()
            return
        task = asyncio.ensure_future(warm.close())
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    async def settle(self) -> None:
        """Wait until the kernels warming are ready and the used ones are shut down (an event loop that pauses
        between submissions must not leave a kernel's start-up half done)."""
        await asyncio.gather(*self.ready, *self.closing, return_exceptions=True)

    async def aclose(self) -> None:
        """Shut down the warm kernels nobody took and wait for every shutdown."""
        for task in self.ready:
            task.cancel()
        for task in self.ready:
            try:
                warm = await task
            except BaseException:  # cancelled while starting (start_kernel cleaned up) or failed to start
                continue
            await warm.close()
        self.ready.clear()
        if self.closing:
            await asyncio.gather(*self.closing, return_exceptions=True)

    def _warm_one(self, force: bool = False) -> bool:
        if self.unstarted is not None:
            if self.unstarted <= 0 and not force:
                return False
            self.unstarted -= 1
        self.ready.append(asyncio.ensure_future(start_kernel(self.setup, self.setup.preload)))
        return True
