"""Build one answer, with its timings and token counts, out of the chunks of a chat completion.

The accumulator knows nothing of HTTP: it is fed decoded chunk objects (or one whole non-streamed
response) with the perf_counter time each arrived, and fills a RequestRecord. A token event is a delta
with non-empty content, reasoning_content / reasoning, or tool_calls; the role-only first chunk, empty
strings and the usage chunk are not.

Providers put things where OpenAI does not (docs/providers.md): token usage may come on the finish
chunk (Fireworks, Mistral) or only inside Groq's `x_groq` object, and tool calls may come whole in one
chunk, several in one delta (Mistral) or without `index` (Gemini). All of these are read here, with
no need to know which provider is speaking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from homesec_bench.models import RequestRecord, TokenCountSource, ToolCall

# Field names servers use for the model's thinking, kept apart from the answer.
_REASONING_FIELDS = ("reasoning_content", "reasoning")


@dataclass
class _PartialCall:
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class StreamError(Exception):
    """The stream said something that ends the request: an error event or an unusable chunk."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _complete_json(text: str) -> bool:
    """Whether a call's arguments so far already form a whole JSON value."""
    if not text.strip():
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        message = error.get("message") or error.get("msg") or error.get("type") or json.dumps(error)
        return str(message)
    return str(error)


