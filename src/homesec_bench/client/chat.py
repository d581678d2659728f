"""The async OpenAI chat client: one streamed request in, one honest RequestRecord out.

Timing follows the serving benchmarks: every attempt starts its own perf_counter clock the moment the
request is sent, so connection set-up counts but retry waits never land inside a TTFT. Endpoint
trouble is never raised from `complete`; it comes back as `error` / `error_kind` (vocabulary in
`homesec_bench.client.errors`). The API key travels only in the Authorization header: it is masked
out of every error text, and request bodies never hold it.

The transport is aiohttp rather than httpx: httpx's connection pool costs milliseconds per request
once dozens of requests are in flight (encode/httpx#3215), which would be the harness measuring
itself; aiohttp keeps the client's own cost well under a millisecond.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import socket
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import aiohttp

from homesec_bench.client.accumulate import Accumulator, StreamError
from homesec_bench.client.errors import (
    RETRYABLE_KINDS,
    EndpointError,
    EndpointNotFound,
    EndpointUnauthorized,
    EndpointUnreachable,
    one_line,
)
from homesec_bench.client.params import DROPPABLE, apply_drops, rejected_param
from homesec_bench.client.retry import backoff_delay, parse_retry_after
from homesec_bench.client.server_info import describe_server
from homesec_bench.client.sse import SSEEvent, SSEParser
from homesec_bench.client.text import printable, redact_secrets, storable, storable_value
from homesec_bench.client.urls import api_root, endpoint_url
from homesec_bench.models import RequestRecord

_ERROR_BODY_LIMIT = 64_000
# Query parameters whose values are credentials (`?api-key=...`, `?token=...`).
_SECRET_QUERY = re.compile(r"key|token|secret|password|sig", re.IGNORECASE)
# A non-streamed answer is read whole; JSON framing and escapes make it longer than its text.
_JSON_OVERHEAD = 4
_JSON_HEADERS = {"Content-Type": "application/json"}
# After [DONE] the rest of the body (normally just the chunked terminator) is read so the connection
# can be reused, but never more than this much, nor for longer: a server that keeps sending after
# [DONE] loses the connection instead.
_DRAIN_S = 0.25
_DRAIN_BYTES = 4096


def safe_url(url: str) -> str:
    """The URL without user info, query or fragment: the parts that may carry credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def env_proxy(url: str) -> str | None:
    """The proxy the environment (HTTP(S)_PROXY, NO_PROXY) names for this URL; never for loopback."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host == "localhost" or host.startswith("127.") or host == "::1":
        return None
    if urllib.request.proxy_bypass(host):
        return None
    return urllib.request.getproxies().get(parts.scheme) or None


@dataclass
class _Failure:
    kind: str
    message: str
    status: int | None = None
    retry_after_s: float | None = None
    error_body: Any = None
    # Retried at most once: a second attempt tells a passing hiccup from a server that fails every
    # time (an empty 200 stream: it crashed on this request); more identical attempts cannot help.
    retry_once: bool = False


class ChatClient:
    """The OpenAI chat-completions client. A backend for another wire protocol subclasses it and
    overrides the class attributes and the small hooks below (`_auth_headers`, `_accumulator`,
    `_with_streaming`); the transport, timing, retries and error mapping stay shared."""

    # Path of the chat endpoint under the base URL, and the variable named when a key is missing.
    path = "/chat/completions"
    key_env_hint = "OPENAI_API_KEY"

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        connect_timeout_s: float = 10.0,
        idle_timeout_s: float = 60.0,
        total_timeout_s: float = 300.0,
        max_output_chars: int = 200_000,
        max_retries: int = 3,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 20.0,
        max_connections: int = 64,
        url_flag: str = "--base-url",
        key_env: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        if key_env:
            # The variable the key was read from (a preset's GROQ_API_KEY, say), named on a 401.
            self.key_env_hint = key_env
        # The flag that set this URL, named in messages (the vision endpoint has its own).
        self._url_flag = url_flag
        self._shown_url = safe_url(self.base_url)
        self._api_key = api_key or None
        self._secrets = url_secrets(self.base_url) + ([self._api_key] if self._api_key else [])
        self.connect_timeout_s = connect_timeout_s
        self.idle_timeout_s = idle_timeout_s
        self.total_timeout_s = total_timeout_s
        self.max_output_chars = max_output_chars
        self.max_retries = max(0, max_retries)
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.max_connections = max(1, max_connections)
        self._rng = random.Random()
        # Parameters this endpoint rejected once; later requests leave them out up front.
        self._dropped: list[str] = []
        self._headers = {"Accept": "application/json, text/event-stream", **self._auth_headers()}
        self._proxy = env_proxy(self.base_url)
        # Created on first use: an aiohttp session belongs to the event loop it was made in.
        self._http: aiohttp.ClientSession | None = None
        self._http_loop: asyncio.AbstractEventLoop | None = None

    def _auth_headers(self) -> dict[str, str]:
        """The headers that carry the API key (and any the protocol requires on every request)."""
        return {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    def _accumulator(self, t0: float) -> Accumulator:
        """What turns this protocol's decoded events into a RequestRecord."""
        return Accumulator(t0)

    async def __aenter__(self) -> ChatClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._http is not None and not self._http.closed:
            await self._http.close()
        self._http = None

    def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._http is not None and self._http_loop is not loop:
            # Used from a new event loop (a second asyncio.run): the old session cannot serve it.
            self._http = None
        if self._http is None or self._http.closed:
            self._http_loop = loop
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_connections, limit_per_host=0),
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=self.connect_timeout_s, sock_read=self.idle_timeout_s
                ),
                # Proxy settings are read once, in __init__, not per request: aiohttp's trust_env looks
                # them up in a worker thread for every request, a large share of the client's cost.
                trust_env=False,
            )
        return self._http

    @property
    def dropped_params(self) -> list[str]:
        """Parameters this endpoint has rejected so far (left out of every later request)."""
        return list(self._dropped)

    # ------------------------------------------------------------------------------- completions

    async def complete(self, body: dict[str, Any]) -> RequestRecord:
        """Send one chat completion (streamed unless the body says `stream: false`) and measure it."""
        body = self._with_streaming(body)
        dropped = [name for name in self._dropped if name in body]
        deadline = time.perf_counter() + self.total_timeout_s
        attempts = 0
        retries = 0
        retry_wait = 0.0
        sent = body
        record = RequestRecord()
        # Bounded: each fallback drops a new parameter, each retry spends the retry budget.
        for _ in range(len(DROPPABLE) + self.max_retries + 1):
            sent = apply_drops(body, dropped)
            attempts += 1
            record, failure = await self._attempt(sent, deadline)
            if failure is None:
                break
            if failure.kind == "http_4xx" and failure.status is not None:
                param = rejected_param(failure.status, failure.error_body, sent)
                if param is not None and param not in dropped:
                    dropped.append(param)
                    if param not in self._dropped:
                        self._dropped.append(param)
                    continue
            if failure.kind not in RETRYABLE_KINDS or retries >= self.max_retries:
                break
            if failure.retry_once and retries >= 1:
                record.error = one_line(
                    f"{record.error}; retried once, the same again: retrying cannot fix a server that "
                    "fails on this request (restart it, or lower --concurrency if it ran out of memory)"
                )
                break
            wait = backoff_delay(
                retries + 1,
                base_s=self.backoff_base_s,
                max_s=self.backoff_max_s,
                retry_after_s=failure.retry_after_s,
                rng=self._rng,
            )
            if time.perf_counter() + wait >= deadline:
                record.error = one_line(f"{record.error} (no time left to retry within the total timeout)")
                break
            retries += 1
            retry_wait += wait
            await asyncio.sleep(wait)
        record.request_body = sent
        record.attempts = attempts
        record.retry_wait_s = retry_wait
        record.dropped_params = list(dropped)
        _make_storable(record, self._secrets)
        return record

    def _with_streaming(self, body: dict[str, Any]) -> dict[str, Any]:
        out = dict(body)
        if out.get("stream") is False:
            out.pop("stream_options", None)
            return out
        out["stream"] = True
        options = out.get("stream_options")
        out["stream_options"] = {**(options if isinstance(options, dict) else {}), "include_usage": True}
        return out

    async def _attempt(self, body: dict[str, Any], deadline: float) -> tuple[RequestRecord, _Failure | None]:
        record = RequestRecord(streamed=bool(body.get("stream")))
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return self._fail(record, _Failure("timeout_total", self._total_timeout_text()))
        session = self._session()
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        url = endpoint_url(self.base_url, self.path)
        t0 = time.perf_counter()
        acc = self._accumulator(t0)
        got_response = False
        failure: _Failure | None = None
        try:
            async with asyncio.timeout(remaining):
                async with session.post(url, data=data, headers=_JSON_HEADERS, proxy=self._proxy) as response:
                    got_response = True
                    record.status_code = response.status
                    failure = await self._read_response(response, acc, record)
                    if failure is not None and failure.kind in _ABORT_KINDS:
                        # Closing the connection is how the server learns to stop generating.
                        response.close()
        except aiohttp.ConnectionTimeoutError:
            failure = _Failure(
                "timeout_connect",
                f"no connection to {self._shown_url} within {self.connect_timeout_s:g} s; "
                "check the server is up and reachable",
            )
        except aiohttp.ServerTimeoutError:
            failure = _Failure(
                "timeout_idle",
                f"the server sent nothing for {self.idle_timeout_s:g} s (stalled); "
                "raise the idle timeout if the model is just slow",
            )
        except TimeoutError:
            failure = _Failure("timeout_total", self._total_timeout_text())
        except aiohttp.ClientConnectorError as exc:
            failure = _Failure(
                "connect",
                f"cannot connect to {self._shown_url} ({_reason(exc)}); "
                "check the server is running and the base URL is right",
            )
        except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError) as exc:
            what = "mid-stream" if got_response else "before answering"
            failure = _Failure(
                "stream_cut" if got_response else "connect",
                f"the server closed the connection {what} ({_reason(exc)})",
            )
        except aiohttp.ClientError as exc:
            failure = _Failure("connect", f"HTTP transport error: {_reason(exc)}")
        # The answer ends at [DONE]: whatever the server does with the connection after it is not
        # the request's time.
        end = acc.done_at if acc.done_at is not None else time.perf_counter()
        acc.fill(record)
        record.total_s = end - t0
        if not record.streamed and record.ttft_s is not None:
            # One JSON body: the first token arrives with the last, so TTFT is the total time and
            # there is no decode speed to measure (decode_tps stays None, never a made-up figure).
            record.ttft_s = record.total_s
            record.first_output_s = record.total_s if record.first_output_s is not None else None
            record.last_token_s = record.total_s
            record.decode_tps = None
        return self._fail(record, failure) if failure else (record, None)

    def _fail(self, record: RequestRecord, failure: _Failure) -> tuple[RequestRecord, _Failure]:
        record.error_kind = failure.kind
        record.error = self._redact(one_line(failure.message))
        return record, failure

    def _total_timeout_text(self) -> str:
        return (
            f"the request took longer than the total timeout of {self.total_timeout_s:g} s; "
            "raise it if the model is just slow"
        )

    async def _read_response(
        self, response: aiohttp.ClientResponse, acc: Accumulator, record: RequestRecord
    ) -> _Failure | None:
        if response.status >= 400:
            return await self._http_failure(response)
        if _media_type(response.headers.get("Content-Type", "")) == "text/event-stream":
            record.streamed = True
            return await self._read_stream(response, acc)
        record.streamed = False
        return await self._read_whole(response, acc)

    async def _read_stream(self, response: aiohttp.ClientResponse, acc: Accumulator) -> _Failure | None:
        parser = SSEParser()
        failure: _Failure | None = None
        # One event may carry the whole answer as JSON, but never more than a whole body may.
        pending_limit = self.max_output_chars * _JSON_OVERHEAD + _ERROR_BODY_LIMIT
        async for piece in response.content.iter_any():
            now = time.perf_counter()
            failure = self._take_events(parser.feed(piece), acc, now)
            if failure is None and parser.pending > pending_limit:
                failure = self._cap_failure()
            if failure is not None or acc.saw_done:
                break
        else:
            failure = self._take_events(parser.close(), acc, time.perf_counter())
        if failure is not None:
            return failure
        if acc.saw_done:
            await _release_after_done(response)
        if not acc.completions:
            return _no_completion(acc)
        if not acc.saw_done and acc.finish_reason is None:
            return _Failure(
                "no_done",
                "the stream ended without [DONE] or a finish_reason (the server closed it early)",
            )
        return None

    def _take_events(self, events: list[SSEEvent], acc: Accumulator, now: float) -> _Failure | None:
        for event in events:
            if acc.saw_done:
                return None
            data = event.data
            if event.event == "error":
                return _Failure("stream_error", f"server error event mid-stream: {one_line(data, 200)}")
            acc.events += 1
            if data.strip() == "[DONE]":
                acc.saw_done = True
                acc.done_at = now
                continue
            try:
                chunk = json.loads(data)
            except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
                return _Failure(
                    "bad_chunk", f"the server sent a stream chunk that is not JSON: {data[:80]!r}"
                )
            failure = self._feed(acc, acc.feed_chunk, chunk, now)
            if failure is not None:
                return failure
        return None

    def _feed(
        self, acc: Accumulator, feed: Callable[[Any, float], None], payload: Any, now: float
    ) -> _Failure | None:
        """Hands one decoded chunk or body to the accumulator, then holds it to the output cap."""
        try:
            feed(payload, now)
        except StreamError as exc:
            return _Failure(exc.kind, str(exc))
        if acc.chars > self.max_output_chars:
            return self._cap_failure()
        return None

    def _cap_failure(self) -> _Failure:
        return _Failure(
            "output_cap",
            f"the answer passed the output cap of {self.max_output_chars} characters; "
            "the request was aborted (raise --max-output-chars if this is expected)",
        )

    async def _read_whole(self, response: aiohttp.ClientResponse, acc: Accumulator) -> _Failure | None:
        limit = self.max_output_chars * _JSON_OVERHEAD + _ERROR_BODY_LIMIT
        received = bytearray()
        async for piece in response.content.iter_any():
            received += piece
            if len(received) > limit:
                return self._cap_failure()
        now = time.perf_counter()
        try:
            payload = json.loads(received)
        except (ValueError, RecursionError):
            return _Failure(
                "bad_chunk", f"the server answered with a body that is not JSON: {bytes(received[:80])!r}"
            )
        failure = self._feed(acc, acc.feed_response, payload, now)
        if failure is None and not acc.completions:
            return _Failure(
                "no_completion",
                "the server answered HTTP 200 with a body that holds no completion (no choices); "
                f"it is not an OpenAI chat completion: check the server and {self._url_flag}",
            )
        return failure

    async def _http_failure(self, response: aiohttp.ClientResponse) -> _Failure:
        status = response.status
        raw = await _read_limited(response, _ERROR_BODY_LIMIT)
        error_body: Any
        try:
            error_body = json.loads(raw)
        except ValueError:
            error_body = raw.decode("utf-8", errors="replace")
        detail = _server_message(error_body)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if status in (401, 403):
            kind, hint = "auth", "check the API key (its environment variable) and that it may use this model"
        elif status == 404:
            kind, hint = "not_found", "check the base URL and the model name"
        elif status == 429:
            kind, hint = "rate_limited", "lower --concurrency or wait for the rate limit to reset"
        elif status >= 500:
            kind, hint = "http_5xx", "the server failed; check its log"
        else:
            kind, hint = "http_4xx", "the endpoint rejected the request"
        text = f"HTTP {status} from {self._shown_url}{self.path}"
        if detail:
            text += f": {one_line(detail, 200)}"
        return _Failure(
            kind, f"{text}; {hint}", status=status, retry_after_s=retry_after, error_body=error_body
        )

    # ------------------------------------------------------------------------------ setup calls

    async def list_models(self) -> list[str]:
        """The model ids the endpoint serves. Raises EndpointError subclasses with a one-line fix."""
        url = endpoint_url(self.base_url, "/models")
        for retry in range(self.max_retries + 1):
            status, headers, payload = await self._get_for_setup(url)
            if (status == 429 or status >= 500) and retry < self.max_retries:
                wait = backoff_delay(
                    retry + 1,
                    base_s=self.backoff_base_s,
                    max_s=self.backoff_max_s,
                    retry_after_s=parse_retry_after(headers.get("Retry-After")),
                    rng=self._rng,
                )
                await asyncio.sleep(wait)
                continue
            return self._models_from(status, payload)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns or raises

    async def _get_for_setup(self, url: str) -> tuple[int, Any, Any]:
        try:
            async with asyncio.timeout(self.total_timeout_s):
                async with self._session().get(url, proxy=self._proxy) as response:
                    raw = await _read_limited(response, 16 * 1024 * 1024)
                    status, headers = response.status, response.headers
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise EndpointUnreachable(
                self._redact(
                    f"cannot reach {self._shown_url} ({_reason(exc)}); "
                    f"check the server is running and {self._url_flag} is right"
                )
            ) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise EndpointUnreachable(
                self._redact(
                    f"{self._shown_url} did not answer /models ({_reason(exc)}); "
                    f"check the server is healthy and {self._url_flag} is right"
                )
            ) from None
        try:
            payload: Any = json.loads(raw)
        except ValueError:
            payload = raw.decode("utf-8", errors="replace")
        return status, headers, payload

    def _models_from(self, status: int, payload: Any) -> list[str]:
        if status in (401, 403):
            if self._api_key:
                problem = f"{self._shown_url} refused the API key (HTTP {status})"
                fix = f"set a valid key in {self.key_env_hint} (or the variable named by --api-key-env)"
            else:
                problem = f"{self._shown_url} needs an API key (HTTP {status})"
                fix = f"set {self.key_env_hint} (or the variable named by --api-key-env)"
            raise EndpointUnauthorized(f"{problem}; {fix}")
        if status == 404:
            raise EndpointNotFound(
                f"{self._shown_url}/models not found (HTTP 404); "
                f"check {self._url_flag} (OpenAI-compatible servers usually end in /v1)"
            )
        if status >= 400:
            detail = _server_message(payload)
            raise EndpointError(
                self._redact(
                    one_line(
                        f"{self._shown_url}/models answered HTTP {status}"
                        + (f" ({one_line(detail, 150)})" if detail else "")
                        + "; check the server's log"
                    )
                )
            )
        items = payload.get("data") if isinstance(payload, dict) else None
        if items is None and isinstance(payload, dict):
            items = payload.get("models")  # Ollama's native listing
        if not isinstance(items, list):
            raise EndpointError(
                f"{self._shown_url}/models did not return an OpenAI model list; "
                f"check {self._url_flag} points at the OpenAI-compatible API"
            )
        models = []
        for item in items:
            name = item.get("id") or item.get("name") or item.get("model") if isinstance(item, dict) else item
            if isinstance(name, str) and name:
                models.append(printable(self._redact(storable(name)[0])))
        return models

    async def server_info(self, model: str) -> dict[str, Any]:
        """What the server says about itself and the model (llama-server /props, Ollama /api/show).

        Best effort: {} when nothing answers. Keys when known: server, model_path, quantization,
        context_size, plus the server's own details.
        """
        root = api_root(self.base_url)
        timeout = aiohttp.ClientTimeout(total=min(self.total_timeout_s, 10.0))
        session = self._session()
        props: Any = None
        show: Any = None
        with contextlib.suppress(aiohttp.ClientError, ValueError, TimeoutError):
            props_url = endpoint_url(root, "/props")
            async with session.get(props_url, timeout=timeout, proxy=self._proxy) as response:
                if response.status == 200:
                    props = json.loads(await _read_limited(response, 4 * 1024 * 1024))
        if not isinstance(props, dict):
            with contextlib.suppress(aiohttp.ClientError, ValueError, TimeoutError):
                async with session.post(
                    endpoint_url(root, "/api/show"), json={"model": model}, timeout=timeout
                ) as response:
                    if response.status == 200:
                        show = json.loads(await _read_limited(response, 4 * 1024 * 1024))
        described = describe_server(
            props if isinstance(props, dict) else None, show if isinstance(show, dict) else None
        )
        cleaned = _map_strings(storable_value(described)[0], lambda text: printable(self._redact(text)))
        return cleaned if isinstance(cleaned, dict) else {}

    def _redact(self, text: str) -> str:
        """The key, and any credential the base URL carries, masked wherever they appear."""
        return redact_secrets(text, self._secrets)


