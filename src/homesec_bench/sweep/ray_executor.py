"""The Ray executor: each GGUF run is a Ray task on a cluster node; endpoint runs stay on the driver.

A GGUF run's task asks for the resources its `resources:` entry declares (`num_cpus` (default 1),
`num_gpus`, `memory`, any custom resource), and on its node: finds or builds llama-server, serves the
GGUF (the same path must exist on the node), runs the benchmark there against it through
`runner.launch` (so no timing crosses the network), and returns the run directory's files, which the
driver writes into the sweep folder. A partial run is sent along and resumed on the node. Ctrl-C
cancels the tasks; a task stops its server and returns what it finished, which is kept.

Ray is optional (`pip install 'homesec-bench[ray]'`) and imported only here, only when used.
"""

from __future__ import annotations

import contextlib
import io
import socket
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from homesec_bench.runner.config import RunConfig
from homesec_bench.runner.launch import ManagedServerOptions
from homesec_bench.sweep.local import RemotePool, SweepContext
from homesec_bench.sweep.plan import PlannedRun
from homesec_bench.sweep.state import inspect_run_dir, one_line_reason

RAY_MISSING = "the ray executor needs ray: pip install 'homesec-bench[ray]'"
_WAIT_S = 0.2
_CANCEL_GRACE_S = 60.0