class Accumulator:
    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.calls: dict[int, _PartialCall] = {}
        self.chars = 0
        self.token_events = 0
        self.ttft: float | None = None
        self.first_output: float | None = None
        self.last_token: float | None = None
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] | None = None
        self.timings: dict[str, Any] | None = None
        self.ollama_counts: dict[str, int] = {}
        self.saw_done = False
        # Choices that carried a delta, a message or a finish_reason: zero means no completion came
        # at all (only [DONE], only `choices: []`), which is the server's failure, not the model's.
        self.completions = 0
        self.events = 0  # SSE events with data, [DONE] included
        self.done_at: float | None = None  # perf_counter time [DONE] arrived

    # ------------------------------------------------------------------------------------- input

    def feed_chunk(self, chunk: Any, now: float) -> None:
        if not isinstance(chunk, dict):
            raise StreamError("bad_chunk", f"stream chunk is not a JSON object: {str(chunk)[:80]}")
        if chunk.get("error"):
            raise StreamError("stream_error", f"server error mid-stream: {_error_text(chunk['error'])}")
        self._read_counters(chunk)
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            return
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta")
            if delta is None:
                delta = choice.get("message")
            if isinstance(delta, dict):
                self.completions += 1
                self._read_delta(delta, now)
            reason = choice.get("finish_reason")
            if isinstance(reason, str) and reason:
                self.completions += 1
                self.finish_reason = reason

    def feed_response(self, response: Any, now: float) -> None:
        """A whole non-streamed completion: one event that carries everything at once."""
        self.feed_chunk(response, now)

    def _read_counters(self, chunk: dict[str, Any]) -> None:
        usage = chunk.get("usage")
        if not isinstance(usage, dict):
            # Groq has sent usage only inside its own object on the last chunk.
            extra = chunk.get("x_groq")
            usage = extra.get("usage") if isinstance(extra, dict) else None
        if isinstance(usage, dict):
            self.usage = usage
        timings = chunk.get("timings")
        if isinstance(timings, dict):
            self.timings = timings
        for key in ("eval_count", "prompt_eval_count"):
            value = _as_int(chunk.get(key))
            if value is not None:
                self.ollama_counts[key] = value

    def _read_delta(self, delta: dict[str, Any], now: float) -> None:
        output = False
        token = False
        content = delta.get("content")
        if isinstance(content, str) and content:
            self.content.append(content)
            self.chars += len(content)
            output = True
        for name in _REASONING_FIELDS:
            text = delta.get(name)
            if isinstance(text, str) and text:
                self.reasoning.append(text)
                self.chars += len(text)
                token = True
        calls = delta.get("tool_calls")
        if isinstance(calls, list) and calls:
            for position, call in enumerate(calls):
                if isinstance(call, dict):
                    self._read_call(call, position)
            output = True
        if output or token:
            self.token_events += 1
            if self.ttft is None:
                self.ttft = now - self.t0
            if output and self.first_output is None:
                self.first_output = now - self.t0
            self.last_token = now - self.t0

    def _read_call(self, call: dict[str, Any], position: int) -> None:
        call_id = call.get("id") if isinstance(call.get("id"), str) else None
        index = _as_int(call.get("index"))
        if index is None:
            index = self._unindexed_call(call, call_id, position)
        partial = self.calls.setdefault(index, _PartialCall())
        if call_id and not partial.id:
            partial.id = call_id
        function = call.get("function")
        if not isinstance(function, dict):
            return
        name = function.get("name")
        # Most servers send the name once; some repeat it whole in every chunk, a few stream it.
        if isinstance(name, str) and name and name != partial.name:
            partial.name += name
        arguments = function.get("arguments")
        if isinstance(arguments, str):
            partial.arguments.append(arguments)
            self.chars += len(arguments)
        elif isinstance(arguments, dict):
            text = json.dumps(arguments, ensure_ascii=False)
            partial.arguments.append(text)
            self.chars += len(text)

    def _unindexed_call(self, call: dict[str, Any], call_id: str | None, position: int) -> int:
        """Where a call without `index` belongs: a known id continues its call, a new id opens one.
        Without an id either, a piece that names a function after the last call is already complete
        opens a new call (Gemini sends each call whole); anything else continues the last call."""
        if call_id:
            known = next((i for i, c in self.calls.items() if c.id == call_id), None)
            if known is not None:
                return known
            return max(self.calls) + 1 if self.calls else position
        if not self.calls:
            return position
        last = max(self.calls)
        function = call.get("function")
        if not isinstance(function, dict):
            return last
        name, arguments = function.get("name"), function.get("arguments")
        if not isinstance(name, str) or not name:
            return last
        if name == self.calls[last].name and not arguments:
            return last  # the name repeated on an empty piece: nothing new
        return last + 1 if _complete_json("".join(self.calls[last].arguments)) else last

    # ------------------------------------------------------------------------------------ output

    def tool_calls(self) -> list[ToolCall]:
        calls = []
        for index in sorted(self.calls):
            partial = self.calls[index]
            raw = "".join(partial.arguments)
            arguments: dict[str, Any] | str
            if not raw.strip():
                arguments = {}
            else:
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    parsed = None
                arguments = parsed if isinstance(parsed, dict) else raw
            calls.append(ToolCall(id=partial.id, name=partial.name, arguments=arguments))
        return calls

    def output_tokens(self) -> tuple[int | None, TokenCountSource]:
        if self.usage is not None:
            count = _as_int(self.usage.get("completion_tokens"))
            if count is not None:
                return count, "usage"
        if self.timings is not None:
            count = _as_int(self.timings.get("predicted_n"))
            if count is not None:
                return count, "server_timings"
        if "eval_count" in self.ollama_counts:
            return self.ollama_counts["eval_count"], "server_timings"
        if self.token_events:
            return self.token_events, "chunks"
        return None, "none"

    def prompt_tokens(self) -> tuple[int | None, int | None]:
        prompt: int | None = None
        cached: int | None = None
        if self.usage is not None:
            prompt = _as_int(self.usage.get("prompt_tokens"))
            details = self.usage.get("prompt_tokens_details")
            if isinstance(details, dict):
                cached = _as_int(details.get("cached_tokens"))
        if self.timings is not None:
            if prompt is None:
                prompt = _as_int(self.timings.get("prompt_n"))
            if cached is None:
                cached = _as_int(self.timings.get("cache_n"))
        if prompt is None:
            prompt = self.ollama_counts.get("prompt_eval_count")
        return prompt, cached

    def _end_token_unstreamed(self, n: int) -> bool:
        """Whether the count includes an end-of-text token the stream never carried. One token per
        event shows it as count = events + 1. llama-server (it sends `timings`) also puts several
        tokens into one event (a character split across tokens, a held-back stop-string prefix), so
        there any count above the events means the same unstreamed end token."""
        return n == self.token_events + 1 or (self.timings is not None and n > self.token_events)

    def fill(self, record: RequestRecord) -> None:
        record.content = "".join(self.content)
        record.reasoning = "".join(self.reasoning)
        record.tool_calls = self.tool_calls()
        record.finish_reason = self.finish_reason
        record.token_events = self.token_events
        record.ttft_s = self.ttft
        record.first_output_s = self.first_output
        record.last_token_s = self.last_token
        record.output_tokens, record.output_tokens_source = self.output_tokens()
        record.prompt_tokens, record.cached_prompt_tokens = self.prompt_tokens()
        record.server_timings = self.timings
        record.decode_tps = None
        n = record.output_tokens
        if n is not None and self.finish_reason == "stop" and self._end_token_unstreamed(n):
            # llama-server counts the end-of-text token it never streams; it was not decoded between
            # our first and last token events, so it does not belong in the rate.
            n -= 1
        if n is not None and n >= 2 and self.ttft is not None and self.last_token is not None:
            span = self.last_token - self.ttft
            if span > 0:
                record.decode_tps = (n - 1) / span
