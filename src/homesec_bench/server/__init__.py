"""The embedded default: a managed llama.cpp `llama-server` and a registry-shipped model.

from homesec_bench.server import ManagedLlamaServer, MemorySampler, default_model_path

with ManagedLlamaServer(default_model_path()) as server:
    sampler = MemorySampler(server.pid).start()
    ...  # talk to server.base_url
    peak = sampler.stop()
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Name -> the module defining it, imported on first use: `homesec_bench.server.paths` (the user cache)
# is read on every start and must not load the server manager, the client and aiohttp with it.
_EXPORTS = {
    "LLAMA_CPP_PYTHON_VERSION": "build",
    "ensure_llama_server": "build",
    "find_llama_server": "build",
    "ServerSetupError": "errors",
    "check_prompt_fidelity": "fidelity",
    "ManagedLlamaServer": "llama",
    "MemorySampler": "memory",
    "find_listening_pid": "memory",
    "DEFAULT_MODEL_CAVEAT": "models",
    "check_gguf": "models",
    "default_model_path": "models",
}

if TYPE_CHECKING:
    from homesec_bench.server.build import LLAMA_CPP_PYTHON_VERSION, ensure_llama_server, find_llama_server
    from homesec_bench.server.errors import ServerSetupError
    from homesec_bench.server.fidelity import check_prompt_fidelity
    from homesec_bench.server.llama import ManagedLlamaServer
    from homesec_bench.server.memory import MemorySampler, find_listening_pid
    from homesec_bench.server.models import DEFAULT_MODEL_CAVEAT, check_gguf, default_model_path

__all__ = [
    "DEFAULT_MODEL_CAVEAT",
    "LLAMA_CPP_PYTHON_VERSION",
    "ManagedLlamaServer",
    "MemorySampler",
    "ServerSetupError",
    "check_gguf",
    "check_prompt_fidelity",
    "default_model_path",
    "ensure_llama_server",
    "find_listening_pid",
    "find_llama_server",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
