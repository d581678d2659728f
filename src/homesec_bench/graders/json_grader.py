"""The `json` grader: one JSON value, an optional schema, and per-field expectations."""

from __future__ import annotations

from typing import Any

from homesec_bench.graders.extract import answer_text, find_json, short, type_name
from homesec_bench.graders.match import (
    as_text,
    in_list,
    missing_group,
    partition_equal,
    present_forbidden,
    same_clock,
    set_difference,
    text_groups,
    values_equal,
    within_minutes,
)
from homesec_bench.graders.normalize import (
    contains_word,
    norm_label,
    parse_clock,
    parse_datetime,
    to_bool,
    to_number,
    word_count,
    world_offset,
)
from homesec_bench.graders.registry import GradeContext, fail, ok, register, register_validator
from homesec_bench.graders.schema import coerce, first_violation, schema_problem
from homesec_bench.models import ModelAnswer, Verdict

# Keys that state an expectation; each must hold.
EXPECTATIONS = {
    "equals",
    "label",
    "one_of",
    "set_equals",
    "contains_all",
    "contains_none",
    "partition",
    "range",
    "time",
    "datetime",
    "text_includes",
    "text_excludes",
    "present",
    "absent",
    "max_words",
    "type",
}
# Keys that only tune another expectation.
MODIFIERS = {"labels", "tolerance", "tolerance_min"}
PARAM_KEYS = {"schema", "fields", "allow_extra_keys"}
JSON_TYPES = {"string", "number", "integer", "boolean", "array", "object", "null"}

_MISSING = object()


def split_path(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in str(path).split(".")]


def resolve(value: Any, path: str) -> Any:
    """The value at a dotted path (`items.0.name`); object keys match exactly, else case-insensitively."""
    current = value
    for segment in split_path(path):
        if isinstance(segment, int) and isinstance(current, list):
            if segment >= len(current):
                return _MISSING
            current = current[segment]
        elif isinstance(current, dict):
            key = str(segment)
            if key in current:
                current = current[key]
                continue
            matches = [k for k in current if isinstance(k, str) and norm_label(k) == norm_label(key)]
            if len(matches) != 1:
                return _MISSING
            current = current[matches[0]]
        else:
            return _MISSING
    return current


def _schema_for_path(schema: Any, path: str) -> dict[str, Any] | None:
    node = schema
    for segment in split_path(path):
        if not isinstance(node, dict):
            return None
        if isinstance(segment, int):
            node = node.get("items")
        else:
            props = node.get("properties")
            node = props.get(segment) if isinstance(props, dict) else None
    return node if isinstance(node, dict) else None


