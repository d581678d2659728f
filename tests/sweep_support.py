"""Helpers the sweep tests share: sweep files, stand-in GGUF files and llama-server, result checks."""

from __future__ import annotations

import json
import sys
import textwrap
from collections import Counter
from pathlib import Path

from homesec_bench.store.run_dir import RESULTS_FILE, RUN_FILE

# Two cheap tests: every sweep test runs these, so a sweep takes well under a second per run.
TESTS = [
    "topic_classification.follow_up_continues_events",
    "topic_classification.camera_fault_switches_to_devices",
]

# A stand-in llama-server: the loopback test server, serving the model name llama-server would (the
# GGUF's stem, given as --alias) on the port it is given, answering `--help` like the real one and
# stopping on SIGTERM. `--marker FILE` (a server argument) gets a line per request, so a test can wait
# for a run to be under way; `--token-interval S` slows the answers; `--hold-after N --release FILE`
# holds every request after the Nth until FILE exists (or the server stops), so a run cannot finish
# before a test has interrupted it, however slow the rest of the machine is.
_STAND_IN = textwrap.dedent(
    """
    import os, signal, sys, threading
    args = sys.argv[1:]
    if "--help" in args or "--version" in args:
        print("--port --no-webui")
        sys.exit(0)

    def arg(name, default=None):
        return args[args.index(name) + 1] if name in args else default

    from homesec_bench.suites import load_benchmark
    from homesec_bench.testing import FakeOpenAIServer, reference_responder

    marker = arg("--marker")
    interval = float(arg("--token-interval", "0"))
    delays = {"token_interval_s": interval}
    reference = reference_responder(load_benchmark(), accuracy=0.5, reply_defaults=delays)

    hold_after = int(arg("--hold-after", "0"))
    release = arg("--release")
    served = []
    stop = threading.Event()

    def respond(body):
        if marker:
            with open(marker, "a") as handle:
                handle.write("request\\n")
        served.append(1)
        while hold_after and len(served) > hold_after and not os.path.exists(release) and not stop.is_set():
            stop.wait(0.01)  # waits for the release file or the end of the server, not for a duration
        return reference(body)

    port = int(arg("--port"))
    server = FakeOpenAIServer(respond, models=[arg("--alias")], port=port, record_requests=False)
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    server.start()
    stop.wait()
    server.stop()
    """
)


def write_sweep(folder: Path, body: str, name: str = "sweep.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def fake_gguf(path: Path) -> Path:
    """A file that passes the GGUF header check (the stand-in server never reads it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + bytes(56))
    return path


def stand_in_llama_server(folder: Path) -> Path:
    script = folder / "llama-server"
    script.write_text(f"#!{sys.executable}\n{_STAND_IN}", encoding="utf-8")
    script.chmod(0o755)
    return script


def result_keys(run_dir: Path) -> list[tuple[str, int]]:
    """(test id, attempt) of every complete line of the run's results, in file order."""
    keys = []
    for line in (run_dir / RESULTS_FILE).read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            keys.append((data["test_id"], data["attempt"]))
    return keys


def assert_no_test_twice(run_dir: Path) -> None:
    twice = [key for key, count in Counter(result_keys(run_dir)).items() if count > 1]
    assert not twice, f"{run_dir.name} ran {twice} more than once"


def finished_at(run_dir: Path) -> str | None:
    return json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8")).get("finished_at")
