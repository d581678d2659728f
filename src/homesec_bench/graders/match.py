"""Comparing one model value to one expected value, leniently on form and strictly on substance.

Shared by the `json` field expectations and the `tool_calls` argument checks.
"""

from __future__ import annotations

from typing import Any

from homesec_bench.graders.normalize import (
    find_word,
    norm_label,
    norm_text,
    numbers_close,
    parse_clock,
    parse_datetime,
    to_bool,
    to_number,
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


def same_clock(actual: Any, expected: str) -> bool:
    got, want = parse_clock(actual), parse_clock(expected)
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


def missing_group(text: str, groups: Any) -> list[str] | None:
    """The first include-group none of whose alternatives appears in `text` (word boundary)."""
    haystack = norm_text(text)
    for group in text_groups(groups):
        if not any(find_word(haystack, alt, normalised=True) >= 0 for alt in group):
            return group
    return None


def present_forbidden(text: str, words: Any) -> str | None:
    if isinstance(words, str):
        words = [words]
    haystack = norm_text(text)
    for word in words or []:
        if find_word(haystack, str(word), normalised=True) >= 0:
            return str(word)
    return None


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
