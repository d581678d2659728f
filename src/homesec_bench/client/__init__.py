"""The streaming OpenAI chat client and its SSE parser.

async with ChatClient(base_url, api_key) as client:
    models = await client.list_models()          # raises EndpointError subclasses
    record = await client.complete(body)         # never raises for endpoint trouble
"""

from homesec_bench.client.backend import Backend, backend_names, get_backend, register_backend
from homesec_bench.client.chat import ChatClient, safe_url
from homesec_bench.client.errors import (
    ERROR_KINDS,
    RETRYABLE_KINDS,
    EndpointError,
    EndpointNotFound,
    EndpointUnauthorized,
    EndpointUnreachable,
)
from homesec_bench.client.sse import SSEEvent, SSEParser

__all__ = [
    "ERROR_KINDS",
    "RETRYABLE_KINDS",
    "Backend",
    "ChatClient",
    "EndpointError",
    "EndpointNotFound",
    "EndpointUnauthorized",
    "EndpointUnreachable",
    "SSEEvent",
    "SSEParser",
    "backend_names",
    "get_backend",
    "register_backend",
    "safe_url",
]
