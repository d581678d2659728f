"""The one expectation vocabulary: one model value against one expected condition, leniently on
form and strictly on substance.

`check(value, spec, subject)` is used by the `json` grader for each field and by the `tool_calls`
grader for each argument, so both read the same conditions (documented once in docs/test-format.md):
`equals`, `label`/`labels`, `one_of`, `set_equals` (alias `set`), `contains_all`, `contains_none`,
`partition`, `range`, `time`, `datetime`/`tolerance_min`, `text_includes`, `text_excludes`, `present`,
`absent`, `optional`, `any`, `max_words`, `type`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from homesec_bench.graders.extract import short, type_name
from homesec_bench.graders.normalize import (
    contains_word,
    find_word,
    norm_label,
    norm_text,
    numbers_close,
    parse_clock,
    parse_datetime,
    to_bool,
    to_number,
    word_count,
)

DEFAULT_TOLERANCE = 1e-6


def _looks_like_datetime(text: str) -> bool:
    return len(text) >= 16 and text[4:5] == "-" and text[10:11] in ("T", "t", " ")


def values_equal(
    actual: Any, expected: Any, tolerance: float = DEFAULT_TOLERANCE, offset: str | None = None
) -> bool:
    """Equality after normalisation: strings by `norm_label`, numbers within tolerance, `true` equal to
    "true" when a boolean is expected, ISO instants by the moment they name, lists as multisets."""
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return to_bool(actual) is expected
    if isinstance(expected, int | float):
        number = to_number(actual)
        return number is not None and numbers_close(number, float(expected), tolerance)
    if isinstance(expected, str):
        if isinstance(actual, bool):
            return norm_label(actual) == norm_label(expected)
        if isinstance(actual, int | float):
            expected_number = to_number(expected)
            return expected_number is not None and numbers_close(float(actual), expected_number, tolerance)
        if not isinstance(actual, str):
            return False
        if norm_label(actual) == norm_label(expected):
            return True
        if _looks_like_datetime(expected.strip()):
            want = parse_datetime(expected, offset)
            got = parse_datetime(actual, offset)
            return want is not None and got is not None and want == got
        return False
    if isinstance(expected, list):
        return isinstance(actual, list) and multiset_equal(actual, expected, tolerance, offset)
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(map(norm_label, actual)) != set(map(norm_label, expected)):
            return False
        by_key = {norm_label(k): v for k, v in actual.items()}
        return all(values_equal(by_key[norm_label(k)], v, tolerance, offset) for k, v in expected.items())
    return bool(actual == expected)


def multiset_equal(
    actual: list[Any], expected: list[Any], tolerance: float = DEFAULT_TOLERANCE, offset: str | None = None
) -> bool:
    """Same elements, any order (each expected element used once)."""
    if len(actual) != len(expected):
        return False
    remaining = list(actual)
    for want in expected:
        for i, got in enumerate(remaining):
            if values_equal(got, want, tolerance, offset):
                del remaining[i]
                break
        else:
            return False
    return True


def set_difference(
    actual: list[Any], expected: list[Any], offset: str | None = None
) -> tuple[list[Any], list[Any]]:
    """(missing, extra) between a list and the expected set; duplicates in `actual` are not extras."""
    missing = [w for w in expected if not any(values_equal(g, w, offset=offset) for g in actual)]
    extra = [g for g in actual if not any(values_equal(g, w, offset=offset) for w in expected)]
    return missing, extra


def in_list(value: Any, options: list[Any], offset: str | None = None) -> bool:
    return any(values_equal(value, o, offset=offset) for o in options)


def same_clock(actual: Any, expected: str, offset: str | None = None) -> bool:
    """Whether `actual` names the clock time `expected` in any common form (`23:40+01:00`,
    `11:40 pm`, `2026-03-17T23:40+01:00` all name 23:40)."""
    got, want = parse_clock(actual, offset), parse_clock(expected, offset)
    return got is not None and got == want


def within_minutes(actual: Any, expected: str, tolerance_min: float, offset: str | None) -> bool:
    got, want = parse_datetime(actual, offset), parse_datetime(expected, offset)
    if got is None or want is None:
        return False
    return abs((got - want).total_seconds()) <= float(tolerance_min) * 60 + 1e-9


def text_groups(groups: Any) -> list[list[str]]:
    """`[[alt, alt], [alt]]` with a bare string accepted as a group of one."""
    if isinstance(groups, str):
        return [[groups]]
    result = []
    for group in groups or []:
        if isinstance(group, str):
            result.append([group])
        elif isinstance(group, list):
            result.append([str(alt) for alt in group])
    return result


# "isn't Pip" says "not Pip": a contracted negation, spelled out, for the alternatives that say "not".
_CONTRACTED_NOT = re.compile(r"\b(is|was|are|were|does|do|did|has|have|had|could|would|should|ca|wo)n['’]t\b")
_SPELLED_OUT = {"ca": "can", "wo": "will"}


def missing_group(text: str, groups: Any) -> list[str] | None:
    """The first include-group none of whose alternatives appears in `text`: by word boundary, a phrase of
    two or three words also with up to two words slipped in, as exclusions read them ("tried the doors"
    in "tried the driver doors"; blind set W), none of them a negation; an alternative with "not" also
    matches its contracted form ("not Pip" in "isn't Pip"; blind set K); and a word closed up of two of the
    group's own words says the group ("torchlight" where "torch" and "light" are both alternatives)."""
    haystack = norm_text(text)
    spelled = _CONTRACTED_NOT.sub(lambda m: _SPELLED_OUT.get(m.group(1), m.group(1)) + " not", haystack)
    for group in text_groups(groups):
        if not any(
            _find_loose(haystack, alt) >= 0 or (spelled != haystack and _find_loose(spelled, alt) >= 0)
            for alt in group
        ) and not _closed_compound(haystack, group):
            return group
    return None


