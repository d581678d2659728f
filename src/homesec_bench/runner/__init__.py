"""The runner: scheduling, warm-up, retries, resume. It is the only caller of the client."""

from homesec_bench.runner.config import EndpointConfig, RunConfig
from homesec_bench.runner.engine import (
    ResumeRefused,
    RunHooks,
    RunSetupError,
    ServerControl,
    run_benchmark,
    run_sync,
)
from homesec_bench.runner.presets import PRESETS, Preset, get_preset

__all__ = [
    "PRESETS",
    "EndpointConfig",
    "Preset",
    "ResumeRefused",
    "RunConfig",
    "RunHooks",
    "RunSetupError",
    "ServerControl",
    "get_preset",
    "run_benchmark",
    "run_sync",
]
