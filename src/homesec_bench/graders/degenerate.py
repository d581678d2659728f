"""Degenerate answers: the cheap non-answers every test must fail unless its `degenerate_ok` says so."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homesec_bench.models import ModelAnswer, TestCase, ToolCall

if TYPE_CHECKING:
    from homesec_bench.suites.loader import Benchmark

REFUSAL = "I'm sorry, but I can't help with that."
BOOLEAN_WORDS = ["yes", "no", "true", "false", "same", "different"]
# Grader param keys whose values are labels or label-like answers.
_LABEL_KEYS = {"label", "labels", "expected", "one_of", "set_equals", "equals"}
_ID = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b|\b[a-z]{1,4}\d{1,6}\b")
_NUMBER = re.compile(r"(?<![\w.:-])\d{1,3}(?![\w.:-])")


def message_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(getattr(p, "text", "") for p in content if getattr(p, "type", "") == "text")
    return ""


def prompt_text(test: TestCase, roles: tuple[str, ...] = ("system", "user", "assistant", "tool")) -> str:
    return "\n".join(message_text(m.content) for m in test.messages if m.role in roles)


def _labels_in(params: Any, out: list[str], depth: int = 0) -> None:
    """Every string under a label-like key anywhere in grader params (nested `all` checks included)."""
    if depth > 20:
        return
    if isinstance(params, dict):
        for key, value in params.items():
            if key in _LABEL_KEYS:
                _strings(value, out)
            _labels_in(value, out, depth + 1)
    elif isinstance(params, list):
        for item in params:
            _labels_in(item, out, depth + 1)


def _strings(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        if value not in out:
            out.append(value)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)


def grader_labels(test: TestCase) -> list[str]:
    out: list[str] = []
    _labels_in(test.grader.params, out)
    return out


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def keyword_salad(test: TestCase, bench: Benchmark) -> str:
    world = bench.world
    words: list[str] = list(world.get("security_levels") or [])
    words += [c.get("id", "") for c in world.get("alert_channels") or []]
    for cam in world.get("cameras") or []:
        words += [cam.get("id", ""), cam.get("name", ""), *(cam.get("nicknames") or [])]
    words += list(bench.tools)
    words += grader_labels(test)
    words += BOOLEAN_WORDS
    words += [p.get("name", "") for p in (world.get("residents") or []) + (world.get("pets") or [])]
    return " ".join(_unique([str(w) for w in words]))


def ids_in(test: TestCase) -> list[str]:
    return _unique(_ID.findall(prompt_text(test)))


def json_fields(params: Any, depth: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(every `fields` entry, every `schema`) of json checks anywhere in grader params."""
    fields: dict[str, Any] = {}
    schemas: list[dict[str, Any]] = []
    if depth > 20:
        return fields, schemas
    if isinstance(params, dict):
        if isinstance(params.get("fields"), dict):
            fields.update(params["fields"])
        if isinstance(params.get("schema"), dict):
            schemas.append(params["schema"])
        for value in params.values():
            sub_fields, sub_schemas = json_fields(value, depth + 1)
            fields.update({k: v for k, v in sub_fields.items() if k not in fields})
            schemas += sub_schemas
    elif isinstance(params, list):
        for item in params:
            sub_fields, sub_schemas = json_fields(item, depth + 1)
            fields.update({k: v for k, v in sub_fields.items() if k not in fields})
            schemas += sub_schemas
    return fields, schemas


def _everything_value(spec: Any, schema: Any, everything: list[Any], all_labels: str) -> Any:
    """One value that tries to be every answer at once for a field."""
    spec = spec if isinstance(spec, dict) else {"equals": spec}
    kinds = set()
    if isinstance(schema, dict):
        kind = schema.get("type")
        kinds = {kind} if isinstance(kind, str) else set(kind or [])
    wants_list = (
        {"set_equals", "contains_all", "contains_none", "partition"} & set(spec)
        or spec.get("type") == "array"
        or "array" in kinds
        or isinstance(spec.get("equals"), list)
    )
    if wants_list:
        if "partition" in spec:
            return [everything]
        return list(everything)
    wants_bool = isinstance(spec.get("equals"), bool) or spec.get("type") == "boolean" or "boolean" in kinds
    wants_number = (
        "range" in spec
        or spec.get("type") in ("number", "integer")
        or bool(kinds & {"number", "integer"})
        or isinstance(spec.get("equals"), int | float)
    )
    if wants_bool or wants_number:
        return None
    if spec.get("type") == "object" or "object" in kinds:
        return {"all": all_labels}
    return all_labels


