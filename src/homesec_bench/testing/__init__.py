"""Test helpers shipped with the package: the loopback fake OpenAI server and its responders.

Names are loaded on first use, so `python -m homesec_bench.testing.fake_server` does not import the
module twice.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from homesec_bench.testing.fake_server import FakeOpenAIServer
    from homesec_bench.testing.reply import FAULTS, Reply
    from homesec_bench.testing.responders import (
        ReferenceResponder,
        fixed,
        per_attempt,
        reference_responder,
        request_key,
        sequence,
        with_faults,
    )

_HOMES = {
    "FakeOpenAIServer": "homesec_bench.testing.fake_server",
    "FAULTS": "homesec_bench.testing.reply",
    "Reply": "homesec_bench.testing.reply",
    "ReferenceResponder": "homesec_bench.testing.responders",
    "fixed": "homesec_bench.testing.responders",
    "per_attempt": "homesec_bench.testing.responders",
    "reference_responder": "homesec_bench.testing.responders",
    "request_key": "homesec_bench.testing.responders",
    "sequence": "homesec_bench.testing.responders",
    "with_faults": "homesec_bench.testing.responders",
}

__all__ = [
    "FAULTS",
    "FakeOpenAIServer",
    "ReferenceResponder",
    "Reply",
    "fixed",
    "per_attempt",
    "reference_responder",
    "request_key",
    "sequence",
    "with_faults",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'homesec_bench.testing' has no attribute {name!r}")
    return getattr(import_module(home), name)
