"""The machine a run was measured on travels with it: CPU model, core count, memory, GPU."""

from __future__ import annotations

import sys
import types

from homesec_bench.runner import engine


def test_machine_info_names_the_cpu_and_says_when_there_is_no_gpu(monkeypatch):
    monkeypatch.setitem(sys.modules, "pynvml", None)  # no nvidia-ml-py: no GPU name, no error
    info = engine.machine_info()
    assert info["cpu_count"] and info["memory_bytes"] > 0
    assert info["processor"]
    assert info["gpu"] is None


def test_machine_info_names_the_gpus_nvml_reports(monkeypatch):
    fake = types.SimpleNamespace(
        nvmlInit=lambda: None,
        nvmlDeviceGetCount=lambda: 2,
        nvmlDeviceGetHandleByIndex=lambda i: i,
        nvmlDeviceGetName=lambda h: b"NVIDIA H200" if h == 0 else "NVIDIA L4",
    )
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    assert engine.machine_info()["gpu"] == "NVIDIA H200, NVIDIA L4"