def _closed_compound(haystack: str, group: list[str]) -> bool:
    """Whether a word of `haystack` is two single-word alternatives of `group` closed up ("torchlight")."""
    singles = {norm_text(a) for a in group if re.fullmatch(r"[a-z]{3,}", norm_text(a))}
    if len(singles) < 2:
        return False
    for word in set(re.findall(r"[a-z]{6,}", haystack)):
        for cut in range(3, len(word) - 2):
            if word[:cut] in singles and word[cut:] in singles:
                return True
    return False


def present_forbidden(text: str, words: Any) -> str | None:
    """The first of `words` the text says: a mention a negation governs is no saying of it ("she never
    tried the gate", "showed no interest in number 14", "not Maja"; blind set H)."""
    if isinstance(words, str):
        words = [words]
    haystack = norm_text(text)
    for word in words or []:
        start = 0
        while (at := _find_loose(haystack[start:], str(word))) >= 0:
            if not _negated_before(haystack[: start + at]):
                return str(word)
            start += at + 1
    return None


@lru_cache(maxsize=4096)
def _loose_pattern(phrase: str) -> re.Pattern[str] | None:
    """A phrase of two or three words with up to two more words between each pair: an exclusion of "tried
    the door" also catches "tried the front door", "rang the bell" "rang the door bell" (blind set K).
    Longer phrases stay exact: words slipped into "nothing was recorded that day" can narrow it ("nothing
    was recorded for it that day")."""
    words = norm_text(phrase).split()
    if not 2 <= len(words) <= 3 or any(not re.fullmatch(r"[\w'-]+", w) for w in words):
        return None
    gap = r"(?:\s+[\w'-]+){0,2}?\s+"
    return re.compile(r"(?<![\w'])" + gap.join(re.escape(w) for w in words) + r"(?![\w'])")


def _find_loose(haystack: str, phrase: str) -> int:
    pattern = _loose_pattern(phrase)
    if pattern is None:
        return find_word(haystack, phrase, normalised=True)
    own = set(norm_text(phrase).split())
    for match in pattern.finditer(haystack):
        slipped = [w for w in match.group(0).split() if w not in own]
        if not any(w in _NEGATION_WORDS or w.endswith("n't") for w in slipped):  # "I have not unlocked"
            return match.start()
    return -1


