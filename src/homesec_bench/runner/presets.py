"""Presets for the servers people actually run: the usual base URL, the API key's variable, and what a
fair measurement needs.

A flag given explicitly always wins over a preset value. The cloud presets carry their provider's
documented differences (`limits`, each fact with its source: runner/provider_limits.py); the client
handles all of them on its own, and the test server plays them (homesec_bench.testing.dialects).
"""

# Plain annotations, not `from __future__ import annotations`: pydantic then reads each as it is
# instead of parsing it from a string when it builds the models (start-up time).

from typing import Any, Literal

from pydantic import BaseModel, Field

from homesec_bench.runner import provider_limits as limits
from homesec_bench.runner.provider_limits import ProviderLimits


class Preset(BaseModel):
    name: str
    base_url: str
    locality: Literal["local", "cloud"]
    extra_body: dict[str, Any] = Field(
        default_factory=dict, description="Fields merged into every request body for this server."
    )
    needs_api_key: bool = False
    # The environment variable the key is read from when the user names none (--api-key-env wins);
    # None: the wire protocol's own (OPENAI_API_KEY, ANTHROPIC_API_KEY).
    key_env: str | None = None
    # The wire protocol (a client backend name); None: OpenAI chat completions.
    api: str | None = None
    limits: ProviderLimits | None = None
    note: str = ""

    def caveats(self) -> list[str]:
        """What a run cannot see for itself: parameters it sends that this provider documents as
        silently ignored (a rejected one is dropped and reported by the client)."""
        if self.limits is None:
            return []
        ignored = [name for name in _RUN_PARAMS if name in self.limits.ignores]
        if not ignored:
            return []
        when = f" {self.limits.ignores_when}" if self.limits.ignores_when else ""
        return [
            f"{self.name} documents that it ignores {', '.join(ignored)}{when} (accepted without effect): "
            "this run's answers may not follow them; see docs/providers.md"
        ]


# The sampling parameters a run sends (the rest of its request is the test itself).
_RUN_PARAMS = ("temperature", "top_p", "seed", "max_tokens", "tool_choice", "response_format")


def _cloud(
    name: str, base_url: str, key_env: str, provider: ProviderLimits, note: str, **extra: Any
) -> Preset:
    return Preset(
        name=name,
        base_url=base_url,
        locality="cloud",
        needs_api_key=True,
        key_env=key_env,
        limits=provider,
        note=note,
        **extra,
    )


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
            key_env="OPENAI_API_KEY",
            note="OpenAI; parameters a model rejects are retried with the server default and reported",
        ),
        Preset(
            name="anthropic",
            base_url="https://api.anthropic.com/v1",
            locality="cloud",
            needs_api_key=True,
            key_env="ANTHROPIC_API_KEY",
            api="anthropic",
            note="Anthropic Messages API; the key is sent as x-api-key",
        ),
        _cloud(
            "anthropic-openai",
            "https://api.anthropic.com/v1",
            "ANTHROPIC_API_KEY",
            limits.ANTHROPIC_OPENAI,
            "Claude through Anthropic's OpenAI-compatible endpoint; seed is silently ignored (answers are "
            "not seeded), system messages are hoisted to the start",
        ),
        _cloud(
            "gemini",
            "https://generativelanguage.googleapis.com/v1beta/openai",
            "GEMINI_API_KEY",
            limits.GEMINI,
            "Google Gemini's OpenAI-compatible endpoint; tool calls stream whole, without an index",
        ),
        _cloud(
            "openrouter",
            "https://openrouter.ai/api/v1",
            "OPENROUTER_API_KEY",
            limits.OPENROUTER,
            "OpenRouter; the model id names the provider (e.g. anthropic/claude-...); usage is always sent",
        ),
        _cloud(
            "groq",
            "https://api.groq.com/openai/v1",
            "GROQ_API_KEY",
            limits.GROQ,
            "Groq; temperature 0 becomes 1e-8; usage is also read from x_groq.usage",
        ),
        _cloud(
            "together",
            "https://api.together.ai/v1",
            "TOGETHER_API_KEY",
            limits.TOGETHER,
            "Together AI; model ids are namespaced (org/model)",
        ),
        _cloud(
            "deepseek",
            "https://api.deepseek.com/v1",
            "DEEPSEEK_API_KEY",
            limits.DEEPSEEK,
            "DeepSeek; in thinking mode temperature and top_p are accepted but not applied",
        ),
        _cloud(
            "mistral",
            "https://api.mistral.ai/v1",
            "MISTRAL_API_KEY",
            limits.MISTRAL,
            "Mistral; unknown fields answer 422, so seed is resent as random_seed and stream_options "
            "dropped (both reported in the run)",
        ),
        _cloud(
            "fireworks",
            "https://api.fireworks.ai/inference/v1",
            "FIREWORKS_API_KEY",
            limits.FIREWORKS,
            "Fireworks AI; asks for an error, not a silently lowered max_tokens, when a prompt is too long",
            # Fireworks lowers max_tokens without a word when prompt + max_tokens exceeds the context;
            # the documented switch makes it answer like OpenAI instead.
            extra_body={"context_length_exceeded_behavior": "error"},
        ),
    ]
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}") from None
