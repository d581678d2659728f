"""Deterministic graders: `(answer, params, context) -> Verdict`, one sentence of reason each.

Public API:
    GraderFn, GradeContext, register, grade_answer, validate_grader_spec

Every module of this package is imported on first import, so a new grader file registers itself with
`@register("name")` without editing this file. The exception is a grader whose module needs what a
text-only run must not load: the vision grader is named in `_LAZY_MODULES` and imported on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

from homesec_bench.graders.registry import (
    GradeContext,
    GraderFn,
    get_grader,
    get_validator,
    grader_error,
    grader_names,
    register,
    register_lazy,
    register_validator,
    run_check,
)
from homesec_bench.models import ModelAnswer, TestCase, Verdict

if TYPE_CHECKING:
    from homesec_bench.suites.loader import Benchmark

__all__ = [
    "GradeContext",
    "GraderFn",
    "grade_answer",
    "grader_names",
    "register",
    "register_validator",
    "validate_grader_spec",
]


# Module name -> the grader it registers; imported when that grader is first looked up.
_LAZY_MODULES = {"vision": "vision"}


def _import_all_graders() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name in _LAZY_MODULES:
            register_lazy(_LAZY_MODULES[module.name], f"{__name__}.{module.name}")
        elif not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


def context_for(test: TestCase, bench: Benchmark) -> GradeContext:
    return GradeContext(test=test, world=bench.world, tools=bench.tools)


def grade_answer(test: TestCase, answer: ModelAnswer, bench: Benchmark) -> Verdict:
    """Judge one answer to one test. Never raises: a broken spec is a `grader_error` verdict."""
    try:
        ctx = context_for(test, bench)
        return run_check(test.grader.type, answer, test.grader.params, ctx)
    except Exception as exc:  # last line of defence; run_check already contains grader failures
        return grader_error(f"grading failed before the grader ran ({type(exc).__name__}: {exc})")


def validate_params(kind: str, params: Any, ctx: GradeContext) -> list[str]:
    """Problems with one grader spec (`kind` + `params`); empty when it is usable."""
    if get_grader(kind) is None:
        return [f"unknown grader type {kind!r}; known types: {', '.join(grader_names())}"]
    if not isinstance(params, dict):
        return [f"params of grader {kind!r} must be a mapping"]
    validator = get_validator(kind)
    if validator is None:
        return []
    try:
        return list(validator(params, ctx))
    except Exception as exc:  # a validator bug must not hide the test's other problems
        return [f"validator of {kind!r} failed ({type(exc).__name__}: {exc})"]


def validate_grader_spec(test: TestCase, bench: Benchmark) -> list[str]:
    """Problems with a test's grader params (unknown type, unknown tool, bad expectation keys)."""
    ctx = context_for(test, bench)
    return [f"{test.id}: {p}" for p in validate_params(test.grader.type, test.grader.params, ctx)]


_import_all_graders()
