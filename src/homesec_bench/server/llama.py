"""A llama.cpp `llama-server` that we start, wait for, and always stop."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx
import psutil

from homesec_bench.server import reaper
from homesec_bench.server.build import ensure_llama_server
from homesec_bench.server.diagnose import explain_exit
from homesec_bench.server.errors import ServerSetupError
from homesec_bench.server.models import check_gguf
from homesec_bench.server.paths import available_cores, cache_root

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR matches what the server itself does, so a port in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def default_threads(sample_s: float = 0.3) -> int:
    """The available cores, less those other processes keep busy right now.

    llama.cpp's worker threads spin while they wait for each other, so one thread that loses its core
    stalls them all. Measured on 2 cores with one other CPU-bound process: 2.3 decode tokens/s with
    2 threads against 50.7 with 1 (and 100 with 2 on an idle machine). The CPU use is sampled now
    rather than read from the load average, which lags by minutes.
    """
    allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    cores = available_cores()
    if cores == 1:
        return 1
    per_cpu = psutil.cpu_percent(interval=sample_s, percpu=True)
    mine = [per_cpu[i] for i in allowed if i < len(per_cpu)] or per_cpu
    busy = sum(mine) / 100
    return max(1, min(cores, cores - math.floor(busy + 0.5)))


@functools.lru_cache(maxsize=8)
def _help_text(binary: str, mtime: float) -> str:
    try:
        done = subprocess.run(
            [binary, "--help"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout + done.stderr


def supports_flag(binary: Path, flag: str) -> bool:
    """Whether this llama-server build knows `flag` (older and newer builds differ)."""
    text = _help_text(str(binary), binary.stat().st_mtime)
    return any(token.strip(",") == flag for token in text.split())


class ManagedLlamaServer:
    """Starts `llama-server` on a loopback port, waits until it serves, and always stops it.

    Use it as a context manager (sync or async). `stop()` also runs at interpreter exit, on SIGTERM and,
    on Linux, when this process is killed outright, so no server is left behind.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        binary: Path | None = None,
        ctx_size: int = 4096,
        threads: int | None = None,
        chat_template: str | None = None,
        port: int | None = None,
        parallel: int = 1,
        extra_args: Sequence[str] = (),
        log_dir: Path | None = None,
        ready_timeout_s: float = 120,
        log: Callable[[str], None] = print,
    ) -> None:
        self.model_path = Path(model_path).expanduser()
        self.binary = Path(binary) if binary else None
        self.ctx_size = ctx_size
        self.threads = threads or default_threads()
        if threads is None and self.threads < available_cores():
            log(
                f"llama-server will use {self.threads} of {available_cores()} cores: the others are busy "
                "(pass --threads to choose)"
            )
        self.chat_template = chat_template
        self.parallel = parallel
        self.extra_args = list(extra_args)
        self.log_dir = Path(log_dir) if log_dir else cache_root() / "logs"
        self.ready_timeout_s = ready_timeout_s
        self.model_name = self.model_path.stem
        self._requested_port = port
        self._port: int | None = port
        self._log = log
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None
        self._log_handle: IO[bytes] | None = None
        self.log_path: Path = self.log_dir / "llama-server.log"
        self.started_s: float | None = None
        self.restarts = 0
        self._abort = threading.Event()
        self._launched_at = 0.0

    # ----------------------------------------------------------------------------------- addresses

    @property
    def port(self) -> int:
        if self._port is None:
            raise ServerSetupError("the managed llama-server has not been started; call start() first")
        return self._port

    @property
    def root_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    @property
    def pid(self) -> int | None:
        """The server's process id; after stop(), the last one it had (None if it never started)."""
        return self._pid

    # ----------------------------------------------------------------------------------- life cycle

    def is_alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the server and return once GET /health answers 200. Raises ServerSetupError."""
        if self.is_alive():
            return
        self._prepare()
        for last_try in (False, True):
            self._launch()
            try:
                self._wait_ready()
                return
            except BaseException as exc:
                self._give_up_or_retry(exc, last_try)

    def _prepare(self) -> None:
        """Everything before the process exists: model check, binary (maybe a build), port."""
        self._abort.clear()
        check_gguf(self.model_path)
        if self.binary is None:
            self.binary = ensure_llama_server(log=self._log)
        if self._requested_port is not None:
            if not port_is_free(self._requested_port):
                raise ServerSetupError(
                    f"port {self._requested_port} on {LOOPBACK} is already in use; choose another port "
                    "or leave it out to let homesec-bench pick a free one"
                )
            self._port = self._requested_port
        elif self._port is None or not port_is_free(self._port):
            self._port = free_port()

    def _give_up_or_retry(self, exc: BaseException, last_try: bool) -> None:
        """After a failed start: stop the process, then re-raise unless another process took our
        port between choosing it and binding it, which one more try on a new port fixes."""
        self.stop()
        if last_try or not isinstance(exc, ServerSetupError) or not self._port_race(exc):
            raise exc

    def _port_race(self, exc: ServerSetupError) -> bool:
        """A port we picked was taken before the server bound it: pick another, say to retry."""
        if self._requested_port is not None or "already in use" not in str(exc):
            return False
        self._port = free_port()
        return True

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            reaper.stop_group(proc)
        if self._log_handle is not None:
            with contextlib.suppress(OSError):
                self._log_handle.close()
            self._log_handle = None

    def restart(self) -> None:
        """Stop and start again on the same port, so clients holding base_url keep working."""
        self.stop()
        self.restarts += 1
        self.start()

    def command(self) -> list[str]:
        assert self.binary is not None and self._port is not None
        args = [
            str(self.binary),
            "-m", str(self.model_path),
            "--alias", self.model_name,
            "--host", LOOPBACK,
            "--port", str(self._port),
            "--jinja",
            "-c", str(self.ctx_size),
            "-t", str(self.threads),
            "-np", str(self.parallel),
        ]  # fmt: skip
        if supports_flag(self.binary, "--no-webui"):
            args.append("--no-webui")
        if self.chat_template:
            # A file path is passed as a file; anything else is a template name or inline template.
            flag = "--chat-template-file" if Path(self.chat_template).is_file() else "--chat-template"
            args += [flag, self.chat_template]
        return args + self.extra_args

    def _launch(self) -> None:
        """Spawn the process (quick). Call it on the main thread where possible: see reaper.child_preexec."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.log_path = self.log_dir / f"llama-server-{stamp}-{os.getpid()}-{self._port}.log"
        self._log_handle = self.log_path.open("ab")
        command = self.command()
        self._log_handle.write(("$ " + " ".join(command) + "\n").encode())
        self._log_handle.flush()
        try:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=self._log_handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=reaper.child_preexec(),  # only prctl: see reaper
            )
        except OSError as exc:
            self.stop()
            raise ServerSetupError(
                f"cannot run {self.binary} ({exc.strerror}); check the llama-server path"
            ) from None
        self._pid = self._proc.pid
        self._launched_at = time.perf_counter()
        reaper.track(self._proc)

    def _wait_ready(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.ready_timeout_s
        with httpx.Client(trust_env=False, timeout=2.0) as client:
            while True:
                code = self._proc.poll()
                if code is not None:
                    _, message = explain_exit(code, self.log_path, self.model_path, self.ctx_size)
                    raise ServerSetupError(message)
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(f"{self.root_url}/health").status_code == 200:
                        self.started_s = time.perf_counter() - self._launched_at
                        return
                if self._abort.is_set():
                    raise ServerSetupError("the llama-server start was cancelled")
                if time.monotonic() > deadline:
                    raise ServerSetupError(
                        f"llama-server did not become ready within {self.ready_timeout_s:.0f} s; "
                        f"raise the ready timeout or check the log: {self.log_path}"
                    )
                time.sleep(0.1)

    def check_alive(self) -> None:
        """Raise a one-line ServerSetupError explaining why the server died, if it did."""
        if self._proc is not None and self._proc.poll() is not None:
            _, message = explain_exit(
                self._proc.returncode, self.log_path, self.model_path, self.ctx_size, running=True
            )
            raise ServerSetupError(message)

    # ----------------------------------------------------------------------------------- inspection

    def props(self) -> dict[str, Any]:
        """llama-server's GET /props (build, context size, chat template), or {} when unavailable."""
        with httpx.Client(trust_env=False, timeout=5.0) as client:
            try:
                response = client.get(f"{self.root_url}/props")
                response.raise_for_status()
                data = response.json()
            except (httpx.HTTPError, ValueError):
                return {}
        return data if isinstance(data, dict) else {}

    # ----------------------------------------------------------------------------------- context managers

    def __enter__(self) -> ManagedLlamaServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> ManagedLlamaServer:
        await self.astart()
        return self

    async def arestart(self) -> None:
        """restart() for async callers; prefer it to running restart() on a worker thread (see astart)."""
        await self._blocking(self.stop)
        self.restarts += 1
        await self.astart()

    async def astart(self) -> None:
        """start() for async callers, without blocking the event loop.

        The slow parts (a first-run build, the model load) run on a worker thread; the spawn itself runs
        here, on the event loop's thread (normally the main one), so that the kernel's parent-death
        signal stays tied to the process and not to a worker thread that may end before it.
        """
        if self.is_alive():
            return
        reaper.install_sigterm_handler()
        await self._blocking(self._prepare)
        for last_try in (False, True):
            self._launch()
            try:
                await self._blocking(self._wait_ready)
                return
            except BaseException as exc:
                self._give_up_or_retry(exc, last_try)

    async def _blocking(self, work: Callable[[], None]) -> None:
        """Run `work` on a thread; if we are cancelled meanwhile, make it stop and wait for it."""
        finished = threading.Event()
        failure: list[BaseException] = []

        def _target() -> None:
            try:
                work()
            except BaseException as exc:
                failure.append(exc)
            finally:
                finished.set()

        thread = threading.Thread(target=_target, name="llama-server-start", daemon=True)
        thread.start()
        try:
            while not finished.is_set():
                await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            self._abort.set()
            thread.join(timeout=60)
            raise
        if failure:
            raise failure[0]

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Synchronous on purpose: stopping takes well under a second normally, and a cancelled run must
        # not return before the server is gone.
        self.stop()
