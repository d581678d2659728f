"""JSON Schema checks (Draft 2020-12, formats checked) with "lenient on form" type coercion."""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

from homesec_bench.graders.normalize import label_key
from homesec_bench.graders.times import is_iso_time, read_clock, read_datetime

_FORMATS = FormatChecker()


# ISO 8601, as the prompts ask, rather than RFC 3339's stricter profile: seconds may be left out
# (`2026-03-18T02:00+01:00`). The offset may not: every prompt asks for it ("ISO 8601 with the
# +01:00 offset"), and without it the value names no instant.
_HAS_OFFSET = re.compile(r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$")


@_FORMATS.checks("date-time")
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return read_datetime(value) is not None and bool(_HAS_OFFSET.search(value.strip()))


@_FORMATS.checks("time")
def _is_time(value: object) -> bool:
    return not isinstance(value, str) or is_iso_time(value)


def _pattern_matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _as_pattern_clock(instance: str, pattern: str) -> str | None:
    """An ISO 8601 time or datetime (`20:00:00`, `20:00+01:00`, `2026-03-18T20:00+01:00`) given where
    a pattern asks for "HH:MM": its clock in the form the pattern takes, when one fits."""
    if not (is_iso_time(instance) or read_datetime(instance) is not None):
        return None
    clock = read_clock(instance)
    if clock is None:
        return None
    for form in (f"{clock[0]:02d}:{clock[1]:02d}", f"{clock[0]:02d}:{clock[1]:02d}:00"):
        if _pattern_matches(pattern, form):
            return form
    return None


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def coerce(instance: Any, schema: Any, depth: int = 0, strict: bool = False) -> Any:
    """`instance` with enum labels matched regardless of case and surrounding punctuation, and an ISO
    8601 time or datetime given where a pattern asks for "HH:MM" read as its clock time. With `strict`
    (the schema is the contract the model was shown: a JSON Schema to validate against, a tool's
    parameters) patterns are kept as written: `2026-03-17T16:05+01:00` is no "HH:MM".

    Types are never coerced: `"false"` is a string, truthy to any program that reads it, and `"4"` is
    no number (blind audit sets E and F: a quoted boolean is a wrong answer)."""
    if not isinstance(schema, dict) or depth > 64:
        return instance
    pattern = schema.get("pattern")
    if (
        not strict
        and isinstance(instance, str)
        and isinstance(pattern, str)
        and not _pattern_matches(pattern, instance)
    ):
        clock = _as_pattern_clock(instance, pattern)
        if clock is not None:
            return clock
    enum = schema.get("enum")
    if isinstance(instance, str) and isinstance(enum, list) and instance not in enum:
        # "Critical" and "critical." name the enum's "critical": a label's form is not its substance.
        matches = [v for v in enum if isinstance(v, str) and label_key(v) == label_key(instance)]
        if len(matches) == 1:
            return matches[0]
    if isinstance(instance, dict):
        props: dict[str, Any] = schema["properties"] if isinstance(schema.get("properties"), dict) else {}
        extra = schema.get("additionalProperties")
        out = {}
        for key, value in instance.items():
            sub = props.get(key, extra if isinstance(extra, dict) else None)
            out[key] = coerce(value, sub, depth + 1, strict)
        return out
    if isinstance(instance, list):
        items = schema.get("items")
        prefix: list[Any] = schema["prefixItems"] if isinstance(schema.get("prefixItems"), list) else []
        out_list = []
        for i, value in enumerate(instance):
            sub = prefix[i] if i < len(prefix) else items
            out_list.append(coerce(value, sub, depth + 1, strict))
        return out_list
    return instance


def _schema_key(schema: Any) -> str:
    try:
        return json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return json.dumps(copy.deepcopy(schema), sort_keys=True, default=str)


def schema_problem(schema: Any) -> str | None:
    """Why `schema` is not a usable Draft 2020-12 schema, or None."""
    if not isinstance(schema, dict | bool):
        return "schema must be a mapping"
    return _schema_problem(_schema_key(schema))


# Checking a schema against the metaschema costs ~2 ms, and the json grader asks on every answer:
# the cache keeps it to once per distinct schema per process.
@lru_cache(maxsize=256)
def _schema_problem(schema_key: str) -> str | None:
    try:
        Draft202012Validator.check_schema(json.loads(schema_key))
    except jsonschema.SchemaError as exc:
        return f"invalid JSON Schema ({exc.message})"
    return None


@lru_cache(maxsize=256)
def _validator(schema_key: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_key), format_checker=_FORMATS)


def first_violation(instance: Any, schema: dict[str, Any]) -> str | None:
    """One sentence naming the first way `instance` breaks `schema`, or None when it conforms."""
    validator = _validator(_schema_key(schema))
    try:
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    except RecursionError:
        return "the value is nested too deeply to validate"
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{'at ' + where + ': ' if where else ''}{error.message}"
