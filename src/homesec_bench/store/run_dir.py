"""The run directory: the only writer of results, and the reader every report uses.

Layout:
    RUN_DIR/run.json        RunInfo, rewritten atomically when it changes
    RUN_DIR/results.jsonl   one TestResult per line, appended, flushed and fsynced as each test ends

A crash can leave at most one half-written last line; readers drop it (and say so) instead of failing.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from homesec_bench.models import RunInfo, TestResult
from homesec_bench.store.files import loads_storable, model_json, write_text_atomic

RUN_FILE = "run.json"
RESULTS_FILE = "results.jsonl"


class StoreError(RuntimeError):
    """A run directory that cannot be written or read; the message names the path and the fix."""


@dataclass(repr=False)
class LoadedRun:
    path: Path
    info: RunInfo
    results: list[TestResult]
    dropped_lines: int = 0
    warnings: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        # Short on purpose: asyncio.run formats its main task's result while restoring the SIGINT
        # handler, and a full repr of every result cost ~0.26 ms per result at the end of each run.
        return f"LoadedRun({str(self.path)!r}, results={len(self.results)}, dropped={self.dropped_lines})"

    def planned(self, result: TestResult) -> bool:
        """Whether the run planned this (test, attempt): one of its selected tests, within --repeat.
        A run description without a selection (an old one) plans whatever it holds."""
        selected = self.info.selected_tests
        return (not selected or result.test_id in selected) and 0 <= result.attempt < self.info.repeat

    def latest_by_test(self) -> dict[tuple[str, int], TestResult]:
        """One result per planned (test, attempt): the last one written wins (a retried error replaces
        itself). Lines for tests the run did not plan are left out (load_run warns about them)."""
        latest: dict[tuple[str, int], TestResult] = {}
        for result in self.results:
            if self.planned(result):
                latest[(result.test_id, result.attempt)] = result
        return latest

    def final_results(self) -> list[TestResult]:
        return list(self.latest_by_test().values())


class RunWriter:
    """Appends results durably. Safe to call from several asyncio tasks or threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        # Group commit: lines flushed to the OS so far, and how many of them fsync has made durable.
        self._sync_lock = threading.Lock()
        self._written = 0
        self._synced = 0
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            probe = self.path / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            raise StoreError(
                f"cannot write the run directory {self.path} ({exc.strerror or exc}); "
                "choose a writable folder with --out"
            ) from None
        try:
            self._repair_tail()
            self._results = open(self.path / RESULTS_FILE, "a", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise _cannot_write(self.path / RESULTS_FILE, exc) from None

    def _repair_tail(self) -> None:
        """Cut a half-written last line left by a crash, so appends start on a clean line."""
        results = self.path / RESULTS_FILE
        if not results.exists():
            return
        data = results.read_bytes()
        if not data or data.endswith(b"\n"):
            return
        keep = data.rfind(b"\n") + 1
        with open(results, "r+b") as handle:
            handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())

    def write_info(self, info: RunInfo) -> None:
        text = model_json(info, indent=2)
        with self._lock:
            try:
                write_text_atomic(self.path / RUN_FILE, text)
            except OSError as exc:
                raise _cannot_write(self.path / RUN_FILE, exc) from None

    def append(self, result: TestResult) -> None:
        """Returns once the line is on disk. Appends from several threads share fsyncs: one fsync
        covers every line flushed before it began, so results that finish together cost one fsync
        (a few ms on many disks) instead of one each."""
        line = model_json(result) + "\n"
        try:
            with self._lock:
                self._results.write(line)
                self._results.flush()
                self._written += 1
                mine = self._written
            with self._sync_lock:
                if self._synced >= mine:
                    return
                with self._lock:
                    covered = self._written
                    fd = self._results.fileno()
                os.fsync(fd)
                self._synced = covered
        except OSError as exc:
            # A full disk, a vanished folder: one StoreError (exit 5), not a chain of tracebacks. A
            # partly written line is cut by the next writer (see _repair_tail).
            raise _cannot_write(self.path / RESULTS_FILE, exc) from None

    def close(self) -> None:
        # The sync lock first (the order append takes them in): an fsync in flight ends before the
        # file closes under it.
        with self._sync_lock, self._lock:
            if not self._results.closed:
                self._results.close()

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cannot_write(path: Path, exc: OSError) -> StoreError:
    return StoreError(
        f"cannot write {path} ({exc.strerror or exc}); finished tests are kept: free space or fix the "
        f"folder, then continue with `homesec-bench run --resume {path.parent}`"
    )


