"""Grade one submission: run its cells in a kernel, its tests where otter would, and score them.

One bad cell must not zero a grade: a cell past ``cell_timeout`` is interrupted and
execution goes on; a cell that ignores the interrupt or kills the kernel gets the
kernel restarted, the cells before it replayed, and execution resumes after it.
Every such event is recorded as a ``Problem``. What was scored before the
submission's own ``timeout`` is kept.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import IO, Any

import jsonschema

from .. import __version__
from ..errors import GraderError
from ..notebooks import read_submission
from ..testfiles import TestCaseSpec
from . import kernel_side
from .judge_process import prepare as prepare_judge
from .judge_process import run_in_child
from .kernel import KernelSession, Outcome
from .kernels import KernelSupply, WarmKernel, kept_runner_call, runner_call, runner_code
from .plan import Step, plan_steps
from .probes import PROBE_RESULT_SCHEMA, Probe, not_run, probe_result
from .remote import REMOTE_REPLY_SCHEMA, KernelUnavailable
from .results import KERNEL_RESULT_SCHEMA, CellError, Problem, ProblemKind, Status, SubmissionResult
from .scoring import QuestionTests, TestSuite, Which
from .setup import GradingSetup
from .submissions import Submission

MAX_RESTARTS = 3
REMOTE_REPLY_BYTES = 2 * kernel_side.MAX_CHUNK_BYTES
"""An answer to a test run in the grader (``grade.remote``), a chunk of an array at most: data, not output.
What the run reads in all is bounded by its ``RunBudget``."""
MAX_ENAME = 100
"""An exception's name is kernel-made text: stored shortened, like every other."""


def ungraded_result(submission: Submission, suite: TestSuite, reason: str, status: Status = "error") -> SubmissionResult:
    """Status ``error`` (the submission's fault: score 0) or ``failed`` (the grader's: no score)."""
    result = _new_result(submission, suite)
    result.status, result.error = status, reason
    result.questions = [suite[name].score(None, None) for name in suite.names]
    return result


def _new_result(submission: Submission, suite: TestSuite) -> SubmissionResult:
    return SubmissionResult(
        submission=submission.name,
        path=str(submission.path),
        status="graded",
        score=0.0,
        max_score=suite.max_score,
        submission_sha256=submission.sha256,
        tests_sha256=suite.sha256,
        grader_version=__version__,
    )


async def grade_submission(
    submission: Submission, setup: GradingSetup, probes: tuple[Probe, ...] = (), captured: dict[str, dict[int, Any]] | None = None,
    kernels: KernelSupply | None = None, captured_in_grader: dict[str, dict[int, Any]] | None = None,
) -> SubmissionResult:
    """Grade one submission; with ``probes``, also run each in a fork of the kernel where it asks.

    ``captured``, if given, receives each question's raw replies from the kernel (``grader release``
    takes the master's reference values from them). With ``captured_in_grader`` too, every OK-format case
    runs in the kernel, and the cases judged in the grader run there as well: their replies go to it
    unjudged (``grade.references`` keeps in the kernel those the master fails there). ``kernels``: where its
    kernel comes from (a batch's warm kernels); by default one is started for it.
    """
    started = time.perf_counter()
    try:
        # In a thread: a large notebook takes seconds to validate, which other submissions need not wait for.
        notebook, repaired = await asyncio.to_thread(read_submission, submission.path, label=submission.name)
        if not notebook.cells:
            raise GraderError(f"{submission.name}: the notebook has no cells")
    except GraderError as exc:
        return ungraded_result(submission, setup.suite, str(exc).removeprefix(f"{submission.name}: "))
    result = _new_result(submission, setup.suite)
    if repaired:
        result.problems.append(Problem("notebook_repaired", f"the notebook file breaks the Jupyter format ({repaired}); "
                                       "it was repaired and graded"))
    run = _SubmissionRun(notebook, setup, result, probes, captured, captured_in_grader)
    supply = kernels or KernelSupply(setup)
    warm = await supply.take()
    result.timings["kernel_start"] = time.perf_counter() - started
    result.timings["kernel_warm_up"] = warm.seconds
    try:
        warm.load(submission.path)
        await run.execute(warm)
    finally:
        await supply.release(warm)
    result.score = sum(q.score for q in result.questions)
    result.timings["total"] = time.perf_counter() - started
    return result


