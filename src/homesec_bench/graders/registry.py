"""The grader registry and the one safe way to run a grader.

Graders are pure functions `(answer, params, context) -> Verdict`. They are looked up by the `type` of a
test's grader spec; any module in this package (or elsewhere) adds one with `@register("name")`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from homesec_bench.models import ModelAnswer, TestCase, Verdict

MAX_REASON_CHARS = 300


@dataclass
class GradeContext:
    """What a grader may know besides the answer: the test, the shared world and the tool catalogue."""

    test: TestCase
    world: dict[str, Any] = field(default_factory=dict)
    tools: dict[str, dict[str, Any]] = field(default_factory=dict)


GraderFn = Callable[[ModelAnswer, dict[str, Any], GradeContext], Verdict]
ValidatorFn = Callable[[dict[str, Any], GradeContext], list[str]]

_GRADERS: dict[str, GraderFn] = {}
_VALIDATORS: dict[str, ValidatorFn] = {}
# Graders whose module is imported on first use (name -> module), so that importing the graders does
# not load what only they need (the vision grader and the vision package).
_LAZY: dict[str, str] = {}


def register_lazy(name: str, module: str) -> None:
    """Name a grader whose `module` registers it (with `@register(name)`) when first looked up."""
    if name not in _GRADERS:
        _LAZY[name] = module


def _load_lazy(name: str) -> None:
    module = _LAZY.pop(name, None)
    if module is not None:
        importlib.import_module(module)


def register(name: str) -> Callable[[GraderFn], GraderFn]:
    """Register a grader under `name` (the `type` of a grader spec)."""

    def decorator(fn: GraderFn) -> GraderFn:
        _GRADERS[name] = fn
        return fn

    return decorator


def register_validator(name: str) -> Callable[[ValidatorFn], ValidatorFn]:
    """Register a checker of a grader's params; it returns a list of problems, empty when fine."""

    def decorator(fn: ValidatorFn) -> ValidatorFn:
        _VALIDATORS[name] = fn
        return fn

    return decorator


def grader_names() -> list[str]:
    return sorted({*_GRADERS, *_LAZY})


def get_grader(name: str) -> GraderFn | None:
    _load_lazy(name)
    return _GRADERS.get(name)


def get_validator(name: str) -> ValidatorFn | None:
    _load_lazy(name)
    return _VALIDATORS.get(name)


def one_line(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """Squash any text to one short line: reasons quote model output, which may hold anything."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def fail(reason: str, error_type: str, **details: Any) -> Verdict:
    return Verdict(passed=False, reason=one_line(reason), error_type=error_type, details=details)


def ok(reason: str, **details: Any) -> Verdict:
    return Verdict(passed=True, reason=one_line(reason), details=details)


def grader_error(reason: str) -> Verdict:
    return fail(reason, "grader_error")


def run_check(kind: str, answer: ModelAnswer, params: Any, ctx: GradeContext) -> Verdict:
    """Run one grader by name; never raises (a broken spec or grader becomes a `grader_error`)."""
    fn = get_grader(kind)
    if fn is None:
        known = ", ".join(grader_names())
        return grader_error(f"unknown grader type {kind!r}; use one of: {known}")
    if not isinstance(params, dict):
        return grader_error(f"params of grader {kind!r} must be a mapping, not {type(params).__name__}")
    try:
        verdict = fn(answer, params, ctx)
    except RecursionError:
        return grader_error(f"grader {kind!r} gave up on an answer nested too deeply to judge")
    except Exception as exc:  # a grader must never take the run down; the verdict says what broke
        return grader_error(
            f"grader {kind!r} failed on its params or this answer ({type(exc).__name__}: {exc})"
        )
    if not isinstance(verdict, Verdict):
        return grader_error(f"grader {kind!r} returned {type(verdict).__name__} instead of a Verdict")
    if not verdict.passed and not verdict.error_type:
        verdict = verdict.model_copy(update={"error_type": "wrong_answer"})
    return verdict.model_copy(update={"reason": one_line(verdict.reason)})
