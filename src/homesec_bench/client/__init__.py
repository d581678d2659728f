"""The chat client, its wire-protocol backends and its SSE parser.

async with ChatClient(base_url, api_key) as client:
    models = await client.list_models()          # raises EndpointError subclasses
    record = await client.complete(body)         # never raises for endpoint trouble

Names load on first use: a command that only needs `client.text` (printing server strings safely)
does not pay for aiohttp.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "Backend": "backend",
    "backend_names": "backend",
    "get_backend": "backend",
    "register_backend": "backend",
    "ChatClient": "chat",
    "safe_url": "chat",
    "ERROR_KINDS": "errors",
    "RETRYABLE_KINDS": "errors",
    "EndpointError": "errors",
    "EndpointNotFound": "errors",
    "EndpointUnauthorized": "errors",
    "EndpointUnreachable": "errors",
    "SSEEvent": "sse",
    "SSEParser": "sse",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
