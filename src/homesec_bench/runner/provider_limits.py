"""What each cloud provider's OpenAI-compatible endpoint does differently, with where it was read.

Every `Fact` names its source and the day it was read. `kind` says how much weight it carries:
`docs` is the provider's own documentation, `report` a user's or maintainer's report of what the
endpoint answered (an issue, a forum thread, another client's docs), `observed` a recorded real
response in another project's test data. `assumed` marks what the test server plays where nothing
was found: it is the OpenAI behaviour, said so rather than passed off as known.

`ProviderLimits` is the same knowledge in the form the test server (`homesec_bench.testing.dialects`)
plays and docs/providers.md explains; the client handles every behaviour listed here without being
told which provider it talks to (see client/params.py and client/accumulate.py).
"""

# Plain annotations, not `from __future__ import annotations`: pydantic then reads each as it is
# instead of parsing it from a string when it builds the models (start-up time).

from typing import Literal

from pydantic import BaseModel, Field

READ_ON = "2026-11-30"

# Where streamed token usage arrives: OpenAI's extra chunk with `choices: []` (sent only when the
# request asks with stream_options.include_usage unless `usage_unasked`), on the chunk that carries
# finish_reason, or inside Groq's `x_groq` object on that chunk.
UsagePlace = Literal["usage_chunk", "finish_chunk", "x_groq"]
# How streamed tool calls arrive: OpenAI's fragments (id and name first, then argument pieces),
# each call whole in a chunk of its own, every call of the turn whole in one chunk, or whole
# without the `index` field.
ToolCallStyle = Literal["fragments", "whole_per_chunk", "whole_one_chunk", "whole_no_index"]
# The body of a rejected-parameter error: OpenAI's ({"error": {message, type, param, code}}), the
# same without naming the parameter, Mistral's 422 ({"object": "error", "message": {"detail": [...]}}),
# Gemini's list ([{"error": {code, message, status}}]), or OpenRouter's ({"error": {code, message}}).
ErrorShape = Literal["openai", "openai_unnamed", "mistral", "gemini", "openrouter"]


class Fact(BaseModel):
    about: Literal["rejects", "ignores", "spelling", "usage", "tool_calls", "errors", "messages", "other"]
    text: str
    url: str
    kind: Literal["docs", "report", "observed", "assumed"] = "docs"
    read: str = READ_ON


class ProviderLimits(BaseModel):
    """A provider's documented differences, as the test server plays them."""

    rejects: tuple[str, ...] = Field(default=(), description="Parameters answered with HTTP 400/422.")
    # A provider that validates its request schema strictly rejects every field not listed here.
    accepts_only: tuple[str, ...] | None = None
    ignores: tuple[str, ...] = Field(default=(), description="Parameters accepted and silently not applied.")
    ignores_when: str = Field(default="", description="When they are ignored, if not always.")
    spellings: dict[str, str] = Field(default_factory=dict, description="OpenAI name -> this provider's.")
    reject_status: int = 400
    error_shape: ErrorShape = "openai"
    error_message: str = "Unsupported parameter: '{param}' is not supported with this model."
    usage: tuple[UsagePlace, ...] = ("usage_chunk",)
    usage_unasked: bool = False
    tool_calls: ToolCallStyle = "fragments"
    # An SSE comment the provider sends while the answer is prepared (a parser must skip it).
    comment: str | None = None
    facts: tuple[Fact, ...] = ()


def _fact(about: str, text: str, url: str, kind: str = "docs") -> Fact:
    return Fact.model_validate({"about": about, "text": text, "url": url, "kind": kind})


_ANTHROPIC_DOCS = "https://platform.claude.com/docs/en/api/openai-sdk"
_GEMINI_DOCS = "https://ai.google.dev/gemini-api/docs/openai"
_GROQ_DOCS = "https://console.groq.com/docs/openai"
_DEEPSEEK_REASONING = "https://api-docs.deepseek.com/guides/reasoning_model"
_FIREWORKS_DOCS = "https://docs.fireworks.ai/tools-sdks/openai-compatibility"
# Mistral's chat request schema; any other field answers 422 extra_forbidden.
_MISTRAL_FIELDS = (
    *("model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed"),
    *("response_format", "tools", "tool_choice", "presence_penalty", "frequency_penalty", "n"),
    *("prediction", "parallel_tool_calls", "safe_prompt", "prompt_mode"),
)

