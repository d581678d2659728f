"""Presets for the servers people actually run: the usual base URL and what a fair measurement needs.

A flag given explicitly always wins over a preset value.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Preset(BaseModel):
    name: str
    base_url: str
    locality: Literal["local", "cloud"]
    extra_body: dict[str, Any] = Field(
        default_factory=dict, description="Fields merged into every request body for this server."
    )
    needs_api_key: bool = False
    # The wire protocol (a client backend name); None: OpenAI chat completions.
    api: str | None = None
    note: str = ""


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            name="llama-server",
            base_url="http://127.0.0.1:8080/v1",
            locality="local",
            # Prompt caching is what a real agent loop gets from llama-server; state it so every run has it.
            extra_body={"cache_prompt": True},
            note="llama.cpp llama-server; start it with --jinja so tool calls use the model's template",
        ),
        Preset(
            name="ollama",
            base_url="http://127.0.0.1:11434/v1",
            locality="local",
            # Ollama's default context silently truncates long prompts; ask for room for the longest test.
            extra_body={"options": {"num_ctx": 8192}},
            note="Ollama; memory is read from the process listening on the port",
        ),
        Preset(name="vllm", base_url="http://127.0.0.1:8000/v1", locality="local", note="vLLM OpenAI server"),
        Preset(
            name="lmstudio", base_url="http://127.0.0.1:1234/v1", locality="local", note="LM Studio server"
        ),
        Preset(
            name="openai",
            base_url="https://api.openai.com/v1",
            locality="cloud",
            needs_api_key=True,
            note="OpenAI; parameters a model rejects are retried with the server default and reported",
        ),
        Preset(
            name="anthropic",
            base_url="https://api.anthropic.com/v1",
            locality="cloud",
            needs_api_key=True,
            api="anthropic",
            note="Anthropic Messages API; the key is read from ANTHROPIC_API_KEY and sent as x-api-key",
        ),
    ]
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}") from None
