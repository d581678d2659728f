"""Energy a run used on this machine: the GPUs' own energy counters through NVML, and the CPU packages'
energy through Linux powercap (Intel/AMD RAPL), each read at the start and the end of the run.

A counter that cannot be read is not a zero: the reading keeps None and says why. Counters are read
again every few seconds in a background thread, because RAPL counters wrap around (at
`max_energy_range_uj`, minutes to an hour at full load) and a wrap between two reads would otherwise
look like energy given back.

What the figures mean: the GPU counter is the whole GPU (every process on it); the CPU figure is the
whole package (the harness's own work included, which is small next to a model's decoding).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from homesec_bench.models import EnergyUse

POWERCAP_ROOT = Path("/sys/class/powercap")
SAMPLE_EVERY_S = 5.0
JOULES_PER_WH = 3600.0


@dataclass
class _Counter:
    """One monotonic energy counter, in joules, that may wrap at `wrap_j` (None: never wraps)."""

    name: str
    read_j: Callable[[], float]
    wrap_j: float | None = None
    last_j: float = 0.0
    total_j: float = 0.0

    def start(self) -> None:
        self.last_j = self.read_j()
        self.total_j = 0.0

    def sample(self) -> None:
        now = self.read_j()
        delta = now - self.last_j
        if delta < 0:
            # A wrap: the counter went past its range and restarted from zero. Without a known range
            # the step cannot be known, and a lost step is better than an invented one.
            delta = (self.wrap_j - self.last_j + now) if self.wrap_j else 0.0
        self.total_j += max(0.0, delta)
        self.last_j = now


@dataclass
class _Source:
    counters: list[_Counter] = field(default_factory=list)
    reason: str | None = None  # why this source measures nothing


def powercap_source(root: Path = POWERCAP_ROOT) -> _Source:
    """The CPU package zones under `root` (top-level RAPL zones named package-N), or why not."""
    if not root.is_dir():
        return _Source(reason="CPU: no powercap (RAPL) interface")
    zones = sorted(
        zone
        for zone in root.iterdir()
        if zone.name.count(":") == 1 and _zone_name(zone).startswith("package")
    )
    if not zones:
        return _Source(reason="CPU: no RAPL package zone in powercap")
    counters = []
    for zone in zones:
        energy_file = zone / "energy_uj"
        try:
            energy_file.read_text()
        except PermissionError:
            return _Source(
                reason=f"CPU: {energy_file} is readable by root only (Linux >= 5.10); run as root or grant "
                "read access to measure it"
            )
        except OSError as exc:
            return _Source(reason=f"CPU: cannot read {energy_file} ({exc.strerror})")
        counters.append(
            _Counter(
                name=f"cpu {_zone_name(zone)}",
                read_j=_uj_reader(energy_file),
                wrap_j=_read_uj(zone / "max_energy_range_uj"),
            )
        )
    return _Source(counters=counters)


def _zone_name(zone: Path) -> str:
    try:
        return (zone / "name").read_text().strip()
    except OSError:
        return ""


def _read_uj(path: Path) -> float | None:
    try:
        return int(path.read_text().strip()) / 1e6
    except (OSError, ValueError):
        return None


def _uj_reader(path: Path) -> Callable[[], float]:
    def read() -> float:
        return int(path.read_text().strip()) / 1e6

    return read


def nvml_source() -> tuple[_Source, ModuleType | None]:
    """Every NVIDIA GPU's total-energy counter (millijoules since the driver loaded), or why not."""
    from homesec_bench.server.memory import _nvidia_driver_present

    try:
        import pynvml  # from nvidia-ml-py, an optional dependency
    except ImportError:
        if _nvidia_driver_present():
            return _Source(reason="GPU: install nvidia-ml-py (homesec-bench[gpu]) to read it"), None
        return _Source(reason="GPU: no NVIDIA GPU"), None
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        return _Source(reason=f"GPU: no NVIDIA GPU usable through NVML ({exc})"), None
    counters = []
    try:
        for index in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            read = _nvml_reader(pynvml, handle)
            read()  # GPUs before Volta have no energy counter: NVMLError_NotSupported
            counters.append(_Counter(name=f"gpu {index}", read_j=read))
    except pynvml.NVMLError as exc:
        with contextlib.suppress(Exception):
            pynvml.nvmlShutdown()
        return _Source(reason=f"GPU: NVML has no energy counter for this GPU ({exc})"), None
    return _Source(counters=counters), pynvml


def _nvml_reader(nvml: ModuleType, handle: object) -> Callable[[], float]:
    def read() -> float:
        return float(nvml.nvmlDeviceGetTotalEnergyConsumption(handle)) / 1000.0

    return read


class EnergyMeter:
    """Reads the machine's energy counters from `start()` to `stop()`; `stop()` returns an EnergyUse."""

    def __init__(self, powercap_root: Path = POWERCAP_ROOT, use_nvml: bool = True) -> None:
        self._cpu = powercap_source(powercap_root)
        self._gpu, self._nvml = nvml_source() if use_nvml else (_Source(reason="GPU: not read"), None)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._started = 0.0
        self._failed: str | None = None

    def _counters(self) -> list[_Counter]:
        return self._cpu.counters + self._gpu.counters

    def start(self) -> None:
        self._started = time.monotonic()
        self._read_all(first=True)
        if self._counters():
            self._thread = threading.Thread(target=self._loop, name="energy-meter", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        # Event.wait is the pacing here, not a guess at a duration: a wrap needs minutes at full load.
        while not self._stop.wait(SAMPLE_EVERY_S):
            self._read_all()

    def _read_all(self, first: bool = False) -> None:
        with self._lock:
            for counter in self._counters():
                try:
                    counter.start() if first else counter.sample()
                except Exception as exc:  # a counter that vanished mid-run: stop trusting all of them
                    self._failed = f"{counter.name} counter stopped being readable ({exc})"

    def stop(self) -> EnergyUse:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._read_all()
        if self._nvml is not None:
            with contextlib.suppress(Exception):
                self._nvml.nvmlShutdown()
        seconds = time.monotonic() - self._started
        return self._result(seconds)

    def _result(self, seconds: float) -> EnergyUse:
        notes = [s.reason for s in (self._gpu, self._cpu) if s.reason]
        if self._failed:
            return EnergyUse(seconds=seconds, notes=[*notes, self._failed])
        return EnergyUse(
            seconds=seconds,
            gpu_wh=_total_wh(self._gpu.counters),
            cpu_wh=_total_wh(self._cpu.counters),
            notes=notes,
        )


def _total_wh(counters: list[_Counter]) -> float | None:
    if not counters:
        return None
    return sum(c.total_j for c in counters) / JOULES_PER_WH


def combine(old: EnergyUse | None, new: EnergyUse | None) -> EnergyUse | None:
    """The energy of a run and its resumption, added; a part one segment did not measure is unknown."""
    if old is None or new is None:
        return new or old

    def add(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a + b

    return EnergyUse(
        seconds=old.seconds + new.seconds,
        gpu_wh=add(old.gpu_wh, new.gpu_wh),
        cpu_wh=add(old.cpu_wh, new.cpu_wh),
        notes=list(dict.fromkeys(old.notes + new.notes)),
    )
