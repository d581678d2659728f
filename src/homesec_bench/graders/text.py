"""The `text` grader: free text with word-boundary includes, order, length, language and refusal checks."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from homesec_bench.graders import facts
from homesec_bench.graders.extract import answer_text, find_json
from homesec_bench.graders.language import LANGUAGES, stop_word_counts
from homesec_bench.graders.match import as_text, missing_group, present_forbidden, text_groups
from homesec_bench.graders.normalize import find_word, norm_text, word_count
from homesec_bench.graders.refusal import is_refusal
from homesec_bench.graders.registry import GradeContext, fail, ok, register, register_validator
from homesec_bench.graders.textcalls import call_in_text
from homesec_bench.models import ModelAnswer, Verdict

PARAM_KEYS = {
    "must_include",
    "must_not_include",
    "in_order",
    "max_words",
    "min_words",
    "max_sentences",
    "language",
    "is_question",
    "no_json",
    "plain_text",
    "forbid_tool_calls",
    "must_be_refusal",
    "must_not_be_refusal",
    "field",
    *facts.PARAM_KEYS,
}
# Checks that need the answer to say something; with none of them, an answer of tool calls alone
# breaks no rule (inside `all`, next to a tool_calls check).
POSITIVE_KEYS = {"must_include", "in_order", "is_question", "must_be_refusal", "language", "min_words"}
POSITIVE_KEYS |= facts.POSITIVE_KEYS
# A language guess needs this many function words in the answer before it is believed.
MIN_LANGUAGE_EVIDENCE = 2
_SENTENCE_END = re.compile(r"[.!?。？！]+(?=\s|$)|\n\s*\n")


# A generation loop: one sentence or line of a few words, said this many times. No right answer says the
# same thing four times over; a small model stuck in a loop does ("I'm not a camera-wearing creature."
# forty times passed on "not a camera"; the embedded model, a fresh run after set AA).
LOOP_REPEATS = 4
LOOP_MIN_WORDS = 3


def repeated_piece(text: str) -> str | None:
    """The first sentence or line the text says LOOP_REPEATS times or more, or None."""
    pieces = [p for p in re.split(r"(?<=[.!?])\s+|\n+", text) if p.strip()]
    seen = Counter(re.sub(r"\W+", " ", p).strip().casefold() for p in pieces)
    for piece, times in seen.most_common():
        if times < LOOP_REPEATS:
            break
        if len(piece.split()) >= LOOP_MIN_WORDS:
            return piece[:60]
    return None


def sentence_count(text: str) -> int:
    """Sentences as `normalize.split_sentences` reads them (a.m., e.g., No., 08.05 end none)."""
    from homesec_bench.graders.normalize import split_sentences

    return len(split_sentences(text))


# Markdown that a plain-text reader sees as stray symbols: headings, emphasis, code, links, tables. A
# hyphen or a bullet at the start of a line is plain text's own list.
_MARKUP = (
    ("a heading", re.compile(r"(?m)^\s{0,3}#{1,6}\s+\S")),
    (
        "bold or italic",
        re.compile(r"(\*\*|__)(?=\S)[^\n]+?(?<=\S)\1|(?<![\w*])\*(?=\S)[^*\n]+?(?<=\S)\*(?![\w*])"),
    ),
    ("code", re.compile(r"```|(?<!`)`[^`\n]+`(?!`)")),
    ("a link", re.compile(r"\[[^\]\n]+\]\([^)\s]+\)")),
    ("a table", re.compile(r"(?m)^\s*\|.*\|\s*$\n^\s*\|?\s*:?-{3,}")),
)


def markdown_markup(text: str) -> str | None:
    """What markdown `text` uses, if any: "a heading", "bold or italic", "code", "a link", "a table"."""
    return next((name for name, pattern in _MARKUP if pattern.search(text)), None)


def first_positions(text: str, groups: list[list[str]]) -> list[int]:
    """For each group, the earliest word-boundary position of any alternative (-1 when none)."""
    haystack = norm_text(text)
    positions = []
    for group in groups:
        found = [p for p in (find_word(haystack, alt, normalised=True) for alt in group) if p >= 0]
        positions.append(min(found) if found else -1)
    return positions


def check_text(text: str, answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
    """Every text constraint in `params` against `text` (the answer without reasoning)."""
    if params.get("forbid_tool_calls"):
        if answer.tool_calls:
            return fail(
                f"the answer called {answer.tool_calls[0].name} but no tool call was wanted",
                "unexpected_call",
            )
        written = call_in_text(text, ctx.tools)
        if written:
            return fail(f"the answer writes a call to {written} as text", "tool_call_in_content")
    if not text:
        return fail("the answer is empty", "missing_text")
    looped = repeated_piece(text)
    if looped is not None:
        return fail(f"the answer repeats itself ({looped!r} again and again): a loop", "degenerate")
    if params.get("no_json"):
        found = find_json(text)
        if found is not None and (isinstance(found.value, dict) or found.where == "bare"):
            return fail("the answer is JSON but plain text was asked for", "unexpected_json")
    if params.get("plain_text"):
        markup = markdown_markup(text)
        if markup:
            return fail(f"the answer uses markdown ({markup}) where plain text was asked for", "markdown")
    refused = is_refusal(text)
    if params.get("must_be_refusal") and not refused:
        return fail("the answer does not refuse the request", "not_a_refusal")
    if params.get("must_not_be_refusal") and refused:
        return fail("the answer refuses a request it should carry out", "unexpected_refusal")
    if params.get("language"):
        want = str(params["language"])
        counts = stop_word_counts(text)
        best = max(counts.values())
        leaders = [lang for lang, n in counts.items() if n == best]
        if counts[want] < MIN_LANGUAGE_EVIDENCE or leaders != [want]:
            guess = leaders[0] if len(leaders) == 1 and best > 0 else "unclear"
            return fail(f"the answer's language is {guess}, not {want}", "wrong_language", counts=counts)
    group = missing_group(text, params.get("must_include"))
    if group is not None:
        return fail(f"the answer does not mention {' or '.join(repr(g) for g in group)}", "missing_text")
    hit = present_forbidden(text, params.get("must_not_include"))
    if hit is not None:
        return fail(f"the answer mentions {hit!r}, which it must not", "forbidden_text")
    substance = facts.check_substance(text, answer, params, ctx)
    if substance is not None:
        return substance
    if params.get("in_order"):
        groups = text_groups(params["in_order"])
        positions = first_positions(text, groups)
        for grp, pos in zip(groups, positions, strict=True):
            if pos < 0:
                return fail(
                    f"the answer does not mention {' or '.join(repr(g) for g in grp)}", "missing_text"
                )
        for i in range(1, len(positions)):
            if positions[i] <= positions[i - 1]:
                return fail(
                    f"{groups[i][0]!r} comes before {groups[i - 1][0]!r} but should come after it",
                    "wrong_order",
                )
    words = word_count(text)
    if "max_words" in params and words > int(params["max_words"]):
        return fail(f"the answer has {words} words, more than {params['max_words']}", "too_long")
    if "min_words" in params and words < int(params["min_words"]):
        return fail(f"the answer has {words} words, fewer than {params['min_words']}", "too_short")
    if "max_sentences" in params:
        sentences = sentence_count(text)
        if sentences > int(params["max_sentences"]):
            return fail(
                f"the answer has {sentences} sentences, more than {params['max_sentences']}", "too_long"
            )
    if params.get("is_question") and "?" not in text and "？" not in text:
        return fail("the answer asks no question", "not_a_question")
    return ok("the text meets every constraint")


def field_text(text: str, path: str) -> str | None:
    """The text of one JSON field of the answer, list items one per line (each is a statement)."""
    from homesec_bench.graders.json_grader import resolve

    found = find_json(text)
    if found is None:
        return None
    value = resolve(found.value, path)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        # A record of a list ({"id", "time", "summary"}) is one statement: its time binds its summary.
        return "\n".join(_record_line(item) for item in value)
    if isinstance(value, dict):
        return as_text(value)
    return None


def _record_line(item: Any) -> str:
    if isinstance(item, dict):
        return ", ".join(f"{k}: {as_text(v)}" for k, v in item.items())
    return as_text(item)


@register("text")
def grade_text(answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
    text = answer_text(answer)
    if "field" in params and text:
        inner = field_text(text, str(params["field"]))
        if inner is None:
            return fail(f"the answer has no JSON field {params['field']!r} to read", "missing_field")
        text = inner
    if not text and answer.tool_calls and not params.get("forbid_tool_calls"):
        if not POSITIVE_KEYS & set(params):
            # Only prohibitions: a bare call breaks none of them unless its arguments leak something.
            leaked = facts.check_calls_only(answer, params, ctx)
            return leaked or ok("the answer is tool calls only and breaks no text rule")
        return fail(f"the answer is a call to {answer.tool_calls[0].name}, not text", "unexpected_call")
    return check_text(text, answer, params, ctx)


def text_param_problems(params: dict[str, Any], need_substance: bool = True) -> list[str]:
    problems = [f"unknown text param {k!r}" for k in params if k not in PARAM_KEYS]
    for key in ("must_include", "in_order"):
        if key in params and not text_groups(params[key]):
            problems.append(f"`{key}` must be a list of alternative groups")
    if "must_not_include" in params and not isinstance(params["must_not_include"], list | str):
        problems.append("`must_not_include` must be a list of words")
    for key in ("max_words", "min_words", "max_sentences"):
        if key in params and not isinstance(params[key], int):
            problems.append(f"`{key}` must be an integer")
    if "language" in params and params["language"] not in LANGUAGES:
        problems.append(f"`language` must be one of {list(LANGUAGES)}")
    problems.extend(facts.param_problems(params))
    if "field" in params and not isinstance(params["field"], str):
        problems.append("`field` must be a dotted path into the answer's JSON")
    substantive = {"must_include", "in_order", "is_question", "must_be_refusal", "language", "facts"}
    if need_substance and not substantive & set(params):
        problems.append(
            "a text grader needs a check of substance (must_include, in_order, is_question, "
            "must_be_refusal, language or facts); length and exclusions alone are free passes"
        )
    return problems


@register_validator("text")
def validate_text(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    return text_param_problems(params)