def load_run(path: str | Path, *, transcripts: bool = True) -> LoadedRun:
    """Read a run directory; a torn or invalid line is dropped and counted, never fatal.

    With `transcripts=False` each result keeps its answer, verdict and measurements but not the
    conversation sent (`messages`, and the request body beyond its `tools`): what a summary, a
    leaderboard or a resume needs, in a fraction of the memory of a long run."""
    path = Path(path)
    info_path = path / RUN_FILE
    if not info_path.is_file():
        raise StoreError(f"{path} is not a run directory (no {RUN_FILE}); pass the folder `run` wrote")
    try:
        info = RunInfo.model_validate(loads_storable(info_path.read_bytes()))
    except (OSError, ValidationError, ValueError, RecursionError) as exc:
        raise StoreError(f"{info_path}: unreadable run description ({type(exc).__name__})") from None
    results: list[TestResult] = []
    dropped = 0
    warnings: list[str] = []
    results_path = path / RESULTS_FILE
    # Read line by line; the long strings every attempt of a test repeats (system prompt, messages,
    # tool schemas, in the transcript and again in the request body) are kept once, not per line.
    shared: dict[Any, Any] = {}
    if results_path.exists():
        try:
            # Binary, so that only "\n" ends a line: the writer's own rule for a complete line.
            with open(results_path, "rb") as handle:
                for number, raw in enumerate(handle, start=1):
                    if not raw.strip():
                        continue
                    result = _parse_line(raw, shared, transcripts=transcripts)
                    if result is None:
                        dropped += 1
                        warnings.append(f"{results_path} line {number}: torn or invalid result dropped")
                    else:
                        results.append(result)
        except OSError as exc:
            raise StoreError(
                f"{results_path}: cannot read the results ({exc.strerror or exc}); check the run directory"
            ) from None
    loaded = LoadedRun(path=path, info=info, results=results, dropped_lines=dropped, warnings=warnings)
    foreign = sum(1 for r in results if not loaded.planned(r))
    if foreign:
        warnings.append(
            f"{results_path}: {foreign} result(s) for tests or repeats this run did not plan are not counted"
        )
    return loaded


def _parse_line(
    raw: bytes, shared: dict[Any, Any] | None = None, *, transcripts: bool = True
) -> TestResult | None:
    """A result, or None for a line that is not one.

    A last line without its newline is torn even when it happens to parse: RunWriter cuts such a
    tail before appending, so counting it as done here would lose that test on resume. With `shared`,
    long strings equal to one seen before are replaced by that one (pydantic keeps str objects as
    given), so a run's repeated prompts cost their memory once.
    """
    if not raw.endswith(b"\n"):
        return None
    try:
        data = loads_storable(raw)
        if not transcripts:
            data = _without_transcript(data)
        if shared is not None:
            data = _share(data, shared)
        return TestResult.model_validate(data)
    except (ValueError, ValidationError, RecursionError):
        return None


def _without_transcript(data: Any) -> Any:
    """A decoded result line without the conversation it sent; whether tools were offered is kept."""
    if not isinstance(data, dict):
        return data
    data["messages"] = []
    request = data.get("request")
    body = request.get("request_body") if isinstance(request, dict) else None
    if isinstance(body, dict) and isinstance(request, dict):
        request["request_body"] = {"tools": body["tools"]} if "tools" in body else {}
    return data


# Shorter strings are not worth a lookup.
_SHARE_MIN_CHARS = 24


def _share(data: Any, shared: dict[Any, Any]) -> Any:
    """`data` (a decoded result line) with long strings, and the message and request-body parts that
    equal ones already read, replaced by those: the typed levels pydantic rebuilds anyway (the result,
    its request record, each transcript message) are walked, the free-form parts below them shared."""
    if not isinstance(data, dict):
        return data
    out = _share_fields(data, shared, skip=("messages", "request"))
    messages = data.get("messages")
    if isinstance(messages, list):
        out["messages"] = [_share_fields(m, shared) if isinstance(m, dict) else m for m in messages]
    request = data.get("request")
    if isinstance(request, dict):
        out["request"] = _share_fields(request, shared, skip=("request_body",))
        body = request.get("request_body")
        if isinstance(body, dict):
            # The body differs per attempt (its seed), its messages and tools do not.
            out["request"]["request_body"] = _share_fields(body, shared)
    return out


def _share_fields(data: dict[str, Any], shared: dict[Any, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v if k in skip else _share_value(v, shared) for k, v in data.items()}


def _share_value(value: Any, shared: dict[Any, Any]) -> Any:
    """The one copy of `value` kept in `shared` (built from the shared copies of its parts, so a key
    names them by identity and stays shallow to hash)."""
    if isinstance(value, str):
        return shared.setdefault(value, value) if len(value) >= _SHARE_MIN_CHARS else value
    if isinstance(value, dict):
        items = [(k, _share_value(v, shared)) for k, v in value.items()]
        key: Any = ("{", *(k for k, _ in items), *(_ident(v) for _, v in items))
        found = shared.get(key)
        if found is None:
            found = shared[key] = dict(items)
        return found
    if isinstance(value, list):
        parts = [_share_value(v, shared) for v in value]
        key = ("[", *(_ident(v) for v in parts))
        found = shared.get(key)
        if found is None:
            found = shared[key] = parts
        return found
    return value


def _ident(value: Any) -> Any:
    """What names a shared part in its parent's key: a container by identity (it is the one copy),
    a string by itself, another scalar with its type (1, 1.0 and True are equal in Python)."""
    if isinstance(value, dict | list):
        return id(value)
    if isinstance(value, str):
        return value
    return (type(value), value)