ANTHROPIC_OPENAI = ProviderLimits(
    rejects=("n",),
    ignores=(
        "seed",
        "response_format",
        "presence_penalty",
        "frequency_penalty",
        "logprobs",
        "top_logprobs",
        "logit_bias",
        "metadata",
        "prediction",
        "service_tier",
        "audio",
        "store",
        "user",
        "modalities",
        "reasoning_effort",
    ),
    error_message="{param}: only the value 1 is supported",
    facts=(
        _fact(
            "ignores",
            "seed, response_format, presence_penalty, frequency_penalty, logprobs, top_logprobs, "
            "logit_bias, metadata, prediction, service_tier, audio, store, user, modalities and "
            "reasoning_effort are ignored; tools[].function.strict is ignored, so tool arguments are not "
            "held to the schema. Most unsupported fields are silently ignored rather than rejected.",
            _ANTHROPIC_DOCS,
        ),
        _fact("rejects", "n must be exactly 1.", _ANTHROPIC_DOCS),
        _fact(
            "other",
            "temperature is honoured between 0 and 1; values above 1 are capped at 1.",
            _ANTHROPIC_DOCS,
        ),
        _fact(
            "usage",
            "stream_options is fully supported (usage chunk when include_usage is asked).",
            _ANTHROPIC_DOCS,
        ),
        _fact(
            "messages",
            "System and developer messages anywhere in the conversation are hoisted and joined with a "
            "newline into one system message at the start; audio input is stripped; no prompt caching.",
            _ANTHROPIC_DOCS,
        ),
        _fact(
            "tool_calls",
            "How tool calls are streamed is not documented; the test server plays OpenAI's fragments.",
            _ANTHROPIC_DOCS,
            "assumed",
        ),
        _fact(
            "errors",
            "The error body of the compatibility layer was not in the copy read; the test server plays "
            "OpenAI's shape.",
            _ANTHROPIC_DOCS,
            "assumed",
        ),
    ),
)

GEMINI = ProviderLimits(
    reject_status=400,
    error_shape="gemini",
    error_message='Invalid JSON payload received. Unknown name "{param}": Cannot find field.',
    tool_calls="whole_no_index",
    facts=(
        _fact(
            "other",
            "Base URL https://generativelanguage.googleapis.com/v1beta/openai/, the Gemini API key as a "
            "Bearer token; reasoning_effort maps to Gemini's thinking settings; Gemini-only options go in "
            "extra_body.",
            _GEMINI_DOCS,
        ),
        _fact(
            "tool_calls",
            "Streamed tool calls arrive whole (arguments in one piece) without the `index` field that "
            "OpenAI clients expect.",
            "https://discuss.ai.google.dev/t/gemini-openai-compatibility-issue-with-tool-call-streaming/59886",
            "report",
        ),
        _fact(
            "tool_calls",
            "Gemini returns index: None inside tool_calls elements (a client had to special-case it).",
            "https://github.com/meilisearch/meilisearch/pull/5712",
            "report",
        ),
        _fact(
            "errors",
            "Errors come as a JSON list: [{'error': {'code': 400, 'message': ..., 'status': "
            "'INVALID_ARGUMENT'}}]; function calling combined with a JSON response_format is rejected.",
            "https://github.com/Simpleyyt/ai-manus/issues/101",
            "report",
        ),
        _fact(
            "rejects",
            "A gateway documents that Gemini 3 models reject seed, presence_penalty and "
            "frequency_penalty (Gemini 2.5 accepts them); not confirmed in Google's own page.",
            "https://opentoken.kr/docs/guides/sampling-parameters",
            "report",
        ),
        _fact(
            "rejects",
            'Gemini 3 previews rejected some reasoning_effort values ("minimal", "medium").',
            "https://discuss.ai.google.dev/tag/openai-compatibility/417",
            "report",
        ),
        _fact(
            "usage",
            "Where streamed usage arrives is not stated in the copy read; the test server plays OpenAI's "
            "usage chunk.",
            _GEMINI_DOCS,
            "assumed",
        ),
    ),
)

