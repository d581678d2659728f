"""The fake server's Anthropic dialect: POST /v1/messages, answered from the same responders.

The request is shown to the responder in OpenAI form (system first, tool results as `tool` turns,
tool_use blocks as tool_calls), so every responder, the reference one included, serves both
protocols. The reply is streamed as Messages API events: message_start (input usage), a ping, per
block content_block_start / content_block_delta (thinking_delta, text_delta, input_json_delta) /
content_block_stop, message_delta (stop_reason, output usage), message_stop; or, unstreamed, one
message. Errors use Anthropic's body ({"type": "error", "error": {"type", "message"}}); a scripted
status 529 is `overloaded_error`. A reply with `send_usage=False` carries no usage anywhere.
"""

from __future__ import annotations

import asyncio
import json
import sys
import traceback
from typing import TYPE_CHECKING, Any

from aiohttp import web

from homesec_bench.testing.reply import HTTP_FAULTS, Reply, argument_pieces, count_prompt_tokens, tokenize

if TYPE_CHECKING:
    from homesec_bench.testing.fake_server import FakeOpenAIServer, _Writer

_STOP = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens"}
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    529: "overloaded_error",
}
_FAULT_AFTER_EVENTS = 3


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    kind = _ERROR_TYPES.get(status, "api_error")
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return web.json_response(body, status=status, headers=headers)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
        )
    return ""


def openai_view(body: dict[str, Any]) -> dict[str, Any]:
    """The request as an OpenAI chat body, for the responders."""
    messages: list[dict[str, Any]] = []
    system = body.get("system")
    if system:
        messages.append({"role": "system", "content": _text(system)})
    for turn in body.get("messages") or []:
        if not isinstance(turn, dict):
            continue
        content = turn.get("content")
        if turn.get("role") == "assistant":
            blocks = content if isinstance(content, list) else [{"type": "text", "text": content or ""}]
            calls = [
                {
                    "id": b.get("id"),
                    "type": "function",
                    "function": {"name": b.get("name"), "arguments": json.dumps(b.get("input", {}))},
                }
                for b in blocks
                if isinstance(b, dict) and b.get("type") == "tool_use"
            ]
            message: dict[str, Any] = {"role": "assistant", "content": _text(blocks) or None}
            if calls:
                message["tool_calls"] = calls
            messages.append(message)
            continue
        if isinstance(content, str):
            messages.append({"role": "user", "content": content})
            continue
        parts: list[dict[str, Any]] = []
        for block in content if isinstance(content, list) else []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_result":
                result = _text(block.get("content"))
                messages.append({"role": "tool", "tool_call_id": block.get("tool_use_id"), "content": result})
            elif block.get("type") == "text":
                parts.append({"type": "text", "text": block.get("text", "")})
            elif block.get("type") == "image":
                source = block.get("source") or {}
                url = f"data:{source.get('media_type')};base64,{source.get('data')}"
                parts.append({"type": "image_url", "image_url": {"url": url}})
        if parts:
            single = len(parts) == 1 and parts[0]["type"] == "text"
            messages.append({"role": "user", "content": parts[0]["text"] if single else parts})
    view = {k: v for k, v in body.items() if k not in ("system", "messages")}
    view["messages"] = messages
    return view


def _blocks(reply: Reply) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each content block's start and its deltas, one per token, in the order a model emits them."""
    blocks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    if reply.reasoning:
        deltas = [{"type": "thinking_delta", "thinking": t} for t in tokenize(reply.reasoning)]
        blocks.append(({"type": "thinking", "thinking": ""}, deltas))
    if reply.content:
        deltas = [{"type": "text_delta", "text": t} for t in tokenize(reply.content)]
        blocks.append(({"type": "text", "text": ""}, deltas))
    for index, call in enumerate(reply.tool_calls):
        start = {
            "type": "tool_use",
            "id": call.get("id") or f"toolu_{index}",
            "name": call["name"],
            "input": {},
        }
        pieces = argument_pieces(call.get("arguments", {}))
        blocks.append((start, [{"type": "input_json_delta", "partial_json": p} for p in pieces]))
    return blocks


def _event(kind: str, payload: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps({'type': kind, **payload}, ensure_ascii=False)}\n\n".encode()


def _usage(body: dict[str, Any], reply: Reply) -> dict[str, int]:
    prompt = reply.prompt_tokens if reply.prompt_tokens is not None else count_prompt_tokens(body)
    usage = {"input_tokens": prompt}
    if reply.cached_tokens is not None:
        usage["cache_read_input_tokens"] = reply.cached_tokens
        usage["input_tokens"] = max(prompt - reply.cached_tokens, 0)
    return usage


