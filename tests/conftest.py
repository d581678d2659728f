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


# The slow tier: `pytest -m "not slow"` (the day-to-day run) leaves these out; `.ci/run` runs them all.
# Every `integration` (managed llama-server) and `browser` test is slow; so are these files and tests,
# each over about 5 s on a busy 2-core machine (CLI runs in a subprocess, process kills, the fuzzer).
SLOW_FILES = {
    "test_managed_server.py",
    "test_hostile_fuzz.py",
    "test_resume_kill.py",
    "test_load.py",
    "test_report_browser.py",
    "test_report_browser_decisions.py",
}
SLOW_TESTS = {
    "test_cli.py": {
        "test_resuming_with_another_model_is_refused",
        "test_a_second_run_into_the_same_folder_is_refused",
        "test_unwritable_output_folder",
        "test_too_many_infrastructure_errors_exit_code",
        "test_unknown_model",
        "test_a_run_logged_to_a_file_shows_one_line_per_test",
        "test_malformed_test_file_names_file_and_line",
        "test_secret_never_written_or_printed",
        "test_preset_options_apply_and_an_explicit_flag_wins",
        "test_missing_key_for_a_cloud_preset",
        "test_run_against_the_test_server_writes_the_run_and_prints_the_table",
    },
    "test_cli_input.py": {
        "test_a_key_with_a_windows_line_end_still_works",
        "test_credentials_in_the_base_url_are_never_stored",
        "test_ctrl_c_before_the_run_directory_exists_does_not_suggest_resume",
        "test_a_base_url_that_is_no_http_url_is_a_usage_error",
        "test_timeouts_are_checked_before_anything_runs",
        "test_a_key_with_a_control_character_is_exit_7",
        "test_a_key_the_server_echoes_is_masked_everywhere",
    },
    "test_ci_gates_and_console.py": {
        "test_list_prints_whole_ids_when_piped_and_list_ids",
        "test_run_fail_under",
    },
    "test_imports.py": {"test_a_text_only_cli_run_imports_no_pillow_or_numpy"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = getattr(item, "originalname", item.name)
        if (
            item.get_closest_marker("integration")
            or item.get_closest_marker("browser")
            or item.path.name in SLOW_FILES
            or name in SLOW_TESTS.get(item.path.name, ())
        ):
            item.add_marker(pytest.mark.slow)
