"""Sweeps with real processes: Ctrl-C and SIGTERM to `homesec-bench sweep`, the Ray executor on a local
Ray instance, and the issue's "done means" sweep with the embedded model on the real llama-server.

GGUF runs use a stand-in llama-server (the loopback test server behind llama-server's command line)
so that they run on every machine; the tests marked `integration` use the real llama-server and the
embedded model, and skip when no llama-server is cached here. All of them are in the slow tier.
"""

from __future__ import annotations

import _thread
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from sweep_support import (
    TESTS,
    assert_no_test_twice,
    fake_gguf,
    finished_at,
    result_keys,
    stand_in_llama_server,
    write_sweep,
)

from homesec_bench.store.run_dir import RESULTS_FILE
from homesec_bench.suites import load_benchmark
from homesec_bench.sweep import SweepInterrupted, make_executor, open_sweep, run_sweep
from homesec_bench.sweep.ray_executor import RayExecutor
from homesec_bench.testing import reference_responder
from homesec_bench.testing.waiting import wait_for

pytestmark = pytest.mark.slow
BENCH = load_benchmark()
SLOW_SUITE = "security_classification"  # 12 tests: long enough to be interrupted in the middle
WAIT_S = 120.0


def _lines(path: Path) -> int:
    return path.read_text().count("\n") if path.exists() else 0


def _processes_running(needle: str) -> list[int]:
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if needle in cmdline and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc.info["pid"])
    return found


def _slow_endpoints(make_fake_server: Any, *models: str, interval: float = 0.01) -> list[Any]:
    fast = {"token_interval_s": interval}
    return [
        make_fake_server(reference_responder(BENCH, accuracy=0.7, seed=i, reply_defaults=fast), models=[m])
        for i, m in enumerate(models)
    ]


def _stand_in_sweep(
    tmp_path: Path, servers: list[Any], selection: str, gguf_extra: str = "", hold_after: int = 0
) -> Path:
    fake_gguf(tmp_path / "models" / "standin-Q4_K_M.gguf")
    fake_gguf(tmp_path / "models" / "standin-Q8_0.gguf")
    binary = stand_in_llama_server(tmp_path)
    marker = tmp_path / "marker"
    endpoints = "".join(f"  - {{base_url: '{s.base_url}', model: {s.models[0]}}}\n" for s in servers)
    return write_sweep(
        tmp_path,
        f"{selection}\nllama_server: {binary}\nendpoints:\n{endpoints}ggufs:\n"
        f"  - path: models/standin-*.gguf\n"
        f"    server_args: [--marker, '{marker}', --token-interval, '0.02', --hold-after, '{hold_after}', "
        f"--release, '{tmp_path / 'release'}']\n{gguf_extra}",
    )


