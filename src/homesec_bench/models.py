"""The data that flows through the benchmark, from suite to report.

Every stage speaks these types and nothing else:

    TestCase (suite data) -> runner -> RequestRecord (client) -> Verdict (grader) -> TestResult (store)

They are pydantic models so that a run directory can be read back, validated and re-reported at any
time, by any version of the reports.

Every model builds its validator and serializer on first use (`defer_build`), not at import: `list`
builds none of them, and a serial run builds the run records' once its first request is sent. Code
that first uses them from several threads at once calls `build_deferred_models` before (pydantic
releases before 2.13 are not safe when two threads make a model's first use at once), and so does a
concurrent run, whose first builds would otherwise stall the streams in flight. The annotations are
plain (no `from __future__ import annotations`), so pydantic reads them as they are instead of parsing
each from a string.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "user", "assistant", "tool"]
Outcome = Literal["pass", "fail", "error"]
TokenCountSource = Literal["usage", "server_timings", "chunks", "none"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


# --------------------------------------------------------------------------------------------- suites


class ToolCall(_Strict):
    """One function call, either made by the model or written into a test's history."""

    id: str | None = None
    name: str
    arguments: dict[str, Any] | str = Field(
        default_factory=dict,
        description="Parsed arguments; the raw string when the model sent arguments that are not JSON.",
    )


class ImagePart(_Strict):
    """An image in a user message, named by fixture id (resolved by the runner to a data URI)."""

    type: Literal["image"] = "image"
    fixture: str


class TextPart(_Strict):
    type: Literal["text"] = "text"
    text: str


class Message(_Strict):
    role: Role
    content: str | list[TextPart | ImagePart] | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None
    name: str | None = None


class Sampling(_Strict):
    """Sampling parameters a test states explicitly; the client sends exactly these."""

    temperature: float | None = 0.0
    max_tokens: int = 512
    top_p: float | None = None
    seed: int | None = 1234


class GraderSpec(_Strict):
    """Which grader judges the answer, and its expectation. `params` is the grader's own schema."""

    type: str
    params: dict[str, Any] = Field(default_factory=dict)


class ModelAnswer(_Strict):
    """What a grader sees: the model's final answer, with reasoning kept apart."""

    content: str = ""
    reasoning: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    finish_reason: str | None = None


class NearMiss(ModelAnswer):
    """A plausible wrong answer that the grader must fail, with the reason it is wrong."""

    why: str


class TestCase(_Strict):
    __test__ = False  # keep pytest from collecting this class

    id: str
    suite: str
    title: str
    purpose: str
    messages: list[Message]
    tools: list[str] = Field(default_factory=list, description="Names from the shared tool catalogue.")
    tool_choice: str | None = None
    response_format: dict[str, Any] | None = None
    sampling: Sampling = Field(default_factory=Sampling)
    grader: GraderSpec
    reference: list[ModelAnswer] = Field(min_length=1)
    near_misses: list[NearMiss] = Field(min_length=2)
    tags: list[str] = Field(default_factory=list)
    degenerate_ok: list[str] = Field(
        default_factory=list, description="Degenerate answers that are legitimately right, e.g. refusal."
    )
    source_file: str | None = None


class Suite(_Strict):
    name: str
    title: str
    description: str
    version: str
    modality: Literal["text", "vision"] = "text"
    tests: list[TestCase]
    content_hash: str = ""


# --------------------------------------------------------------------------------------------- graders


class Verdict(_Strict):
    passed: bool
    reason: str = Field(description="One sentence that says why the answer passed or failed.")
    error_type: str | None = Field(
        default=None, description="A machine-readable failure class, e.g. wrong_label, missing_required_arg."
    )
    details: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------------------------- client


