"""`homesec-bench sweep` over loopback test servers: runs, outputs, failures, resume, Ctrl-C, limits.

Every endpoint here is the real scripted test server on 127.0.0.1 (homesec_bench.testing); nothing
is mocked. Each sweep runs a few cheap tests per run. The sweep file's own checks are in
test_sweep_spec.py; real processes, signals and Ray in test_sweep_processes.py (slow tier).
"""

from __future__ import annotations

import _thread
import itertools
import json
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sweep_support import TESTS, assert_no_test_twice, finished_at, result_keys, write_sweep
from typer.testing import CliRunner

from homesec_bench.cli.app import app, load_commands
from homesec_bench.store.run_dir import RESULTS_FILE, RUN_FILE
from homesec_bench.suites import load_benchmark
from homesec_bench.sweep import (
    SweepInterrupted,
    SweepSpecError,
    make_executor,
    open_sweep,
    plan_status,
    run_sweep,
)
from homesec_bench.sweep.ray_executor import (
    RAY_MISSING,
    RaySetupError,
    check_reachable,
    pack_dir,
    unpack_dir,
)
from homesec_bench.testing import reference_responder
from homesec_bench.testing.waiting import wait_for

load_commands("sweep")
BENCH = load_benchmark()


def _endpoints(make_fake_server: Any, *models: str, accuracy: float = 0.5) -> list[Any]:
    return [
        make_fake_server(reference_responder(BENCH, accuracy=accuracy, seed=i), models=[model])
        for i, model in enumerate(models)
    ]


def _two_endpoint_sweep(tmp_path: Path, servers: list[Any], extra: str = "") -> Path:
    entries = "".join(f"  - base_url: {s.base_url}\n    model: {s.models[0]}\n" for s in servers)
    return write_sweep(tmp_path, f"name: pair\ntests: {TESTS}\n{extra}endpoints:\n{entries}")


# ------------------------------------------------------------------------------------------ running


def test_dry_run_prints_the_plan_and_runs_nothing(make_fake_server: Any, tmp_path: Path) -> None:
    servers = _endpoints(make_fake_server, "alpha", "beta")
    path = _two_endpoint_sweep(tmp_path, servers)
    shown = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out"), "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert "127.0.0.1" in shown.stdout and "alpha" in shown.stdout and "beta" in shown.stdout
    assert "2 run(s)" in shown.stdout
    assert not (tmp_path / "out").exists() and all(s.request_count == 0 for s in servers)


@pytest.mark.slow  # whole sweeps of two endpoints: the fast tier keeps the sweep unit tests
def test_a_sweep_of_two_endpoints_writes_runs_leaderboards_and_report(
    make_fake_server: Any, tmp_path: Path
) -> None:
    servers = _endpoints(make_fake_server, "alpha", "beta")
    out = tmp_path / "out"
    result = run_sweep(
        open_sweep(_two_endpoint_sweep(tmp_path, servers), out=out, bench=BENCH), make_executor("local")
    )
    assert [r.status for r in result.records] == ["finished", "finished"] and not result.failed
    for name in ("127.0.0.1-{}--alpha", "127.0.0.1-{}--beta"):
        run_dir = out / name.format(servers[0 if "alpha" in name else 1].port)
        assert finished_at(run_dir) and sorted(k for k, _ in result_keys(run_dir)) == sorted(TESTS)
    for file in (
        "leaderboard.md",
        "leaderboard.json",
        "leaderboard.csv",
        "report.html",
        "sweep.json",
        "sweep.yaml",
    ):
        assert (out / file).is_file(), file
    board = (out / "leaderboard.md").read_text()
    assert "alpha" in board and "beta" in board
    assert [p.name for p in result.outputs.files] == [
        "leaderboard.md",
        "leaderboard.json",
        "leaderboard.csv",
        "report.html",
    ]


