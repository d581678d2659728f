"""A real, scripted OpenAI-compatible server on 127.0.0.1, for tests, benchmarks and subprocess runs.

    with FakeOpenAIServer(fixed(Reply(content="hello there"))) as server:
        ... point any client at server.base_url ...

It runs its own event loop in a daemon thread, so sync tests, async tests and other threads can all
use it. Each request body goes to a responder (a function from body to `Reply`), and the reply is
streamed back as OpenAI chunks (or one JSON body), with the scripted delays and faults. In zero-delay
mode a whole stream is one write, so it sustains thousands of requests per second.

Endpoints: POST /v1/chat/completions, POST /v1/messages (the Anthropic dialect, anthropic_dialect.py),
GET /v1/models, GET /props (llama-server style), GET /health.

`dialect=` (testing/dialects.py) makes /v1/chat/completions play a cloud provider's differences: the
parameters it rejects and its error body, where streamed usage goes, how tool calls are chunked.

    python -m homesec_bench.testing --port 0 --accuracy 0.8
prints its base URL on stdout and serves the benchmark's reference answers until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from aiohttp import web

from homesec_bench.testing import anthropic_dialect
from homesec_bench.testing.dialects import OPENAI, Dialect, dialect_for
from homesec_bench.testing.reply import (
    FAULTS,
    HTTP_FAULTS,
    Reply,
    count_prompt_tokens,
    group_deltas,
    non_stream_message,
    token_deltas,
)
from homesec_bench.testing.responders import Responder, fixed, reference_responder, with_faults

__all__ = ["FakeOpenAIServer", "Responder", "build_cli_responder", "main"]

# Where a stream fault strikes: after this many token chunks (fewer if the answer is shorter).
_FAULT_AFTER_CHUNKS = 3
# Bounds on the endless faults, so a forgotten client never leaves a server working forever.
_HUGE_MAX_CHARS = 50_000_000
_TRICKLE_MAX_TOKENS = 3_000
_WAIT_FOR_CLIENT_MAX_S = 600.0
_HUGE_TOKENS_PER_WRITE = 512


class _ClientGone(Exception):
    """The client closed the connection; stop producing."""


def _error_body(message: str, kind: str, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def _error(status: int, message: str, kind: str, code: str | None = None, **extra: Any) -> web.Response:
    headers = extra.pop("headers", None)
    return web.json_response(_error_body(message, kind, code, **extra), status=status, headers=headers)


class _Chunks:
    """Serialises chunks of one completion with a fixed prefix (fast: one dumps per delta)."""

    def __init__(self, model: str, ident: int) -> None:
        self.prefix = (
            f'{{"id":"chatcmpl-fake-{ident}","object":"chat.completion.chunk","created":{int(time.time())},'
            f'"model":{json.dumps(model)},"choices":'
        )

    def delta(self, delta: dict[str, Any], finish: str | None = None, extra: str = "") -> bytes:
        finish_text = "null" if finish is None else json.dumps(finish)
        body = (
            f'[{{"index":0,"delta":{json.dumps(delta, ensure_ascii=False)},"finish_reason":{finish_text}}}]'
        )
        return f"data: {self.prefix}{body}{extra}}}\n\n".encode()

    def usage(self, usage: dict[str, Any]) -> bytes:
        return f'data: {self.prefix}[],"usage":{json.dumps(usage)}}}\n\n'.encode()


class _Writer:
    """Writes SSE events to the response, bent by the split_events / keepalive / crlf faults."""

    def __init__(self, response: web.StreamResponse, request: web.Request, faults: set[str]) -> None:
        self.response = response
        self.request = request
        self.split = "split_events" in faults
        self.keepalive = "keepalive" in faults
        self.crlf = "crlf" in faults

    def client_gone(self) -> bool:
        transport = self.request.transport
        return transport is None or transport.is_closing()

    async def raw(self, data: bytes) -> None:
        if self.client_gone():
            raise _ClientGone
        try:
            await self.response.write(data)
        except (ConnectionError, RuntimeError, OSError) as exc:
            raise _ClientGone from exc

    async def event(self, data: bytes) -> None:
        if self.crlf:
            data = data.replace(b"\n", b"\r\n")
        if self.keepalive:
            await self.raw(b": ping\r\n\r\n" if self.crlf else b": ping\n\n")
        if not self.split:
            await self.raw(data)
            return
        # Small odd-sized pieces land inside multi-byte UTF-8 sequences and between CR and LF.
        sizes = itertools.cycle((1, 3, 2, 5, 7))
        start = 0
        while start < len(data):
            end = start + next(sizes)
            await self.raw(data[start:end])
            start = end
            await asyncio.sleep(0)

    async def wait_for_client_to_leave(self, limit_s: float = _WAIT_FOR_CLIENT_MAX_S) -> None:
        deadline = time.monotonic() + limit_s
        while not self.client_gone() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)


class FakeOpenAIServer:
    """A scripted OpenAI chat server on a loopback port. See the module docstring."""

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        models: tuple[str, ...] | list[str] = ("fake-model",),
        api_key: str | None = None,
        props: dict[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        record_requests: bool = True,
        dialect: Dialect | None = None,
    ) -> None:
        self.responder: Responder = responder or fixed(Reply(content="ok"))
        self.dialect = dialect or OPENAI
        self.models = list(models)
        self.api_key = api_key
        self.props = props
        self.host = host
        self.port = port
        self.record_requests = record_requests
        self._requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._startup_error: BaseException | None = None
        self.active_requests = 0
        self.disconnects = 0
        self.request_count = 0

    # ---------------------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every request body received so far (a copy, safe to read from any thread)."""
        with self._lock:
            return list(self._requests)

    def start(self) -> FakeOpenAIServer:
        if self._thread is not None:
            return self
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, args=(ready,), name="fake-openai", daemon=True)
        self._thread.start()
        if not ready.wait(15):
            raise RuntimeError("the fake OpenAI server did not start within 15 s")
        if self._startup_error is not None:
            self._thread.join(5)
            self._thread = None
            raise RuntimeError(f"the fake OpenAI server could not start: {self._startup_error}")
        return self

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)
        thread.join(15)
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self, ready: threading.Event) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._setup())
        except BaseException as exc:
            self._startup_error = exc
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._teardown())
            loop.close()

    async def _setup(self) -> None:
        app = web.Application(middlewares=[self._auth_middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/messages", self._messages)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/props", self._props)
        app.router.add_get("/health", self._health)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock, backlog=1024)
        await site.start()

    async def _teardown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._runner.cleanup(), 5)

    # ----------------------------------------------------------------------------- endpoints

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        given = request.headers.get("Authorization", "")
        if request.headers.get("x-api-key") is not None:
            given = f"Bearer {request.headers['x-api-key']}"  # the Anthropic dialect's header
        if self.api_key is not None and given != f"Bearer {self.api_key}":
            if request.path.endswith("/messages"):
                return anthropic_dialect.error_response(401, "invalid x-api-key")
            # Echoes the key it got, as careless servers do, so tests can prove clients mask it.
            shown = given.removeprefix("Bearer ") or "(none)"
            return _error(
                401, f"Incorrect API key provided: {shown}.", "invalid_request_error", "invalid_api_key"
            )
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self.active_requests += 1
        try:
            return await handler(request)
        finally:
            self.active_requests -= 1
            if task is not None:
                self._tasks.discard(task)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _models(self, request: web.Request) -> web.Response:
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "homesec-fake"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _props(self, request: web.Request) -> web.Response:
        first = self.models[0] if self.models else "fake-model"
        props: dict[str, Any] = {
            "model_path": f"/models/{first}.gguf",
            "total_slots": 1,
            "build_info": "homesec-fake",
            "default_generation_settings": {"n_ctx": 4096},
        }
        props.update(self.props or {})
        return web.json_response(props)

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        """The Anthropic Messages dialect (see testing/anthropic_dialect.py)."""
        return await anthropic_dialect.handle_messages(self, request)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            body = json.loads(await request.read())
        except ValueError:
            return _error(400, "The request body is not valid JSON.", "invalid_request_error")
        if not isinstance(body, dict):
            return _error(400, "The request body must be a JSON object.", "invalid_request_error")
        self.request_count += 1
        if self.record_requests:
            with self._lock:
                self._requests.append(body)
        model = body.get("model")
        if self.models and model is not None and model not in self.models:
            return _error(
                404, f"The model '{model}' does not exist.", "invalid_request_error", "model_not_found"
            )
        try:
            reply = self.responder(body)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            return _error(500, f"fake server responder raised {type(exc).__name__}: {exc}", "server_error")
        early = self._early_answer(body, reply)
        if early is not None:
            return early
        faults = reply.faults()
        stream = reply.stream if reply.stream is not None else bool(body.get("stream"))
        ident = next(self._ids)
        if not stream:
            return await self._whole(request, body, reply, faults, ident)
        return await self._stream(request, body, reply, faults, ident)

    def _early_answer(self, body: dict[str, Any], reply: Reply) -> web.Response | None:
        """The error replies that need no stream: rejected parameters (the dialect's, or a scripted
        one, in the dialect's error body), scripted statuses, HTTP faults."""
        refused = self.dialect.refused(body)
        param = reply.rejected_param()
        if param is not None and param in body and param not in refused:
            refused.insert(0, param)
        if refused:
            refused_status, error = self.dialect.error(refused, body)
            return web.json_response(error, status=refused_status)
        if reply.status is not None and reply.status >= 400:
            return _error(reply.status, f"scripted status {reply.status}", "server_error")
        for fault in reply.faults():
            status = HTTP_FAULTS.get(fault)
            if status is None:
                continue
            headers = {}
            if reply.retry_after is not None:
                headers["Retry-After"] = f"{reply.retry_after:g}"
            kind = "rate_limit_exceeded" if status == 429 else "server_error"
            return _error(status, f"fake {fault}", kind, headers=headers)
        return None

    # ------------------------------------------------------------------------------ answers

    def _usage(self, body: dict[str, Any], reply: Reply, completion: int) -> dict[str, Any]:
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else count_prompt_tokens(body)
        usage: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if reply.cached_tokens is not None:
            usage["prompt_tokens_details"] = {"cached_tokens": reply.cached_tokens}
        return usage

    def _timings(self, body: dict[str, Any], reply: Reply, completion: int, chunks: int) -> dict[str, Any]:
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else count_prompt_tokens(body)
        predicted_ms = max(chunks - 1, 0) * reply.token_interval_s * 1000.0
        prompt_ms = reply.first_token_delay_s * 1000.0
        return {
            "cache_n": reply.cached_tokens or 0,
            "prompt_n": prompt,
            "prompt_ms": prompt_ms,
            "prompt_per_second": prompt / (prompt_ms / 1000.0) if prompt_ms > 0 else None,
            "predicted_n": completion,
            "predicted_ms": predicted_ms,
            "predicted_per_second": (completion - 1) / (predicted_ms / 1000.0) if predicted_ms > 0 else None,
        }

    async def _whole(
        self, request: web.Request, body: dict[str, Any], reply: Reply, faults: set[str], ident: int
    ) -> web.StreamResponse:
        deltas = token_deltas(reply)
        chunks = group_deltas(deltas, reply.tokens_per_chunk)
        if "huge" in faults:
            reply = Reply(content="lorem " * 1_000_000)
        delay = reply.first_token_delay_s + max(len(chunks) - 1, 0) * reply.token_interval_s
        if delay > 0:
            await asyncio.sleep(delay)
        if faults & {"stall", "trickle"}:
            response = web.StreamResponse(headers={"Content-Type": "application/json"})
            await response.prepare(request)
            await _Writer(response, request, set()).wait_for_client_to_leave()
            self.disconnects += 1
            return response
        if "invalid_json_chunk" in faults:
            return web.Response(body=b'{"choices": [{"message": ', content_type="application/json")
        if "error_event" in faults:
            return web.json_response(_error_body("fake error in the answer", "server_error"))
        payload: dict[str, Any] = {
            "id": f"chatcmpl-fake-{ident}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or (self.models[0] if self.models else "fake-model"),
            "choices": [{"index": 0, "message": non_stream_message(reply), "finish_reason": reply.finish()}],
        }
        if reply.send_usage:
            payload["usage"] = self._usage(body, reply, len(deltas))
        if reply.send_timings:
            payload["timings"] = self._timings(body, reply, len(deltas), len(chunks))
        data = json.dumps(payload, ensure_ascii=False).encode()
        if "reset_mid_stream" in faults:
            response = web.StreamResponse(headers={"Content-Type": "application/json"})
            response.content_length = len(data)
            await response.prepare(request)
            with contextlib.suppress(ConnectionError, RuntimeError, OSError):
                await response.write(data[: len(data) // 2])
            if request.transport is not None:
                request.transport.abort()
            return response
        return web.Response(body=data, content_type="application/json")

    async def _stream(
        self, request: web.Request, body: dict[str, Any], reply: Reply, faults: set[str], ident: int
    ) -> web.StreamResponse:
        model = body.get("model") or (self.models[0] if self.models else "fake-model")
        chunker = _Chunks(str(model), ident)
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        deltas = token_deltas(reply)
        chunks = self.dialect.shape_tool_calls(group_deltas(deltas, reply.tokens_per_chunk))
        tail = self._tail(chunker, body, reply, len(deltas), len(chunks), include_usage)
        role = self.dialect.opening() + chunker.delta({"role": "assistant", "content": ""})
        if not faults and reply.first_token_delay_s <= 0 and reply.token_interval_s <= 0:
            # The fast path: the whole stream in one write, for load tests.
            data = b"".join([role, *(chunker.delta(d) for d in chunks), tail])
            return web.Response(
                body=data, headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
            )
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        writer = _Writer(response, request, faults)
        try:
            await self._write_stream(writer, chunker, reply, faults, chunks, tail)
        except _ClientGone:
            self.disconnects += 1
            return response
        except asyncio.CancelledError:
            raise
        with contextlib.suppress(ConnectionError, RuntimeError, OSError):
            await response.write_eof()
        return response

    def _tail(
        self,
        chunker: _Chunks,
        body: dict[str, Any],
        reply: Reply,
        tokens: int,
        chunks: int,
        include_usage: bool,
    ) -> bytes:
        """The finish chunk (with llama-server timings if asked), the usage where the dialect puts it,
        and [DONE]."""
        extra = ""
        if reply.send_timings:
            extra = f',"timings":{json.dumps(self._timings(body, reply, tokens, chunks))}'
        usage = self._usage(body, reply, tokens) if reply.send_usage else None
        return self.dialect.tail(chunker, reply.finish(), usage, include_usage, extra)

    async def _write_stream(
        self,
        writer: _Writer,
        chunker: _Chunks,
        reply: Reply,
        faults: set[str],
        chunks: list[dict[str, Any]],
        tail: bytes,
    ) -> None:
        opening = self.dialect.opening()
        if opening:
            await writer.raw(opening)
        await writer.event(chunker.delta({"role": "assistant", "content": ""}))
        # Token times are scheduled from one origin, so sleep overshoot never accumulates into the
        # scripted rate: token i is due at first_token_delay_s + i * token_interval_s.
        loop = asyncio.get_running_loop()
        origin = loop.time() + reply.first_token_delay_s
        if reply.first_token_delay_s > 0:
            await asyncio.sleep(reply.first_token_delay_s)
        if "huge" in faults:
            await self._write_huge(writer, chunker)
            return
        if "trickle" in faults:
            await self._write_trickle(writer, chunker, reply)
            return
        strike = min(_FAULT_AFTER_CHUNKS, max(len(chunks) - 1, 0))
        for index, delta in enumerate(chunks):
            if index == strike:
                if "reset_mid_stream" in faults:
                    transport = writer.request.transport
                    if transport is not None:
                        transport.abort()
                    raise _ClientGone
                if "stall" in faults:
                    await writer.wait_for_client_to_leave()
                    raise _ClientGone
                if "invalid_json_chunk" in faults:
                    await writer.event(b'data: {"choices": [{"delta": {"content": "broken\n\n')
                if "error_event" in faults:
                    error = _error_body("fake error mid-stream", "server_error", "internal_error")
                    await writer.event(f"data: {json.dumps(error)}\n\n".encode())
                    return
            if index and reply.token_interval_s > 0:
                await asyncio.sleep(max(0.0, origin + index * reply.token_interval_s - loop.time()))
            await writer.event(chunker.delta(delta))
        if not chunks and faults & {"reset_mid_stream", "stall", "error_event"}:
            # An empty answer still gets its fault, before the end of the stream.
            if "reset_mid_stream" in faults and writer.request.transport is not None:
                writer.request.transport.abort()
                raise _ClientGone
            if "stall" in faults:
                await writer.wait_for_client_to_leave()
                raise _ClientGone
            await writer.event(f"data: {json.dumps(_error_body('fake error', 'server_error'))}\n\n".encode())
            return
        if "no_done" in faults:
            return
        for event in tail.split(b"\n\n"):
            if event:
                await writer.event(event + b"\n\n")

    async def _write_huge(self, writer: _Writer, chunker: _Chunks) -> None:
        one = chunker.delta({"content": "lorem "})
        batch = one * _HUGE_TOKENS_PER_WRITE
        written = 0
        while written < _HUGE_MAX_CHARS:
            await writer.raw(batch)
            written += 6 * _HUGE_TOKENS_PER_WRITE
            await asyncio.sleep(0)
        await writer.raw(b"data: [DONE]\n\n")

    async def _write_trickle(self, writer: _Writer, chunker: _Chunks, reply: Reply) -> None:
        interval = reply.token_interval_s if reply.token_interval_s > 0 else 0.2
        for _ in range(_TRICKLE_MAX_TOKENS):
            await writer.event(chunker.delta({"content": "drip "}))
            await asyncio.sleep(interval)


# ------------------------------------------------------------------------------------------ CLI


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m homesec_bench.testing",
        description="A scripted OpenAI-compatible server on 127.0.0.1 that answers the benchmark's tests.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--accuracy", type=float, default=1.0, help="share of tests answered right")
    parser.add_argument("--seed", type=int, default=0, help="chooses which tests are answered wrong")
    parser.add_argument("--delay-first", type=float, default=0.0, help="seconds before the first token")
    parser.add_argument("--token-interval", type=float, default=0.0, help="seconds between tokens")
    parser.add_argument("--model", action="append", help="model name to serve (repeatable)")
    parser.add_argument("--api-key", default=None, help="require this bearer key (tests only)")
    parser.add_argument("--fault", default=None, help=f"fault to inject: {', '.join(sorted(FAULTS))}")
    parser.add_argument("--fault-rate", type=float, default=1.0, help="share of tests that get the fault")
    parser.add_argument(
        "--fault-times", type=int, default=0, help="fault only a test's first N attempts (0: every attempt)"
    )
    parser.add_argument("--retry-after", type=float, default=None, help="Retry-After seconds for http_429")
    parser.add_argument("--data-dir", default=None, help="suite data folder (default: the packaged suites)")
    parser.add_argument(
        "--dialect",
        default=None,
        help="play a preset's provider differences (rejected parameters, error bodies, where usage goes, "
        "tool-call chunks): a preset name, as `homesec-bench list presets` shows them",
    )
    return parser.parse_args(argv)


def build_cli_responder(args: argparse.Namespace) -> Responder:
    from homesec_bench.suites.loader import load_benchmark

    defaults = {"first_token_delay_s": args.delay_first, "token_interval_s": args.token_interval}
    bench = load_benchmark(args.data_dir)
    reference = reference_responder(bench, accuracy=args.accuracy, seed=args.seed, reply_defaults=defaults)
    if not args.fault:
        return reference

    def is_test(body: dict[str, Any]) -> bool:
        # The warm-up and other non-test requests are never faulted, so a run can always start.
        return reference.test_for_body(body) is not None

    return with_faults(
        reference,
        args.fault,
        rate=args.fault_rate,
        seed=args.seed,
        times=args.fault_times,
        only=is_test,
        retry_after=args.retry_after,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.fault:
        known = args.fault in FAULTS or args.fault.startswith("reject_param:")
        if not known:
            print(f"unknown fault {args.fault!r}; choose from {', '.join(sorted(FAULTS))}", file=sys.stderr)
            return 2
    try:
        dialect = dialect_for(args.dialect) if args.dialect else None
    except ValueError as exc:
        print(f"unknown --dialect: {exc}", file=sys.stderr)
        return 2
    try:
        responder = build_cli_responder(args)
    except Exception as exc:
        print(f"cannot load the benchmark: {exc}", file=sys.stderr)
        return 2
    server = FakeOpenAIServer(
        responder,
        models=tuple(args.model or ["fake-model"]),
        api_key=args.api_key,
        port=args.port,
        record_requests=False,
        dialect=dialect,
    )
    try:
        server.start()
    except RuntimeError as exc:
        print(f"{exc}; choose another --port", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(server.base_url, flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    # The old entry point, kept so it still works; runpy warns about it because the package imports
    # this module first. `python -m homesec_bench.testing` is the one to use.
    sys.exit(main())
