"""Every fault the fake server can inject ends as the right error_kind, after the right retries."""

from __future__ import annotations

import asyncio
import socket
import time
from email.utils import formatdate

import pytest

from homesec_bench.client import ChatClient
from homesec_bench.client.retry import backoff_delay, parse_retry_after
from homesec_bench.testing import Reply, fixed, per_attempt

BODY = {"model": "fake-model", "messages": [{"role": "user", "content": "What happened at the gate?"}]}
ANSWER = "A fox crossed the side gate camera at 02:14 and left."
FAST = {"max_retries": 2, "backoff_base_s": 0.01, "backoff_max_s": 0.05}


async def complete(server_or_url, **kwargs):
    url = server_or_url if isinstance(server_or_url, str) else server_or_url.base_url
    async with ChatClient(url, **{**FAST, **kwargs}) as client:
        return await client.complete(dict(BODY))


async def wait_until_idle(server, limit_s: float = 3.0) -> float:
    """Seconds until the server has no request in flight (it noticed the client left)."""
    start = time.monotonic()
    while server.active_requests and time.monotonic() - start < limit_s:
        await asyncio.sleep(0.02)
    return time.monotonic() - start


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("http_500", "http_5xx", 500),
        ("http_502", "http_5xx", 502),
        ("http_503", "http_5xx", 503),
        ("http_429", "rate_limited", 429),
    ],
)
async def test_http_faults_are_retried_then_reported(make_fake_server, fault, kind, status) -> None:
    server = make_fake_server(fixed(Reply(content=ANSWER, fault=fault)))
    record = await complete(server)
    assert record.error_kind == kind
    assert record.status_code == status
    assert record.attempts == 3 and len(server.requests) == 3
    assert record.retry_wait_s > 0
    assert str(status) in (record.error or "")
    assert record.content == "" and record.ttft_s is None


async def test_retry_after_is_honoured_and_kept_out_of_ttft(make_fake_server) -> None:
    answer = Reply(content=ANSWER, first_token_delay_s=0.05)
    server = make_fake_server(per_attempt([Reply(fault="http_429", retry_after=0.4)], then=fixed(answer)))
    started = time.perf_counter()
    record = await complete(server, backoff_max_s=5.0)
    elapsed = time.perf_counter() - started
    assert record.error is None and record.content == ANSWER
    assert record.attempts == 2
    assert record.retry_wait_s == pytest.approx(0.4)
    assert elapsed >= 0.4
    # The wait happened, but TTFT is measured from the attempt that answered.
    assert record.ttft_s is not None and record.ttft_s < 0.3


async def test_retry_after_is_capped(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(fault="http_429", retry_after=3600)))
    record = await complete(server, backoff_max_s=0.1)
    assert record.error_kind == "rate_limited"
    assert record.retry_wait_s == pytest.approx(0.2)


def test_retry_after_formats() -> None:
    now = time.time()
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1.5)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    assert backoff_delay(1, base_s=1, max_s=10, retry_after_s=99) == 10
    for n in range(1, 8):
        assert 0 < backoff_delay(n, base_s=0.5, max_s=4) <= min(4, 0.5 * 2 ** (n - 1))


async def test_a_transient_5xx_then_success_keeps_the_answer(make_fake_server) -> None:
    server = make_fake_server(per_attempt([Reply(fault="http_503"), Reply(content=ANSWER)]))
    record = await complete(server)
    assert record.error is None and record.content == ANSWER and record.attempts == 2


async def test_connection_refused(unused_port) -> None:
    record = await complete(f"http://127.0.0.1:{unused_port}/v1")
    assert record.error_kind == "connect"
    assert record.attempts == 3
    assert str(unused_port) in (record.error or "")


async def test_connect_timeout() -> None:
    # A listener whose accept queue is full leaves new connections hanging in SYN_SENT.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        try:
            record = await complete(f"http://127.0.0.1:{port}/v1", connect_timeout_s=0.3, max_retries=0)
        finally:
            for filler in fillers:
                filler.close()
    if record.error_kind == "timeout_idle":
        pytest.skip("this kernel accepted the connection despite the full backlog")
    assert record.error_kind == "timeout_connect"


async def test_reset_mid_stream_is_a_retried_stream_cut(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content=ANSWER, fault="reset_mid_stream")))
    record = await complete(server)
    assert record.error_kind == "stream_cut"
    assert record.attempts == 3
    assert record.content == "A fox crossed"  # what arrived before the cut


