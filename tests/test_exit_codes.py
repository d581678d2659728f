"""Which library error ends a command with which exit code: one table, read the same by every command."""

from __future__ import annotations

import importlib

import pytest

from homesec_bench.cli.exit_codes import _LIBRARY_ERRORS, ExitCode, exit_code_for, fail_for


def _classes() -> list[tuple[type[BaseException], ExitCode]]:
    return [(getattr(importlib.import_module(m), name), code) for m, name, code in _LIBRARY_ERRORS]


def test_every_row_names_an_error_class_of_the_library():
    for error_class, _code in _classes():
        assert isinstance(error_class, type) and issubclass(error_class, BaseException), error_class


def test_no_row_is_shadowed_by_an_earlier_base_class():
    # The first matching row wins: a subclass listed after its base would never be reached.
    rows = _classes()
    for later_index, (later, _) in enumerate(rows):
        for earlier, _ in rows[:later_index]:
            assert not issubclass(later, earlier), f"{later.__name__} comes after its base {earlier.__name__}"


@pytest.mark.parametrize(
    ("module", "name", "code"),
    [
        ("homesec_bench.runner.engine", "ResumeRefused", ExitCode.OUTPUT),
        ("homesec_bench.runner.engine", "RunSetupError", ExitCode.USAGE),
        ("homesec_bench.suites.loader", "UnknownSelectionError", ExitCode.UNKNOWN_SELECTION),
        ("homesec_bench.suites.loader", "SuiteError", ExitCode.BAD_TEST_FILE),
        ("homesec_bench.client.errors", "EndpointNotFound", ExitCode.UNKNOWN_MODEL),
        ("homesec_bench.client.errors", "EndpointUnreachable", ExitCode.UNREACHABLE),
        ("homesec_bench.reports.compare", "CompareError", ExitCode.USAGE),
    ],
)
def test_an_error_gets_its_own_code_and_its_message_as_one_line(module, name, code, capsys):
    error = getattr(importlib.import_module(module), name)("the problem\nand the fix")
    assert exit_code_for(error) is code
    with pytest.raises(SystemExit) as exited:
        fail_for(error)
    assert exited.value.code == int(code)
    assert capsys.readouterr().err == "homesec-bench: error: the problem and the fix\n"


def test_anything_else_is_raised_again_as_a_bug():
    error = KeyError("not ours")
    assert exit_code_for(error) is None
    with pytest.raises(KeyError):
        fail_for(error)


def test_an_interrupted_sweep_exits_130_with_how_to_go_on(tmp_path, capsys):
    from homesec_bench.sweep.driver import SweepInterrupted

    with pytest.raises(SystemExit) as exited:
        fail_for(SweepInterrupted(tmp_path, 1, 3, "SIGTERM"))
    assert exited.value.code == 130
    assert f"sweep --resume {tmp_path}" in capsys.readouterr().err
