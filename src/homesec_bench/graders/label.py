"""The `label` grader: one label from a closed set, however politely it is wrapped."""

from __future__ import annotations

import re
from typing import Any

from homesec_bench.graders.extract import answer_text, find_json, short
from homesec_bench.graders.normalize import label_key, word_count
from homesec_bench.graders.registry import GradeContext, fail, ok, register, register_validator
from homesec_bench.models import ModelAnswer, Verdict

DEFAULT_MAX_WORDS = 12
# Keys a model may wrap its label in: {"label": "suspicious"}, {"level": ...}.
LABEL_KEYS = ("label", "answer", "level", "category", "class", "classification", "topic", "domain", "result")
PARAM_KEYS = {"expected", "labels", "max_words", "nothing_else"}
# What may wrap a label that must stand alone: a key ("Label: devices"), quotes, backticks, bold, brackets and
# closing punctuation ("**Devices.**"); any other word is "something else".
_KEY_PREFIX = re.compile(r"^\s*(?:" + "|".join(LABEL_KEYS) + r")\s*[:=-]\s*", re.IGNORECASE)
_WRAPPING = " \t\r\n\"'`*_()[]{}<>.,;:!?\u201c\u201d\u2018\u2019"
# "not suspicious" names no label: a negation just before a label takes it out of the answer.
_NEGATED = re.compile(r"(?:\bnot|\bno|n['’]t|\bnever|\brather than|\binstead of)\s+(?:\w+\s+)?$")


def labels_named(text: str, labels: list[str]) -> list[str]:
    """The labels named in `text` on word boundaries, a label inside a longer named label not counted."""
    haystack = label_key(text)
    spans: list[tuple[int, int, str]] = []
    for label in labels:
        key = label_key(label)
        if not key:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(key).replace(r"\ ", r"\s+") + r"(?!\w)")
        for match in pattern.finditer(haystack):
            spans.append((match.start(), match.end(), label))
    named = []
    for start, end, label in spans:
        inside_longer = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
        if (
            not inside_longer
            and not _NEGATED.search(haystack[max(0, start - 24) : start])
            and label not in named
        ):
            named.append(label)
    return named


def _from_json(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in value:
            if isinstance(key, str) and label_key(key) in LABEL_KEYS and isinstance(value[key], str):
                return str(value[key])
        strings = [v for v in value.values() if isinstance(v, str)]
        if len(value) == 1 and len(strings) == 1:
            return strings[0]
    return None


def pick_label(text: str, labels: list[str], max_words: int) -> tuple[str | None, str]:
    """(the one label the answer gives, or None; why not)."""
    by_key = {label_key(label): label for label in labels}
    if label_key(text) in by_key:
        return by_key[label_key(text)], ""
    found = find_json(text)
    if found is not None and found.where == "bare":
        inner = _from_json(found.value)
        if inner is None:
            return None, "the JSON answer holds no label"
        text = inner
        if label_key(text) in by_key:
            return by_key[label_key(text)], ""
    words = word_count(text)
    if words > max_words:
        return None, f"the answer has {words} words, too long to be a label (at most {max_words})"
    named = labels_named(text, labels)
    if len(named) == 1:
        return named[0], ""
    if not named:
        return None, f"the answer {short(text)} names none of the labels"
    return None, f"the answer names several labels ({', '.join(named)})"


def alone(text: str, label: str) -> bool:
    """Whether `text` is `label` and nothing else, past the wrapping a chat model puts round a word."""
    found = find_json(text)
    if found is not None and found.where == "bare":
        inner = _from_json(found.value)
        single = not isinstance(found.value, dict) or len(found.value) == 1  # {"label": x, "why": ...}
        return single and inner is not None and alone(inner, label)
    bare = _KEY_PREFIX.sub("", text.strip(_WRAPPING)).strip(_WRAPPING)
    return label_key(bare) == label_key(label)


@register("label")
def grade_label(answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
    expected = str(params["expected"])
    labels = [str(label) for label in params.get("labels") or [expected]]
    max_words = int(params.get("max_words", DEFAULT_MAX_WORDS))
    text = answer_text(answer)
    if not text:
        if answer.tool_calls:
            return fail(f"the answer is a tool call, not the label {expected!r}", "unexpected_call")
        return fail(f"the answer is empty but {expected!r} was expected", "wrong_label")
    label, why = pick_label(text, labels, max_words)
    if label is None:
        return fail(f"{why}; {expected!r} was expected", "too_long" if "too long" in why else "wrong_label")
    if label_key(label) != label_key(expected):
        return fail(f"label was {label!r} but {expected!r} was expected", "wrong_label", label=label)
    if params.get("nothing_else") and not alone(text, label):
        # The prompt asks for the label "and nothing else": a router's caller reads the whole reply.
        return fail(
            f"the answer {short(text)} adds words to the label {label!r}, which the prompt rules out",
            "extra_text",
            label=label,
        )
    return ok(f"label was {expected!r} as expected", label=label)


@register_validator("label")
def validate_label(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    problems = [f"unknown label param {k!r}" for k in params if k not in PARAM_KEYS]
    labels = params.get("labels")
    if "expected" not in params:
        problems.append("a label grader needs `expected`")
    if not isinstance(labels, list) or len(labels) < 2:
        problems.append("a label grader needs `labels`, the closed set (two or more)")
    elif "expected" in params and label_key(params["expected"]) not in {label_key(x) for x in labels}:
        problems.append(f"expected {params['expected']!r} is not in labels {labels}")
    if "nothing_else" in params and not isinstance(params["nothing_else"], bool):
        problems.append("`nothing_else` must be true or false")
    if "max_words" in params and not isinstance(params["max_words"], int):
        problems.append("`max_words` must be an integer")
    return problems
