"""The benchmark's data: the household world, the tool catalogue and the declarative test files."""

from homesec_bench.suites.loader import (
    Benchmark,
    SuiteError,
    UnknownSelectionError,
    load_benchmark,
    stable_hash,
    test_hash,
)

__all__ = ["Benchmark", "SuiteError", "UnknownSelectionError", "load_benchmark", "stable_hash", "test_hash"]
