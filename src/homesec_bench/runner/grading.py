"""Where a run grades its answers: in place when its requests run one at a time, in a process of its own
when they overlap.

Grading an answer costs milliseconds of CPU, and loading the graders a fifth of a second. On the event
loop, or on a thread that shares its interpreter lock, that time lands inside the TTFT of every stream
in flight; a grader process shares no lock with them (benchmarks/concurrent_timing.py measures all
three). A serial run has no other stream in flight, so it grades in place and spares the process.

The grader process is `python -m homesec_bench.grader_process`, not a multiprocessing child:
multiprocessing would import the caller's main script again in the child, and a script without a main
guard would start a second run there. It receives the benchmark once, then one frame per answer (a
sequence number, the test id and the answer) on stdin, and writes (sequence number, verdict) frames on
stdout. If it cannot start, dies or cannot judge an answer, that answer is graded here on a thread and
the run notes it: no answer is left without a verdict, and the verdict is the same function's either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from homesec_bench.grader_process import HEADER, decode_payload, encode_frame
from homesec_bench.models import ModelAnswer, TestCase, Verdict
from homesec_bench.suites.loader import Benchmark

WORKER_MODULE = "homesec_bench.grader_process"
_STOP_TIMEOUT_S = 5.0


class Grader(Protocol):
    notes: list[str]

    async def grade(self, test: TestCase, answer: ModelAnswer) -> Verdict: ...


def _grade_here(test: TestCase, answer: ModelAnswer, bench: Benchmark) -> Verdict:
    # Imported on the first answer: a serial run's first request should not wait for the graders.
    from homesec_bench.graders import grade_answer

    return grade_answer(test, answer, bench)


class InlineGrader:
    """Grades on the event loop: for a serial run, where no other stream is in flight."""

    def __init__(self, bench: Benchmark) -> None:
        self.bench = bench
        self.notes: list[str] = []

    async def grade(self, test: TestCase, answer: ModelAnswer) -> Verdict:
        return _grade_here(test, answer, self.bench)


class _WorkerGone(Exception):
    pass


class ProcessGrader:
    """Grades in the grader process, falling back to one thread here when that process cannot."""

    def __init__(self, bench: Benchmark) -> None:
        self.bench = bench
        self.notes: list[str] = []
        self._proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[Verdict | None]] = {}
        self._numbers = itertools.count()
        self._gone: str | None = None
        self._closing = False
        # One thread, not the loop's pool: the fewer threads contend for the interpreter lock, the
        # sooner the loop gets it back when a stream's data arrives.
        self._fallback: ThreadPoolExecutor | None = None

    async def start(self) -> None:
        try:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                WORKER_MODULE,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
            )
        except (OSError, ValueError) as exc:
            self._lost(f"the grader process could not start ({exc})")
            return
        self._send(self.bench)
        self._reader = asyncio.create_task(self._read_verdicts())

    async def grade(self, test: TestCase, answer: ModelAnswer) -> Verdict:
        if self._gone is None:
            number = next(self._numbers)
            waiting: asyncio.Future[Verdict | None] = asyncio.get_running_loop().create_future()
            self._pending[number] = waiting
            self._send((number, test.id, answer))
            try:
                verdict = await waiting
            except _WorkerGone:
                verdict = None
            finally:
                self._pending.pop(number, None)  # also when the run is cancelled while it waits
            if verdict is not None:
                return verdict
        return await self._grade_on_thread(test, answer)

    async def close(self) -> None:
        self._closing = True
        proc = self._proc
        if proc is not None and proc.stdin is not None:
            proc.stdin.close()  # the worker ends at the end of its input
        if self._reader is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._reader), _STOP_TIMEOUT_S)
            self._reader.cancel()
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
        if self._fallback is not None:
            self._fallback.shutdown(wait=True)

    def _send(self, message: Any) -> None:
        if self._gone is not None:
            return
        stdin = self._proc.stdin if self._proc is not None else None
        if stdin is None or stdin.is_closing():
            code = self._proc.returncode if self._proc is not None else None
            self._lost(
                f"the grader process ended ({'its input closed' if code is None else f'exit code {code}'})"
            )
            return
        stdin.write(encode_frame(message))

    async def _read_verdicts(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        stdout = self._proc.stdout
        try:
            while True:
                (size,) = HEADER.unpack(await stdout.readexactly(HEADER.size))
                number, verdict = decode_payload(await stdout.readexactly(size))
                waiting = self._pending.pop(number, None)
                if waiting is not None and not waiting.done():
                    waiting.set_result(verdict)
        except asyncio.IncompleteReadError:
            code = await self._proc.wait()
            if not self._closing:
                self._lost(f"the grader process ended (exit code {code})")
        except Exception as exc:  # a garbled frame: the process cannot be trusted with more answers
            self._lost(f"the grader process's output could not be read ({type(exc).__name__})")

    def _lost(self, why: str) -> None:
        if self._gone is not None:
            return
        self._gone = why
        self.notes.append(
            f"{why}; the rest of the answers were graded in the run's own process, where grading can "
            "lengthen the TTFT measured for requests in flight"
        )
        for waiting in self._pending.values():
            if not waiting.done():
                waiting.set_exception(_WorkerGone())
        self._pending.clear()

    async def _grade_on_thread(self, test: TestCase, answer: ModelAnswer) -> Verdict:
        if self._fallback is None:
            self._fallback = ThreadPoolExecutor(max_workers=1, thread_name_prefix="homesec-grader")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._fallback, _grade_here, test, answer, self.bench)


@contextlib.asynccontextmanager
async def answer_grader(bench: Benchmark, concurrency: int) -> AsyncIterator[Grader]:
    """The grader for a run at `concurrency`; a grader process is always stopped on the way out."""
    if concurrency <= 1:
        yield InlineGrader(bench)
        return
    grader = ProcessGrader(bench)
    await grader.start()
    try:
        yield grader
    finally:
        await grader.close()