def _sweep_cli(*args: str, tag: str = "") -> subprocess.Popen[str]:
    """`homesec-bench sweep ARGS`; every process it starts inherits SWEEP_TEST_TAG=tag."""
    return subprocess.Popen(
        [sys.executable, "-m", "homesec_bench", "sweep", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SWEEP_TEST_TAG": tag},
    )


def _tagged(tag: str) -> list[str]:
    """Live processes started by a sweep with this tag (its run processes, fork server, servers)."""
    found = []
    for proc in psutil.process_iter(["pid", "name", "status"]):
        with contextlib.suppress(psutil.Error):
            if proc.info["status"] != psutil.STATUS_ZOMBIE and proc.environ().get("SWEEP_TEST_TAG") == tag:
                found.append(f"{proc.info['pid']} {proc.info['name']}")
    return found


def _result_bytes(folder: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in folder.glob(f"*/{RESULTS_FILE}")}


def _assert_resumed_without_repeats(folder: Path, before: dict[str, bytes], tests_per_run: int) -> None:
    """Every run finished, each test once, and everything stored before the interruption kept as it was."""
    state = json.loads((folder / "sweep.json").read_text())
    assert {r["status"] for r in state["runs"].values()} <= {"finished", "kept"}, state
    for name in state["runs"]:
        run_dir = folder / name
        assert finished_at(run_dir) and len(result_keys(run_dir)) == tests_per_run, name
        assert_no_test_twice(run_dir)
        assert (run_dir / RESULTS_FILE).read_bytes().startswith(before.get(name, b"")), name


# ------------------------------------------------------------------------------------- Ctrl-C, SIGTERM


@pytest.mark.parametrize(
    "sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"]
)
def test_a_signal_stops_every_server_and_a_rerun_does_no_test_twice(
    make_fake_server: Any, tmp_path: Path, sig: signal.Signals
) -> None:
    # The endpoints answer slowly enough (about 1 s a test) to be interrupted in the middle too.
    servers = _slow_endpoints(make_fake_server, "alpha", "beta", interval=0.05)
    # The GGUF run's server holds its fifth request until released: the run is mid-way when the signal
    # comes, whatever else the machine is doing (it once finished all 12 tests first on a busy box).
    path = _stand_in_sweep(tmp_path, servers, f"suites: [{SLOW_SUITE}]", hold_after=4)
    out = tmp_path / "out"
    tag = f"{tmp_path}-{sig.name}"
    child = _sweep_cli(str(path), "--out", str(out), tag=tag)
    endpoint_runs = [out / f"127.0.0.1-{s.port}--{s.models[0]}" for s in servers]

    def under_way() -> bool:
        # The first GGUF run's server has answered the warm-up and three tests; each endpoint run has
        # stored a result.
        started = all((d / RESULTS_FILE).is_file() and result_keys(d) for d in endpoint_runs)
        return (_lines(tmp_path / "marker") >= 4 and started) or child.poll() is not None

    try:
        wait_for(under_way, "every run to be under way")
        assert child.poll() is None, child.communicate()
        child.send_signal(sig)
        _, stderr = child.communicate(timeout=WAIT_S)
    finally:
        if child.poll() is None:
            child.kill()
    # Nothing the sweep started outlives it: no server, no run process (after SIGKILL the kernel's
    # parent-death signals end them, a moment later).
    wait_for(lambda: not _tagged(tag), "every process of the sweep to end", 30)
    if sig == signal.SIGKILL:
        assert child.returncode == -signal.SIGKILL
        wait_for(lambda: all(s.active_requests == 0 for s in servers), "the endpoints to be idle", 30)
    else:
        assert child.returncode == 130, stderr
        last = stderr.strip().splitlines()[-1]
        assert last.startswith("homesec-bench: error: interrupted") and f"sweep --resume {out}" in last
        assert ("by SIGTERM" in last) == (sig == signal.SIGTERM)
        state = json.loads((out / "sweep.json").read_text())["runs"]
        assert {state[name]["status"] for name in state} == {"interrupted", "pending"}, state
    for run_dir in [out / "gguf--standin-q4_k_m", *endpoint_runs]:
        assert not finished_at(run_dir) and result_keys(run_dir), run_dir.name

    before = _result_bytes(out)
    (tmp_path / "release").touch()  # the resumed sweep's stand-in answers every request
    again = _sweep_cli("--resume", str(out))
    _, stderr = again.communicate(timeout=WAIT_S)
    assert again.returncode == 0, stderr
    _assert_resumed_without_repeats(out, before, len(BENCH.suites[SLOW_SUITE].tests))


# ------------------------------------------------------------------------------------- Ray


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    """A local Ray instance with this machine's 2 CPUs, shared by the module's Ray tests."""
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'homesec-bench[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


def test_the_ray_executor_runs_each_gguf_as_a_task_and_brings_its_run_back(
    local_ray: Any, make_fake_server: Any, tmp_path: Path
) -> None:
    servers = _slow_endpoints(make_fake_server, "alpha", "beta")
    # Each GGUF task asks for both CPUs, so Ray runs them one after the other.
    path = _stand_in_sweep(tmp_path, servers, f"tests: {TESTS}", gguf_extra="    resources: {num_cpus: 2}\n")
    out = tmp_path / "out"
    result = run_sweep(open_sweep(path, out=out, bench=BENCH), RayExecutor())
    assert {r.name: r.status for r in result.records} == {
        f"127.0.0.1-{servers[0].port}--alpha": "finished",
        f"127.0.0.1-{servers[1].port}--beta": "finished",
        "gguf--standin-q4_k_m": "finished",
        "gguf--standin-q8_0": "finished",
    }
    for record in result.records:
        assert sorted(k for k, _ in result_keys(out / record.name)) == sorted(TESTS)
    board = json.loads((out / "leaderboard.json").read_text())
    assert len(board["rows"]) == 4 and (out / "report.html").is_file()


def test_an_interrupted_ray_sweep_keeps_what_its_tasks_finished(
    local_ray: Any, make_fake_server: Any, tmp_path: Path
) -> None:
    servers = _slow_endpoints(make_fake_server, "alpha")
    path = _stand_in_sweep(tmp_path, servers, f"suites: [{SLOW_SUITE}]")
    out = tmp_path / "out"
    marker = tmp_path / "marker"

    def interrupt_once_under_way() -> None:
        wait_for(lambda: _lines(marker) >= 6, "the GGUF tasks")
        _thread.interrupt_main()  # Ctrl-C, delivered to the main thread as a KeyboardInterrupt

    threading.Thread(target=interrupt_once_under_way, daemon=True).start()
    with pytest.raises(SweepInterrupted, match="resume with"):
        run_sweep(open_sweep(path, out=out, bench=BENCH), RayExecutor())
    wait_for(
        lambda: not _processes_running(str(tmp_path / "llama-server")), "the stand-in servers to stop", 30
    )
    state = json.loads((out / "sweep.json").read_text())["runs"]
    kept = [name for name in state if name.startswith("gguf--") and (out / name / RESULTS_FILE).is_file()]
    assert kept, state  # the tasks returned what they had finished, and it is in the sweep folder
    assert all(state[name]["status"] == "interrupted" for name in kept)

    before = _result_bytes(out)
    result = run_sweep(open_sweep(path, out=out, bench=BENCH), RayExecutor())
    assert not result.failed
    _assert_resumed_without_repeats(out, before, len(BENCH.suites[SLOW_SUITE].tests))


