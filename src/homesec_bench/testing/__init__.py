"""Test helpers shipped with the package: the loopback fake OpenAI server and its responders.

`python -m homesec_bench.testing` runs the fake server on its own (see `__main__.py`).
"""

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
