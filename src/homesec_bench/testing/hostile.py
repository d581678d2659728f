"""A hostile OpenAI-compatible server on 127.0.0.1: it answers with exactly the bytes it is told to.

The scripted `FakeOpenAIServer` always speaks well-formed HTTP and JSON. This one plays what careless
or hostile servers do (issue 11): lone UTF-16 surrogates, emoji halves split across chunks, streams
holding only `[DONE]` or only `choices: []`, 200 bodies without `choices`, media types in odd case,
401 on every request, data after `[DONE]`, terminal escape sequences, keys echoed back. Each answer is
a `Play`: a status, headers and body pieces written one by one (the connection closes after them,
or keeps flooding for `after_body="flood"`).

    with HostileServer(chat=Play(body=sse(chunk(content="\\ud800"), DONE))) as server:
        ... point a client or `homesec-bench run --base-url server.base_url` at it ...

`SCENARIOS` names every misbehaviour, so tests and `python -m homesec_bench.testing.hostile NAME`
can play them by name. The server runs its own event loop in a daemon thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["DONE", "SCENARIOS", "HostileServer", "Play", "chunk", "json_play", "scenario", "sse"]

DONE = b"data: [DONE]\n\n"
# Bounds on the endless plays, so a forgotten client never leaves the server working forever.
_FLOOD_MAX_BYTES = 64 * 1024 * 1024
_HOLD_MAX_S = 120.0


@dataclass(frozen=True)
class Play:
    """One scripted HTTP answer: status, headers, body pieces written (and drained) one at a time."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/event-stream"),)
    body: tuple[bytes, ...] = ()
    # What happens after the body: close the connection, keep it open silently, or keep sending junk.
    after_body: Literal["close", "hold", "flood"] = "close"
    content_length: bool = False
    # A pause between body pieces, so that each arrives in its own read (timing tests).
    gap_s: float = 0.0


Route = Play | Callable[[dict[str, Any]], Play]


