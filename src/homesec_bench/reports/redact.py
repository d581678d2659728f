"""Keep secrets out of every report, whatever ended up in a run directory.

Runs store no API key, but a report is shared widely (pasted into READMEs, attached to issues), so the
report writers pass their finished text through `Redactor.clean` as a last line of defence: the values
of secret-looking environment variables of this process, bearer tokens and `sk-...` style keys are
replaced, and URLs lose their user:password part and secret-looking query parameters.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[redacted]"
_SECRET_ENV = re.compile(r"(API_?KEY|TOKEN|SECRET|PASSWORD)$", re.IGNORECASE)
_SECRET_QUERY = re.compile(r"(key|token|secret|password|sig)", re.IGNORECASE)
_PATTERNS = [
    re.compile(r"\bsk-[A-Za-z0-9_\-]{10,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._\-~+/]{8,}=*"),
]
_MIN_SECRET_LEN = 8


class Redactor:
    def __init__(self, secrets: Iterable[str] = (), env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        found = {value for name, value in env.items() if _SECRET_ENV.search(name)}
        found.update(secrets)
        # Longest first so a secret that contains another is replaced whole.
        self.secrets = sorted((s for s in found if len(s) >= _MIN_SECRET_LEN), key=len, reverse=True)

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(REDACTED, text)
        return text


def public_url(url: str) -> str:
    """The URL without credentials or secret-looking query parameters."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a broken IPv6 literal, a port out of range
        return REDACTED
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port else host
    query = urlencode(
        [(k, REDACTED if _SECRET_QUERY.search(k) else v) for k, v in parse_qsl(parts.query, True)]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
