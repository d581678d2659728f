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
from homesec_bench.runner.launch import EMBEDDED_NOTE, ManagedServerOptions, complete_config, launch
from homesec_bench.runner.presets import PRESETS, Preset, get_preset

__all__ = [
    "EMBEDDED_NOTE",
    "PRESETS",
    "EndpointConfig",
    "ManagedServerOptions",
    "Preset",
    "ResumeRefused",
    "RunConfig",
    "RunHooks",
    "RunSetupError",
    "ServerControl",
    "complete_config",
    "get_preset",
    "launch",
    "run_benchmark",
    "run_sync",
]
