"""The OpenAI request building now lives in the `openai_chat` backend (client/openai_chat.py); these
names stay for callers that take a Benchmark rather than its tool catalogue."""

from __future__ import annotations

from typing import Any

from homesec_bench.client.backend import ImageResolver, image_unavailable
from homesec_bench.client.openai_chat import build_chat_request as _build
from homesec_bench.client.openai_chat import (
    message_to_openai,
    redact_images,
    sampling_fields,
    warmup_request,
)
from homesec_bench.models import TestCase
from homesec_bench.suites.loader import Benchmark

__all__ = [
    "ImageResolver",
    "build_chat_request",
    "message_to_openai",
    "redact_images",
    "sampling_fields",
    "warmup_request",
]


def build_chat_request(
    test: TestCase,
    bench: Benchmark,
    *,
    model: str,
    attempt: int = 0,
    resolve_image: ImageResolver = image_unavailable,
    stream: bool = True,
) -> dict[str, Any]:
    """The OpenAI chat body for one test (see client.openai_chat.build_chat_request)."""
    return _build(test, bench.tools, model=model, attempt=attempt, resolve_image=resolve_image, stream=stream)
