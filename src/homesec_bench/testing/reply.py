"""A scripted answer for the fake OpenAI server, and how it is cut into tokens and chunks.

Content and reasoning are split into tokens on word boundaries, spaces kept (`"a b"` -> `"a"`, `" b"`),
so with one token per chunk N chunks are N tokens and the usage the server reports matches exactly.
Tool-call arguments are cut the same way, after a first chunk that carries the call's id and name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# Faults that replace the answer with an HTTP error.
HTTP_FAULTS = {"http_500": 500, "http_502": 502, "http_503": 503, "http_429": 429}
# Faults that break or bend the stream itself.
STREAM_FAULTS = frozenset(
    {
        "reset_mid_stream",
        "stall",
        "no_done",
        "invalid_json_chunk",
        "error_event",
        "huge",
        "trickle",
        "split_events",
        "keepalive",
        "crlf",
    }
)
FAULTS = frozenset(HTTP_FAULTS) | STREAM_FAULTS


@dataclass
class Reply:
    """What the fake server answers to one request.

    `fault` names one entry of FAULTS, `reject_param:<name>`, or several joined by commas (for example
    `split_events,keepalive`). `token_interval_s` is the pause between chunks. `stream=None` honours
    the request's `stream` flag. `retry_after` is sent as a Retry-After header with HTTP faults.
    """

    content: str = ""
    reasoning: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str | None = None
    send_usage: bool = True
    send_timings: bool = False
    first_token_delay_s: float = 0.0
    token_interval_s: float = 0.0
    tokens_per_chunk: int = 1
    fault: str | None = None
    retry_after: float | None = None
    status: int | None = None
    stream: bool | None = None
    reasoning_field: str = "reasoning_content"
    prompt_tokens: int | None = None
    cached_tokens: int | None = None

    def faults(self) -> set[str]:
        return {f.strip() for f in (self.fault or "").split(",") if f.strip()}

    def rejected_param(self) -> str | None:
        for fault in self.faults():
            if fault.startswith("reject_param:"):
                return fault.split(":", 1)[1]
        return None

    def finish(self) -> str:
        if self.finish_reason:
            return self.finish_reason
        return "tool_calls" if self.tool_calls else "stop"


# Trailing whitespace rides on the last word, so every token but an all-blank text has a word in it.
_TOKEN = re.compile(r"\s*\S+(?:\s+\Z)?|\s+")


def tokenize(text: str) -> list[str]:
    """Word-boundary tokens whose concatenation is exactly `text`."""
    return _TOKEN.findall(text) if text else []


def _arguments_text(arguments: Any) -> str:
    if isinstance(arguments, str):
        return arguments
    return json.dumps(arguments if arguments is not None else {}, ensure_ascii=False)


def argument_pieces(arguments: Any) -> list[str]:
    """Tool-call argument JSON cut into small pieces, as servers stream it."""
    text = _arguments_text(arguments)
    # Cut after every comma or colon and at spaces, so pieces fall mid-object as they do for real.
    pieces = re.findall(r"[^,:\s]*[,:]?\s*", text)
    return [p for p in pieces if p] or [""]


def token_deltas(reply: Reply) -> list[dict[str, Any]]:
    """One delta per token, in the order a model emits them: reasoning, content, tool calls."""
    deltas: list[dict[str, Any]] = [{reply.reasoning_field: t} for t in tokenize(reply.reasoning)]
    deltas += [{"content": t} for t in tokenize(reply.content)]
    for index, call in enumerate(reply.tool_calls):
        pieces = argument_pieces(call.get("arguments", {}))
        deltas.append(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": call.get("id") or f"call_{index}",
                        "type": "function",
                        "function": {"name": call["name"], "arguments": pieces[0]},
                    }
                ]
            }
        )
        deltas += [{"tool_calls": [{"index": index, "function": {"arguments": p}}]} for p in pieces[1:]]
    return deltas


def _kind(delta: dict[str, Any]) -> tuple[str, int]:
    if "tool_calls" in delta:
        return "tool_calls", delta["tool_calls"][0]["index"]
    return next(iter(delta)), -1


def group_deltas(deltas: list[dict[str, Any]], per_chunk: int) -> list[dict[str, Any]]:
    """Merge up to `per_chunk` consecutive token deltas of the same kind into one chunk delta."""
    per_chunk = max(1, per_chunk)
    if per_chunk == 1:
        return deltas
    chunks: list[dict[str, Any]] = []
    count = 0
    for delta in deltas:
        if chunks and count < per_chunk and _kind(chunks[-1]) == _kind(delta):
            last = chunks[-1]
            if "tool_calls" in delta:
                function = last["tool_calls"][0]["function"]
                function["arguments"] += delta["tool_calls"][0]["function"]["arguments"]
            else:
                key = next(iter(delta))
                last[key] += delta[key]
            count += 1
            continue
        chunks.append(json.loads(json.dumps(delta)))
        count = 1
    return chunks


def non_stream_message(reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
    if reply.reasoning:
        message[reply.reasoning_field] = reply.reasoning
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.get("id") or f"call_{index}",
                "type": "function",
                "function": {"name": call["name"], "arguments": _arguments_text(call.get("arguments", {}))},
            }
            for index, call in enumerate(reply.tool_calls)
        ]
    return message


def count_prompt_tokens(body: dict[str, Any]) -> int:
    """A stand-in prompt token count: whitespace words in every text part of the messages."""
    total = 0
    messages = body.get("messages")
    if not isinstance(messages, list):
        return 0
    for message in messages:
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if isinstance(content, str):
            total += len(content.split())
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    total += len(part["text"].split())
    return total
