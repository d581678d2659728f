"""Responders: functions from a request body to the Reply the fake server sends.

`reference_responder` answers every benchmark test with its reference answer, or for a chosen share
of tests with a near miss, so a run against the fake server has a score known in advance.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from homesec_bench.models import ModelAnswer, TestCase
from homesec_bench.testing.reply import Reply

if TYPE_CHECKING:
    from homesec_bench.suites.loader import Benchmark

Responder = Callable[[dict[str, Any]], Reply]


def fixed(reply: Reply) -> Responder:
    """The same reply to every request."""
    return lambda body: reply


def sequence(replies: Sequence[Reply]) -> Responder:
    """The n-th request gets the n-th reply; once they run out, the last one repeats."""
    if not replies:
        raise ValueError("sequence() needs at least one reply")
    lock = threading.Lock()
    count = [0]

    def respond(body: dict[str, Any]) -> Reply:
        with lock:
            index = min(count[0], len(replies) - 1)
            count[0] += 1
        return replies[index]

    return respond


def per_attempt(replies: Sequence[Reply] | Responder, then: Responder | None = None) -> Responder:
    """Per distinct conversation: its n-th attempt gets replies[n] (the last one repeats).

    Given `then`, `replies` is the list of early attempts and `then` answers every later one, e.g.
    `per_attempt([Reply(fault="http_503")], then=reference)` fails each test once, then answers it.
    """
    early = list(replies) if not callable(replies) else []
    lock = threading.Lock()
    seen: dict[str, int] = defaultdict(int)

    def respond(body: dict[str, Any]) -> Reply:
        key = request_key(body.get("messages") or [])
        with lock:
            n = seen[key]
            seen[key] += 1
        if then is not None:
            return early[n] if n < len(early) else then(body)
        return early[min(n, len(early) - 1)]

    return respond


def _image_marker(part: dict[str, Any]) -> str | None:
    """Stands for an image in a request key, so frames that share one question are told apart."""
    if part.get("type") == "image_url":
        url = (part.get("image_url") or {}).get("url")
    elif part.get("type") == "image" and isinstance(part.get("fixture"), str):
        try:
            from homesec_bench.vision.images import image_data_uri

            url = image_data_uri(part["fixture"])
        except Exception:  # an unknown fixture simply never matches a request
            url = f"fixture:{part['fixture']}"
    else:
        return None
    if not isinstance(url, str):
        return None
    return "[image " + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16] + "]"


def message_text(content: Any) -> str:
    """A message's text: the string, or its text parts joined by newlines, images as digests."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces = []
        for part in content:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                pieces.append(part["text"])
            elif (marker := _image_marker(part)) is not None:
                pieces.append(marker)
        return "\n".join(pieces)
    return ""


def request_key(messages: list[dict[str, Any]]) -> str:
    """sha256 over the (role, text) pairs of a conversation: how a request finds its test."""
    pairs = [
        [str(m.get("role", "")), message_text(m.get("content"))] for m in messages if isinstance(m, dict)
    ]
    text = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_request_key(test: TestCase) -> str:
    return request_key([m.model_dump(mode="json") for m in test.messages])


def _rank(seed: int, test_id: str) -> str:
    return hashlib.sha256(f"{seed}:{test_id}".encode()).hexdigest()


class ReferenceResponder:
    """Answers each test with its first reference answer, or its first near miss for the tests in
    `wrong_test_ids`: exactly round((1 - accuracy) * N) of them, chosen by hashing (seed, test id)."""

    def __init__(
        self,
        bench: Benchmark,
        *,
        accuracy: float = 1.0,
        seed: int = 0,
        reply_defaults: dict[str, Any] | None = None,
    ) -> None:
        if not 0.0 <= accuracy <= 1.0:
            raise ValueError(f"accuracy must be between 0 and 1, not {accuracy}")
        self.reply_defaults = dict(reply_defaults or {})
        unknown = set(self.reply_defaults) - {f.name for f in dataclasses.fields(Reply)}
        if unknown:
            raise ValueError(f"reply_defaults has unknown Reply fields: {', '.join(sorted(unknown))}")
        tests = bench.all_tests()
        self._index: dict[str, list[TestCase]] = defaultdict(list)
        for test in tests:
            self._index[test_request_key(test)].append(test)
        ranked = sorted(tests, key=lambda t: _rank(seed, t.id))
        wrong = round(len(tests) * (1.0 - accuracy))
        self.wrong_test_ids: frozenset[str] = frozenset(t.id for t in ranked[:wrong])
        self.test_ids: frozenset[str] = frozenset(t.id for t in tests)

    def test_for_request(
        self, messages: list[dict[str, Any]], tools: list[Any] | None = None
    ) -> TestCase | None:
        candidates = self._index.get(request_key(messages))
        if not candidates:
            return None
        if len(candidates) > 1 and tools is not None:
            # Two tests with the same conversation differ in what they offer; the tools tell them apart.
            names = sorted(t.get("function", {}).get("name", "") for t in tools if isinstance(t, dict))
            for test in candidates:
                if sorted(test.tools) == names:
                    return test
        return candidates[0]

    def test_for_body(self, body: dict[str, Any]) -> TestCase | None:
        """The test a chat request body asks, or None (the warm-up, or any other request)."""
        messages = body.get("messages")
        return self.test_for_request(messages if isinstance(messages, list) else [], body.get("tools"))

    def answer_for(self, test: TestCase) -> ModelAnswer:
        if test.id in self.wrong_test_ids:
            return test.near_misses[0]
        return test.reference[0]

    def reply_for(self, answer: ModelAnswer) -> Reply:
        return Reply(
            content=answer.content,
            reasoning=answer.reasoning,
            tool_calls=[
                {"id": call.id, "name": call.name, "arguments": call.arguments} for call in answer.tool_calls
            ],
            finish_reason=answer.finish_reason,
            **self.reply_defaults,
        )

    def __call__(self, body: dict[str, Any]) -> Reply:
        test = self.test_for_body(body)
        if test is None:
            return Reply(content="ok", **self.reply_defaults)
        return self.reply_for(self.answer_for(test))


def reference_responder(
    bench: Benchmark, *, accuracy: float = 1.0, seed: int = 0, reply_defaults: dict[str, Any] | None = None
) -> ReferenceResponder:
    return ReferenceResponder(bench, accuracy=accuracy, seed=seed, reply_defaults=reply_defaults)


def with_faults(
    responder: Responder,
    fault: str,
    *,
    rate: float = 1.0,
    seed: int = 0,
    times: int = 0,
    only: Callable[[dict[str, Any]], bool] | None = None,
    retry_after: float | None = None,
) -> Responder:
    """Inject `fault` into a deterministic share `rate` of conversations (chosen by hashing seed and
    the request key). `times` > 0 faults only a conversation's first `times` attempts, so a retry
    succeeds; 0 faults every attempt. `only` limits faults to the requests it accepts."""
    lock = threading.Lock()
    seen: dict[str, int] = defaultdict(int)

    def respond(body: dict[str, Any]) -> Reply:
        reply = responder(body)
        if only is not None and not only(body):
            return reply
        key = request_key(body.get("messages") or [])
        share = int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:8], 16) / 2**32
        if share >= rate:
            return reply
        if times > 0:
            with lock:
                n = seen[key]
                seen[key] += 1
            if n >= times:
                return reply
        return dataclasses.replace(reply, fault=fault, retry_after=retry_after or reply.retry_after)

    return respond