_NEGATION_WORDS = {
    "no", "not", "never", "without", "nothing", "nobody", "none", "neither", "nor", "didn't",
    "doesn't", "don't", "wasn't", "isn't", "weren't", "aren't", "won't", "cannot", "can't",
}  # fmt: skip
# A colon, dash, bracket, "!" or "?" ends the negation's reach too: "so you're not left hanging: it's
# Canberra" says Canberra (blind set Q).
_PREDICATE_BREAKS = {
    "and",
    "but",
    "so",
    "then",
    "yet",
    "while",
    "whereas",
    ";",
    ".",
    ",",
    ":",
    "!",
    "?",
    "(",
    ")",
    "-",
}


def _negated_before(prefix: str) -> bool:
    """Whether a negation in the last few words before a mention governs it (not across a new predicate
    or clause: in "he said nothing and tried the gate" the gate was tried)."""
    tokens = re.findall(r"[\w']+|[;.,:!?()]|\s[-\u2013\u2014]\s", prefix.lower())[-6:]
    tokens = [t.strip() if t.strip() in "-\u2013\u2014" else t for t in tokens]
    tokens = ["-" if t in ("\u2013", "\u2014") else t for t in tokens]
    cut = max((i for i, t in enumerate(tokens) if t in _PREDICATE_BREAKS), default=-1)
    return any(t in _NEGATION_WORDS or t.endswith("n't") for t in tokens[cut + 1 :])


