"""The `all` and `any` graders: several checks, every one (or at least one) must pass.

`any` is for a request that two defensible answers meet (do it now, or confirm first): each check is a
whole answer on its own, so each must carry its own substance.
"""

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


@register("any")
def grade_any(answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
    checks = params.get("checks") or []
    if not checks:
        return fail("the `any` grader has no checks", "grader_error")
    verdicts = []
    for n, check in enumerate(checks):
        if not isinstance(check, dict):
            return fail(f"check {n} of `any` is not a mapping", "grader_error")
        verdict = run_check(str(check.get("type")), answer, check.get("params") or {}, ctx)
        if verdict.passed:
            return verdict.model_copy(update={"details": {**verdict.details, "check": n}})
        verdicts.append(verdict)
    # The first way is the main one: its failure says best what the answer lacks.
    first = verdicts[0]
    return first.model_copy(
        update={
            "reason": f"{first.reason} (and none of the {len(checks) - 1} other accepted answers held)",
            "details": {**first.details, "check": 0},
        }
    )


@register_validator("any")
def validate_any(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    return _validate_checks("any", params, ctx, standalone=True)


@register_validator("all")
def validate_all(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    return _validate_checks("all", params, ctx, standalone=False)


def _validate_checks(
    kind_name: str, params: dict[str, Any], ctx: GradeContext, standalone: bool
) -> list[str]:
    problems = [f"unknown {kind_name} param {k!r}" for k in params if k != "checks"]
    checks = params.get("checks")
    if not isinstance(checks, list) or not checks:
        return [*problems, f"`{kind_name}` needs a non-empty `checks` list"]
    for n, check in enumerate(checks):
        if not isinstance(check, dict) or "type" not in check:
            problems.append(f"check {n}: needs `type` and `params`")
            continue
        kind = str(check["type"])
        if get_grader(kind) is None:
            problems.append(f"check {n}: unknown grader type {kind!r}")
            continue
        if kind == "text" and isinstance(check.get("params"), dict) and not standalone:
            # Within `all`, substance may come from a sibling check; a text check may only bound length.
            problems.extend(
                f"check {n}: {p}" for p in text_param_problems(check["params"], need_substance=False)
            )
            continue
        validator = get_validator(kind)
        if validator is not None:
            problems.extend(f"check {n}: {p}" for p in validator(check.get("params") or {}, ctx))
    return problems