def chunk(
    content: str | None = None,
    *,
    reasoning: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    finish: str | None = None,
    choices: list[Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An OpenAI stream chunk; `choices` overrides the single choice built from the other fields."""
    if choices is None:
        delta: dict[str, Any] = {}
        if content is not None:
            delta["content"] = content
        if reasoning is not None:
            delta["reasoning_content"] = reasoning
        if tool_calls is not None:
            delta["tool_calls"] = tool_calls
        choices = [{"index": 0, "delta": delta, "finish_reason": finish}]
    return {"id": "chatcmpl-hostile", "object": "chat.completion.chunk", "choices": choices, **extra}


def sse(*events: dict[str, Any] | str | bytes) -> tuple[bytes, ...]:
    """Body pieces: a dict becomes `data: <json>` (ASCII-escaped, so surrogates travel as `\\ud800`),
    a str becomes `data: <str>`, bytes go out as they are."""
    out = []
    for event in events:
        if isinstance(event, bytes):
            out.append(event)
        elif isinstance(event, str):
            out.append(f"data: {event}\n\n".encode("utf-8", "surrogatepass"))
        else:
            out.append(f"data: {json.dumps(event)}\n\n".encode())
    return tuple(out)


def json_play(payload: Any, status: int = 200, content_type: str = "application/json") -> Play:
    return Play(
        status=status, headers=(("Content-Type", content_type),), body=(json.dumps(payload).encode(),)
    )


def models_play(*ids: str) -> Play:
    return json_play({"object": "list", "data": [{"id": i, "object": "model"} for i in ids]})


def _answer(text: str) -> tuple[bytes, ...]:
    return sse(chunk(content=text), chunk(finish="stop"), DONE)


def _tool_call(name: str, arguments: str) -> dict[str, Any]:
    return {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


ESC_TITLE = "\x1b]0;pwned\x07\x1b[2J\x1b[1;32mALL 96 TESTS PASSED\x1b[0m"

# name -> (chat play, models ids). Every misbehaviour of issue 11 that a server can play.
SCENARIOS: dict[str, tuple[Play, tuple[str, ...]]] = {
    # item 1: lone surrogates anywhere, and an emoji whose UTF-16 halves arrive in two chunks
    "surrogate_content": (Play(body=_answer("ok \ud800 done")), ("hostile-model",)),
    "surrogate_reasoning": (
        Play(body=sse(chunk(reasoning="think \udfff"), chunk(content="ok"), chunk(finish="stop"), DONE)),
        ("hostile-model",),
    ),
    "surrogate_tool_name": (
        Play(body=sse(chunk(tool_calls=[_tool_call("get_\ud800", "{}")]), chunk(finish="tool_calls"), DONE)),
        ("hostile-model",),
    ),
    "surrogate_tool_arguments": (
        Play(
            body=sse(
                chunk(tool_calls=[_tool_call("get_events", '{"camera": "\\ud800"}')]),
                chunk(finish="tool_calls"),
                DONE,
            )
        ),
        ("hostile-model",),
    ),
    "surrogate_tool_arguments_raw": (
        Play(
            body=sse(
                chunk(tool_calls=[_tool_call("get_events", "{\ud800")]), chunk(finish="tool_calls"), DONE
            )
        ),
        ("hostile-model",),
    ),
    "surrogate_error_body": (
        json_play({"error": {"message": "bad \ud800 thing"}}, status=400),
        ("hostile-model",),
    ),
    "surrogate_model_id": (Play(body=_answer("ok")), ("model-\ud800",)),
    "split_emoji": (
        Play(body=sse(chunk(content="smile \ud83d"), chunk(content="\ude00!"), chunk(finish="stop"), DONE)),
        ("hostile-model",),
    ),
    # item 6: no completion at all
    "only_done": (Play(body=(DONE,)), ("hostile-model",)),
    "empty_choices": (
        Play(body=sse(chunk(choices=[]), chunk(choices=[], usage={"completion_tokens": 0}), DONE)),
        ("hostile-model",),
    ),
    "json_without_choices": (json_play({"id": "x", "object": "chat.completion"}), ("hostile-model",)),
    # item 8: a valid spelling of the stream media type
    "mixed_case_media_type": (
        Play(headers=(("Content-Type", "Text/Event-Stream; charset=UTF-8"),), body=_answer("ok")),
        ("hostile-model",),
    ),
    # item 9: the key is refused on every chat request, the warm-up included (the model list is open)
    "unauthorized": (json_play({"error": {"message": "invalid api key"}}, status=401), ("hostile-model",)),
    "forbidden": (json_play({"error": {"message": "forbidden"}}, status=403), ("hostile-model",)),
    # item 16: junk keeps coming after [DONE]
    "data_after_done": (Play(body=_answer("ok"), after_body="flood"), ("hostile-model",)),
    # item 11: escape sequences in the answer, the error line and the model id
    "escape_in_error": (json_play({"error": {"message": ESC_TITLE}}, status=400), ("hostile-model",)),
    "escape_in_model_id": (Play(body=_answer("ok")), ("evil" + ESC_TITLE,)),
    # item 22: an HTTP 200 whose stream is empty (the server crashed)
    "empty_stream": (Play(body=()), ("hostile-model",)),
}


def scenario(name: str) -> HostileServer:
    """A server (not yet started) that plays the named scenario."""
    play, models = SCENARIOS[name]
    return HostileServer(chat=play, models=models_play(*models))


@dataclass
class _Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class HostileServer:
    """Serves `chat` at POST /v1/chat/completions, `models` at GET /v1/models, 404 elsewhere
    (or what `routes` names for a path)."""

    chat: Route = field(default_factory=lambda: Play(body=_answer("ok")))
    models: Route = field(default_factory=lambda: models_play("hostile-model"))
    routes: dict[str, Route] = field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[_Request] = field(default_factory=list)
    # Bytes sent after the scripted body (after_body="flood") before the client hung up.
    flooded: int = 0

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def chat_requests(self) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path.endswith("/chat/completions"))

    # ------------------------------------------------------------------------------- lifecycle

    def start(self) -> HostileServer:
        if self._thread is not None:
            return self
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, args=(ready,), name="hostile", daemon=True)
        self._thread.start()
        if not ready.wait(15) or self._server is None:
            raise RuntimeError("the hostile server did not start")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)
        thread.join(15)
        self._thread = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self, ready: threading.Event) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            self._server = loop.run_until_complete(asyncio.start_server(self._handle, self.host, self.port))
            self.port = self._server.sockets[0].getsockname()[1]
        finally:
            ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            for task in asyncio.all_tasks(loop):
                task.cancel()
            with contextlib.suppress(Exception):
                loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    # ------------------------------------------------------------------------------- serving

    def _route(self, request: _Request) -> Play:
        path = request.path.split("?", 1)[0]
        route: Route | None = self.routes.get(path)
        if route is None and request.method == "POST" and path.endswith("/chat/completions"):
            route = self.chat
        if route is None and request.method == "GET" and path.endswith("/models"):
            route = self.models
        if route is None:
            return json_play({"error": {"message": "not found"}}, status=404)
        return route(request.body) if callable(route) else route

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path = ([*lines[0].split(" "), "", ""])[:2]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            raw = await reader.readexactly(int(headers.get("content-length", "0") or 0))
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            request = _Request(method, path, headers, body)
            with self._lock:
                self.requests.append(request)
            await self._answer(self._route(request), reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, play: Play, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = [f"HTTP/1.1 {play.status} Hostile", "Connection: close"]
        head += [f"{name}: {value}" for name, value in play.headers]
        if play.content_length:
            head.append(f"Content-Length: {sum(len(p) for p in play.body)}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "replace"))
        for piece in play.body:
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(play.gap_s)
        if play.after_body == "flood":
            junk = b'data: {"choices": [{"delta": {"content": "after done"}}]}\n\n' * 1024
            sent = 0
            while sent < _FLOOD_MAX_BYTES and not writer.is_closing():
                writer.write(junk)
                await writer.drain()
                sent += len(junk)
                self.flooded = sent
        elif play.after_body == "hold":
            deadline = time.monotonic() + _HOLD_MAX_S
            while time.monotonic() < deadline and not reader.at_eof():
                await asyncio.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    """`python -m homesec_bench.testing.hostile NAME`: play one scenario until interrupted."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in SCENARIOS:
        print(f"usage: python -m homesec_bench.testing.hostile {{{','.join(SCENARIOS)}}}", file=sys.stderr)
        return 2
    server = scenario(args[0]).start()
    print(server.base_url, flush=True)
    stop = threading.Event()
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
