"""What a run is asked to do. The CLI fills this in; a Python user can build one directly."""

# Plain annotations, not `from __future__ import annotations`: pydantic then reads each as it is
# instead of parsing it from a string when it builds the models (start-up time).

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class EndpointConfig(BaseModel):
    base_url: str | None = Field(
        default=None,
        description="None: the embedded default model on a managed llama-server (see runner.launch).",
    )
    model: str | None = Field(default=None, description="None: ask /v1/models and use the only model.")
    api: str | None = Field(
        default=None, description="Wire protocol: a client backend (openai_chat, anthropic); None: OpenAI."
    )
    api_key_env: str | None = Field(
        default=None, description="None: the backend's own variable (OPENAI_API_KEY, ANTHROPIC_API_KEY)."
    )
    preset: str | None = None
    locality: Literal["local", "cloud"] | None = Field(
        default=None, description="None: decided from the address (loopback or private = local)."
    )
    extra_body: dict = Field(default_factory=dict)

    @property
    def key_env(self) -> str:
        """The environment variable the API key is read from."""
        if self.api_key_env:
            return self.api_key_env
        from homesec_bench.client.backend import get_backend

        return get_backend(self.api).default_key_env


class RunConfig(BaseModel):
    endpoint: EndpointConfig
    vision_endpoint: EndpointConfig | None = None
    suites: list[str] | None = None
    test_ids: list[str] | None = None
    out_dir: Path | None = None
    runs_root: Path = Path("runs")
    concurrency: int = Field(default=1, ge=1, le=256)
    repeat: int = Field(default=1, ge=1, le=100)
    warmup: bool = True
    connect_timeout_s: float = 10.0
    idle_timeout_s: float = 60.0
    total_timeout_s: float = 300.0
    max_retries: int = 3
    # First retry waits up to this long, doubling each time (a server's Retry-After wins).
    retry_backoff_s: float = Field(default=0.5, gt=0, le=60)
    max_output_chars: int = 200_000
    # False (--no-stream): ask for one JSON completion, for servers that can do some things (tool calls)
    # only unstreamed; TTFT is then the total time and decode speed is not measured.
    stream: bool = True
    # Vision
    vlm_image_size: int | None = None
    blind: bool = False
    fixtures_dir: Path | None = None
    # Resume
    resume_dir: Path | None = None
    retry_errors: bool = False
    # Memory of the serving process
    server_pid: int | None = None
    sample_memory: bool = True
    # Energy of this machine's GPUs (NVML) and CPU packages (powercap) while a local server runs.
    measure_energy: bool = True
