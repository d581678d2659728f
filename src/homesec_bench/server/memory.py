"""Peak memory of the serving process while a run is in progress: resident memory, and GPU memory per
process through NVML where an NVIDIA GPU exists.

A figure that cannot be read stays None and `note` says why; a zero is only ever a measured zero.
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import psutil

from homesec_bench.models import MemoryPeak


def find_listening_pid(port: int) -> int | None:
    """The process listening on `port` on a loopback (or wildcard) address, or None if none can be seen."""
    try:
        connections = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        return _scan_processes(port)
    for conn in connections:
        if _is_local_listener(conn, port) and conn.pid:
            return int(conn.pid)
    # Listed without a pid means another user's process: the per-process scan cannot see it either.
    return None


def _is_local_listener(conn: Any, port: int) -> bool:
    if conn.status != psutil.CONN_LISTEN or not conn.laddr or conn.laddr.port != port:
        return False
    try:
        address = ipaddress.ip_address(conn.laddr.ip.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    return address.is_loopback or address.is_unspecified


def _scan_processes(port: int) -> int | None:
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            for conn in proc.net_connections(kind="tcp"):
                if _is_local_listener(conn, port):
                    return proc.pid
    return None


class _Nvml:
    """NVML per-process GPU memory, or the reason it cannot be read."""

    def __init__(self) -> None:
        self.module: ModuleType | None = None
        self.reason: str | None = None
        try:
            import pynvml  # from nvidia-ml-py, an optional dependency
        except ImportError:
            self.reason = (
                "GPU memory not read: install nvidia-ml-py (pip install 'homesec-bench[gpu]')"
                if _nvidia_driver_present()
                else "no NVIDIA GPU, GPU memory not applicable"
            )
            return
        try:
            pynvml.nvmlInit()
        except pynvml.NVMLError as exc:
            self.reason = f"no NVIDIA GPU usable through NVML ({exc}), GPU memory not read"
            return
        self.module = pynvml

    def used_by(self, pids: set[int]) -> tuple[int | None, str | None]:
        """(bytes used by these pids on all GPUs, why not) — None when NVML cannot say."""
        nvml = self.module
        if nvml is None:
            return None, self.reason
        total, listed, unreported = 0, False, False
        try:
            for index in range(nvml.nvmlDeviceGetCount()):
                handle = nvml.nvmlDeviceGetHandleByIndex(index)
                seen: set[int] = set()
                for getter in (
                    nvml.nvmlDeviceGetComputeRunningProcesses,
                    nvml.nvmlDeviceGetGraphicsRunningProcesses,
                ):
                    for info in getter(handle):
                        if info.pid not in pids or info.pid in seen:
                            continue
                        seen.add(info.pid)
                        listed = True
                        if info.usedGpuMemory is None:
                            unreported = True
                        else:
                            total += int(info.usedGpuMemory)
        except nvml.NVMLError as exc:
            return None, f"NVML query failed ({exc}), GPU memory not read"
        if not listed:
            return None, (
                "the server process is not in NVML's per-process list (it is not using the GPU, or it "
                "runs in another PID namespace), GPU memory not read"
            )
        if unreported:
            return None, "NVML does not report per-process GPU memory on this system"
        return total, None

    def close(self) -> None:
        if self.module is not None:
            with contextlib.suppress(Exception):
                self.module.nvmlShutdown()
            self.module = None


def _nvidia_driver_present() -> bool:
    return Path("/proc/driver/nvidia/version").exists() or Path("/dev/nvidia0").exists()


class MemorySampler:
    """Samples a process (and its children) every `interval_s` on a background thread; keeps the peak.

    `pid` may be a callable returning the current pid: the sampler then follows a managed server across
    restarts instead of losing it at the first one.
    """

    def __init__(self, pid: int | Callable[[], int | None] | None, *, interval_s: float = 0.25) -> None:
        self._pid_source = pid if callable(pid) else None
        self.pid: int | None = pid() if callable(pid) else pid
        self.interval_s = interval_s
        self.samples = 0
        self._peak_rss: int | None = None
        self._peak_gpu: int | None = None
        self._notes: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._proc: psutil.Process | None = None
        self._nvml: _Nvml | None = None
        self._gone = False
        self._gpu_why: str | None = None

    def start(self) -> MemorySampler:
        if self.pid is None:
            self._note("no local server process to sample (remote endpoint, or its pid is unknown)")
            return self
        try:
            self._proc = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            self._note(f"process {self.pid} not found, memory not sampled")
            return self
        except psutil.AccessDenied:
            self._note(f"access denied to process {self.pid}, memory not sampled")
            return self
        self._nvml = _Nvml()
        # One sample now, so that even a run shorter than one interval has a figure.
        self._sample()
        self._thread = threading.Thread(target=self._loop, name=f"memory-sampler-{self.pid}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> MemoryPeak:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(5.0, 4 * self.interval_s))
            self._thread = None
            self._sample()
        if self._nvml is not None:
            self._nvml.close()
            self._nvml = None
        return self.peak()

    def peak(self) -> MemoryPeak:
        notes = list(self._notes)
        # A GPU reason only matters when no GPU figure was ever read (a model may load onto it late).
        if self._peak_gpu is None and self._gpu_why:
            notes.append(self._gpu_why)
        return MemoryPeak(
            rss_bytes=self._peak_rss,
            gpu_bytes=self._peak_gpu,
            pid=self.pid,
            note="; ".join(notes) or None,
        )

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            if self._gone and self._pid_source is None:
                return
            self._sample()

    def _follow(self) -> None:
        """Switch to the process the pid source names now, if it changed (a restarted server)."""
        if self._pid_source is None:
            return
        current = self._pid_source()
        if current is None or current == self.pid:
            return
        try:
            proc = psutil.Process(current)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return
        self._note(f"followed the restarted server from pid {self.pid} to {current}")
        self.pid, self._proc, self._gone = current, proc, False

    def _sample(self) -> None:
        self._follow()
        if self._proc is None or self._gone:
            return
        try:
            family = [self._proc, *self._proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            self._process_gone()
            return
        except psutil.AccessDenied:
            family = [self._proc]
        rss = 0
        try:
            rss += self._proc.memory_info().rss
        except psutil.NoSuchProcess:
            self._process_gone()
            return
        except psutil.AccessDenied:
            self._note(f"access denied reading the memory of process {self.pid}")
            self._gone = True
            return
        for child in family[1:]:
            # A child that exits between listing and reading simply no longer counts.
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                rss += child.memory_info().rss
        self.samples += 1
        self._peak_rss = max(self._peak_rss or 0, rss)
        if self._nvml is not None:
            gpu, why = self._nvml.used_by({p.pid for p in family})
            if gpu is not None:
                self._peak_gpu = max(self._peak_gpu or 0, gpu)
            else:
                self._gpu_why = why

    def _process_gone(self) -> None:
        self._gone = True
        if self._pid_source is not None:
            return  # a restart may bring it back; _follow says so if it does
        if self._peak_rss is None:
            self._note(f"process {self.pid} exited before it could be sampled")
        else:
            self._note(f"process {self.pid} exited during sampling; the peak covers its life until then")

    def _note(self, text: str) -> None:
        if text not in self._notes:
            self._notes.append(text)

    def __enter__(self) -> MemorySampler:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