class _SubmissionRun:
    """The state of one submission's execution: steps, kernel, restarts, scores."""

    def __init__(self, notebook, setup: GradingSetup, result: SubmissionResult, probes: tuple[Probe, ...] = (),
                 captured: dict[str, dict[int, Any]] | None = None, captured_in_grader: dict[str, dict[int, Any]] | None = None):
        self.setup, self.result, self.captured, self.captured_in_grader = setup, result, captured, captured_in_grader
        self.steps = plan_steps(notebook, setup.suite.names)
        self.probes = probes
        self.outcomes: dict[str, dict[int, tuple[bool, str]]] = {}
        """question -> case index -> (passed, report), as cases are judged."""
        self.checked_at: dict[str, int | None] = {}
        """question -> the 1-based check cell where its public cases ran (None: after the last cell)."""
        self.test_seconds: dict[str, float] = {}
        self.completed_cells: list[Step] = []
        self.output_bytes = 0
        self.restarts = 0
        self.deadline = 0.0
        self.snapshot_key = ""
        self.kernel_log: IO[bytes] | None = None
        self.judge_ready: asyncio.Future | None = None
        """The fork server of ``grade.judge_process``, started while the cells run."""

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    async def execute(self, warm: WarmKernel) -> None:
        """Run the cells and tests in ``warm`` (started, snapshotted, the submission in place); its owner shuts it down."""
        self.deadline = time.monotonic() + self.setup.limits.timeout
        kernel, self.kernel_log, self.snapshot_key = warm.kernel, warm.log, warm.snapshot_key
        if warm.snapshot_failed:
            self._problem("snapshot_failed", warm.snapshot_failed)
        suite = self.setup.suite
        if any(tests.judged_in_grader() for tests in suite.questions):
            imports = [statement for tests in suite.questions for statement in tests.imports]
            self.judge_ready = asyncio.ensure_future(asyncio.to_thread(prepare_judge, imports))
        started = time.perf_counter()
        for index, step in enumerate(self.steps):
            if self.remaining() <= self._reserve():
                self.result.timed_out = True
            if self.result.timed_out or self.restarts > MAX_RESTARTS:
                break
            await self._run_probes(kernel, index)
            if step.kind == "check":
                await self._run_tests(kernel, step.question, "public", step.cell)
            else:
                await self._run_cell(kernel, step)
        await self._run_probes(kernel, len(self.steps))
        self.result.timings["cells"] = time.perf_counter() - started
        started = time.perf_counter()
        # Every public case first: what the kernel says from here on is never shown to the student,
        # because the hidden tests' code reaches it now and not before.
        finals: list[tuple[str, Which]] = [(name, "public") for name in self.setup.suite.names if name not in self.checked_at]
        finals += [(name, "hidden") for name in self.setup.suite.names if self.setup.suite[name].spec.hidden_cases]
        for name, which in finals:
            if self.remaining() > 0 and self.restarts <= MAX_RESTARTS:
                await self._run_tests(kernel, name, which, None)
        self.result.timings["final_tests"] = time.perf_counter() - started
        if self.remaining() <= 0 or self.result.timed_out:
            self.result.timed_out = True
            limit = self.setup.limits.timeout
            self._problem("submission_timeout", f"the submission ran past its {limit:g} s limit; cells not run by then, "
                          "and tests that could not run, score 0")
        if self.restarts > MAX_RESTARTS:
            self._problem("too_many_restarts", f"the kernel was restarted {MAX_RESTARTS} times; execution stopped")
        for name in self.setup.suite.names:
            tests, ran = self.setup.suite[name], self.outcomes.get(name)
            outcomes = None if ran is None else [ran.get(case.index, (False, "not run")) for case in tests.spec.cases]
            question = tests.score(outcomes, self.checked_at.get(name))
            question.seconds = self.test_seconds.get(name, 0.0)
            self.result.questions.append(question)
        done = {probe.name for probe in self.result.probes}
        self.result.probes += [not_run(p, "the main run stopped before it") for p in self.probes if p.name not in done]

    async def _run_cell(self, kernel: KernelSession, step: Step) -> None:
        before = kernel.launch.processes()
        outcome = await self._run(kernel, step.source, store_history=True)
        cell = step.cell + 1
        if outcome.status == "error":
            self.result.cell_errors.append(CellError(cell, _short(outcome.ename, MAX_ENAME), _short(outcome.evalue)))
        elif outcome.status == "timeout":
            killed = kernel.launch.kill_leftovers(spare=before)  # what the interrupted cell started
            also = f"; {killed} process(es) it left running were killed" if killed else ""
            self._problem("cell_timeout", f"cell {cell} ran past {self.setup.limits.cell_timeout:g} s and was interrupted{also}", cell)
        elif outcome.status == "flooded":
            self._problem("output_truncated", f"cell {cell} printed more output than allowed and was interrupted", cell)
        if outcome.needs_restart:
            await self._recover(kernel, outcome, cell)
        else:
            self.completed_cells.append(step)

    def _reserve(self) -> float:
        """Seconds kept back from the cells for the tests that run after the last cell."""
        return min(60.0, 0.1 * self.setup.limits.timeout)

    async def _run_tests(self, kernel: KernelSession, question: str, which: Which, cell_index: int | None) -> None:
        """Run ``which`` cases of ``question``: public ones at its check cell (whose globals are kept for the
        hidden ones), or, after the last cell, the remaining public ones, then the hidden ones. Cases judged in
        the grader run there (``grade.judge_process``); the others in the kernel, judged from its data."""
        started = time.perf_counter()
        tests = self.setup.suite[question]
        cell = cell_index + 1 if cell_index is not None else None
        if which == "public":
            self.checked_at[question] = cell
        kernel.launch.kill_leftovers(busy_only=True)  # the tests get the CPU to themselves; idle worker pools stay
        in_grader = tests.judged_in_grader(which)
        in_kernel = tuple(c for c in tests.select(which) if c not in in_grader)
        if self.captured_in_grader is not None and tests.spec.ok_format:  # grader release: the master's values, from the kernel
            in_kernel = tests.select(which)
        if in_kernel:
            await self._run_in_kernel(kernel, tests, in_kernel, which, cell)
        if in_grader and self.remaining() > 0 and self.restarts <= MAX_RESTARTS:
            await self._run_in_grader(kernel, tests, in_grader, which, cell)
        self.test_seconds[question] = self.test_seconds.get(question, 0.0) + time.perf_counter() - started

    async def _run_in_kernel(self, kernel: KernelSession, tests: QuestionTests, cases: tuple[TestCaseSpec, ...], which: Which,
                             cell: int | None) -> None:
        question = tests.name
        request_id = secrets.token_hex(16)
        request = tests.kernel_request(request_id, cases)
        request.update(snapshot=self.snapshot_key, checkpoint=cell is not None, from_checkpoint=which == "hidden")
        code = runner_code("run", f"{request!r}, __builtins__.globals()")
        outcome = await self._run(kernel, code, store_history=False, result_mimetype=kernel_side.RESULT_MIMETYPE)
        payload = self._reply(outcome, request_id, KERNEL_RESULT_SCHEMA, f"the {which} tests of {question}", cell)
        if payload is not None:
            outcomes = tests.judge(payload["cases"], cases)
            if self.captured is not None and len(payload["cases"]) == len(cases):
                self.captured.setdefault(question, {}).update(zip((c.index for c in cases), payload["cases"], strict=True))
            if payload["tampered"]:
                where = f"cell {cell}" if cell else "the end"
                restored = ", ".join(payload["tampered"][:10])
                self._problem("tampering", f"before the tests of {question} at {where}, restored: {restored}", cell)
        else:
            where = f"at cell {cell}" if cell else "after the last cell"
            # Only the grader's own words: what the kernel said after test code reached it is not repeated.
            detail = "tampering" if outcome.violations else outcome.status
            self._problem("tests_failed_to_run", f"the {which} tests of {question} {where} did not report ({detail})", cell)
            outcomes = [(False, f"the tests could not run ({detail})")] * len(cases)
        self.outcomes.setdefault(question, {}).update(zip((c.index for c in cases), outcomes, strict=True))
        if outcome.needs_restart:
            await self._recover(kernel, outcome, cell)

    async def _run_in_grader(self, kernel: KernelSession, tests: QuestionTests, cases: tuple[TestCaseSpec, ...], which: Which,
                             cell: int | None) -> None:
        """Cases whose code runs in a child of the grader (``grade.judge_process``), asking the kernel for the notebook's
        values (``grade.remote``): the kernel sees names and calls, never the test's code or what it computes."""
        what = f"the {which} tests of {tests.name}"
        deadline = time.monotonic() + self.setup.limits.cell_timeout
        session = {"snapshot": self.snapshot_key, "session": secrets.token_hex(8)}
        ended: list[Outcome] = []  # once not empty, the kernel is not asked again; a stuck or dead kernel first

        async def send(op: dict) -> dict:
            if ended or time.monotonic() >= deadline:
                raise KernelUnavailable(ended[0].status if ended else "no time left")
            request_id = secrets.token_hex(16)
            request = {**session, **op, "request_id": request_id}
            if op["op"] == "open" or not self.snapshot_key:
                code, call = runner_call("remote", f"{request!r}, __builtins__.globals()")
            else:
                code, call = kept_runner_call("remote", self.snapshot_key, repr(request))
            outcome = await self._run(kernel, code, timeout=deadline - time.monotonic(), store_history=False, user_expressions=call,
                                      result_mimetype=kernel_side.RESULT_MIMETYPE, reply_allowance=REMOTE_REPLY_BYTES)
            payload = self._reply(outcome, request_id, REMOTE_REPLY_SCHEMA, what, cell)
            if payload is None or outcome.status not in ("ok", "error"):
                ended.insert(0, outcome)
                raise KernelUnavailable("tampering" if outcome.violations else outcome.status)
            if payload.get("kind") == "chunk" and "data" not in payload:  # the bytes came as the message's raw frame
                payload["bytes"] = outcome.buffers[0] if outcome.buffers else b""
            return payload

        detail = ""
        if self.judge_ready is not None:
            try:
                await asyncio.shield(self.judge_ready)
            except Exception:  # starting it again, below, says what is wrong
                pass
        try:
            opened = await send({"op": "open", "question": tests.name, "imports": list(tests.imports),
                                 "checkpoint": cell is not None, "from_checkpoint": which == "hidden"})
            if opened.get("tampered"):
                where = f"cell {cell}" if cell else "the end"
                self._problem("tampering", f"before the tests of {tests.name} at {where}, restored: "
                              f"{_short(', '.join(map(str, opened['tampered'][:10])), 300)}", cell)
            replies = await run_in_child(tests.grader_job(cases), send, deadline)
        except KernelUnavailable as error:
            detail = str(error)
        finally:
            ended.append(Outcome("ok"))  # asks nothing more
        if detail:
            where = f"at cell {cell}" if cell else "after the last cell"
            self._problem("tests_failed_to_run", f"{what} {where} did not report ({detail})", cell)
            outcomes = [(False, f"the tests could not run ({detail})")] * len(cases)
        elif self.captured_in_grader is not None and tests.spec.ok_format:  # grader release: which cases the master passes run here
            self.captured_in_grader.setdefault(tests.name, {}).update(zip((c.index for c in cases), replies, strict=False))
            outcomes = []
        else:
            outcomes = tests.judge(replies, cases, in_grader=True)
        if outcomes:
            self.outcomes.setdefault(tests.name, {}).update(zip((c.index for c in cases), outcomes, strict=True))
        if ended[0].needs_restart:
            await self._recover(kernel, ended[0], cell)
        elif not detail:
            ended.clear()
            try:
                await send({"op": "close"})
            except KernelUnavailable:  # the outcomes stand: closing only frees the kernel's handles
                pass

    async def _run_probes(self, kernel: KernelSession, step_index: int) -> None:
        for probe in self.probes:
            if probe.before_step != step_index or self.remaining() <= 0 or self.restarts > MAX_RESTARTS:
                continue
            request_id = secrets.token_hex(16)
            cell_timeout = self.setup.limits.cell_timeout
            request = probe.kernel_request(request_id, self.setup.suite, self.snapshot_key, cell_timeout)
            code = runner_code("probe", f"{request!r}, __builtins__.globals()")
            outcome = await self._run(kernel, code, store_history=False, result_mimetype=kernel_side.RESULT_MIMETYPE,
                                      timeout=probe.budget(cell_timeout) + 10)
            payload = self._reply(outcome, request_id, PROBE_RESULT_SCHEMA, f"probe {probe.name}", None)
            try:
                if payload is None:
                    raise jsonschema.ValidationError("no reply")
                for tests in payload["tests"]:
                    jsonschema.validate(tests, KERNEL_RESULT_SCHEMA)
                self.result.probes.append(probe_result(probe, payload, self.setup.suite))
            except jsonschema.ValidationError:
                self.result.probes.append(not_run(probe, f"the probe did not report ({outcome.status} {outcome.ename})".strip()))
            if outcome.needs_restart:
                await self._recover(kernel, outcome, None)

    async def _snapshot(self, kernel: KernelSession) -> None:
        """Before any of the notebook's code: remember what the tests' modules look like."""
        outcome = await self._run(kernel, runner_code("snapshot", f"{self.snapshot_key!r}, __builtins__.globals()"), store_history=False)
        if outcome.status != "ok":
            self._problem("snapshot_failed", f"could not snapshot the kernel's modules ({outcome.status}: {outcome.ename})")

    async def _run(self, kernel: KernelSession, code: str, timeout: float | None = None, reply_allowance: int = 0,
                   **options) -> Outcome:
        """``reply_allowance``: bytes of the reply asked for that are not output (an array the grader reads in
        chunks): neither charged to the submission's output nor taken for a flood."""
        timeout = min(timeout or self.setup.limits.cell_timeout, max(self.remaining(), 0.0))
        limit = min(self.setup.cell_output_limit, max(self.setup.submission_output_limit - self.output_bytes, 0))
        outcome = await kernel.run(code, timeout, output_limit=limit + reply_allowance, **options)
        # A flood is charged its cell's limit, not the backlog its interrupt could not stop:
        # otherwise one flooded cell would leave every later cell and test no output at all.
        charged = outcome.output_bytes - min(outcome.result_bytes, reply_allowance)
        self.output_bytes += min(charged, self.setup.cell_output_limit)
        return outcome

    async def _recover(self, kernel: KernelSession, outcome: Outcome, cell: int | None) -> None:
        """Restart a dead or stuck kernel and replay the cells that ran before ``cell``."""
        where = f"cell {cell}" if cell else "the final tests"
        if outcome.status == "died":
            self._problem("kernel_died", f"the kernel died during {where}", cell, detail=self._kernel_last_words())
        elif outcome.status != "flooded":  # a flood was reported already
            self._problem("cell_stuck", f"the kernel ignored the interrupt during {where}", cell)
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            return
        await kernel.restart()
        await self._snapshot(kernel)
        replay = list(self.completed_cells)
        for step in replay:
            replayed = await self._run(kernel, step.source, store_history=True)
            if replayed.needs_restart or self.remaining() <= 0:
                self._problem("replay_failed", f"replaying cell {step.cell + 1} after a restart failed ({replayed.status})", step.cell + 1)
                self.restarts += 1
                await kernel.restart()
                break
        self._problem("kernel_restarted", f"kernel restarted; replayed {len(replay)} earlier cells", cell)

    def _kernel_last_words(self) -> str:
        """The last line the kernel process wrote (e.g. 'Segmentation fault'), if any."""
        if self.kernel_log is None:
            return ""
        self.kernel_log.seek(0)
        lines = [line.strip() for line in self.kernel_log.read()[-4000:].decode(errors="replace").splitlines() if line.strip()]
        lines = [line for line in lines if "Kernel is running over TCP" not in line]
        return _short(lines[-1], 160) if lines else ""

    def _problem(self, kind: ProblemKind, message: str, cell: int | None = None, detail: str = "") -> None:
        self.result.problems.append(Problem(kind, message, cell, detail))

    def _reply(self, outcome: Outcome, request_id: str, schema: dict, what: str, cell: int | None) -> dict | None:
        """The runner's one reply to ``request_id``, checked against ``schema``; None, and a problem, otherwise.

        Exactly one result message may come back, and nothing else unusual: a second
        reply, a reply to another request or an oversized, too deep or malformed message
        means something in the kernel is answering for the grader (``tampering``).
        """
        if outcome.violations or len(outcome.results) > 1 or any(r.get("request_id") != request_id for r in outcome.results):
            seen = outcome.violations or [f"{len(outcome.results)} result messages"]
            self._problem("tampering", f"{what}: the kernel sent {_short('; '.join(seen), 200)}", cell)
            return None
        try:
            jsonschema.validate(outcome.results[0] if outcome.results else None, schema)
        except jsonschema.ValidationError:
            return None
        return outcome.results[0]


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