def test_a_run_that_cannot_start_is_recorded_and_the_others_finish(
    make_fake_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    (server,) = _endpoints(make_fake_server, "alpha")
    path = write_sweep(
        tmp_path,
        f"""
        tests: {TESTS}
        endpoints:
          - {{preset: openai, model: gpt-4.1-mini}}
          - {{base_url: "{server.base_url}"}}
        """,
    )
    out = tmp_path / "out"
    runner = CliRunner()
    done = runner.invoke(app, ["sweep", str(path), "--out", str(out)])
    assert done.exit_code == 13, done.output
    assert "openai--gpt-4.1-mini" in done.stdout and "set OPENAI_API_KEY" in done.stdout  # the summary
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("homesec-bench: error: 1 of 2 runs failed (openai--gpt-4.1-mini)")
    assert f"--resume {out}" in last
    assert finished_at(out / f"127.0.0.1-{server.port}--auto") and (out / "report.html").is_file()
    # Resuming re-reads the sweep file saved in the folder; the finished run is kept, the other still fails.
    sent = server.request_count
    again = runner.invoke(app, ["sweep", "--resume", str(out)])
    assert again.exit_code == 13 and server.request_count == sent
    assert "kept" in again.stdout


def test_resume_keeps_finished_runs_and_completes_an_unfinished_one(
    make_fake_server: Any, tmp_path: Path
) -> None:
    servers = _endpoints(make_fake_server, "alpha", "beta")
    path = _two_endpoint_sweep(tmp_path, servers)
    out = tmp_path / "out"
    run_sweep(open_sweep(path, out=out, bench=BENCH), make_executor("local"))
    kept, cut = (out / f"127.0.0.1-{s.port}--{s.models[0]}" for s in servers)
    # Leave `cut` as an interrupted run leaves it: one result stored, no finished_at.
    results = (cut / RESULTS_FILE).read_text().splitlines(keepends=True)
    (cut / RESULTS_FILE).write_text(results[0])
    info = (cut / RUN_FILE).read_text().replace(f'"finished_at": "{finished_at(cut)}"', '"finished_at": null')
    (cut / RUN_FILE).write_text(info)
    before = ((kept / RESULTS_FILE).read_bytes(), (kept / RESULTS_FILE).stat().st_mtime_ns)
    sent = [s.request_count for s in servers]

    result = run_sweep(open_sweep(path, out=out, bench=BENCH), make_executor("local"))

    assert {r.name: r.status for r in result.records} == {kept.name: "kept", cut.name: "finished"}
    assert ((kept / RESULTS_FILE).read_bytes(), (kept / RESULTS_FILE).stat().st_mtime_ns) == before
    assert servers[0].request_count == sent[0]
    assert servers[1].request_count == sent[1] + 2  # the warm-up and the one test left
    assert finished_at(cut) and sorted(k for k, _ in result_keys(cut)) == sorted(TESTS)
    assert_no_test_twice(cut)


def _ordering_servers(make_fake_server: Any, log: list[str], gate: threading.Event | None) -> list[Any]:
    """Two servers that log each request; with a gate, alpha's first test waits until beta is asked."""
    counter = itertools.count()

    def responder(label: str) -> Any:
        reference = reference_responder(BENCH)

        def respond(body: dict[str, Any]) -> Any:
            log.append(f"{next(counter)}:{label}")
            if gate is not None:
                if label == "beta":
                    gate.set()
                elif reference.test_for_body(body) is not None:
                    gate.wait(timeout=30)
            return reference(body)

        return respond

    return [make_fake_server(responder(m), models=[m]) for m in ("alpha", "beta")]


def test_runs_of_one_provider_wait_for_each_other_at_limit_one(make_fake_server: Any, tmp_path: Path) -> None:
    log: list[str] = []
    servers = _ordering_servers(make_fake_server, log, gate=None)
    path = _two_endpoint_sweep(tmp_path, servers, extra="provider_concurrency: {127.0.0.1: 1}\n")
    run_sweep(open_sweep(path, out=tmp_path / "out", bench=BENCH), make_executor("local"))
    labels = [entry.split(":")[1] for entry in log]
    changes = sum(1 for a, b in itertools.pairwise(labels) if a != b)
    assert changes == 1, labels  # all of one run's requests, then all of the other's


def test_runs_of_one_provider_overlap_up_to_the_limit(make_fake_server: Any, tmp_path: Path) -> None:
    gate = threading.Event()
    servers = _ordering_servers(make_fake_server, [], gate=gate)
    path = _two_endpoint_sweep(tmp_path, servers, extra="provider_concurrency: 2\n")
    result = run_sweep(open_sweep(path, out=tmp_path / "out", bench=BENCH), make_executor("local"))
    assert gate.is_set() and not result.failed
    # alpha's tests were answered only once beta's run had started: the two ran at the same time.


@pytest.mark.slow  # whole sweeps of two endpoints: the fast tier keeps the sweep unit tests
def test_ctrl_c_interrupts_endpoint_runs_in_flight_and_a_rerun_finishes_them(
    make_fake_server: Any, tmp_path: Path
) -> None:
    slow = {"first_token_delay_s": 0.25}
    servers = [
        make_fake_server(reference_responder(BENCH, reply_defaults=slow), models=[m])
        for m in ("alpha", "beta")
    ]
    path = write_sweep(
        tmp_path,
        "suites: [topic_classification]\nendpoints:\n"
        + "".join(f"  - base_url: {s.base_url}\n" for s in servers),
    )
    out = tmp_path / "out"
    sweep = open_sweep(path, out=out, bench=BENCH)
    run_dirs = [out / run.name for run in sweep.runs]

    def interrupt_once_each_run_has_a_result() -> None:
        wait_for(
            lambda: all((d / RESULTS_FILE).is_file() and result_keys(d) for d in run_dirs),
            "a result from each run",
        )
        _thread.interrupt_main()  # Ctrl-C, as the main thread gets it

    threading.Thread(target=interrupt_once_each_run_has_a_result, daemon=True).start()
    with pytest.raises(SweepInterrupted, match=f"resume with `homesec-bench sweep --resume {out}`"):
        run_sweep(sweep, make_executor("local"))
    state = json.loads((out / "sweep.json").read_text())["runs"]
    assert [state[d.name]["status"] for d in run_dirs] == ["interrupted", "interrupted"]
    kept = {d.name: (d / RESULTS_FILE).read_bytes() for d in run_dirs}
    assert all(kept.values()) and not any(finished_at(d) for d in run_dirs)

    result = run_sweep(open_sweep(path, out=out, bench=BENCH), make_executor("local"))
    assert [r.status for r in result.records] == ["finished", "finished"]
    for run_dir in run_dirs:
        assert (run_dir / RESULTS_FILE).read_bytes().startswith(kept[run_dir.name])
        assert len(result_keys(run_dir)) == 4
        assert_no_test_twice(run_dir)


def test_the_ray_executor_without_ray_is_a_one_line_error(
    make_fake_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    with pytest.raises(RaySetupError, match="pip install 'homesec-bench\\[ray\\]'"):
        make_executor("ray")
    servers = _endpoints(make_fake_server, "alpha")
    path = _two_endpoint_sweep(tmp_path, servers)
    done = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "o"), "--executor", "ray"])
    assert done.exit_code == 2 and done.stderr.strip() == f"homesec-bench: error: {RAY_MISSING}"
    assert servers[0].request_count == 0