class RequestRecord(BaseModel):
    """Everything measured about one HTTP request to the endpoint. Times are seconds from send."""

    model_config = ConfigDict(defer_build=True)

    request_body: dict[str, Any] = Field(default_factory=dict)
    status_code: int | None = None
    streamed: bool = True
    ttft_s: float | None = Field(
        default=None, description="First token event of any kind, reasoning included."
    )
    first_output_s: float | None = Field(default=None, description="First content or tool-call token.")
    last_token_s: float | None = None
    total_s: float | None = None
    token_events: int = 0
    output_tokens: int | None = None
    output_tokens_source: TokenCountSource = "none"
    prompt_tokens: int | None = None
    cached_prompt_tokens: int | None = None
    decode_tps: float | None = Field(default=None, description="(N-1)/(t_last - t_first), from our clock.")
    server_timings: dict[str, Any] | None = None
    content: str = ""
    reasoning: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    finish_reason: str | None = None
    attempts: int = 1
    retry_wait_s: float = 0.0
    dropped_params: list[str] = Field(
        default_factory=list, description="Parameters the endpoint rejected; it ran with its own default."
    )
    error: str | None = None
    error_kind: str | None = None
    text_replaced: int = Field(
        default=0,
        description="Characters the server sent that cannot be stored (lone UTF-16 surrogates), "
        "replaced with U+FFFD.",
    )

    def answer(self) -> ModelAnswer:
        return ModelAnswer(
            content=self.content,
            reasoning=self.reasoning,
            tool_calls=self.tool_calls,
            finish_reason=self.finish_reason,
        )


# --------------------------------------------------------------------------------------------- store


class TestResult(BaseModel):
    """One line of results.jsonl: one attempt at one test."""

    model_config = ConfigDict(defer_build=True)

    __test__ = False

    test_id: str
    suite: str
    attempt: int = 0
    outcome: Outcome
    reason: str
    error_type: str | None = None
    messages: list[dict[str, Any]] = Field(default_factory=list, description="The transcript as sent.")
    request: RequestRecord
    verdict_details: dict[str, Any] = Field(default_factory=dict)
    test_hash: str = ""
    started_at: str = ""
    finished_at: str = ""


class EndpointInfo(BaseModel):
    model_config = ConfigDict(defer_build=True)
    base_url: str
    model: str
    preset: str | None = None
    locality: Literal["local", "cloud"] = "local"
    quantization: str | None = None
    server_props: dict[str, Any] = Field(default_factory=dict)
    managed: bool = False


class MemoryPeak(BaseModel):
    model_config = ConfigDict(defer_build=True)
    rss_bytes: int | None = None
    gpu_bytes: int | None = None
    pid: int | None = None
    note: str | None = Field(default=None, description="Why a figure could not be read, when it could not.")


class EnergyUse(BaseModel):
    """Energy this machine used while the run's requests ran (server/energy.py says what is counted)."""

    model_config = ConfigDict(defer_build=True)

    seconds: float = 0.0
    gpu_wh: float | None = Field(default=None, description="All NVIDIA GPUs, from NVML's energy counter.")
    cpu_wh: float | None = Field(default=None, description="All CPU packages, from powercap (RAPL).")
    notes: list[str] = Field(default_factory=list, description="Why a part was not measured.")


class RunInfo(BaseModel):
    """run.json: what was run, against what, on what, and when."""

    model_config = ConfigDict(defer_build=True)

    run_id: str
    harness_version: str
    benchmark_version: str
    benchmark_hash: str
    suite_hashes: dict[str, str] = Field(default_factory=dict)
    test_hashes: dict[str, str] = Field(default_factory=dict)
    endpoint: EndpointInfo
    vision_endpoint: EndpointInfo | None = None
    machine: dict[str, Any] = Field(default_factory=dict)
    parameters: dict[str, Any] = Field(default_factory=dict)
    selected_tests: list[str] = Field(default_factory=list)
    repeat: int = 1
    started_at: str = ""
    finished_at: str | None = None
    resumed_at: list[str] = Field(default_factory=list)
    warmup: RequestRecord | None = None
    memory: MemoryPeak | None = None
    energy: EnergyUse | None = None
    notes: list[str] = Field(default_factory=list)


def build_deferred_models() -> None:
    """Build every model's validator and serializer now, on this thread (see the module docstring)."""
    for model in list(globals().values()):
        ours = isinstance(model, type) and issubclass(model, BaseModel) and model.__module__ == __name__
        if ours and not model.__pydantic_complete__:
            model.model_rebuild()
