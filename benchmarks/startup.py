"""How fast the command starts: `--help`, `list`, and a run's first request, timed like hyperfine.

    .venv/bin/python benchmarks/startup.py [--runs 10] [--warmup 2] [--src DIR] [--compare-src DIR]

Each case is a fresh `python -m homesec_bench ...` process, run --warmup times untimed and then --runs
times; the table shows the median and the spread of wall time, the median CPU time (user + system of
the child), and the median against the issue-12 goal on a 2-core machine:

    --help          <= 0.3 s   (the whole process)
    list            <= 0.6 s   (the whole process, output to a pipe)
    first request   <= 0.5 s   (process start to the first chat request reaching the endpoint)

and, for where the time goes, the first HTTP request of any kind and the first request of a run at
--concurrency 4, which also starts its grader process (no goal).

For the first request the benchmark serves a minimal endpoint itself (a thread of this process): it
answers `GET /models` with one model, 404 to everything else but the chat request, and records when the
first `POST .../chat/completions` arrives; the run is then stopped. `first HTTP` is the first request
of any kind (endpoint discovery), shown for where the time goes.

--src DIR runs the package found in DIR (a `src` folder, e.g. of an older checkout made with
`git archive <rev> src | tar -x -C /tmp/old`) instead of the installed one; --compare-src DIR adds a
second column set for DIR, so before and after are measured on the same machine in one go.

The header says whether the package starts from cached bytecode. A checkout run with
PYTHONDONTWRITEBYTECODE set never writes any, so every start compiles the package's own source (about
a tenth of a run's start here); an installed wheel has its bytecode. `python -m compileall DIR`
gives a checkout or a copy its bytecode.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

GOALS_S = {"--help": 0.3, "list": 0.6, "first request": 0.5}
MODEL = "startup-probe"
RUN_TIMEOUT_S = 60.0


@dataclass
class Sample:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _env(src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    env["COLUMNS"] = "100"
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(args: list[str], src: Path | None, runs: int, warmup: int) -> Sample:
    sample = Sample()
    command = [sys.executable, "-m", "homesec_bench", *args]
    for i in range(warmup + runs):
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        done = subprocess.run(command, env=_env(src), capture_output=True)
        wall = time.perf_counter() - t0
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        if i >= warmup:
            sample.wall.append(wall)
            sample.cpu.append(_children_cpu() - cpu0)
    return sample


class _Probe(BaseHTTPRequestHandler):
    first_any: float | None = None
    first_chat: float | None = None
    chat_seen = threading.Event()
    # Each run's base URL starts with its own /run<N>: a request the previous run had in flight when it
    # was stopped (a concurrent run sends several) is not taken for this run's.
    current = ""

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _ours(self) -> bool:
        return self.path.startswith(_Probe.current + "/")

    def _seen(self) -> None:
        if _Probe.first_any is None and self._ours():
            _Probe.first_any = time.perf_counter()

    def _reply(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._seen()
        if self.path.rstrip("/").endswith("/models"):
            self._reply(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})
        else:
            self._reply(404, {"error": {"message": "not here"}})

    def do_POST(self) -> None:
        self._seen()
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.endswith("/chat/completions"):
            if self._ours():
                if _Probe.first_chat is None:
                    _Probe.first_chat = time.perf_counter()
                _Probe.chat_seen.set()
            self._reply(503, {"error": {"message": "startup probe: measured, stopping"}})
        else:
            self._reply(404, {"error": {"message": "not here"}})


def time_first_request(
    src: Path | None, runs: int, warmup: int, extra: tuple[str, ...] = ()
) -> tuple[Sample, Sample]:
    """Process start to the first chat request, and to the first HTTP request of any kind."""
    chat, first = Sample(), Sample()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Probe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for i in range(warmup + runs):
            _Probe.current = f"/run{i}"
            base_url = f"{root}/run{i}/v1"
            _Probe.first_any = _Probe.first_chat = None
            _Probe.chat_seen.clear()
            with tempfile.TemporaryDirectory() as out:
                command = [
                    sys.executable, "-m", "homesec_bench", "run", "--base-url", base_url, "--model", MODEL,
                    "--suite", "context_preprocessing", "--no-warmup", "--retries", "0",
                    "--out", str(Path(out) / "run"), *extra,
                ]  # fmt: skip
                t0 = time.perf_counter()
                proc = subprocess.Popen(
                    command, env=_env(src), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                try:
                    if not _Probe.chat_seen.wait(RUN_TIMEOUT_S):
                        raise SystemExit("the run sent no chat request; run it by hand to see why")
                finally:
                    proc.terminate()
                    try:
                        proc.wait(10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
            if i >= warmup:
                assert _Probe.first_chat is not None and _Probe.first_any is not None
                chat.wall.append(_Probe.first_chat - t0)
                first.wall.append(_Probe.first_any - t0)
    finally:
        server.shutdown()
        server.server_close()
    return chat, first


def bytecode(src: Path | None) -> str:
    """Whether the measured package's modules load from cached bytecode or compile at every start."""
    probe = (
        "import importlib.util, os, homesec_bench.models as m; "
        "print(os.path.exists(importlib.util.cache_from_source(m.__file__)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=_env(src), capture_output=True, text=True)
    if done.stdout.strip() == "True":
        return "cached"
    why = " (PYTHONDONTWRITEBYTECODE is set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return f"none{why}: every start compiles the package's source"


def measure(src: Path | None, runs: int, warmup: int) -> dict[str, Sample]:
    results = {
        "--help": time_command(["--help"], src, runs, warmup),
        "list": time_command(["list"], src, runs, warmup),
    }
    chat, first = time_first_request(src, runs, warmup)
    results["first request"] = chat
    results["first HTTP"] = first
    # A concurrent run also starts its grader process (runner/grading.py) before the warm-up.
    results["first request -c 4"], _ = time_first_request(src, runs, warmup, ("--concurrency", "4"))
    return results


def _fmt(sample: Sample) -> str:
    wall = statistics.median(sample.wall)
    spread = f"{min(sample.wall):.3f}-{max(sample.wall):.3f}"
    cpu = f"{statistics.median(sample.cpu):.3f}" if sample.cpu else "  -  "
    return f"{wall:7.3f} s ({spread})  cpu {cpu}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--src", type=Path, default=None, help="measure the package in this src folder")
    parser.add_argument("--compare-src", type=Path, default=None, help="also measure this src folder")
    args = parser.parse_args(argv)
    columns = {"this": measure(args.src, args.runs, args.warmup)}
    if args.compare_src is not None:
        columns["compare"] = measure(args.compare_src, args.runs, args.warmup)
    print(f"median of {args.runs} runs after {args.warmup} warm-up runs; {os.cpu_count()} CPUs")
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, src in (("this", args.src), ("compare", args.compare_src)):
        if name in columns:
            print(f"package bytecode{f' [{name}]' if len(columns) > 1 else ''}: {bytecode(src)}")
    for case in ("--help", "list", "first request", "first HTTP", "first request -c 4"):
        goal = GOALS_S.get(case)
        for name, results in columns.items():
            sample = results[case]
            ratio = f"  {statistics.median(sample.wall) / goal:5.2f}x goal ({goal:g} s)" if goal else ""
            label = f"{case} [{name}]" if len(columns) > 1 else case
            print(f"{label:26} {_fmt(sample)}{ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
