"""The `tool_calls` grader, after the Berkeley Function Calling Leaderboard.

Right function, every required argument, each argument among its acceptable values, no invented
arguments, several calls matched to the expectation in any order by an optimal (maximum) matching.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from homesec_bench.graders.extract import answer_text, short, type_name
from homesec_bench.graders.match import (
    ALIASES,
    CONDITIONS,
    MODIFIERS,
    canonical,
    check,
    spec_problems,
    type_holds,
    values_equal,
)
from homesec_bench.graders.normalize import to_number, world_offset
from homesec_bench.graders.registry import GradeContext, fail, ok, register, register_validator
from homesec_bench.graders.schema import coerce, first_violation
from homesec_bench.graders.text import check_text, text_param_problems
from homesec_bench.graders.textcalls import call_in_text
from homesec_bench.models import ModelAnswer, ToolCall, Verdict

PARAM_KEYS = {"expected", "no_call", "forbid", "allow_extra_calls", "content", "strict_optional"}
CONTENT_DEFAULTS: dict[str, Any] = {"no_false_actions": True, "grounded": True}
CALL_KEYS = {"name", "arguments", "strict_optional", "optional", "alone"}
# The expectation vocabulary is `graders.match`'s, shared with the json grader's field checks.
ACCEPT_KEYS = CONDITIONS | MODIFIERS | set(ALIASES)
# Content checks that need some text to hold; with none of them, an empty content is fine.
POSITIVE_TEXT_CHECKS = {"must_include", "in_order", "is_question", "must_be_refusal", "language", "min_words"}
# Prefixes some servers and templates put before a function name.
_NAME_PREFIXES = ("functions.", "default_api.", "tools.")


def call_name(call: ToolCall) -> str:
    name = (call.name or "").strip()
    for prefix in _NAME_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _called(name: str) -> str:
    """`called NAME`, or what a call without a name is (never "called , a tool...")."""
    return f"called {name}" if name else "made a call with no tool name"


def call_arguments(call: ToolCall) -> dict[str, Any] | None:
    """The call's arguments as a mapping; None when the model sent something that is not a JSON object."""
    args = call.arguments
    if isinstance(args, str):
        if not args.strip():
            return {}
        try:
            args = json.loads(args)
        except (ValueError, RecursionError):
            return None
    return args if isinstance(args, dict) else None


def may_be_absent(accept: Any) -> bool:
    if isinstance(accept, list):
        return any(a is None for a in accept)
    if not isinstance(accept, dict):
        return False
    spec = canonical(accept)
    return spec.get("optional") is True or spec.get("absent") is True or spec.get("present") is False


