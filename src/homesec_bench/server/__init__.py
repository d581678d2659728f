"""The embedded default: a managed llama.cpp `llama-server` and a registry-shipped model.

from homesec_bench.server import ManagedLlamaServer, MemorySampler, default_model_path

with ManagedLlamaServer(default_model_path()) as server:
    sampler = MemorySampler(server.pid).start()
    ...  # talk to server.base_url
    peak = sampler.stop()
"""

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