def _set_path(root: dict[str, Any], path: str, value: Any) -> None:
    segments: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = root
    for n, segment in enumerate(segments):
        last = n == len(segments) - 1
        child: Any = value if last else ([] if isinstance(segments[n + 1], int) else {})
        if isinstance(segment, int):
            if not isinstance(node, list):
                return
            while len(node) <= segment:
                node.append(None)
        elif not isinstance(node, dict):
            return
        current = node[segment] if isinstance(segment, int) else node.get(segment)
        if last or not isinstance(current, dict | list):
            node[segment] = child
        node = node[segment]


def json_all_keys(test: TestCase, bench: Benchmark) -> str:
    fields, schemas = json_fields(test.grader.params)
    labels = grader_labels(test) or list(bench.world.get("security_levels") or [])
    ids = ids_in(test)
    world = bench.world
    options = [str(x) for x in world.get("security_levels") or []]
    options += [str(c.get("id")) for c in (world.get("alert_channels") or []) + (world.get("cameras") or [])]
    numbers = [int(n) for n in _unique(_NUMBER.findall(prompt_text(test, ("user", "assistant", "tool"))))][
        :50
    ]
    everything: list[Any] = [*_unique([*labels, *options, *ids]), *numbers]
    all_labels = ", ".join(_unique([*labels, *BOOLEAN_WORDS]))
    obj: dict[str, Any] = {}
    for schema in schemas:
        for key, sub in (schema.get("properties") or {}).items():
            obj[key] = _everything_value({}, sub, everything, all_labels)
    for path, spec in fields.items():
        _set_path(obj, str(path), _everything_value(spec, None, everything, all_labels))
    if not obj:
        for key in ("label", "level", "answer", "category"):
            obj[key] = all_labels
    return json.dumps(obj, ensure_ascii=False)


def _plausible(prop: dict[str, Any], test: TestCase, bench: Benchmark) -> Any:
    kind = prop.get("type")
    if "enum" in prop:
        return prop["enum"][0]
    if kind == "array":
        item = prop.get("items") or {}
        return [_plausible(item, test, bench)] if isinstance(item, dict) else []
    if kind == "integer":
        return int(prop.get("minimum", 1))
    if kind == "number":
        return float(prop.get("minimum", 1))
    if kind == "boolean":
        return True
    if prop.get("format") == "date-time":
        return str(bench.world.get("now", "2026-03-18T09:30:00+01:00"))
    if "pattern" in prop and "[0-5][0-9]" in str(prop["pattern"]):
        return "22:00"
    ids = [i for i in ids_in(test) if i.startswith(("ev_", "rule_", "rep_", "report_"))]
    return ids[0] if ids else "test"


def call_every_tool(test: TestCase, bench: Benchmark) -> ModelAnswer:
    calls = []
    for n, name in enumerate(test.tools):
        schema = (bench.tools.get(name) or {}).get("parameters") or {}
        props = schema.get("properties") or {}
        args = {arg: _plausible(props.get(arg) or {}, test, bench) for arg in schema.get("required") or []}
        if "start_time" in args and "end_time" in args:
            now = datetime.fromisoformat(str(bench.world.get("now", "2026-03-18T09:30:00+01:00")))
            args["start_time"] = (now - timedelta(hours=24)).isoformat()
            args["end_time"] = now.isoformat()
        calls.append(ToolCall(id=f"call_{n}", name=name, arguments=args))
    return ModelAnswer(content="", tool_calls=calls)


def degenerate_answers(test: TestCase, bench: Benchmark) -> dict[str, ModelAnswer]:
    """The degenerate answers for one test, by name; `call_every_tool` only when the test offers tools."""
    users = [m for m in test.messages if m.role == "user"]
    echo = message_text(users[-1].content) if users else ""
    answers = {
        "empty": ModelAnswer(content=""),
        "refusal": ModelAnswer(content=REFUSAL),
        "echo": ModelAnswer(content=echo),
        # The whole conversation pasted back, tool results included: "reading" a tool result aloud.
        "echo_conversation": ModelAnswer(content=prompt_text(test, ("user", "assistant", "tool"))),
        "keyword_salad": ModelAnswer(content=keyword_salad(test, bench)),
        "json_all_keys": ModelAnswer(content=json_all_keys(test, bench)),
    }
    if test.tools:
        answers["call_every_tool"] = call_every_tool(test, bench)
    return answers


DEGENERATE_NAMES = [
    "empty",
    "refusal",
    "echo",
    "echo_conversation",
    "keyword_salad",
    "json_all_keys",
    "call_every_tool",
]