def _media_type(content_type: str) -> str:
    """`Text/Event-Stream; charset=UTF-8` -> `text/event-stream`: media types are case-insensitive."""
    return content_type.split(";", 1)[0].strip().lower()


async def _release_after_done(response: aiohttp.ClientResponse) -> None:
    """Stop reading at [DONE]: keep the connection only if the body ends within a few bytes."""
    drained = 0
    try:
        async with asyncio.timeout(_DRAIN_S):
            while not response.content.at_eof():
                piece = await response.content.read(_DRAIN_BYTES)
                if not piece:
                    break
                drained += len(piece)
                if drained > _DRAIN_BYTES:
                    response.close()
                    return
    except (TimeoutError, aiohttp.ClientError, OSError):
        response.close()


def _no_completion(acc: Accumulator) -> _Failure:
    """A stream that ended without one choice: empty, only [DONE], or only chunks without choices."""
    if not acc.events:
        return _Failure(
            "no_done",
            "the server answered HTTP 200 but sent an empty stream (it may have crashed mid-request); "
            "check the server's log",
            retry_once=True,
        )
    what = "only [DONE]" if acc.saw_done and acc.events == 1 else "no choices in any chunk"
    return _Failure(
        "no_completion",
        f"the server's stream held no completion ({what}); the model's answer never arrived: "
        "check the server's log",
    )


