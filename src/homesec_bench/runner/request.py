"""Turn a declarative test into the exact OpenAI chat request the client sends.

Every model gets the same request for the same test: the test's own messages, tools and sampling
parameters, nothing added per model (apart from the model name and the streaming options).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from homesec_bench.models import ImagePart, Message, Sampling, TestCase, TextPart
from homesec_bench.suites.loader import Benchmark

# Resolves an image fixture id to the URL sent to the model (a base64 data URI).
ImageResolver = Callable[[str], str]


def _image_unavailable(fixture: str) -> str:
    raise ValueError(f"test needs image fixture {fixture!r} but no image resolver was given")


def message_to_openai(message: Message, resolve_image: ImageResolver = _image_unavailable) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role}
    content = message.content
    if isinstance(content, list):
        parts: list[dict[str, Any]] = []
        for part in content:
            if isinstance(part, TextPart):
                parts.append({"type": "text", "text": part.text})
            elif isinstance(part, ImagePart):
                parts.append({"type": "image_url", "image_url": {"url": resolve_image(part.fixture)}})
        out["content"] = parts
    else:
        # An assistant turn that only calls tools has null content, as OpenAI clients send it.
        out["content"] = content
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": call.id or f"call_{i}",
                "type": "function",
                "function": {
                    "name": call.name,
                    "arguments": call.arguments
                    if isinstance(call.arguments, str)
                    else json.dumps(call.arguments, ensure_ascii=False),
                },
            }
            for i, call in enumerate(message.tool_calls)
        ]
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
    if message.name:
        out["name"] = message.name
    return out


def sampling_fields(sampling: Sampling, attempt: int = 0) -> dict[str, Any]:
    """The sampling part of the body. Repeated attempts vary the seed so each is a fresh draw."""
    fields: dict[str, Any] = {"max_tokens": sampling.max_tokens}
    if sampling.temperature is not None:
        fields["temperature"] = sampling.temperature
    if sampling.top_p is not None:
        fields["top_p"] = sampling.top_p
    if sampling.seed is not None:
        fields["seed"] = sampling.seed + attempt
    return fields


def build_chat_request(
    test: TestCase,
    bench: Benchmark,
    *,
    model: str,
    attempt: int = 0,
    resolve_image: ImageResolver = _image_unavailable,
    stream: bool = True,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "messages": [message_to_openai(m, resolve_image) for m in test.messages],
        **sampling_fields(test.sampling, attempt),
        "stream": stream,
    }
    if stream:
        body["stream_options"] = {"include_usage": True}
    if test.tools:
        body["tools"] = bench.tool_schemas(test.tools)
        if test.tool_choice:
            body["tool_choice"] = test.tool_choice
    if test.response_format:
        body["response_format"] = test.response_format
    return body


def warmup_request(model: str) -> dict[str, Any]:
    """A tiny request that makes the server load the model before anything is timed."""
    return {
        "model": model,
        "messages": [{"role": "user", "content": "Reply with the single word: ready"}],
        "max_tokens": 8,
        "temperature": 0,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def redact_images(body: dict[str, Any]) -> dict[str, Any]:
    """A copy of a request body with image data URIs replaced by their digest, for compact storage."""
    messages = []
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            new_parts = []
            for part in content:
                url = part.get("image_url", {}).get("url") if isinstance(part, dict) else None
                if isinstance(url, str) and url.startswith("data:"):
                    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
                    part = {"type": "image_url", "image_url": {"url": f"<image sha256:{digest}>"}}
                new_parts.append(part)
            message = {**message, "content": new_parts}
        messages.append(message)
    return {**body, "messages": messages}