def test_a_run_directory_travels_as_a_tar_of_its_files(tmp_path: Path) -> None:
    source = tmp_path / "run"
    source.mkdir()
    (source / "run.json").write_text("{}")
    (source / "results.jsonl").write_bytes(b'{"a": 1}\n' * 1000)
    (source / "sub").mkdir()  # folders are not part of a run directory's files
    unpack_dir(pack_dir(source), tmp_path / "copy")
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["results.jsonl", "run.json"]
    assert (tmp_path / "copy" / "results.jsonl").read_bytes() == (source / "results.jsonl").read_bytes()


def test_plan_status_tells_new_partial_and_finished_apart(make_fake_server: Any, tmp_path: Path) -> None:
    servers = _endpoints(make_fake_server, "alpha", "beta")
    path = _two_endpoint_sweep(tmp_path, servers)
    out = tmp_path / "out"
    sweep = open_sweep(path, out=out, bench=BENCH)
    assert [state for _, state in plan_status(sweep)] == ["new", "new"]
    run_sweep(sweep, make_executor("local"))
    second = out / sweep.runs[1].name
    (second / RESULTS_FILE).write_text("")
    assert [state for _, state in plan_status(sweep)] == ["finished", "partial"]


def test_a_price_file_prices_the_sweeps_cloud_runs(make_fake_server: Any, tmp_path: Path) -> None:
    (server,) = _endpoints(make_fake_server, "alpha")
    price = "{provider: '*', model: alpha, input: %s, output: 2, source: test, as_of: '2026-11'}"
    (tmp_path / "prices.yaml").write_text(f"prices:\n  - {price % 1}\n")
    (tmp_path / "dearer.yaml").write_text(f"prices:\n  - {price % 100}\n")
    (tmp_path / "broken.yaml").write_text("prices:\n  - {provider: x}\n")
    body = f"tests: {TESTS}\nendpoints:\n  - {{base_url: '{server.base_url}', locality: cloud}}\nprices: "
    path = write_sweep(tmp_path, body + "prices.yaml\n")

    def cost(*flags: str) -> float:
        out = tmp_path / f"out{len(flags)}"
        done = CliRunner().invoke(app, ["sweep", str(path), "--out", str(out), *flags])
        assert done.exit_code == 0, done.output
        return json.loads((out / "leaderboard.json").read_text())["rows"][0]["cost_usd"]

    assert 0 < cost() < cost("--prices", str(tmp_path / "dearer.yaml"))  # the flag wins over the file's
    broken = write_sweep(tmp_path, body + "broken.yaml\n", name="broken-sweep.yaml")
    with pytest.raises(SweepSpecError, match=r"broken-sweep.yaml line 4: prices: .*broken.yaml"):
        open_sweep(broken, out=tmp_path / "o", bench=BENCH)


def test_an_unreachable_ray_address_fails_at_once_in_one_line(unused_port: int) -> None:
    with pytest.raises(
        RaySetupError, match=f"cannot reach the Ray cluster at 127.0.0.1:{unused_port}"
    ) as caught:
        check_reachable(f"127.0.0.1:{unused_port}", timeout_s=2)
    assert "ray start --head" in str(caught.value) and "\n" not in str(caught.value)
    check_reachable("auto")  # left to Ray, which finds the cluster itself
