"""Endpoint URLs derived from a base URL the way a URL is built, not by string concatenation.

A base URL may carry a query (`https://host/openai/deployments/d?api-version=2024-06-01`); every URL
derived from it (chat, models, props, tokenize) joins its own path onto the base's path and keeps the
query after it. Appending `/chat/completions` to the whole string would put it inside the query.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def endpoint_url(base_url: str, path: str) -> str:
    """`path` joined onto the base URL's path; the base's query is kept, its fragment dropped.

    endpoint_url("http://h/v1?api-version=2", "/chat/completions")
    -> "http://h/v1/chat/completions?api-version=2"
    """
    parts = urlsplit(base_url)
    joined = parts.path.rstrip("/") + "/" + path.lstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, joined, parts.query, ""))


def api_root(base_url: str) -> str:
    """The server's root: the base URL without a trailing `/v1` path segment, query kept (llama-server
    serves /props and /tokenize beside /v1, not under it)."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/").removesuffix("/v1").rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
