"""Parameter fallback: when an endpoint rejects a request parameter, run with its default instead.

Some APIs accept only their default temperature, or call max_tokens max_completion_tokens; scoring
the resulting 400 as a model failure would measure the API, not the model. The client drops what the
endpoint names, records it in `dropped_params`, and the run says the test ran with the server default.
"""

from __future__ import annotations

import re
from typing import Any

# Parameters that can be left to the server's default without changing what the test asks. `model`,
# `messages` and `tools` are the test itself: an endpoint that rejects those cannot run it at all.
DROPPABLE = (
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "seed",
    "max_tokens",
    "max_completion_tokens",
    "stream_options",
    "response_format",
    "tool_choice",
    "parallel_tool_calls",
    "frequency_penalty",
    "presence_penalty",
    "repeat_penalty",
    "logprobs",
    "top_logprobs",
    "logit_bias",
    "stop",
    "n",
    "user",
    "reasoning_effort",
    "cache_prompt",
)

# The newer name OpenAI wants for max_tokens; rename rather than drop, so the cap still holds.
RENAMES = {"max_tokens": "max_completion_tokens"}

_PATTERNS = {name: re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])") for name in DROPPABLE}


def rejected_param(status: int, error_body: Any, body: dict[str, Any]) -> str | None:
    """The droppable parameter of `body` that a 400/422 answer names, if any."""
    if status not in (400, 422):
        return None
    present = [name for name in DROPPABLE if name in body]
    if not present:
        return None
    named = _named_param(error_body)
    if named in present:
        return named
    text = _error_text(error_body)
    # The longest match first, so `top_logprobs` is not read as `logprobs`.
    for name in sorted(present, key=len, reverse=True):
        if _PATTERNS[name].search(text):
            return name
    return None


def apply_drops(body: dict[str, Any], dropped: list[str]) -> dict[str, Any]:
    """A copy of `body` without the dropped parameters (max_tokens renamed, not lost)."""
    out = dict(body)
    for name in dropped:
        if name not in out:
            continue
        value = out.pop(name)
        new_name = RENAMES.get(name)
        if new_name and new_name not in out and new_name not in dropped:
            out[new_name] = value
    return out


def _named_param(error_body: Any) -> str | None:
    if isinstance(error_body, dict):
        error = error_body.get("error", error_body)
        if isinstance(error, dict) and isinstance(error.get("param"), str):
            return error["param"]
    return None


def _error_text(error_body: Any) -> str:
    if isinstance(error_body, dict):
        error = error_body.get("error", error_body)
        if isinstance(error, dict):
            return " ".join(str(error.get(key, "")) for key in ("message", "detail", "code", "type"))
        return str(error)
    if isinstance(error_body, list):
        # FastAPI/pydantic servers (vLLM) answer 422 with a list of {loc, msg}.
        return " ".join(str(item) for item in error_body)
    return str(error_body)