def as_text(value: Any) -> str:
    """The text a word check reads in a value: strings as they are, lists and objects flattened."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ; ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return " ; ".join(f"{k} {as_text(v)}" for k, v in value.items())
    if value is None:
        return ""
    return str(value)


def partition_equal(actual: Any, expected: list[list[Any]], offset: str | None = None) -> bool:
    """A list of groups equal to the expected groups, groups and members in any order."""
    if not isinstance(actual, list) or len(actual) != len(expected):
        return False
    if not all(isinstance(g, list) for g in actual):
        return False
    remaining = list(actual)
    for want in expected:
        for i, got in enumerate(remaining):
            if multiset_equal(got, want, offset=offset):
                del remaining[i]
                break
        else:
            return False
    return True


# ---------------------------------------------------------------------------- the vocabulary

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()

# Keys that state a condition; every one given must hold.
CONDITIONS = {
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
    "text_never_says",
    "no_deeds",
    "present",
    "absent",
    "any",
    "max_words",
    "type",
}
# Old names that still load: tool-argument `set` is `set_equals`.
ALIASES = {"set": "set_equals"}
# Keys that only tune a condition (`optional`: the value may be left out).
MODIFIERS = {"labels", "tolerance", "tolerance_min", "optional"}
JSON_TYPES = {"string", "number", "integer", "boolean", "array", "object", "null"}


@dataclass(frozen=True)
class Mismatch:
    """Why a value fails its expectation: one sentence and an error type."""

    reason: str
    error_type: str


def canonical(spec: Any) -> dict[str, Any]:
    """An expectation as a mapping of canonical condition names; a bare value means `equals`."""
    if not isinstance(spec, dict):
        return {"equals": spec}
    return {ALIASES.get(k, k): v for k, v in spec.items()}  # type: ignore[misc]  # keys as given


def may_be_absent(spec: Any) -> bool:
    spec = canonical(spec)
    return spec.get("optional") is True or spec.get("absent") is True or spec.get("present") is False


def type_holds(value: Any, kind: str, strict: bool = False) -> bool:
    """Whether `value` is of JSON type `kind`; unless `strict`, "3" is a number and "true" a boolean."""
    if kind == "string":
        return isinstance(value, str)
    if kind in ("number", "integer") and strict:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return kind == "number" or float(value).is_integer()
    if kind == "number":
        return to_number(value) is not None
    if kind == "integer":
        number = to_number(value)
        return number is not None and float(number).is_integer()
    if kind == "boolean":
        if strict:
            return isinstance(value, bool)
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


def _strict_equal(value: Any, want: Any) -> bool:
    """With strict types, a boolean or number must be written as one (`"4"` is not 4)."""
    if isinstance(want, bool):
        return isinstance(value, bool)
    if isinstance(want, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return True


def check(
    value: Any,
    spec: Any,
    subject: str,
    offset: str | None = None,
    strict: bool = False,
) -> Mismatch | None:
    """The first condition of `spec` that `value` breaks, or None when all hold. `value` is `MISSING`
    when the field or argument is not there at all; `strict` turns off reading "4" as 4."""
    spec = canonical(spec)
    present = value is not MISSING and value is not None
    if spec.get("absent") is True or spec.get("present") is False:
        if present:
            return Mismatch(f"{subject} was {short(value)} but should be absent", "unexpected_field")
        return None
    if value is MISSING:
        if spec.get("optional") is True:
            return None
        return Mismatch(f"{subject} is missing", "missing_field")
    if spec.get("present") is True and value is None:
        return Mismatch(f"{subject} is null but a value was expected", "missing_field")

    def wrong(reason: str, kind: str = "wrong_value") -> Mismatch:
        return Mismatch(reason, kind)

    if "type" in spec and not type_holds(value, str(spec["type"]), strict):
        return wrong(
            f"{subject} was {type_name(value)} {short(value)} but {spec['type']} was expected",
            "schema_violation",
        )
    if "label" in spec:
        labels = spec.get("labels") or []
        want = spec["label"]
        if not isinstance(value, str | bool) or norm_label(value) != norm_label(want):
            got = norm_label(value) if isinstance(value, str | bool) else short(value)
            if isinstance(value, str) and labels and not in_list(value, labels):
                return wrong(
                    f"{subject} was {short(value)}, not one of the labels; {want!r} was expected",
                    "wrong_label",
                )
            return wrong(f"{subject} was {got!r} but {want!r} was expected", "wrong_label")
    if "equals" in spec:
        tolerance = float(spec.get("tolerance", DEFAULT_TOLERANCE))
        want = spec["equals"]
        if not values_equal(value, want, tolerance, offset) or (strict and not _strict_equal(value, want)):
            return wrong(f"{subject} was {short(value)} but {short(want)} was expected")
    if "one_of" in spec and not in_list(value, list(spec["one_of"]), offset):
        return wrong(f"{subject} was {short(value)}, not one of {short(spec['one_of'])}")
    if "set_equals" in spec:
        if not isinstance(value, list):
            return wrong(f"{subject} was {type_name(value)} {short(value)} but a list was expected")
        missing, extra = set_difference(value, list(spec["set_equals"]), offset)
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"lacks {short(missing)}")
            if extra:
                parts.append(f"has extra {short(extra)}")
            return wrong(f"{subject} {' and '.join(parts)}")
    if "contains_all" in spec:
        wanted = list(spec["contains_all"])
        if isinstance(value, list):
            missing, _ = set_difference(value, wanted, offset)
            if missing:
                return wrong(f"{subject} lacks {short(missing)}")
        elif isinstance(value, str):
            absent = [w for w in wanted if not contains_word(value, str(w))]
            if absent:
                return wrong(f"{subject} does not mention {short(absent)}", "missing_text")
        else:
            return wrong(f"{subject} was {type_name(value)} but a list or text was expected")
    if "contains_none" in spec:
        banned = list(spec["contains_none"])
        if isinstance(value, list):
            hits = [b for b in banned if in_list(b, value, offset)]
            if hits:
                return wrong(f"{subject} wrongly includes {short(hits)}")
        else:
            hit = present_forbidden(as_text(value), banned)
            if hit is not None:
                return wrong(f"{subject} mentions {hit!r}, which it must not", "forbidden_text")
    if "partition" in spec and not partition_equal(value, spec["partition"], offset):
        return wrong(f"{subject} was {short(value)} but the groups {short(spec['partition'])} were expected")
    if "range" in spec:
        low, high = spec["range"]
        number = to_number(value) if not strict or not isinstance(value, str) else None
        if number is None or not low <= number <= high:
            return wrong(f"{subject} was {short(value)}, outside {low}..{high}")
    if "time" in spec and not same_clock(value, str(spec["time"]), offset):
        return wrong(f"{subject} was {short(value)} but the time {spec['time']} was expected")
    if "datetime" in spec:
        tolerance = float(spec.get("tolerance_min", 0))
        if not within_minutes(value, str(spec["datetime"]), tolerance, offset):
            within = f" (±{tolerance:g} min)" if tolerance else ""
            return wrong(f"{subject} was {short(value)} but {spec['datetime']}{within} was expected")
    if "text_includes" in spec:
        group = missing_group(as_text(value), spec["text_includes"])
        if group is not None:
            return wrong(f"{subject} does not mention {' or '.join(repr(g) for g in group)}", "missing_text")
    if "text_excludes" in spec:
        hit = present_forbidden(as_text(value), spec["text_excludes"])
        if hit is not None:
            return wrong(f"{subject} mentions {hit!r}, which it must not", "forbidden_text")
    if spec.get("no_deeds"):
        # A field written by a module that acts on nothing (a triage alert): "ambulance called" is a
        # deed nobody did (blind set I).
        from homesec_bench.graders.facts import action_mentions

        deed = next((m for m in action_mentions(as_text(value)) if m.mode == "done"), None)
        if deed is not None:
            said = f"{subject} says something was done ({deed.clause!r}), which nothing did"
            return wrong(said, "false_claim")
    if "text_never_says" in spec:
        # By meaning, negation-aware: "no people visible" is not "someone moving behind the boxes".
        from homesec_bench.graders.facts import said_by_meaning

        for phrase in spec["text_never_says"]:
            claim = said_by_meaning(as_text(value), str(phrase))
            if claim is not None:
                return wrong(f"{subject} says {phrase!r} ({claim!r}), which it must not", "forbidden_claim")
    if "max_words" in spec:
        words = word_count(as_text(value))
        if words > int(spec["max_words"]):
            return wrong(f"{subject} has {words} words, more than {spec['max_words']}", "too_long")
    return None


def spec_problems(where: str, spec: Any) -> list[str]:
    """What is wrong with one expectation (unknown keys, no condition, malformed values)."""
    if not isinstance(spec, dict):
        if isinstance(spec, str | int | float | bool):
            return []
        return [f"{where}: expectation must be a mapping"]
    problems = []
    unknown = set(spec) - CONDITIONS - MODIFIERS - set(ALIASES)
    if unknown:
        problems.append(
            f"{where}: unknown expectation key(s) {sorted(unknown)} (an unknown condition; the vocabulary "
            "is in docs/test-format.md)"
        )
    both = [k for k, v in ALIASES.items() if k in spec and v in spec]
    if both:
        problems.append(f"{where}: `{both[0]}` and `{ALIASES[both[0]]}` are the same condition; give one")
    spec = canonical(spec)
    if not set(spec) & CONDITIONS:
        problems.append(f"{where}: no condition (one of {sorted(CONDITIONS)}; `any: true` for any value)")
    if "label" in spec:
        labels = spec.get("labels")
        if not isinstance(labels, list) or len(labels) < 2:
            problems.append(f"{where}: `label` needs `labels`, the closed set (two or more)")
        elif not in_list(spec["label"], labels):
            problems.append(f"{where}: label {spec['label']!r} is not in labels {labels}")
    for key in ("one_of", "set_equals", "contains_all", "contains_none", "text_excludes", "text_never_says"):
        if key in spec and not isinstance(spec[key], list):
            problems.append(f"{where}: `{key}` must be a list")
    if "partition" in spec and not (
        isinstance(spec["partition"], list) and all(isinstance(g, list) for g in spec["partition"])
    ):
        problems.append(f"{where}: `partition` must be a list of lists")
    if "range" in spec:
        bounds = spec["range"]
        if not (
            isinstance(bounds, list) and len(bounds) == 2 and all(to_number(b) is not None for b in bounds)
        ):
            problems.append(f"{where}: `range` must be [low, high] numbers")
    if "time" in spec and parse_clock(str(spec["time"])) is None:
        problems.append(f"{where}: `time` {spec['time']!r} is not a clock time")
    if "datetime" in spec and parse_datetime(str(spec["datetime"])) is None:
        problems.append(f"{where}: `datetime` {spec['datetime']!r} is not ISO 8601")
    if "text_includes" in spec and not text_groups(spec["text_includes"]):
        problems.append(f"{where}: `text_includes` must be a list of alternative groups")
    if "type" in spec and spec["type"] not in JSON_TYPES:
        problems.append(f"{where}: `type` must be one of {sorted(JSON_TYPES)}")
    if "max_words" in spec and not isinstance(spec["max_words"], int):
        problems.append(f"{where}: `max_words` must be an integer")
    return problems
