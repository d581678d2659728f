"""The Anthropic Messages backend: POST {base}/messages, streamed as named SSE events.

The stream is message_start (input usage), then per content block content_block_start /
content_block_delta (text_delta, thinking_delta, input_json_delta) / content_block_stop, then
message_delta (stop_reason, output usage) and message_stop, which ends the answer as [DONE] does
for OpenAI. The events are translated into the accumulator's own deltas, so timing is read exactly
as for OpenAI: TTFT is the first thinking or text delta (or tool call), first output the first text
or tool call. The transport, retries and error kinds are ChatClient's: 401 is auth, 429 is
rate_limited (Retry-After honoured), 529 (overloaded) and other 5xx are http_5xx.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from homesec_bench.client.accumulate import Accumulator, StreamError, _as_int, _error_text
from homesec_bench.client.backend import (
    ImageResolver,
    image_unavailable,
    neutral_messages,
    neutral_reply,
    register_backend,
)
from homesec_bench.client.chat import ChatClient
from homesec_bench.models import ImagePart, Message, RequestRecord, TestCase, TextPart

ANTHROPIC_VERSION = "2023-06-01"
# Stop reasons in the vocabulary the rest of the harness reads (OpenAI's finish_reason).
_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "tool_use": "tool_calls", "max_tokens": "length"}
_TOOL_CHOICE = {"auto": {"type": "auto"}, "required": {"type": "any"}, "none": {"type": "none"}}
_DATA_URI = re.compile(r"data:(?P<media>[^;,]+);base64,(?P<data>.*)", re.DOTALL)


# ------------------------------------------------------------------------------------ the stream


class AnthropicAccumulator(Accumulator):
    """Reads Messages API events (streamed) or one message (not streamed) into the shared fields."""

    def __init__(self, t0: float) -> None:
        super().__init__(t0)
        self._input: dict[str, int] = {}
        self._output: int | None = None

    def feed_chunk(self, chunk: Any, now: float) -> None:
        if not isinstance(chunk, dict):
            raise StreamError("bad_chunk", f"stream event is not a JSON object: {str(chunk)[:80]}")
        kind = chunk.get("type")
        if kind == "error" or chunk.get("error"):
            raise StreamError("stream_error", f"server error mid-stream: {_error_text(chunk.get('error'))}")
        if kind == "message_start":
            message = chunk.get("message")
            if isinstance(message, dict):
                self.completions += 1
                self._read_usage(message.get("usage"))
        elif kind == "content_block_start":
            self._read_block(_as_int(chunk.get("index")) or 0, chunk.get("content_block"), now)
        elif kind == "content_block_delta":
            self._read_block_delta(_as_int(chunk.get("index")) or 0, chunk.get("delta"), now)
        elif kind == "message_delta":
            delta = chunk.get("delta")
            if isinstance(delta, dict):
                self._read_stop(delta.get("stop_reason"))
            self._read_usage(chunk.get("usage"))
        elif kind == "message_stop":
            self.saw_done = True
            self.done_at = now

    def feed_response(self, response: Any, now: float) -> None:
        if not isinstance(response, dict):
            raise StreamError("bad_chunk", f"the body is not a JSON object: {str(response)[:80]}")
        if response.get("type") == "error" or response.get("error"):
            raise StreamError("stream_error", f"server error: {_error_text(response.get('error'))}")
        blocks = response.get("content")
        if not isinstance(blocks, list):
            return
        self.completions += 1
        for index, block in enumerate(blocks):
            self._read_block(index, block, now)
        self._read_stop(response.get("stop_reason"))
        self._read_usage(response.get("usage"))

    def _read_block(self, index: int, block: Any, now: float) -> None:
        if not isinstance(block, dict):
            return
        kind = block.get("type")
        if kind == "text":
            self._read_delta({"content": block.get("text")}, now)
        elif kind == "thinking":
            self._read_delta({"reasoning_content": block.get("thinking")}, now)
        elif kind == "tool_use":
            given = block.get("input")
            function: dict[str, Any] = {"name": block.get("name")}
            call = {"index": index, "id": block.get("id"), "function": function}
            if isinstance(given, dict) and given:  # a whole message: the input is here
                function["arguments"] = given
                self._read_delta({"tool_calls": [call]}, now)
            else:
                # Streamed, the block opens with the name only (no token yet); the input follows
                # as input_json_delta pieces, each a token event.
                self._read_call(call, 0)

    def _read_block_delta(self, index: int, delta: Any, now: float) -> None:
        if not isinstance(delta, dict):
            return
        kind = delta.get("type")
        if kind == "text_delta":
            self._read_delta({"content": delta.get("text")}, now)
        elif kind == "thinking_delta":
            self._read_delta({"reasoning_content": delta.get("thinking")}, now)
        elif kind == "input_json_delta":
            piece = delta.get("partial_json")
            if isinstance(piece, str) and piece:
                self._read_delta({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}, now)

    def _read_stop(self, reason: Any) -> None:
        if isinstance(reason, str) and reason:
            self.completions += 1
            self.finish_reason = _FINISH.get(reason, reason)

    def _read_usage(self, usage: Any) -> None:
        if not isinstance(usage, dict):
            return
        for key in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
            value = _as_int(usage.get(key))
            if value is not None:
                self._input[key] = value
        output = _as_int(usage.get("output_tokens"))
        if output is not None:
            self._output = output
        # Held in the shape the shared token reading understands.
        merged: dict[str, Any] = {}
        if self._input:
            merged["prompt_tokens"] = sum(self._input.values())
            if "cache_read_input_tokens" in self._input:
                merged["prompt_tokens_details"] = {"cached_tokens": self._input["cache_read_input_tokens"]}
        if self._output is not None:
            merged["completion_tokens"] = self._output
        self.usage = merged


class AnthropicClient(ChatClient):
    path = "/messages"
    key_env_hint = "ANTHROPIC_API_KEY"

    def _auth_headers(self) -> dict[str, str]:
        headers = {"anthropic-version": ANTHROPIC_VERSION}
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers

    def _accumulator(self, t0: float) -> Accumulator:
        return AnthropicAccumulator(t0)

    def _with_streaming(self, body: dict[str, Any]) -> dict[str, Any]:
        out = dict(body)
        out.pop("stream_options", None)
        if out.get("stream") is not False:
            out["stream"] = True
        return out

    async def server_info(self, model: str) -> dict[str, Any]:
        return {}


# ------------------------------------------------------------------------------------ the request


def _image_block(url: str) -> dict[str, Any]:
    match = _DATA_URI.fullmatch(url)
    if match is None:
        return {"type": "image", "source": {"type": "url", "url": url}}
    return {
        "type": "image",
        "source": {"type": "base64", "media_type": match["media"], "data": match["data"]},
    }


def _blocks(message: Message, resolve_image: ImageResolver) -> list[dict[str, Any]]:
    if message.role == "tool":
        text = message.content if isinstance(message.content, str) else ""
        return [{"type": "tool_result", "tool_use_id": message.tool_call_id or "", "content": text}]
    blocks: list[dict[str, Any]] = []
    if isinstance(message.content, str) and message.content:
        blocks.append({"type": "text", "text": message.content})
    elif isinstance(message.content, list):
        for part in message.content:
            if isinstance(part, TextPart):
                blocks.append({"type": "text", "text": part.text})
            elif isinstance(part, ImagePart):
                blocks.append(_image_block(resolve_image(part.fixture)))
    for i, call in enumerate(message.tool_calls or []):
        arguments = call.arguments
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except ValueError:
                arguments = {"input": arguments}
        ident = call.id or f"call_{i}"
        blocks.append({"type": "tool_use", "id": ident, "name": call.name, "input": arguments})
    return blocks


def to_messages(messages: list[Message], resolve_image: ImageResolver) -> tuple[str, list[dict[str, Any]]]:
    """The system text and the alternating user/assistant turns (tool results ride in user turns)."""
    system = "\n\n".join(m.content for m in messages if m.role == "system" and isinstance(m.content, str))
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            continue
        role = "assistant" if message.role == "assistant" else "user"
        blocks = _blocks(message, resolve_image)
        if turns and turns[-1]["role"] == role:
            previous = turns[-1]
            if isinstance(previous["content"], str):
                previous["content"] = [{"type": "text", "text": previous["content"]}]
            previous["content"].extend(blocks)
        elif message.role == "user" and isinstance(message.content, str) and message.content:
            turns.append({"role": role, "content": message.content})
        else:
            turns.append({"role": role, "content": blocks})
    return system, turns


def _image_urls(body: dict[str, Any]) -> Iterator[str]:
    for message in body.get("messages", []):
        content = message.get("content") if isinstance(message, dict) else None
        for block in content if isinstance(content, list) else []:
            source = block.get("source") if isinstance(block, dict) and block.get("type") == "image" else None
            if isinstance(source, dict):
                if source.get("type") == "base64":
                    yield f"data:{source.get('media_type')};base64,{source.get('data')}"
                else:
                    yield str(source.get("url", ""))


class AnthropicBackend:
    api = "anthropic"
    default_key_env = "ANTHROPIC_API_KEY"

    def make_client(self, base_url: str, api_key: str | None, **options: Any) -> ChatClient:
        return AnthropicClient(base_url, api_key, **options)

    def build_request(
        self,
        test: TestCase,
        tools: Mapping[str, Mapping[str, Any]],
        *,
        model: str,
        attempt: int = 0,
        resolve_image: ImageResolver = image_unavailable,
        stream: bool = True,
    ) -> dict[str, Any]:
        system, turns = to_messages(test.messages, resolve_image)
        body: dict[str, Any] = {"model": model, "max_tokens": test.sampling.max_tokens}
        if system:
            body["system"] = system
        body["messages"] = turns
        if test.sampling.temperature is not None:
            body["temperature"] = test.sampling.temperature
        if test.sampling.top_p is not None:
            body["top_p"] = test.sampling.top_p
        # The Messages API has no seed and no response_format: the prompt itself asks for JSON.
        if test.tools:
            body["tools"] = [
                {
                    "name": name,
                    "description": tools[name]["description"],
                    "input_schema": tools[name]["parameters"],
                }
                for name in test.tools
            ]
            if test.tool_choice in _TOOL_CHOICE:
                body["tool_choice"] = _TOOL_CHOICE[test.tool_choice]
        body["stream"] = stream
        return body

    def warmup_request(self, model: str) -> dict[str, Any]:
        return {
            "model": model,
            "max_tokens": 8,
            "temperature": 0,
            "messages": [{"role": "user", "content": "Reply with the single word: ready"}],
            "stream": True,
        }

    def transcript(self, test: TestCase, body: dict[str, Any], record: RequestRecord) -> list[dict[str, Any]]:
        urls = _image_urls(body)
        return [*neutral_messages(test.messages, lambda fixture: next(urls, "")), neutral_reply(record)]

    def redact_images(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = []
        for message in body.get("messages", []):
            content = message.get("content") if isinstance(message, dict) else None
            if isinstance(content, list):
                parts = []
                for block in content:
                    source = block.get("source") if isinstance(block, dict) else None
                    if isinstance(source, dict) and source.get("type") == "base64":
                        data = str(source.get("data", ""))
                        digest = base64.b16encode(hashlib.sha256(data.encode()).digest()).decode().lower()
                        block = {**block, "source": {**source, "data": f"<image sha256:{digest[:16]}>"}}
                    parts.append(block)
                message = {**message, "content": parts}
            messages.append(message)
        return {**body, "messages": messages}


register_backend(AnthropicBackend)
