"""The `json` grader: one JSON value, an optional schema, and per-field expectations."""

from __future__ import annotations

from typing import Any

from homesec_bench.graders.extract import answer_text, find_json, prose_around, short
from homesec_bench.graders.match import (
    ALIASES,
    CONDITIONS,
    MISSING,
    check,
    may_be_absent,
    spec_problems,
)
from homesec_bench.graders.normalize import norm_label, world_offset
from homesec_bench.graders.registry import GradeContext, fail, ok, register, register_validator
from homesec_bench.graders.schema import coerce, first_violation, schema_problem
from homesec_bench.models import ModelAnswer, Verdict

# The expectation vocabulary is `graders.match`'s; these names stay for callers of the old module.
EXPECTATIONS = CONDITIONS | set(ALIASES)
PARAM_KEYS = {"schema", "fields", "allow_extra_keys", "strict_types", "nothing_else"}
EVERY = "*"  # a path segment that means every item of a list (or every value of an object)

_MISSING = MISSING


def split_path(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in str(path).split(".")]


def _step(current: Any, segment: str | int) -> Any:
    if isinstance(segment, int) and isinstance(current, list):
        return current[segment] if segment < len(current) else MISSING
    if isinstance(current, dict):
        key = str(segment)
        if key in current:
            return current[key]
        matches = [k for k in current if isinstance(k, str) and norm_label(k) == norm_label(key)]
        return current[matches[0]] if len(matches) == 1 else MISSING
    return MISSING


def resolve(value: Any, path: str) -> Any:
    """The value at a dotted path (`items.0.name`); object keys match exactly, else case-insensitively."""
    current = value
    for segment in split_path(path):
        current = _step(current, segment)
        if current is MISSING:
            return MISSING
    return current


def expand(value: Any, path: str) -> list[tuple[str, Any]]:
    """Every (concrete path, value) a path names: `events.*.summary` is the summary of every event,
    each checked on its own. A `*` over something that is not a list or object names it as missing."""
    found: list[tuple[list[str], Any]] = [([], value)]
    for segment in split_path(path):
        step: list[tuple[list[str], Any]] = []
        for where, current in found:
            if segment == EVERY:
                if isinstance(current, list):
                    step.extend(([*where, str(i)], item) for i, item in enumerate(current))
                elif isinstance(current, dict):
                    step.extend(([*where, str(k)], item) for k, item in current.items())
                else:
                    step.append(([*where, EVERY], MISSING))
            elif current is MISSING:
                step.append(([*where, str(segment)], MISSING))
            else:
                step.append(([*where, str(segment)], _step(current, segment)))
        found = step
    return [(".".join(where), current) for where, current in found]


def _schema_for_path(schema: Any, path: str) -> dict[str, Any] | None:
    node = schema
    for segment in split_path(path):
        if not isinstance(node, dict):
            return None
        if isinstance(segment, int):
            node = node.get("items")
        else:
            props = node.get("properties")
            sub = props.get(segment) if isinstance(props, dict) else None
            if sub is None and isinstance(node.get("additionalProperties"), dict):
                sub = node["additionalProperties"]
            node = sub
    return node if isinstance(node, dict) else None


def check_field(path: str, value: Any, spec: Any, offset: str, strict: bool = False) -> Verdict | None:
    """The first failed expectation of one field as a failing verdict, or None when all hold."""
    if value is MISSING and not may_be_absent(spec):
        return fail(f"the field {path} is missing", "missing_field", field=path)
    mismatch = check(value, spec, path, offset, strict)
    if mismatch is None:
        return None
    details: dict[str, Any] = {"field": path}
    if mismatch.error_type not in ("missing_field", "unexpected_field"):
        details["value"] = short(value, 200)
    return fail(mismatch.reason, mismatch.error_type, **details)


@register("json")
def grade_json(answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
    text = answer_text(answer)
    if not text:
        if answer.tool_calls:
            return fail("the answer is a tool call, not the JSON that was asked for", "unexpected_call")
        return fail("the answer is empty, so it holds no JSON", "not_json")
    found = find_json(text)
    if found is None:
        return fail(f"the answer holds no JSON value (it begins {short(text, 40)})", "not_json")
    value = found.value
    if params.get("nothing_else"):
        # The prompt says "one JSON object and nothing else": a fence or a reasoning block is form,
        # a sentence before or after the object is content the prompt ruled out.
        extra = prose_around(text, found)
        if extra:
            return fail(
                f"the prompt asks for JSON and nothing else, but the answer adds {short(extra, 50)}",
                "extra_text",
            )
    schema = params.get("schema")
    strict = params.get("strict_types") is True
    if schema is not None:
        problem = schema_problem(schema)
        if problem:
            return fail(f"the test's schema is broken: {problem}", "grader_error")
        value = coerce(value, schema, strict=strict)
        violation = first_violation(value, schema)
        if violation:
            return fail(f"the JSON breaks the schema: {violation}", "schema_violation")
    fields = params.get("fields") or {}
    if params.get("allow_extra_keys") is False:
        allowed = {str(p).split(".")[0] for p in fields}
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            allowed |= set(schema["properties"])
        if isinstance(value, dict):
            extra_keys = [k for k in value if k not in allowed]
            if extra_keys:
                return fail(
                    f"the JSON has keys that were not asked for: {short(extra_keys)}", "schema_violation"
                )
    offset = world_offset(ctx.world)
    for path, spec in fields.items():
        for where, field_value in expand(value, str(path)):
            field_schema = _schema_for_path(schema, where) if schema is not None else None
            if field_schema is not None and field_value is not None and field_value is not MISSING:
                field_value = coerce(field_value, field_schema, strict=strict)
            # Types are always as written (a quoted "false" is truthy to a program); `strict_types`
            # decides only whether an ISO time may fill an "HH:MM" pattern.
            verdict = check_field(where, field_value, spec, offset, True)
            if verdict is not None:
                return verdict
    checked = f"; all {len(fields)} field checks held" if fields else ""
    return ok(f"the answer is valid JSON{' matching the schema' if schema is not None else ''}{checked}")


def _spec_problems(path: str, spec: Any) -> list[str]:
    return spec_problems(f"field {path}", spec)


@register_validator("json")
def validate_json(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    problems = [f"unknown json param {k!r}" for k in params if k not in PARAM_KEYS]
    if "strict_types" in params and not isinstance(params["strict_types"], bool):
        problems.append("`strict_types` must be true or false")
    if "schema" in params:
        problem = schema_problem(params["schema"])
        if problem:
            problems.append(problem)
    fields = params.get("fields", {})
    if not isinstance(fields, dict):
        return [*problems, "`fields` must map dotted paths to expectations"]
    if not fields and "schema" not in params:
        problems.append("a json grader needs `fields` or a `schema`, or any JSON would pass")
    for path, spec in fields.items():
        problems.extend(_spec_problems(str(path), spec))
    return problems
