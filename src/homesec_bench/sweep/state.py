"""A sweep folder's state: which runs are finished, which to resume, which failed and why.

    <sweep folder>/
        sweep.yaml      the sweep file as it was run (`sweep --resume DIR` reads it again)
        sweep.json      this state: per run its status, its one-line reason when it failed, its times
        <run name>/     one ordinary run directory per planned run (run.json, results.jsonl)

The run directories are the truth about results: a run is finished when its run.json has
`finished_at` and every selected test (times its repeat) has a result; it is partial when it has a
run.json but is not finished (it is resumed, so nothing it did is done again); it is new otherwise.
sweep.json adds what a run directory cannot hold: a run that failed before it had one (a missing key, a
server that would not start) and the reason.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from homesec_bench.runner.config import RunConfig
from homesec_bench.store import StoreError, load_run
from homesec_bench.store.files import write_text_atomic
from homesec_bench.store.run_dir import RUN_FILE
from homesec_bench.sweep.plan import PlannedRun

STATE_FILE = "sweep.json"
SPEC_COPY = "sweep.yaml"
DirState = Literal["new", "partial", "finished"]
RunStatus = Literal["pending", "running", "finished", "kept", "failed", "interrupted"]


def one_line_reason(exc: BaseException) -> str:
    """A failed run's reason: the error's own one-line message, or its type for an unexpected one."""
    from homesec_bench.client.text import printable

    text = " ".join(printable(str(exc)).split())
    known = _known_errors()
    if isinstance(exc, known):
        return text or type(exc).__name__
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"internal error ({detail})"


def _known_errors() -> tuple[type[BaseException], ...]:
    from homesec_bench.client import EndpointError
    from homesec_bench.runner import RunSetupError
    from homesec_bench.server import ServerSetupError
    from homesec_bench.store import StoreError
    from homesec_bench.suites import SuiteError

    return (EndpointError, RunSetupError, ServerSetupError, StoreError, SuiteError, OSError)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def inspect_run_dir(path: Path) -> DirState:
    """new (no run.json), partial (started, not finished: resume it) or finished (keep it)."""
    if not (path / RUN_FILE).is_file():
        return "new"
    try:
        loaded = load_run(path)
    except StoreError:
        return "partial"  # resuming it gives the store's own one-line reason
    info = loaded.info
    wanted = len(info.selected_tests) * info.repeat
    done = info.finished_at is not None and len(loaded.latest_by_test()) >= wanted
    return "finished" if done else "partial"


def config_for(run: PlannedRun, run_dir: Path) -> RunConfig:
    """The run's configuration writing into `run_dir`: resuming it when it holds a partial run."""
    if inspect_run_dir(run_dir) == "partial":
        return run.config.model_copy(update={"resume_dir": run_dir, "out_dir": None})
    return run.config.model_copy(update={"out_dir": run_dir, "resume_dir": None})


class RunRecord(BaseModel):
    name: str
    kind: str
    label: str
    provider: str
    status: RunStatus = "pending"
    reason: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    attempts: int = Field(default=0, description="How many times this run was started or resumed.")
    cpu_s: float | None = Field(
        default=None,
        description="CPU seconds of the run's own process and of the grader process it started (an "
        "endpoint run): the harness's cost.",
    )


class StateFile(BaseModel):
    version: int = 1
    spec_file: str
    base_dir: str
    created_at: str = Field(default_factory=now_iso)
    updated_at: str = Field(default_factory=now_iso)
    runs: dict[str, RunRecord] = Field(default_factory=dict)


class SweepState:
    """sweep.json, shared by the threads that run the sweep's runs; every change is written at once."""

    def __init__(self, folder: Path, data: StateFile) -> None:
        self.folder = folder
        self.data = data
        self._lock = threading.Lock()

    @classmethod
    def open(cls, folder: Path, spec_path: Path, spec_text: str) -> SweepState:
        """The folder's state (made if new), with the sweep file's text saved beside it."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(folder / SPEC_COPY, spec_text)
        except OSError as exc:
            raise StoreError(
                f"cannot write the sweep folder {folder} ({exc.strerror or exc}); choose another --out"
            ) from None
        path = folder / STATE_FILE
        base = str(spec_path.resolve().parent)
        data = StateFile(spec_file=str(spec_path.resolve()), base_dir=base)
        if path.is_file():
            try:
                old = StateFile.model_validate_json(path.read_bytes())
                data = old.model_copy(update={"spec_file": data.spec_file, "base_dir": base})
            except (OSError, ValueError):
                pass  # an unreadable state is rebuilt: the run directories hold the results
        return cls(folder, data)

    def plan(self, runs: list[PlannedRun]) -> None:
        """Record the planned runs; runs no longer planned are forgotten (their folders stay)."""
        with self._lock:
            old = self.data.runs
            self.data.runs = {
                run.name: old.get(run.name)
                or RunRecord(name=run.name, kind=run.kind, label=run.label, provider=run.provider)
                for run in runs
            }
            self._save()

    def mark(
        self, name: str, status: RunStatus, reason: str | None = None, cpu_s: float | None = None
    ) -> None:
        with self._lock:
            record = self.data.runs[name]
            record.status, record.reason = status, reason
            if cpu_s is not None:
                record.cpu_s = cpu_s
            if status == "running":
                record.started_at, record.ended_at = now_iso(), None
                record.attempts += 1
            elif status != "pending":
                record.ended_at = now_iso()
            self._save()

    def records(self) -> list[RunRecord]:
        with self._lock:
            return [record.model_copy() for record in self.data.runs.values()]

    def _save(self) -> None:
        self.data.updated_at = now_iso()
        text = json.dumps(self.data.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
        try:
            write_text_atomic(self.folder / STATE_FILE, text)
        except OSError as exc:
            raise StoreError(
                f"cannot write {self.folder / STATE_FILE} ({exc.strerror or exc}); finished runs are kept "
                f"in their folders: free space, then `homesec-bench sweep --resume {self.folder}`"
            ) from None


def read_saved_spec(folder: Path) -> tuple[Path, str]:
    """For `--resume DIR`: the original sweep file's path and the text saved in DIR.

    Raises StoreError when DIR is not a sweep folder."""
    state_path, copy = folder / STATE_FILE, folder / SPEC_COPY
    try:
        data = StateFile.model_validate_json(state_path.read_bytes())
        text = copy.read_text(encoding="utf-8")
    except (OSError, ValueError):
        raise StoreError(
            f"{folder} is not a sweep folder (no readable {STATE_FILE} and {SPEC_COPY}); "
            "pass the folder `homesec-bench sweep` wrote, or start it again with FILE --out DIR"
        ) from None
    return Path(data.spec_file), text
