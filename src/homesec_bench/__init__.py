"""homesec-bench: can a small local model do a home-security assistant's real work, and how fast?

The public API is what this module exports (`__all__`); every other module is private by convention
and may change without notice. Names load on first use, so `import homesec_bench` stays cheap:

    import homesec_bench as hb

    bench = hb.load_benchmark()                       # the packaged suites (a Benchmark)
    config = hb.RunConfig(endpoint=hb.EndpointConfig(base_url="http://127.0.0.1:8080/v1"))
    run = hb.run(config)                               # a LoadedRun: run.info, run.results
    verdict = hb.grade_answer(test, hb.ModelAnswer(content="..."), bench)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the module defining it ("module:attribute" where the name differs).
_EXPORTS: dict[str, str] = {
    # running: `run` is the call the CLI makes (no base URL: the embedded default is started)
    "run": "homesec_bench.runner.launch:launch",
    "run_benchmark": "homesec_bench.runner",
    "run_sync": "homesec_bench.runner",
    "RunConfig": "homesec_bench.runner",
    "EndpointConfig": "homesec_bench.runner",
    "RunHooks": "homesec_bench.runner",
    "RunSetupError": "homesec_bench.runner",
    # the benchmark and grading
    "load_benchmark": "homesec_bench.suites",
    "Benchmark": "homesec_bench.suites",
    "SuiteError": "homesec_bench.suites",
    "grade_answer": "homesec_bench.graders",
    "Backend": "homesec_bench.client.backend",
    # results
    "load_run": "homesec_bench.store",
    "LoadedRun": "homesec_bench.store",
    "TestCase": "homesec_bench.models",
    "Suite": "homesec_bench.models",
    "ModelAnswer": "homesec_bench.models",
    "Verdict": "homesec_bench.models",
    "TestResult": "homesec_bench.models",
    "RequestRecord": "homesec_bench.models",
    "RunInfo": "homesec_bench.models",
    "EndpointInfo": "homesec_bench.models",
}

__all__ = [
    "Backend",
    "Benchmark",
    "EndpointConfig",
    "EndpointInfo",
    "LoadedRun",
    "ModelAnswer",
    "RequestRecord",
    "RunConfig",
    "RunHooks",
    "RunInfo",
    "RunSetupError",
    "Suite",
    "SuiteError",
    "TestCase",
    "TestResult",
    "Verdict",
    "__version__",
    "grade_answer",
    "load_benchmark",
    "load_run",
    "run",
    "run_benchmark",
    "run_sync",
]

if TYPE_CHECKING:
    from homesec_bench.client.backend import Backend
    from homesec_bench.graders import grade_answer
    from homesec_bench.models import (
        EndpointInfo,
        ModelAnswer,
        RequestRecord,
        RunInfo,
        Suite,
        TestCase,
        TestResult,
        Verdict,
    )
    from homesec_bench.runner import (
        EndpointConfig,
        RunConfig,
        RunHooks,
        RunSetupError,
        run_benchmark,
        run_sync,
    )
    from homesec_bench.runner.launch import launch as run
    from homesec_bench.store import LoadedRun, load_run
    from homesec_bench.suites import Benchmark, SuiteError, load_benchmark


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, _, attribute = module.partition(":")
    value = getattr(import_module(module), attribute or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