class RaySetupError(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached; one line."""


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RaySetupError(RAY_MISSING) from None
    return ray


# ------------------------------------------------------------------------------------- run files


def pack_dir(path: Path) -> bytes:
    """The regular files directly in `path`, as an uncompressed tar (results compress on the wire)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for item in sorted(path.iterdir()):
            if item.is_file() and not item.is_symlink():
                archive.add(item, arcname=item.name)
    return buffer.getvalue()


def unpack_dir(blob: bytes, path: Path) -> None:
    """Write the files of `pack_dir` into `path` (plain files only, no path leaves the folder)."""
    path.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r") as archive:
        archive.extractall(path, filter="data")


# ------------------------------------------------------------------------------------- on the node


def run_on_node(payload: dict[str, Any]) -> dict[str, Any]:
    """The Ray task: one GGUF run on this node. Returns {status, reason, files, node}; never raises."""
    from homesec_bench.runner import launch

    config = RunConfig.model_validate(payload["config"])
    options = ManagedServerOptions(**payload["server"])
    with tempfile.TemporaryDirectory(prefix="homesec-sweep-") as tmp:
        run_dir = Path(tmp) / payload["name"]
        if payload.get("partial"):
            unpack_dir(payload["partial"], run_dir)
            config = config.model_copy(update={"resume_dir": run_dir, "out_dir": None})
        else:
            config = config.model_copy(update={"out_dir": run_dir, "resume_dir": None})
        status, reason = "finished", None
        try:
            launch(config, server=options)
        except KeyboardInterrupt:  # ray.cancel: launch has stopped the server; send what is done
            status = "interrupted"
        except Exception as exc:
            status, reason = "failed", one_line_reason(exc)
        files = pack_dir(run_dir) if run_dir.is_dir() else None
    return {"status": status, "reason": reason, "files": files, "node": socket.gethostname()}


def _payload(run: PlannedRun, run_dir: Path) -> dict[str, Any]:
    assert run.server is not None
    server = {**vars(run.server), "gguf": str(run.server.gguf) if run.server.gguf else None}
    partial = pack_dir(run_dir) if inspect_run_dir(run_dir) == "partial" else None
    config = run.config.model_dump(mode="json")
    return {"name": run.name, "config": config, "server": server, "partial": partial}


def task_options(resources: dict[str, float]) -> dict[str, Any]:
    """Ray's task options for a run's declared resources (num_cpus defaults to 1)."""
    known: dict[str, float] = {k: resources[k] for k in ("num_cpus", "num_gpus", "memory") if k in resources}
    custom = {key: value for key, value in resources.items() if key not in known}
    options: dict[str, Any] = {"num_cpus": 1, **known, "max_retries": 0}
    if custom:
        options["resources"] = custom
    return options


# ------------------------------------------------------------------------------------- the driver


def check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """A HOST:PORT (or ray://HOST:PORT) address must accept a connection: ray.init would otherwise
    retry for minutes, deaf to Ctrl-C. `auto` and other forms are left to Ray."""
    target = address.split("://", 1)[-1].rsplit("/", 1)[0]
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RaySetupError(
            f"cannot reach the Ray cluster at {address} ({reason}); start it with `ray start --head` "
            "or check --ray-address"
        ) from None


class RayExecutor:
    """Connects to a Ray cluster (`address`; None: the one this process has, else a local instance)."""

    name = "ray"

    def __init__(self, address: str | None = None, init_options: dict[str, Any] | None = None) -> None:
        self.address = address
        self.init_options = init_options or {}

    def _connect(self, ray: Any) -> bool:
        """ray.init unless already connected; True when we started the connection (and end it)."""
        if ray.is_initialized():
            return False
        if self.address:
            check_reachable(self.address)
        try:
            ray.init(
                address=self.address,
                include_dashboard=False,
                log_to_driver=False,
                logging_level="ERROR",
                **self.init_options,
            )
        except Exception as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
            text = " ".join(str(exc).split())[:300]
            raise RaySetupError(f"cannot start or reach {where} ({type(exc).__name__}: {text})") from None
        return True

    def execute(self, runs: list[PlannedRun], ctx: SweepContext) -> None:
        ray = import_ray()
        started = self._connect(ray)
        pool = RemotePool(ctx)
        try:
            pool.start([run for run in runs if not run.managed])
            self._run_on_cluster(ray, [run for run in runs if run.managed], ctx, pool)
            pool.wait()
        except BaseException:
            pool.stop()
            raise
        finally:
            if started:
                with contextlib.suppress(Exception):
                    ray.shutdown()

    def _run_on_cluster(self, ray: Any, runs: list[PlannedRun], ctx: SweepContext, pool: RemotePool) -> None:
        task = ray.remote(run_on_node)
        pending: dict[Any, PlannedRun] = {}
        for run in runs:
            run_dir = ctx.folder / run.name
            ctx.state.mark(run.name, "running")
            ctx.hooks.on_run_start(run, inspect_run_dir(run_dir) == "partial")
            ref = task.options(**task_options(run.resources)).remote(_payload(run, run_dir))
            pending[ref] = run
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1, timeout=_WAIT_S)
                for ref in ready:
                    self._collect(ray, ref, pending.pop(ref), ctx)
        except BaseException:
            self._cancel(ray, pending, ctx)
            raise

    def _collect(
        self, ray: Any, ref: Any, run: PlannedRun, ctx: SweepContext, cancelled: bool = False
    ) -> None:
        try:
            outcome = ray.get(ref)
        except Exception as exc:  # cancelled before it started, or the task or its node died
            reason = None if cancelled else f"the Ray task failed: {one_line_reason(exc)}"
            outcome = {"status": "interrupted" if cancelled else "failed", "reason": reason}
        if outcome.get("files"):
            unpack_dir(outcome["files"], ctx.folder / run.name)
        status, reason = outcome["status"], outcome.get("reason")
        if status == "finished" and inspect_run_dir(ctx.folder / run.name) != "finished":
            status, reason = "failed", "the run ended unfinished"
        ctx.state.mark(run.name, status, reason)
        ctx.hooks.on_run_end(run, status, reason)

    def _cancel(self, ray: Any, pending: dict[Any, PlannedRun], ctx: SweepContext) -> None:
        """Cancel every task; keep what each returns (its finished tests) within a grace period."""
        if not pending:
            return
        for ref in pending:
            with contextlib.suppress(Exception):
                ray.cancel(ref)
        with contextlib.suppress(Exception):
            ready, _ = ray.wait(list(pending), num_returns=len(pending), timeout=_CANCEL_GRACE_S)
            for ref in ready:
                with contextlib.suppress(Exception):
                    self._collect(ray, ref, pending[ref], ctx, cancelled=True)
        for run in pending.values():
            if ctx.state.data.runs[run.name].status == "running":
                ctx.state.mark(run.name, "interrupted")
