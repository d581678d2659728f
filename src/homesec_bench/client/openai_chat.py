"""The OpenAI chat-completions backend: request building for /chat/completions, sent by ChatClient.

Every model gets the same request for the same test: the test's own messages, tools and sampling
parameters, nothing added per model (apart from the model name and the streaming options).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from homesec_bench.client.backend import (
    ImageResolver,
    image_unavailable,
    neutral_messages,
    neutral_reply,
    register_backend,
)
from homesec_bench.client.chat import ChatClient
from homesec_bench.models import ImagePart, Message, RequestRecord, Sampling, TestCase, TextPart


def message_to_openai(message: Message, resolve_image: ImageResolver = image_unavailable) -> dict[str, Any]:
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


def tool_schemas(tools: Mapping[str, Mapping[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """The `tools` array of an OpenAI chat request for these catalogue names."""
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": tools[name]["description"],
                "parameters": tools[name]["parameters"],
            },
        }
        for name in names
    ]


def build_chat_request(
    test: TestCase,
    tools: Mapping[str, Mapping[str, Any]],
    *,
    model: str,
    attempt: int = 0,
    resolve_image: ImageResolver = image_unavailable,
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
        body["tools"] = tool_schemas(tools, test.tools)
        if test.tool_choice:
            body["tool_choice"] = test.tool_choice
    if test.response_format:
        body["response_format"] = test.response_format
    return body


def warmup_request(model: str) -> dict[str, Any]:
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


def _image_urls(body: dict[str, Any]) -> Iterator[str]:
    for message in body.get("messages", []):
        content = message.get("content") if isinstance(message, dict) else None
        for part in content if isinstance(content, list) else []:
            if isinstance(part, dict) and part.get("type") == "image_url":
                yield str((part.get("image_url") or {}).get("url", ""))


class OpenAIChatBackend:
    api = "openai_chat"
    default_key_env = "OPENAI_API_KEY"

    def make_client(self, base_url: str, api_key: str | None, **options: Any) -> ChatClient:
        return ChatClient(base_url, api_key, **options)

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
        return build_chat_request(
            test, tools, model=model, attempt=attempt, resolve_image=resolve_image, stream=stream
        )

    def warmup_request(self, model: str) -> dict[str, Any]:
        return warmup_request(model)

    def transcript(self, test: TestCase, body: dict[str, Any], record: RequestRecord) -> list[dict[str, Any]]:
        urls = _image_urls(body)
        return [*neutral_messages(test.messages, lambda fixture: next(urls, "")), neutral_reply(record)]

    def redact_images(self, body: dict[str, Any]) -> dict[str, Any]:
        return redact_images(body)


register_backend(OpenAIChatBackend, "openai")