def url_secrets(url: str) -> list[str]:
    """Credentials a URL carries: its user info and the values of key-like query parameters."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = [value for value in (parts.username, parts.password) if value]
    found += [v for k, v in parse_qsl(parts.query, keep_blank_values=False) if _SECRET_QUERY.search(k)]
    return found


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    return value


def _make_storable(record: RequestRecord, secrets: list[str]) -> None:
    """Every string the server put into the record, made encodable (see client.text) and with the
    key masked wherever the server echoed it: the one place server text enters what the runner
    keeps. Runs after the chunks are joined, so an emoji whose UTF-16 halves came in two chunks is
    whole again. The error line also loses terminal control characters (the answer keeps them: it
    is graded as sent, and every report escapes or strips them)."""
    total = 0
    record.content, n = storable(redact_secrets(record.content, secrets))
    total += n
    record.reasoning, n = storable(redact_secrets(record.reasoning, secrets))
    total += n
    for call in record.tool_calls:
        call.name, n = storable(redact_secrets(call.name, secrets))
        total += n
        if call.id is not None:
            call.id, n = storable(call.id)
            total += n
        call.arguments, n = storable_value(_map_strings(call.arguments, lambda t: redact_secrets(t, secrets)))
        total += n
    if record.finish_reason is not None:
        record.finish_reason, n = storable(record.finish_reason)
        total += n
    if record.error is not None:
        record.error, n = storable(printable(redact_secrets(record.error, secrets)))
        total += n
    if record.server_timings is not None:
        record.server_timings, n = storable_value(record.server_timings)
        total += n
    record.text_replaced += total


# Failures after which the connection is closed at once rather than read to its end.
_ABORT_KINDS = frozenset({"output_cap", "bad_chunk", "stream_error"})


async def _read_limited(response: aiohttp.ClientResponse, limit: int) -> bytes:
    raw = bytearray()
    with contextlib.suppress(aiohttp.ClientError, TimeoutError):
        async for piece in response.content.iter_any():
            raw += piece
            if len(raw) > limit:
                break
    return bytes(raw)


def _reason(exc: BaseException) -> str:
    """A few plain words for a transport error (aiohttp's own texts are long and technical)."""
    os_error = getattr(exc, "os_error", None)
    if isinstance(os_error, socket.gaierror):
        return "host name not found"
    if isinstance(os_error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(os_error, OSError) and os_error.strerror:
        return os_error.strerror.lower()
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "the response body was cut short"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server disconnected"
    text = one_line(str(exc), 120)
    return text or type(exc).__name__


def _server_message(error_body: Any) -> str:
    if isinstance(error_body, dict):
        error = error_body.get("error", error_body)
        if isinstance(error, dict):
            for key in ("message", "detail", "msg"):
                if error.get(key):
                    return str(error[key])
            return json.dumps(error)[:200]
        return str(error)
    return str(error_body or "")