def _same_type(value: Any, want: Any) -> bool:
    """A boolean or a number is written as one ("false" is not false, "50" is not 50)."""
    if isinstance(want, bool):
        return isinstance(value, bool)
    if isinstance(want, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return True


def accepts(value: Any, accept: Any, offset: str) -> bool:
    """Whether `value` is acceptable under ACCEPT: a list of values, or a mapping of conditions in
    the shared vocabulary (`graders.match`). Types are strict: a tool's schema is the contract."""
    if isinstance(accept, list):
        return any(
            a is not None and values_equal(value, a, offset=offset) and _same_type(value, a) for a in accept
        )
    return check(value, accept, "the argument", offset, strict=True) is None


def _schema_types(prop: Any) -> list[str]:
    kind = prop.get("type") if isinstance(prop, dict) else None
    if isinstance(kind, str):
        return [kind]
    return [k for k in kind if isinstance(k, str)] if isinstance(kind, list) else []


def type_mismatch(value: Any, prop: Any) -> str | None:
    """How `value` breaks the JSON type its schema gives (an array's items included), or None: `"false"`
    for a boolean, `"50"` for an integer."""
    kinds = _schema_types(prop)
    if kinds and not any(type_holds(value, k, strict=True) for k in kinds):
        return f"{type_name(value)} {short(value)} where its schema asks for {' or '.join(kinds)}"
    items = prop.get("items") if isinstance(prop, dict) else None
    if isinstance(value, list) and isinstance(items, dict):
        for item in value:
            problem = type_mismatch(item, items)
            if problem:
                return f"an item that is {problem}"
    return None


def narrows(value: Any, rule: Any, prop: dict[str, Any] | None) -> bool:
    """Whether an optional argument's value narrows the request, under the tool's `narrows` rule
    (tools.yaml): `true` (any value narrows, except one of `except` or an array holding every
    member of its enum) or `{below: N}` (a number below N narrows, as a result limit does)."""
    if rule is None or rule is False:
        return False
    rule = rule if isinstance(rule, dict) else {}
    if "below" in rule:
        number = to_number(value)
        return number is not None and number < float(rule["below"])
    if any(values_equal(value, keep) for keep in rule.get("except") or []):
        return False
    items = (prop or {}).get("items")
    enum = items.get("enum") if isinstance(items, dict) else None
    if isinstance(value, list) and isinstance(enum, list) and enum:
        return not all(any(values_equal(v, member) for v in value) for member in enum)
    return True


@dataclass
class CallCheck:
    """One expected call against one actual call."""

    ok: bool
    score: float  # closeness, to report the most telling failure
    reason: str = ""
    error_type: str | None = None


def check_call(
    expected: dict[str, Any], call: ToolCall, ctx: GradeContext, strict: bool, offset: str
) -> CallCheck:
    want = str(expected.get("name", ""))
    name = call_name(call)
    if name != want:
        return CallCheck(False, 0.0, f"{_called(name)} but {want} was expected", "wrong_function")
    args = call_arguments(call)
    if args is None:
        return CallCheck(False, 0.5, f"the arguments of {name} are not a JSON object", "malformed_arguments")
    schema = (ctx.tools.get(name) or {}).get("parameters") or {}
    props = schema.get("properties") or {}
    wanted_args: dict[str, Any] = expected.get("arguments") or {}
    checks = 1 + len(wanted_args)
    good = 1

    def closeness() -> float:
        return 1.0 + good / (checks + 1)

    invented = [a for a in args if a not in props]
    if invented:
        return CallCheck(
            False,
            closeness(),
            f"{name} got the argument {invented[0]!r}, which its schema does not define",
            "invented_arg",
        )
    for required in schema.get("required") or []:
        if required not in args:
            return CallCheck(
                False, closeness(), f"{name} lacks the required argument {required!r}", "missing_required_arg"
            )
    # A tool's schema is the contract the model was shown: a value of another JSON type is wrong
    # whatever it spells ("false" for a boolean, "50" for an integer).
    for arg, value in args.items():
        problem = type_mismatch(value, props.get(arg))
        if problem:
            return CallCheck(False, closeness(), f"{name} got {arg} as {problem}", "wrong_arg_type")
    for arg, accept in wanted_args.items():
        if arg not in args:
            if may_be_absent(accept):
                good += 1
                continue
            return CallCheck(
                False,
                closeness(),
                f"{name} lacks the argument {arg!r} that the request calls for",
                "missing_required_arg",
            )
        value = coerce(args[arg], props.get(arg), strict=True)
        if not accepts(value, accept, offset):
            return CallCheck(
                False,
                closeness(),
                f"{name} got {arg}={short(args[arg])} but {_describe(accept)} was expected",
                "wrong_arg_value",
            )
        good += 1
    if strict or expected.get("strict_optional"):
        extra = [a for a in args if a not in wanted_args and a not in (schema.get("required") or [])]
        if extra:
            return CallCheck(
                False,
                closeness(),
                f"{name} got the optional argument {extra[0]!r}, which was not asked for",
                "unexpected_arg",
            )
    violation = first_violation(coerce(args, schema, strict=True), schema) if schema else None
    if violation:
        return CallCheck(
            False, closeness(), f"the arguments of {name} break its schema: {violation}", "wrong_arg_value"
        )
    # A filter the request did not ask for (tools.yaml `narrows`) drops results the user wanted.
    rules = (ctx.tools.get(name) or {}).get("narrows") or {}
    required = set(schema.get("required") or [])
    for arg, value in args.items():
        if arg in wanted_args or arg in required or arg not in rules:
            continue
        if narrows(coerce(value, props.get(arg), strict=True), rules[arg], props.get(arg)):
            return CallCheck(
                False,
                closeness(),
                f"{name} got {arg}={short(value)}, which narrows what the request asked for",
                "narrowed_request",
            )
    return CallCheck(True, 2.0)


def _describe(accept: Any) -> str:
    if isinstance(accept, list):
        values = [a for a in accept if a is not None]
        return short(values[0]) if len(values) == 1 else f"one of {short(values)}"
    if isinstance(accept, dict):
        return ", ".join(f"{k} {short(v)}" for k, v in accept.items() if k not in ("optional",))
    return short(accept)


def max_matching(good: list[list[bool]]) -> dict[int, int]:
    """A maximum matching expected->actual over the acceptable pairs (augmenting paths): the most
    expected calls matched, whatever order the model made them in."""
    match_of_actual: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j, acceptable in enumerate(good[i]):
            if acceptable and j not in seen:
                seen.add(j)
                if j not in match_of_actual or augment(match_of_actual[j], seen):
                    match_of_actual[j] = i
                    return True
        return False

    for i in range(len(good)):
        augment(i, set())
    return {i: j for j, i in match_of_actual.items()}


def _content_check(
    answer: ModelAnswer, text: str, params: dict[str, Any], ctx: GradeContext, called: bool = False
) -> Verdict | None:
    # Whatever an answer says beside its calls must be true in every tool test: no deed that no tool
    # did, no detail the conversation does not hold. A test can turn either off (`grounded: false`).
    content = {**CONTENT_DEFAULTS, **(params.get("content") or {})}
    if called:
        # The answer took a tool path that is right by itself (an expected call marked `alone`): what
        # it must say belongs to the reply after the tool's result, so only what the text must not
        # say is checked now.
        content = {k: v for k, v in content.items() if k not in POSITIVE_TEXT_CHECKS}
    if not text and not POSITIVE_TEXT_CHECKS & set(content):
        # A bare tool call says nothing, so it breaks no rule that only forbids things.
        return None
    # The answer's own calls stay visible: "Creating the rule now." is true when this answer calls it.
    verdict = check_text(text, answer, content, ctx)
    return None if verdict.passed else verdict


@register("tool_calls")
def grade_tool_calls(answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
    calls = list(answer.tool_calls)
    text = answer_text(answer)
    names = [call_name(c) for c in calls]
    forbid = set(params.get("forbid") or [])
    for name in names:
        if name in forbid:
            return fail(
                f"the answer called {name}, which this request must never trigger",
                "forbidden_call",
                call=name,
            )
    if not calls:
        written = call_in_text(text, ctx.tools)
        if written:
            return fail(
                f"the answer writes a call to {written} as text instead of making a tool call",
                "tool_call_in_content",
                call=written,
            )
    offered = set(ctx.test.tools)
    for name in names:
        if offered and name not in offered:
            return fail(
                f"the answer {_called(name)}, "
                + ("a tool this request did not offer" if name else "so it names none of the tools offered"),
                "wrong_function",
                call=name,
            )
    if params.get("no_call"):
        if calls:
            return fail(
                f"the answer {_called(names[0])} but no tool call was needed",
                "unexpected_call",
                call=names[0],
            )
        failed = _content_check(answer, text, params, ctx)
        return failed or ok("the answer made no tool call, as expected")

    expected = [e for e in params.get("expected") or [] if isinstance(e, dict)]
    offset = world_offset(ctx.world)
    strict = bool(params.get("strict_optional"))
    results = [[check_call(e, c, ctx, strict, offset) for c in calls] for e in expected]
    matching = max_matching([[r.ok for r in row] for row in results])
    # An `optional: true` call may be left out (a defensible extra step); made, it must still be right.
    unmatched_expected = [
        i
        for i in range(len(expected))
        if i not in matching and not (expected[i].get("optional") and not _attempted(expected[i], calls))
    ]
    used = set(matching.values())
    unmatched_calls = [j for j in range(len(calls)) if j not in used]
    if unmatched_expected:
        wanted = [str(expected[i].get("name")) for i in unmatched_expected]
        if not calls:
            return fail(f"the answer made no tool call but {', '.join(wanted)} was expected", "missing_call")
        pairs = [(results[i][j], i) for i in unmatched_expected for j in unmatched_calls]
        if not pairs:
            return fail(
                f"the answer made {len(calls)} call(s) but {len(expected)} were expected; "
                f"{', '.join(wanted)} is missing",
                "missing_call",
            )
        best, _ = max(pairs, key=lambda p: p[0].score)
        return fail(best.reason, best.error_type or "wrong_arg_value")
    if unmatched_calls and not params.get("allow_extra_calls"):
        extra = names[unmatched_calls[0]]
        return fail(
            f"the answer made an extra call {f'to {extra}' if extra else 'with no tool name'} that was not "
            "asked for",
            "unexpected_call",
            call=extra,
        )
    made = [str(e.get("name")) for i, e in enumerate(expected) if i in matching]
    # `alone: true`: this call is a whole right answer by itself (widening an empty search, say).
    alone = any(e.get("alone") for i, e in enumerate(expected) if i in matching)
    failed = _content_check(answer, text, params, ctx, called=alone)
    if failed is not None:
        return failed
    if not made:
        return ok("the answer made no tool call, which is one of the right answers")
    return ok(f"the answer called {', '.join(made)} with acceptable arguments")


def _attempted(expected: dict[str, Any], calls: list[ToolCall]) -> bool:
    """Whether the answer called the tool an optional expectation names (so it must be right)."""
    return any(call_name(c) == expected.get("name") for c in calls)


def _accept_problems(where: str, arg: str, accept: Any, prop: dict[str, Any] | None) -> list[str]:
    problems = []
    if isinstance(accept, list):
        values = [a for a in accept if a is not None]
        if not values:
            problems.append(f"{where}: argument {arg!r} lists no acceptable value")
        if prop:
            for value in values:
                violation = first_violation(coerce(value, prop), prop)
                if violation:
                    problems.append(
                        f"{where}: acceptable value {short(value)} of {arg!r} breaks its schema "
                        f"({violation}); list values for an array argument are lists"
                    )
                    break
    elif isinstance(accept, dict):
        problems.extend(spec_problems(f"{where}: argument {arg!r}", accept))
    else:
        problems.append(f"{where}: argument {arg!r} must be a list of acceptable values or a mapping")
    return problems


@register_validator("tool_calls")
def validate_tool_calls(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    problems = [f"unknown tool_calls param {k!r}" for k in params if k not in PARAM_KEYS]
    offered = set(ctx.test.tools)
    expected = params.get("expected") or []
    if params.get("no_call") and expected:
        problems.append("`no_call` and `expected` contradict each other")
    if not params.get("no_call") and not expected:
        problems.append("a tool_calls grader needs `expected` calls or `no_call: true`")
    if params.get("no_call") and not params.get("content"):
        problems.append("`no_call` needs a `content` check, or an empty answer passes")
    calls_wanted = [c for c in params.get("expected") or [] if isinstance(c, dict)]
    if calls_wanted and all(c.get("optional") for c in calls_wanted) and not params.get("content"):
        problems.append("when every expected call is optional, a `content` check must judge the answer")
    if not isinstance(expected, list):
        return [*problems, "`expected` must be a list of calls"]
    for n, call in enumerate(expected):
        where = f"expected call {n}"
        if not isinstance(call, dict):
            problems.append(f"{where}: must be a mapping with `name` and `arguments`")
            continue
        problems.extend(f"{where}: unknown key {k!r}" for k in call if k not in CALL_KEYS)
        name = call.get("name")
        if name not in ctx.tools:
            problems.append(f"{where}: unknown tool {name!r}; see tools.yaml")
            continue
        if name not in offered:
            problems.append(f"{where}: tool {name!r} is not in the test's `tools`")
        if name in (params.get("forbid") or []):
            problems.append(f"{where}: tool {name!r} is both expected and forbidden")
        props = (ctx.tools[name].get("parameters") or {}).get("properties") or {}
        args = call.get("arguments") or {}
        if not isinstance(args, dict):
            problems.append(f"{where}: `arguments` must map argument names to acceptable values")
            continue
        for arg, accept in args.items():
            if arg not in props:
                problems.append(f"{where}: {name} has no argument {arg!r}")
                continue
            problems.extend(_accept_problems(where, arg, accept, props.get(arg)))
    for name in params.get("forbid") or []:
        if name not in ctx.tools:
            problems.append(f"forbid: unknown tool {name!r}; see tools.yaml")
    if params.get("content") is not None:
        if not isinstance(params["content"], dict):
            problems.append("`content` must be text grader params")
        else:
            problems.extend(
                f"content: {p}" for p in text_param_problems(params["content"], need_substance=False)
            )
    return problems
