"""Shared fixtures: the loopback fake OpenAI server, started per test and always stopped.

    def test_something(make_fake_server):
        server = make_fake_server(fixed(Reply(content="hi")), api_key="k")
        ... server.base_url, server.requests ...

`fake_server` is the same factory, and also usable directly as a default server that answers "ok"
(`fake_server.base_url` starts it on first use).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

from homesec_bench.testing.fake_server import FakeOpenAIServer, Responder

# The property tests draw the same examples on every run, so CI is red only for a change, never for a
# new random draw (a fresh machine once failed on an example no earlier run had drawn). To look for new
# counterexamples, run with HYPOTHESIS_PROFILE=explore: a fresh random draw each time.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


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
# Every `integration` (managed llama-server) and `browser` test is slow; so are these files (the fuzzer,
# process kills, the load test) and these tests, each over about 1.2 s on an idle 2-core machine (most
# run the CLI in a subprocess, build a fake llama-server, or wait out a stalled server).
SLOW_FILES = {
    "test_managed_server.py",
    "test_hostile_fuzz.py",
    "test_resume_kill.py",
    "test_load.py",
    "test_report_browser.py",
    "test_report_browser_decisions.py",
}
SLOW_TESTS = {
    "test_anthropic.py": {
        "test_cli_api_anthropic_reads_its_own_key",
    },
    "test_audit.py": {
        "test_audit_command_prints_per_suite_and_exits_11_on_disagreement",
        # the three that grade the whole audit set (about 15 s on two cores, growing with each set)
        "test_labelled_answers_agree_with_their_verdicts",
        "test_audit_set_covers_every_test_with_two_right_and_two_wrong",
        "test_audit_set_names_only_known_tests_and_answers",
    },
    "test_ci_gates_and_console.py": {
        "test_list_prints_whole_ids_when_piped_and_list_ids",
        "test_run_fail_under",
        "test_run_help_is_grouped_into_panels_with_help_for_every_flag",
    },
    "test_cli.py": {
        "test_a_run_logged_to_a_file_shows_one_line_per_test",
        "test_a_second_run_into_the_same_folder_is_refused",
        "test_bad_flag_combinations",
        "test_invalid_test_definition_names_the_test",
        "test_list_json_counts_the_suites",
        "test_list_table_shows_suites_and_test_ids",
        "test_malformed_test_file_names_file_and_line",
        "test_missing_key_for_a_cloud_preset",
        "test_preset_options_apply_and_an_explicit_flag_wins",
        "test_resuming_with_another_model_is_refused",
        "test_run_against_the_test_server_writes_the_run_and_prints_the_table",
        "test_secret_never_written_or_printed",
        "test_too_many_infrastructure_errors_exit_code",
        "test_unknown_model",
        "test_unknown_suite_is_a_usage_error",
        "test_unknown_test_id",
        "test_unwritable_output_folder",
        "test_wrong_api_key_and_no_key_leak",
    },
    "test_cli_input.py": {
        "test_a_base_url_that_is_no_http_url_is_a_usage_error",
        "test_a_key_the_server_echoes_is_masked_everywhere",
        "test_a_key_with_a_control_character_is_exit_7",
        "test_a_key_with_a_windows_line_end_still_works",
        "test_a_results_file_that_is_a_folder_is_exit_5",
        "test_a_server_that_answers_200_with_nothing_is_named_in_the_exit_message",
        "test_a_terminal_that_is_not_utf8_gets_the_summary",
        "test_credentials_in_the_base_url_are_never_stored",
        "test_ctrl_c_before_the_run_directory_exists_does_not_suggest_resume",
        "test_no_escape_sequence_from_a_server_reaches_the_terminal",
        "test_timeouts_are_checked_before_anything_runs",
    },
    "test_client.py": {
        "test_hostile_chunks_end_in_a_record_or_a_stream_error",
    },
    "test_fake_server.py": {
        "test_zero_delay_mode_is_fast",
    },
    "test_fault_matrix.py": {
        "test_fault",
    },
    "test_grader_properties.py": {
        "test_broken_params_are_grader_errors_or_verdicts_never_exceptions",
        "test_every_grader_always_returns_a_one_line_verdict",
    },
    "test_hostile_input.py": {
        "test_cli_resume_with_a_corrupted_run_json",
        "test_loader_on_a_real_suite_with_a_slice_replaced_by_raw_bytes",
        "test_loader_on_a_real_suite_with_one_value_of_the_wrong_type",
    },
    "test_hostile_server.py": {
        "test_a_refused_key_at_the_warm_up_stops_the_run",
    },
    "test_hung_server.py": {
        "test_a_managed_server_is_restarted_after_each_stall",
        "test_a_managed_server_that_hangs_or_dies_is_restarted",
        "test_stalled_and_endless_answers_cost_one_test_each",
    },
    "test_imports.py": {
        "test_a_text_only_cli_run_imports_no_pillow_or_numpy",
        "test_the_library_and_graders_load_no_vision_until_a_vision_test_is_graded",
    },
    "test_issue11_rest.py": {
        "test_cli_no_stream_flag",
    },
    "test_memory.py": {
        "test_a_pid_source_is_followed_across_a_restart",
        "test_children_count_towards_the_peak",
        "test_peak_of_a_process_that_allocates_and_frees",
    },
    "test_reports.py": {
        "test_runs_against_the_fake_server_feed_every_report",
    },
    "test_runner.py": {
        "test_infrastructure_errors_are_errors_not_failures",
    },
    "test_server_build.py": {
        "test_a_compile_error_is_a_build_failure",
        "test_builds_once_reports_progress_and_installs",
        "test_two_concurrent_callers_build_only_once",
    },
    "test_vision_fixtures.py": {
        "test_generator_reproduces_the_committed_frames",
    },
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
