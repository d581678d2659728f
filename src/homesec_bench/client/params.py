"""Parameter fallback: when an endpoint rejects a request parameter, run with its default instead.

Some APIs accept only their default temperature, or call max_tokens max_completion_tokens; scoring
the resulting 400 as a model failure would measure the API, not the model. The client drops what the
endpoint names, records it in `dropped_params`, and the run says the test ran with the server default.

A parameter another API spells differently is resent under that spelling rather than lost (OpenAI's
max_tokens -> max_completion_tokens, Mistral's seed -> random_seed); it is still listed in
`dropped_params` (the endpoint rejected the name), the stored request body shows what was sent, and
the reports say it was renamed (`renamed`), not that the test ran with the server default.
The endpoint is found from the error body, in any of the shapes providers use: OpenAI's `param`,
a FastAPI/pydantic `detail` list (vLLM, Mistral: `loc: ["body", "seed"]`), Gemini's list of errors,
or the parameter named in the message.
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
    "random_seed",
)

# Another API's name for a rejected parameter: rename rather than drop, so the cap (OpenAI's newer
# max_completion_tokens) or the seed (Mistral's random_seed) still holds. A renamed parameter that is
# rejected in turn is dropped.
RENAMES = {"max_tokens": "max_completion_tokens", "seed": "random_seed"}

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
    locations = _locations(error_body)
    if locations:
        # The server says exactly which fields it refused; the rest of its text (an echoed input,
        # say) names nothing. A refused field that is not a droppable top-level one is not ours.
        fields = [loc[1] for loc in locations if len(loc) == 2 and loc[0] == "body"]
        return next((name for name in fields if name in present), None)
    text = _error_text(error_body)
    # The longest match first, so `top_logprobs` is not read as `logprobs`.
    for name in sorted(present, key=len, reverse=True):
        if _PATTERNS[name].search(text):
            return name
    return None


def renamed(dropped: list[str]) -> dict[str, str]:
    """The dropped parameters whose value was resent under the endpoint's own name (name -> new name):
    those did not run with the server's default."""
    return {name: RENAMES[name] for name in dropped if name in RENAMES and RENAMES[name] not in dropped}


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
        param = error.get("param") if isinstance(error, dict) else None
        if isinstance(param, str):
            return param
    return None


def _locations(error_body: Any, depth: int = 0) -> list[list[Any]]:
    """Every FastAPI/pydantic `loc` in the error body, wherever its `detail` list sits (Mistral nests
    it under `message`)."""
    if depth > 5:
        return []
    if isinstance(error_body, dict):
        loc = error_body.get("loc")
        if isinstance(loc, list):
            return [loc]
        values: list[Any] = list(error_body.values())
    elif isinstance(error_body, list):
        values = error_body
    else:
        return []
    return [loc for value in values for loc in _locations(value, depth + 1)]


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
