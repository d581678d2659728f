"""Shared fixtures: the loopback fake OpenAI server, started per test and always stopped.

    def test_something(make_fake_server):
        server = make_fake_server(fixed(Reply(content="hi")), api_key="k")
        ... server.base_url, server.requests ...

`fake_server` is the same factory, and also usable directly as a default server that answers "ok"
(`fake_server.base_url` starts it on first use).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from homesec_bench.testing.fake_server import FakeOpenAIServer, Responder


class FakeServerFactory:
    """Starts fake servers for one test and stops every one of them when the test ends."""

    def __init__(self) -> None:
        self.servers: list[FakeOpenAIServer] = []
        self._default: FakeOpenAIServer | None = None

    def __call__(self, responder: Responder | None = None, **kwargs: Any) -> FakeOpenAIServer:
        server = FakeOpenAIServer(responder, **kwargs)
        self.servers.append(server)
        return server.start()

    def __getattr__(self, name: str) -> Any:
        # Attribute access means "the default server": start it once and delegate.
        if name.startswith("_"):
            raise AttributeError(name)
        if self._default is None:
            self._default = self()
        return getattr(self._default, name)

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers.clear()


@pytest.fixture
def make_fake_server() -> Iterator[FakeServerFactory]:
    factory = FakeServerFactory()
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture
def fake_server(make_fake_server: FakeServerFactory) -> FakeServerFactory:
    return make_fake_server


@pytest.fixture
def started_servers() -> Iterator[list[Any]]:
    """A list for servers a test starts itself (anything with stop()); each is stopped when it ends."""
    started: list[Any] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def unused_port() -> int:
    """A loopback port with nothing listening on it (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