def _type_holds(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return to_number(value) is not None
    if kind == "integer":
        number = to_number(value)
        return number is not None and float(number).is_integer()
    if kind == "boolean":
        return to_bool(value) is not None and (
            isinstance(value, bool) or norm_label(value) in ("true", "false")
        )
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "null":
        return value is None
    return False


def check_field(path: str, value: Any, spec: dict[str, Any], offset: str) -> Verdict | None:
    """The first failed expectation of one field as a failing verdict, or None when all hold."""
    present = value is not _MISSING and value is not None
    if spec.get("absent") is True or spec.get("present") is False:
        if present:
            return fail(f"{path} was {short(value)} but should be absent", "unexpected_field", field=path)
        return None
    if value is _MISSING:
        return fail(f"the field {path} is missing", "missing_field", field=path)
    if spec.get("present") is True and value is None:
        return fail(f"the field {path} is null but a value was expected", "missing_field", field=path)

    def wrong(msg: str, kind: str = "wrong_value") -> Verdict:
        return fail(msg, kind, field=path, value=short(value, 200))

    if "type" in spec and not _type_holds(value, str(spec["type"])):
        return wrong(
            f"{path} was {type_name(value)} {short(value)} but {spec['type']} was expected",
            "schema_violation",
        )
    if "label" in spec:
        labels = spec.get("labels") or []
        want = spec["label"]
        if not isinstance(value, str | bool) or norm_label(value) != norm_label(want):
            got = norm_label(value) if isinstance(value, str | bool) else short(value)
            if isinstance(value, str) and labels and not in_list(value, labels):
                return wrong(
                    f"{path} was {short(value)}, not one of the labels; {want!r} was expected", "wrong_label"
                )
            return wrong(f"{path} was {got!r} but {want!r} was expected", "wrong_label")
    if "equals" in spec:
        tolerance = float(spec.get("tolerance", 1e-6))
        if not values_equal(value, spec["equals"], tolerance, offset):
            return wrong(f"{path} was {short(value)} but {short(spec['equals'])} was expected")
    if "one_of" in spec and not in_list(value, list(spec["one_of"]), offset):
        return wrong(f"{path} was {short(value)}, not one of {short(spec['one_of'])}")
    if "set_equals" in spec:
        if not isinstance(value, list):
            return wrong(f"{path} was {type_name(value)} {short(value)} but a list was expected")
        missing, extra = set_difference(value, list(spec["set_equals"]), offset)
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"lacks {short(missing)}")
            if extra:
                parts.append(f"has extra {short(extra)}")
            return wrong(f"{path} {' and '.join(parts)}")
    if "contains_all" in spec:
        wanted = list(spec["contains_all"])
        if isinstance(value, list):
            missing, _ = set_difference(value, wanted, offset)
            if missing:
                return wrong(f"{path} lacks {short(missing)}")
        elif isinstance(value, str):
            absent = [w for w in wanted if not contains_word(value, str(w))]
            if absent:
                return wrong(f"{path} does not mention {short(absent)}", "missing_text")
        else:
            return wrong(f"{path} was {type_name(value)} but a list or text was expected")
    if "contains_none" in spec:
        banned = list(spec["contains_none"])
        if isinstance(value, list):
            hits = [b for b in banned if in_list(b, value, offset)]
            if hits:
                return wrong(f"{path} wrongly includes {short(hits)}")
        else:
            hit = present_forbidden(as_text(value), banned)
            if hit is not None:
                return wrong(f"{path} mentions {hit!r}, which it must not", "forbidden_text")
    if "partition" in spec and not partition_equal(value, spec["partition"], offset):
        return wrong(f"{path} was {short(value)} but the groups {short(spec['partition'])} were expected")
    if "range" in spec:
        low, high = spec["range"]
        number = to_number(value)
        if number is None or not low <= number <= high:
            return wrong(f"{path} was {short(value)}, outside {low}..{high}")
    if "time" in spec and not same_clock(value, str(spec["time"])):
        return wrong(f"{path} was {short(value)} but the time {spec['time']} was expected")
    if "datetime" in spec:
        tolerance = float(spec.get("tolerance_min", 0))
        if not within_minutes(value, str(spec["datetime"]), tolerance, offset):
            within = f" (±{tolerance:g} min)" if tolerance else ""
            return wrong(f"{path} was {short(value)} but {spec['datetime']}{within} was expected")
    if "text_includes" in spec:
        group = missing_group(as_text(value), spec["text_includes"])
        if group is not None:
            return wrong(f"{path} does not mention {' or '.join(repr(g) for g in group)}", "missing_text")
    if "text_excludes" in spec:
        hit = present_forbidden(as_text(value), spec["text_excludes"])
        if hit is not None:
            return wrong(f"{path} mentions {hit!r}, which it must not", "forbidden_text")
    if "max_words" in spec:
        words = word_count(as_text(value))
        if words > int(spec["max_words"]):
            return wrong(f"{path} has {words} words, more than {spec['max_words']}", "too_long")
    return None


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
    schema = params.get("schema")
    if schema is not None:
        problem = schema_problem(schema)
        if problem:
            return fail(f"the test's schema is broken: {problem}", "grader_error")
        value = coerce(value, schema)
        violation = first_violation(value, schema)
        if violation:
            return fail(f"the JSON breaks the schema: {violation}", "schema_violation")
    fields = params.get("fields") or {}
    if params.get("allow_extra_keys") is False:
        allowed = {str(p).split(".")[0] for p in fields}
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            allowed |= set(schema["properties"])
        if isinstance(value, dict):
            extra = [k for k in value if k not in allowed]
            if extra:
                return fail(f"the JSON has keys that were not asked for: {short(extra)}", "schema_violation")
    offset = world_offset(ctx.world)
    for path, spec in fields.items():
        field_schema = _schema_for_path(schema, str(path)) if schema is not None else None
        field_value = resolve(value, str(path))
        if field_schema is not None and field_value is not None and field_value is not _MISSING:
            field_value = coerce(field_value, field_schema)
        verdict = check_field(
            str(path), field_value, spec if isinstance(spec, dict) else {"equals": spec}, offset
        )
        if verdict is not None:
            return verdict
    checked = f"; all {len(fields)} field checks held" if fields else ""
    return ok(f"the answer is valid JSON{' matching the schema' if schema is not None else ''}{checked}")


def _spec_problems(path: str, spec: Any) -> list[str]:
    if not isinstance(spec, dict):
        return (
            []
            if isinstance(spec, str | int | float | bool)
            else [f"field {path}: expectation must be a mapping"]
        )
    problems = []
    unknown = set(spec) - EXPECTATIONS - MODIFIERS
    if unknown:
        problems.append(f"field {path}: unknown expectation key(s) {sorted(unknown)}")
    if not set(spec) & EXPECTATIONS:
        problems.append(f"field {path}: no expectation (one of {sorted(EXPECTATIONS)})")
    if "label" in spec:
        labels = spec.get("labels")
        if not isinstance(labels, list) or len(labels) < 2:
            problems.append(f"field {path}: `label` needs `labels`, the closed set (two or more)")
        elif not in_list(spec["label"], labels):
            problems.append(f"field {path}: label {spec['label']!r} is not in labels {labels}")
    for key in ("one_of", "set_equals", "contains_all", "contains_none", "text_excludes"):
        if key in spec and not isinstance(spec[key], list):
            problems.append(f"field {path}: `{key}` must be a list")
    if "partition" in spec and not (
        isinstance(spec["partition"], list) and all(isinstance(g, list) for g in spec["partition"])
    ):
        problems.append(f"field {path}: `partition` must be a list of lists")
    if "range" in spec:
        bounds = spec["range"]
        if not (
            isinstance(bounds, list) and len(bounds) == 2 and all(to_number(b) is not None for b in bounds)
        ):
            problems.append(f"field {path}: `range` must be [low, high] numbers")
    if "time" in spec and parse_clock(str(spec["time"])) is None:
        problems.append(f"field {path}: `time` {spec['time']!r} is not a clock time")
    if "datetime" in spec and parse_datetime(str(spec["datetime"])) is None:
        problems.append(f"field {path}: `datetime` {spec['datetime']!r} is not ISO 8601")
    if "text_includes" in spec and not text_groups(spec["text_includes"]):
        problems.append(f"field {path}: `text_includes` must be a list of alternative groups")
    if "type" in spec and spec["type"] not in JSON_TYPES:
        problems.append(f"field {path}: `type` must be one of {sorted(JSON_TYPES)}")
    if "max_words" in spec and not isinstance(spec["max_words"], int):
        problems.append(f"field {path}: `max_words` must be an integer")
    return problems


@register_validator("json")
def validate_json(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    problems = [f"unknown json param {k!r}" for k in params if k not in PARAM_KEYS]
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