async def test_stall_hits_the_idle_timeout_and_the_server_is_released(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content=ANSWER, fault="stall")))
    record = await complete(server, idle_timeout_s=0.3)
    assert record.error_kind == "timeout_idle" and record.attempts == 1
    assert record.ttft_s is not None  # tokens came before the stall
    assert await wait_until_idle(server) < 2.0


async def test_no_done_is_treated_as_a_cut(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content=ANSWER, fault="no_done")))
    record = await complete(server)
    assert record.error_kind == "no_done"
    assert record.attempts == 3
    assert record.content == ANSWER


async def test_invalid_json_chunk(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content=ANSWER, fault="invalid_json_chunk")))
    record = await complete(server)
    assert record.error_kind == "bad_chunk" and record.attempts == 1
    assert "not JSON" in (record.error or "")


async def test_error_event_mid_stream(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content=ANSWER, fault="error_event")))
    record = await complete(server)
    assert record.error_kind == "stream_error" and record.attempts == 1
    assert "fake error mid-stream" in (record.error or "")


async def test_huge_answer_hits_the_output_cap_and_the_server_stops(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(fault="huge")))
    record = await complete(server, max_output_chars=20_000)
    assert record.error_kind == "output_cap" and record.attempts == 1
    assert 20_000 < len(record.content) < 2_000_000
    assert await wait_until_idle(server) < 2.0
    assert server.disconnects == 1


async def test_endless_trickle_hits_the_total_timeout(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(fault="trickle", token_interval_s=0.1)))
    started = time.perf_counter()
    record = await complete(server, idle_timeout_s=0.5, total_timeout_s=0.8)
    assert record.error_kind == "timeout_total" and record.attempts == 1
    assert 0.75 <= time.perf_counter() - started < 1.5
    assert record.content.startswith("drip drip")
    assert await wait_until_idle(server) < 2.0


async def test_total_timeout_bounds_retries_too(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(fault="http_503", retry_after=0.4)))
    started = time.perf_counter()
    record = await complete(server, total_timeout_s=0.6, max_retries=5, backoff_max_s=1.0)
    assert time.perf_counter() - started < 1.0
    assert record.error_kind == "http_5xx"
    assert record.attempts == 2
    assert "no time left" in (record.error or "")


@pytest.mark.parametrize("fault", ["split_events", "keepalive", "crlf", "split_events,keepalive,crlf"])
async def test_stream_shape_faults_do_not_change_the_answer(make_fake_server, fault) -> None:
    content = "Caf\u00e9 d\u00e9j\u00e0 vu \U0001f512 locked, \u00fcber-safe \u2014 done."
    reply = Reply(
        content=content,
        reasoning="pr\u00fcfen \u2026",
        tool_calls=[{"name": "set_alarm_mode", "arguments": {"mode": "nuit \u00e9toil\u00e9e"}}],
        fault=fault,
    )
    record = await complete(make_fake_server(fixed(reply)))
    assert record.error is None
    assert record.content == content
    assert record.reasoning == "pr\u00fcfen \u2026"
    assert record.tool_calls[0].arguments == {"mode": "nuit \u00e9toil\u00e9e"}
    assert record.output_tokens_source == "usage"


async def test_non_streamed_faults(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content=ANSWER, fault="reset_mid_stream", stream=False)))
    record = await complete(server, max_retries=1)
    assert record.error_kind == "stream_cut" and record.attempts == 2

    server = make_fake_server(fixed(Reply(content=ANSWER, fault="invalid_json_chunk", stream=False)))
    assert (await complete(server)).error_kind == "bad_chunk"

    server = make_fake_server(fixed(Reply(fault="huge", stream=False)))
    assert (await complete(server, max_output_chars=10_000)).error_kind == "output_cap"


async def test_faults_leave_other_requests_alone(make_fake_server) -> None:
    # A fault on one conversation must not disturb the ones running beside it.
    def respond(body):
        text = body["messages"][0]["content"]
        return Reply(content=f"ok {text}", fault="reset_mid_stream" if text == "3" else None)

    server = make_fake_server(respond)
    async with ChatClient(server.base_url, **FAST) as client:
        bodies = [{**BODY, "messages": [{"role": "user", "content": str(i)}]} for i in range(8)]
        records = await asyncio.gather(*(client.complete(b) for b in bodies))
    assert [r.error_kind for r in records] == [None, None, None, "stream_cut", None, None, None, None]
    assert [r.content for i, r in enumerate(records) if i != 3] == [f"ok {i}" for i in range(8) if i != 3]
