"""Exit codes a script can rely on (documented in the README), which library error ends a command with
which code, and the one-line error printer."""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import NoReturn

from homesec_bench.client.text import printable


class ExitCode(IntEnum):
    OK = 0  # the run completed, whatever the model scored
    INTERNAL = 1  # a bug in homesec-bench; the message says so
    USAGE = 2  # a bad flag or combination of flags
    UNKNOWN_SELECTION = 3  # an unknown suite name or test id
    BAD_TEST_FILE = 4  # a malformed suite/test file, fixture manifest or image
    OUTPUT = 5  # the output folder cannot be written, or a run directory cannot be read or resumed
    UNREACHABLE = 6  # the endpoint does not answer
    UNAUTHORIZED = 7  # the endpoint refused the API key (401/403), or a needed key is missing
    UNKNOWN_MODEL = 8  # the endpoint does not serve the model asked for
    LOCAL_SERVER = 9  # the managed llama-server could not be built or started
    TOO_MANY_ERRORS = 10  # the run finished, but infrastructure errors exceeded --max-error-rate
    AUDIT_DISAGREES = 11  # `audit`: a labelled answer and the grader's verdict disagree
    WORSE = 12  # CI gate: `run --fail-under` not met, or `compare --fail-if-worse` found NEW worse
    RUNS_FAILED = 13  # `sweep`: one or more runs failed (each is listed with its reason); the rest ran
    INTERRUPTED = 130  # Ctrl-C; everything finished so far is kept and can be resumed


def fail(code: ExitCode, message: str) -> NoReturn:
    """Print one line to stderr and exit; never a traceback."""
    # Server text can reach a message: no escape sequence or control character reaches the terminal.
    text = " ".join(printable(str(message)).split())
    print(f"homesec-bench: error: {text}", file=sys.stderr)
    raise SystemExit(int(code))


# Each library error a command can end with, and its code; a subclass before its base. Named, not
# imported: a command imports only what it runs, and an error whose module was never loaded cannot
# have been raised. Adding an error class is adding its line here.
_LIBRARY_ERRORS: tuple[tuple[str, str, ExitCode], ...] = (
    ("homesec_bench.suites.loader", "UnknownSelectionError", ExitCode.UNKNOWN_SELECTION),
    ("homesec_bench.suites.loader", "SuiteError", ExitCode.BAD_TEST_FILE),
    ("homesec_bench.vision.images", "FixtureError", ExitCode.BAD_TEST_FILE),
    ("homesec_bench.audit.answers", "AuditFormatError", ExitCode.BAD_TEST_FILE),
    ("homesec_bench.runner.engine", "ResumeRefused", ExitCode.OUTPUT),
    ("homesec_bench.runner.engine", "RunSetupError", ExitCode.USAGE),
    ("homesec_bench.store.run_dir", "StoreError", ExitCode.OUTPUT),
    ("homesec_bench.server.errors", "ServerSetupError", ExitCode.LOCAL_SERVER),
    ("homesec_bench.client.errors", "EndpointUnauthorized", ExitCode.UNAUTHORIZED),
    ("homesec_bench.client.errors", "EndpointNotFound", ExitCode.UNKNOWN_MODEL),
    ("homesec_bench.client.errors", "EndpointError", ExitCode.UNREACHABLE),
    ("homesec_bench.reports.cost", "PriceError", ExitCode.USAGE),
    ("homesec_bench.reports.compare", "CompareError", ExitCode.USAGE),
    ("homesec_bench.sweep.spec", "SweepSpecError", ExitCode.USAGE),
    ("homesec_bench.sweep.ray_executor", "RaySetupError", ExitCode.USAGE),
    ("homesec_bench.sweep.driver", "SweepInterrupted", ExitCode.INTERRUPTED),
)


def exit_code_for(exc: BaseException) -> ExitCode | None:
    """The code a library error ends a command with; None for anything else (a bug, or not ours)."""
    for module_name, class_name, code in _LIBRARY_ERRORS:
        error_class = getattr(sys.modules.get(module_name), class_name, None)
        if isinstance(error_class, type) and isinstance(exc, error_class):
            return code
    return None


def fail_for(exc: BaseException) -> NoReturn:
    """Exit with one line and the code for a library error; re-raise anything else."""
    code = exit_code_for(exc)
    if code is None:
        raise exc
    fail(code, str(exc))