OPENROUTER = ProviderLimits(
    error_shape="openrouter",
    error_message="{param} is not supported by the chosen model",
    usage_unasked=True,
    comment="OPENROUTER PROCESSING",
    facts=(
        _fact(
            "usage",
            "stream_options.include_usage is deprecated and has no effect: full usage is always included "
            "(in the final chunk).",
            "https://openrouter.ai/docs/client-sdks/python/components/chatstreamoptions",
        ),
        _fact(
            "other",
            "SSE streams carry comments such as ': OPENROUTER PROCESSING' to keep the connection open; "
            "errors that happen mid-generation arrive as a data event with an `error` field (HTTP 200).",
            "https://openrouter.ai/docs/api-reference/streaming",
        ),
        _fact(
            "errors",
            "Errors are {'error': {'code': <number>, 'message': ..., 'metadata': {...}}}; the HTTP status "
            "equals error.code.",
            "https://openrouter.ai/docs/api-reference/errors",
        ),
        _fact(
            "rejects",
            "With provider.require_parameters a route that cannot honour a parameter answers 404 'No "
            "endpoints found that can handle the requested parameters' (the preset does not set it).",
            "https://docs.rs/crate/harn-vm/0.10.162/source/src/llm/capabilities/lookup_tests_openrouter_sampling.rs",
            "report",
        ),
        _fact(
            "tool_calls",
            "Tool-call streaming follows whichever provider serves the model; the test server plays "
            "OpenAI's fragments.",
            "https://openrouter.ai/docs/api-reference/streaming",
            "assumed",
        ),
    ),
)

GROQ = ProviderLimits(
    rejects=("logprobs", "logit_bias", "top_logprobs"),
    error_shape="openai_unnamed",
    error_message="property '{param}' is unsupported",
    usage=("x_groq", "usage_chunk"),
    tool_calls="whole_per_chunk",
    facts=(
        _fact(
            "rejects",
            "logprobs, logit_bias, top_logprobs and messages[].name are not supported and answer HTTP 400; "
            "n must be 1.",
            _GROQ_DOCS,
        ),
        _fact("other", "temperature 0 is converted to 1e-8.", _GROQ_DOCS),
        _fact(
            "rejects",
            "In 2024 stream_options answered 400: {'error': {'message': \"property 'stream_options' is "
            "unsupported, did you mean 'stream'?\", 'type': 'invalid_request_error'}} (no `param`).",
            "https://github.com/vercel/ai/pull/1578",
            "report",
        ),
        _fact(
            "usage",
            "Streamed usage came only under x_groq.usage on the last chunk, not in `usage`.",
            "https://github.com/vercel/ai/issues/1651",
            "report",
        ),
        _fact(
            "usage",
            "A 2025 recording shows usage both in x_groq.usage and in `usage` on the finish chunk, then "
            "a `choices: []` usage chunk when include_usage is asked; tool calls each arrive whole in a "
            "chunk of their own, with id and index.",
            "https://github.com/charmbracelet/fantasy/blob/main/providertests/testdata/TestGroqCommon/"
            "groq-kimi-k2-0905/multi_tool_streaming.yaml",
            "observed",
        ),
    ),
)

TOGETHER = ProviderLimits(
    facts=(
        _fact(
            "other",
            "OpenAI-compatible at https://api.together.ai/v1 (older traffic uses api.together.xyz); model "
            "ids are namespaced <org>/<model> and OpenAI model names answer 404.",
            "https://www.developersdigest.tech/reference/api-compatibility/together",
            "report",
        ),
        _fact(
            "usage",
            "No documented difference found for streamed usage or tool calls; the test server plays "
            "OpenAI's usage chunk and fragments.",
            "https://docs.together.ai/docs/openai-api-compatibility",
            "assumed",
        ),
    ),
)

