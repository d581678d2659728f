"""What can go wrong talking to an endpoint, in words a user can act on.

`ChatClient.complete` never raises for endpoint trouble: it returns a `RequestRecord` whose
`error_kind` is one of the fixed vocabulary below, and whose `error` is one line. The setup calls
(`list_models`) raise `EndpointError` subclasses instead, since nothing can run without them.

error_kind vocabulary (RequestRecord.error_kind):

    connect          the connection was refused or dropped before a response (retried)
    timeout_connect  no connection within connect_timeout_s (retried)
    timeout_idle     nothing arrived for idle_timeout_s mid-request (the server stalled)
    timeout_total    the whole request, retries included, went past total_timeout_s
    http_4xx         the endpoint rejected the request (400, 422...; after any parameter fallback)
    http_5xx         a server error that persisted after the retries
    rate_limited     429 that persisted after the retries
    auth             401 or 403: a missing or wrong API key
    not_found        404: wrong base URL or unknown model
    stream_cut       the connection closed or reset mid-stream (retried)
    no_done          the stream ended without [DONE] and without a finish_reason (retried, as a cut),
                     or the 200 stream was empty: the server crashed on the request (retried once
                     only; the message says so and what helps)
    no_completion    a 200 answer that holds no completion: a stream of only [DONE] or of chunks
                     without choices, or a JSON body without `choices` (not the model's empty answer)
    bad_chunk        a stream chunk that is not valid JSON
    stream_error     the server sent an error event (or an error object) instead of an answer
    output_cap       the answer grew past max_output_chars; the request was aborted and closed
"""

from __future__ import annotations

from typing import Final

ERROR_KINDS: Final = frozenset(
    {
        "connect",
        "timeout_connect",
        "timeout_idle",
        "timeout_total",
        "http_4xx",
        "http_5xx",
        "rate_limited",
        "auth",
        "not_found",
        "stream_cut",
        "no_done",
        "no_completion",
        "bad_chunk",
        "stream_error",
        "output_cap",
    }
)

# Worth another attempt: the next one may well succeed.
RETRYABLE_KINDS: Final = frozenset(
    {"connect", "timeout_connect", "http_5xx", "rate_limited", "stream_cut", "no_done"}
)


class EndpointError(Exception):
    """The endpoint cannot be used as configured; the message is one line naming problem and fix."""


class EndpointUnreachable(EndpointError):
    """Nothing answers at the base URL."""


class EndpointUnauthorized(EndpointError):
    """The endpoint refused the API key (401/403), or needs one and got none."""


class EndpointNotFound(EndpointError):
    """The base URL answers, but not with the OpenAI API there (404), or the model is unknown."""


def one_line(text: str, limit: int = 300) -> str:
    """Server text squeezed into one short line, fit for an error message."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def redact(text: str, secret: str | None) -> str:
    """`text` with every occurrence of the secret masked: servers do echo keys back in errors."""
    if secret and len(secret) >= 4 and secret in text:
        return text.replace(secret, "***")
    return text
