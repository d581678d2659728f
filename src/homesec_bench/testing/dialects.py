"""Provider dialects for the fake server: how each cloud endpoint differs from OpenAI, played on 127.0.0.1.

    with FakeOpenAIServer(reference_responder(bench), dialect=dialect_for("mistral")) as server:
        ... a run against server.base_url meets Mistral's 422s, usage and tool-call chunks ...

A `Dialect` is built from a preset's documented limits (runner/provider_limits.py, each with its
source); presets without any (the local servers, OpenAI) get plain OpenAI behaviour. What it changes:

- rejected parameters: a request holding one is answered with the provider's status and error body
  (a scripted `reject_param:NAME` fault is answered the same way); a strict schema (`accepts_only`)
  refuses every other field, all of them listed as pydantic does;
- where streamed usage goes: OpenAI's `choices: []` chunk (only when asked, unless `usage_unasked`),
  the finish chunk, or Groq's `x_groq.usage`;
- how tool calls are chunked: OpenAI's fragments, each call whole in its own chunk, all calls whole
  in one chunk, or whole without `index`;
- an SSE comment before the first chunk (OpenRouter's `: OPENROUTER PROCESSING`, DeepSeek's
  `: keep-alive`).

Ignored parameters are accepted and have no effect, which is also what the fake server does with
any parameter it does not know; they are listed for the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from homesec_bench.runner.provider_limits import ErrorShape, ProviderLimits, ToolCallStyle, UsagePlace

__all__ = ["OPENAI", "Dialect", "dialect_for", "dialect_names"]


class _ChunkWriter(Protocol):
    """What the dialect needs from the server's chunk serialiser (fake_server._Chunks)."""

    def delta(self, delta: dict[str, Any], finish: str | None = None, extra: str = "") -> bytes: ...

    def usage(self, usage: dict[str, Any]) -> bytes: ...


@dataclass(frozen=True)
class Dialect:
    name: str = "openai"
    rejects: frozenset[str] = frozenset()
    accepts_only: frozenset[str] | None = None
    ignores: frozenset[str] = frozenset()
    reject_status: int = 400
    error_shape: ErrorShape = "openai"
    error_message: str = "Unsupported parameter: '{param}' is not supported with this model."
    usage: tuple[UsagePlace, ...] = ("usage_chunk",)
    usage_unasked: bool = False
    tool_calls: ToolCallStyle = "fragments"
    comment: str | None = None
    spellings: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_limits(cls, name: str, limits: ProviderLimits) -> Dialect:
        only = frozenset(limits.accepts_only) if limits.accepts_only is not None else None
        return cls(
            name=name,
            rejects=frozenset(limits.rejects),
            accepts_only=only,
            ignores=frozenset(limits.ignores),
            reject_status=limits.reject_status,
            error_shape=limits.error_shape,
            error_message=limits.error_message,
            usage=limits.usage,
            usage_unasked=limits.usage_unasked,
            tool_calls=limits.tool_calls,
            comment=limits.comment,
            spellings=dict(limits.spellings),
        )

    # --------------------------------------------------------------------------------- requests

    def refused(self, body: dict[str, Any]) -> list[str]:
        """The request's fields this provider answers with an error, in the order they were sent."""
        if self.accepts_only is not None:
            return [name for name in body if name not in self.accepts_only]
        return [name for name in body if name in self.rejects]

    def error(self, params: list[str], body: dict[str, Any]) -> tuple[int, Any]:
        """The status and JSON body this provider answers when it refuses `params`."""
        status = self.reject_status
        first = params[0]
        message = self.error_message.format(param=first)
        if self.error_shape == "mistral":
            detail = [
                {
                    "type": "extra_forbidden",
                    "loc": ["body", name],
                    "msg": self.error_message.format(param=name),
                    "input": body.get(name),
                }
                for name in params
            ]
            error = {"object": "error", "message": {"detail": detail}, "type": "invalid_request_error"}
            return status, {**error, "param": None, "code": None}
        if self.error_shape == "gemini":
            return status, [{"error": {"code": status, "message": message, "status": "INVALID_ARGUMENT"}}]
        if self.error_shape == "openrouter":
            return status, {
                "error": {"code": status, "message": message, "metadata": {"provider_name": "fake"}}
            }
        if self.error_shape == "openai_unnamed":
            return status, {"error": {"message": message, "type": "invalid_request_error"}}
        error = {"message": message, "type": "invalid_request_error", "param": first}
        return status, {"error": {**error, "code": "unsupported_parameter"}}

    # ---------------------------------------------------------------------------------- streams

    def opening(self) -> bytes:
        """What the stream starts with before the first chunk."""
        return f": {self.comment}\n\n".encode() if self.comment else b""

    def shape_tool_calls(self, chunks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The chunk deltas with tool-call pieces regrouped in this provider's style."""
        if self.tool_calls == "fragments" or not any("tool_calls" in c for c in chunks):
            return chunks
        others = [c for c in chunks if "tool_calls" not in c]
        calls = _whole_calls(c["tool_calls"][0] for c in chunks if "tool_calls" in c)
        if self.tool_calls == "whole_no_index":
            calls = [{k: v for k, v in call.items() if k != "index"} for call in calls]
        if self.tool_calls == "whole_per_chunk":
            return others + [{"tool_calls": [call]} for call in calls]
        return [*others, {"tool_calls": calls}]

    def tail(
        self,
        chunker: _ChunkWriter,
        finish: str,
        usage: dict[str, Any] | None,
        include_usage: bool,
        extra: str = "",
    ) -> bytes:
        """The finish chunk, with usage wherever this provider puts it, then [DONE]."""
        if usage is not None:
            text = json.dumps(usage)
            if "finish_chunk" in self.usage:
                extra += f',"usage":{text}'
            if "x_groq" in self.usage:
                extra += f',"x_groq":{{"id":"req_fake","usage":{text}}}'
        out = chunker.delta({}, finish, extra)
        if usage is not None and "usage_chunk" in self.usage and (include_usage or self.usage_unasked):
            out += chunker.usage(usage)
        return out + b"data: [DONE]\n\n"


def _whole_calls(pieces: Any) -> list[dict[str, Any]]:
    """Tool-call fragments (id and name first, then argument pieces) joined into whole calls."""
    calls: dict[int, dict[str, Any]] = {}
    for piece in pieces:
        function = piece.get("function") or {}
        call = calls.get(piece["index"])
        if call is None:
            call = {"index": piece["index"], "id": piece.get("id"), "type": "function"}
            call["function"] = {"name": function.get("name", ""), "arguments": ""}
            calls[piece["index"]] = call
        call["function"]["arguments"] += function.get("arguments", "")
    return [calls[i] for i in sorted(calls)]


OPENAI = Dialect()


def dialect_names() -> list[str]:
    """Every preset name, each a dialect (plain OpenAI where the preset documents no difference)."""
    from homesec_bench.runner.presets import PRESETS

    return list(PRESETS)


def dialect_for(preset: str) -> Dialect:
    """The dialect a preset's documented limits describe; OpenAI's where it has none."""
    from homesec_bench.runner.presets import get_preset

    limits = get_preset(preset).limits
    if limits is None:
        return Dialect(name=preset)
    return Dialect.from_limits(preset, limits)