DEEPSEEK = ProviderLimits(
    rejects=("logprobs", "top_logprobs"),
    ignores=("temperature", "top_p", "presence_penalty", "frequency_penalty"),
    ignores_when="in thinking mode (deepseek-reasoner)",
    comment="keep-alive",
    facts=(
        _fact(
            "ignores",
            "In thinking mode (deepseek-reasoner) temperature, top_p, presence_penalty and "
            "frequency_penalty are accepted without error but have no effect.",
            _DEEPSEEK_REASONING,
        ),
        _fact("rejects", "In thinking mode logprobs and top_logprobs answer an error.", _DEEPSEEK_REASONING),
        _fact(
            "messages",
            "reasoning_content sent back in input messages answers HTTP 400 (the harness never sends it).",
            _DEEPSEEK_REASONING,
        ),
        _fact(
            "other",
            "Under load a request stays open: streamed requests receive ': keep-alive' SSE comments, "
            "unstreamed ones empty lines before the JSON body; the server closes after 30 minutes.",
            "https://api-docs.deepseek.com/quick_start/rate_limit",
        ),
        _fact(
            "other",
            "Base URL https://api.deepseek.com, or https://api.deepseek.com/v1 for OpenAI compatibility "
            "(the v1 has nothing to do with the model version).",
            "https://deepseek.apidog.io/rate-limit-835830m0",
            "report",
        ),
        _fact(
            "other",
            "deepseek-chat and deepseek-reasoner are legacy aliases of the V4 models, announced to stop "
            "working after 2026-07-24.",
            "https://chat-deep.ai/guide/create-chat-completion/",
            "report",
        ),
        _fact(
            "usage",
            "Streamed usage and tool-call chunking were not in the pages read; the test server plays "
            "OpenAI's usage chunk and fragments.",
            "https://api-docs.deepseek.com/",
            "assumed",
        ),
    ),
)

MISTRAL = ProviderLimits(
    accepts_only=_MISTRAL_FIELDS,
    spellings={"seed": "random_seed"},
    reject_status=422,
    error_shape="mistral",
    error_message="Extra inputs are not permitted",
    usage=("finish_chunk",),
    usage_unasked=True,
    tool_calls="whole_one_chunk",
    facts=(
        _fact(
            "spelling",
            "The seed is spelled random_seed; the request schema has no seed, stream_options, "
            "max_completion_tokens or store.",
            "https://schemas.apis.io/schemas/mistral/mistral-chatcompletionrequest/",
            "report",
        ),
        _fact(
            "rejects",
            "Fields outside the schema answer HTTP 422 extra_forbidden: {'object': 'error', 'message': "
            "{'detail': [{'type': 'extra_forbidden', 'loc': ['body', 'seed'], 'msg': 'Extra inputs are not "
            "permitted', ...}]}, 'type': 'invalid_request_error', 'param': None, 'code': None}.",
            "https://github.com/Vali-98/ChatterUI/issues/143",
            "report",
        ),
        _fact(
            "rejects",
            "store and max_completion_tokens answer 422 extra_forbidden (2026).",
            "https://github.com/Gitlawb/openclaude/issues/739",
            "report",
        ),
        _fact(
            "tool_calls",
            "Each tool call arrives complete in one streamed chunk; all calls of a turn come in one delta, "
            "each with its full arguments and a distinct index.",
            "https://github.com/comet-ml/opik/pull/7385",
            "report",
        ),
        _fact(
            "usage",
            "Usage on the final chunk without being asked is not confirmed in the pages read; the test "
            "server plays it on the finish chunk.",
            "https://docs.mistral.ai/api/",
            "assumed",
        ),
    ),
)

FIREWORKS = ProviderLimits(
    usage=("finish_chunk",),
    usage_unasked=True,
    facts=(
        _fact(
            "usage",
            "Usage is returned for streamed responses too, in the very last chunk (the one with "
            "finish_reason).",
            _FIREWORKS_DOCS,
        ),
        _fact(
            "other",
            "When prompt plus max_tokens exceeds the context window, max_tokens is silently lowered "
            "(context_length_exceeded_behavior=truncate); 'error' answers like OpenAI. The preset asks "
            "for 'error' so a long test is never cut short unseen.",
            "https://docs.fireworks.ai/tools-sdks/migrate-to-fireworks",
        ),
        _fact(
            "tool_calls",
            "No documented difference found for streamed tool calls; the test server plays OpenAI's "
            "fragments.",
            _FIREWORKS_DOCS,
            "assumed",
        ),
    ),
)