# ------------------------------------------------------------------------------------- the embedded model


def _llama_server_or_skip() -> Path:
    from homesec_bench.server import ServerSetupError, default_model_path
    from homesec_bench.server.build import find_llama_server

    try:
        binary = find_llama_server()
        model = default_model_path()
    except ServerSetupError as exc:
        pytest.skip(str(exc))
    if binary is None:
        pytest.skip("no llama-server is cached here (`homesec-bench setup` builds one)")
    return model


def _embedded_sweep(tmp_path: Path, servers: list[Any], selection: str) -> Path:
    """The embedded model under two quantization names (the second a copy), and the endpoints as
    cloud models (as a provider's would be)."""
    model = _llama_server_or_skip()
    models = tmp_path / "models"
    models.mkdir()
    shutil.copyfile(model, models / "smollm2-135m-Q4_1.gguf")
    shutil.copyfile(model, models / "smollm2-135m-Q8_0.gguf")
    endpoints = "".join(
        f"  - {{base_url: '{s.base_url}', model: {s.models[0]}, locality: cloud}}\n" for s in servers
    )
    return write_sweep(
        tmp_path,
        f"{selection}\nendpoints:\n{endpoints}ggufs:\n"
        "  - path: models/smollm2-135m-*.gguf\n    threads: 1\n    ctx_size: 4096\n",
    )


def _cheapest_test() -> str:
    return min(BENCH.suites["topic_classification"].tests, key=lambda t: (t.sampling.max_tokens, t.id)).id


@pytest.mark.integration
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("executor", ["local", "ray"])
def test_done_means_two_quantizations_and_two_endpoints_in_one_report(
    make_fake_server: Any, tmp_path: Path, executor: str, request: pytest.FixtureRequest
) -> None:
    if executor == "ray":
        request.getfixturevalue("local_ray")
    servers = _slow_endpoints(make_fake_server, "cloud-large", "cloud-mini")
    path = _embedded_sweep(tmp_path, servers, f"tests: [{_cheapest_test()}]")
    out = tmp_path / "out"
    result = run_sweep(open_sweep(path, out=out, bench=BENCH), make_executor(executor))
    assert [r.status for r in result.records] == ["finished"] * 4, result.records
    board = json.loads((out / "leaderboard.json").read_text())
    rows = {row["label"]: row for row in board["rows"]}
    assert {"smollm2-135m-Q4_1", "smollm2-135m-Q8_0", "cloud-large", "cloud-mini"} <= {
        label.split(" (")[0] for label in rows
    }
    # Cost (unknown for an unpriced cloud model, never 0), energy (or why not), the quantization view.
    for label, row in rows.items():
        assert row["energy_wh"] is not None or row["energy_text"].startswith("not measured"), label
        assert row["cost_usd"] != 0, label
    board_md = (out / "leaderboard.md").read_text()
    assert "## Quantization: smollm2-135m" in board_md and "| Energy |" in board_md and "| Cost |" in board_md
    report = (out / "report.html").read_text()
    assert all(name in report for name in ("smollm2-135m-Q4_1", "smollm2-135m-Q8_0", "cloud-large"))
    assert "Quantization" in report
    assert (out / "leaderboard.csv").is_file()


@pytest.mark.integration
@pytest.mark.timeout(1200)
def test_ctrl_c_during_a_real_llama_server_run_leaves_no_server_and_resumes(
    make_fake_server: Any, tmp_path: Path
) -> None:
    servers = _slow_endpoints(make_fake_server, "alpha")
    cheap = sorted(BENCH.suites["topic_classification"].tests, key=lambda t: (t.sampling.max_tokens, t.id))
    path = _embedded_sweep(tmp_path, servers, f"tests: {[t.id for t in cheap[:3]]}")
    out = tmp_path / "out"
    child = _sweep_cli(str(path), "--out", str(out))
    first = out / "gguf--smollm2-135m-q4_1"
    try:
        wait_for(
            lambda: first.joinpath(RESULTS_FILE).is_file() and result_keys(first), "a llama-server result"
        )
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=WAIT_S)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, stderr
    assert not _processes_running(str(tmp_path / "models")), "llama-server outlived the sweep"

    before = _result_bytes(out)
    again = _sweep_cli("--resume", str(out))
    _, stderr = again.communicate(timeout=900)
    assert again.returncode == 0, stderr
    _assert_resumed_without_repeats(out, before, 3)
