"""The `all` grader: several checks, every one must pass."""

from __future__ import annotations

from typing import Any

from homesec_bench.graders.registry import (
    GradeContext,
    fail,
    get_grader,
    get_validator,
    ok,
    register,
    register_validator,
    run_check,
)
from homesec_bench.graders.text import text_param_problems
from homesec_bench.models import ModelAnswer, Verdict


@register("all")
def grade_all(answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
    checks = params.get("checks") or []
    if not checks:
        return fail("the `all` grader has no checks", "grader_error")
    for n, check in enumerate(checks):
        if not isinstance(check, dict):
            return fail(f"check {n} of `all` is not a mapping", "grader_error")
        verdict = run_check(str(check.get("type")), answer, check.get("params") or {}, ctx)
        if not verdict.passed:
            return verdict.model_copy(update={"details": {**verdict.details, "check": n}})
    return ok(f"all {len(checks)} checks passed")


@register_validator("all")
def validate_all(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    problems = [f"unknown all param {k!r}" for k in params if k != "checks"]
    checks = params.get("checks")
    if not isinstance(checks, list) or not checks:
        return [*problems, "`all` needs a non-empty `checks` list"]
    for n, check in enumerate(checks):
        if not isinstance(check, dict) or "type" not in check:
            problems.append(f"check {n}: needs `type` and `params`")
            continue
        kind = str(check["type"])
        if get_grader(kind) is None:
            problems.append(f"check {n}: unknown grader type {kind!r}")
            continue
        if kind == "text" and isinstance(check.get("params"), dict):
            # Within `all`, substance may come from a sibling check; a text check may only bound length.
            problems.extend(
                f"check {n}: {p}" for p in text_param_problems(check["params"], need_substance=False)
            )
            continue
        validator = get_validator(kind)
        if validator is not None:
            problems.extend(f"check {n}: {p}" for p in validator(check.get("params") or {}, ctx))
    return problems