async def handle_messages(server: FakeOpenAIServer, request: web.Request) -> web.StreamResponse:
    try:
        body = json.loads(await request.read())
    except ValueError:
        return error_response(400, "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return error_response(400, "The request body must be a JSON object.")
    server.request_count += 1
    if server.record_requests:
        with server._lock:
            server._requests.append(body)
    model = body.get("model")
    if server.models and model is not None and model not in server.models:
        return error_response(404, f"model: {model}")
    view = openai_view(body)
    try:
        reply = server.responder(view)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return error_response(500, f"fake server responder raised {type(exc).__name__}: {exc}")
    param = reply.rejected_param()
    if param is not None and param in body:
        return error_response(400, f"{param}: Extra inputs are not permitted")
    if reply.status is not None and reply.status >= 400:
        return error_response(
            reply.status, "Overloaded" if reply.status == 529 else f"scripted {reply.status}"
        )
    for fault in reply.faults():
        status = HTTP_FAULTS.get(fault)
        if status is not None:
            headers = {"retry-after": f"{reply.retry_after:g}"} if reply.retry_after is not None else None
            return error_response(status, f"fake {fault}", headers)
    ident = next(server._ids)
    usage = _usage(view, reply)
    output_tokens = sum(len(deltas) for _, deltas in _blocks(reply))
    stop = _STOP.get(reply.finish(), reply.finish())
    stream = reply.stream if reply.stream is not None else bool(body.get("stream"))
    if not stream:
        return await _whole(body, reply, ident, usage, output_tokens, stop)
    return await _stream(server, request, body, reply, ident, usage, output_tokens, stop)


async def _whole(
    body: dict[str, Any], reply: Reply, ident: int, usage: dict[str, int], output_tokens: int, stop: str
) -> web.Response:
    if reply.first_token_delay_s > 0:
        await asyncio.sleep(reply.first_token_delay_s)
    content: list[dict[str, Any]] = []
    if reply.reasoning:
        content.append({"type": "thinking", "thinking": reply.reasoning, "signature": "fake"})
    if reply.content:
        content.append({"type": "text", "text": reply.content})
    for index, call in enumerate(reply.tool_calls):
        arguments = call.get("arguments", {})
        content.append(
            {
                "type": "tool_use",
                "id": call.get("id") or f"toolu_{index}",
                "name": call["name"],
                "input": arguments,
            }
        )
    message = {
        "id": f"msg_fake_{ident}",
        "type": "message",
        "role": "assistant",
        "model": body.get("model") or "fake-model",
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
    }
    if reply.send_usage:
        message["usage"] = {**usage, "output_tokens": output_tokens}
    return web.json_response(message)


async def _stream(
    server: FakeOpenAIServer,
    request: web.Request,
    body: dict[str, Any],
    reply: Reply,
    ident: int,
    usage: dict[str, int],
    output_tokens: int,
    stop: str,
) -> web.StreamResponse:
    from homesec_bench.testing.fake_server import _ClientGone, _Writer

    faults = reply.faults()
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    writer = _Writer(response, request, faults)
    message: dict[str, Any] = {
        "id": f"msg_fake_{ident}",
        "type": "message",
        "role": "assistant",
        "model": body.get("model") or "fake-model",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
    }
    if reply.send_usage:
        message["usage"] = {**usage, "output_tokens": 1}
    try:
        await writer.event(_event("message_start", {"message": message}))
        await writer.event(_event("ping", {}))
        await _write_blocks(writer, reply, faults)
        if "no_done" in faults:
            return response
        delta: dict[str, Any] = {"delta": {"stop_reason": stop, "stop_sequence": None}}
        if reply.send_usage:
            delta["usage"] = {"output_tokens": output_tokens}
        await writer.event(_event("message_delta", delta))
        await writer.event(_event("message_stop", {}))
    except _ClientGone:
        server.disconnects += 1
        return response
    await response.write_eof()
    return response


async def _write_blocks(writer: _Writer, reply: Reply, faults: set[str]) -> None:
    from homesec_bench.testing.fake_server import _ClientGone

    # Token times are scheduled from one origin, as in the OpenAI dialect.
    loop = asyncio.get_running_loop()
    origin = loop.time() + reply.first_token_delay_s
    if reply.first_token_delay_s > 0:
        await asyncio.sleep(reply.first_token_delay_s)
    token = 0
    for index, (start, deltas) in enumerate(_blocks(reply)):
        await writer.event(_event("content_block_start", {"index": index, "content_block": start}))
        for delta in deltas:
            if token == _FAULT_AFTER_EVENTS:
                if "reset_mid_stream" in faults and writer.request.transport is not None:
                    writer.request.transport.abort()
                    raise _ClientGone
                if "stall" in faults:
                    await writer.wait_for_client_to_leave()
                    raise _ClientGone
                if "error_event" in faults:
                    error = {"error": {"type": "overloaded_error", "message": "Overloaded"}}
                    await writer.event(_event("error", error))
                    raise _ClientGone
            if token and reply.token_interval_s > 0:
                await asyncio.sleep(max(0.0, origin + token * reply.token_interval_s - loop.time()))
            await writer.event(_event("content_block_delta", {"index": index, "delta": delta}))
            token += 1
        await writer.event(_event("content_block_stop", {"index": index}))
