"""The vision grader: the model's JSON answer compared field by field with the frame's ground truth.

Pure and network-free. Every field is checked and reported in `details["fields"]`; the verdict's
reason names the first field that is wrong, in the order of `GRADED_FIELDS`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from homesec_bench.models import ModelAnswer, Verdict
from homesec_bench.vision import describe
from homesec_bench.vision.expect import GRADED_FIELDS
from homesec_bench.vision.manifest import CONDITIONS, HAZARDS, LEVELS

_NUMBER_WORDS = {
    "no": 0, "none": 0, "zero": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_ANIMAL_WORDS = {
    "dog": "dog", "puppy": "dog", "pup": "dog", "terrier": "dog", "hound": "dog", "canine": "dog",
    "cat": "cat", "kitten": "cat", "kitty": "cat", "feline": "cat",
    "fox": "fox", "vixen": "fox",
    "deer": "deer", "stag": "deer", "doe": "deer", "fawn": "deer", "muntjac": "deer", "roe": "deer",
    "bird": "bird", "pigeon": "bird", "dove": "bird", "crow": "bird", "magpie": "bird", "gull": "bird",
    "seagull": "bird", "blackbird": "bird", "robin": "bird", "sparrow": "bird", "starling": "bird",
    "hedgehog": "hedgehog", "squirrel": "squirrel", "badger": "badger",
    "rabbit": "rabbit", "bunny": "rabbit", "hare": "rabbit",
}  # fmt: skip
_HAZARD_WORDS = {
    "fire": "fire", "flame": "fire", "flames": "fire", "burning": "fire",
    "smoke": "smoke", "smoky": "smoke",
    "water_leak": "water_leak", "water": "water_leak", "leak": "water_leak", "flood": "water_leak",
    "flooding": "water_leak", "water_on_floor": "water_leak", "puddle": "water_leak",
    "fallen_person": "fallen_person", "person_down": "fallen_person", "fall": "fallen_person",
    "fallen": "fallen_person", "collapsed_person": "fallen_person", "person_on_floor": "fallen_person",
}  # fmt: skip
_CONDITION_WORDS = {
    "infrared": "infrared", "ir": "infrared", "night_vision": "infrared", "infra_red": "infrared",
    "rain": "rain", "rainy": "rain", "raining": "rain",
    "fog": "fog", "foggy": "fog", "mist": "fog", "misty": "fog", "haze": "fog",
    "glare": "glare", "sun_glare": "glare", "lens_flare": "glare", "flare": "glare",
    "headlights": "headlights", "headlight": "headlights", "headlight_glare": "headlights",
    "dirty_lens": "dirty_lens", "smudged_lens": "dirty_lens", "dirty": "dirty_lens", "smudge": "dirty_lens",
    "smudges": "dirty_lens", "lens_dirt": "dirty_lens", "fogged_lens": "dirty_lens",
}  # fmt: skip
_TIME_WORDS = {
    "day": "day", "daytime": "day", "daylight": "day", "morning": "day", "afternoon": "day",
    "night": "night", "nighttime": "night", "night_time": "night", "dark": "night",
}  # fmt: skip
_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


class _Bad(Exception):
    """A field whose value has the wrong shape."""


def _verdict(passed: bool, reason: str, error_type: str | None = None, **details: Any) -> Verdict:
    return Verdict(passed=passed, reason=reason, error_type=None if passed else error_type, details=details)


def parse_answer(content: str) -> dict[str, Any] | None:
    """The one JSON object in an answer (bare or fenced, reasoning removed), or None."""
    text = _THINK.sub("", content or "").strip()
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for cand in candidates:
        cand = cand.strip()
        for start in [i for i, ch in enumerate(cand) if ch == "{"][:20]:
            try:
                value, _ = decoder.raw_decode(cand[start:])
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    return None


def _prose(content: str) -> str:
    """Words outside the answer's JSON object, reasoning blocks and fences aside ('' when none)."""
    from homesec_bench.graders.extract import find_json, prose_around, short

    text = _THINK.sub("", content or "").strip()
    found = find_json(text)
    if found is None:
        return ""
    extra = prose_around(text, found)
    return short(extra, 50) if extra else ""


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().strip(".,;:!\"'").lower())


# The question states each field's type ("(integer)", true/false, a list with [] for none): the type is
# part of the answer, so "2" for 2, "yes" for true or "dog" for ["dog"] is malformed, not read leniently.
def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad("a boolean, not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _Bad(f"{value!r} is not an integer")


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _Bad(f"{value!r} is not true or false")


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict):
                item = next(
                    (item[k] for k in ("type", "class", "kind", "species", "name") if k in item), None
                )
            if not isinstance(item, str):
                raise _Bad(f"{value!r} is not a list of words")
            out.append(item)
        return out
    raise _Bad(f"{value!r} is not a list")


def _animal(word: str) -> str:
    tokens = re.findall(r"[a-z]+", word.lower())
    for tok in reversed(tokens):
        for cand in (tok, tok[:-1] if tok.endswith("s") else tok, tok[:-2] if tok.endswith("es") else tok):
            if cand in _ANIMAL_WORDS:
                return _ANIMAL_WORDS[cand]
    return " ".join(tokens)


def _mapped(word: str, table: dict[str, str]) -> str:
    k = _key(word)
    return table.get(k, table.get(k.rstrip("s"), k))


def _level(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{value!r} is not a level")
    return _key(value)


def _time(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{value!r} is not day or night")
    return _TIME_WORDS.get(_key(value), _key(value))


def _check_field(name: str, expect: Any, got: Any, either: bool = False) -> tuple[bool, str, str]:
    """(ok, what was expected, what was found) for one field; raises _Bad for a malformed value.
    `either`: the frame cannot decide this field, so any well-formed value is right."""
    value: Any
    if name == "level":
        value = _level(got)
        return value in expect, " or ".join(expect), value
    if name in ("people", "vehicles", "packages"):
        value = _as_int(got)
        want, tol = expect["count"], expect["tolerance"]
        shown = f"{want}" if tol == 0 else f"{want}±{tol}"
        return abs(value - want) <= tol, shown, str(value)
    if name in ("person_at_door", "indoors"):
        value = _as_bool(got)
        return value == expect or either, "either" if either else str(expect).lower(), str(value).lower()
    if name == "time_of_day":
        value = _time(got)
        ok = value == expect or (either and value in ("day", "night"))
        return ok, "day or night" if either else expect, value
    if name == "animals":
        kinds = sorted({_animal(w) for w in _as_list(got)})
        return kinds == sorted(expect), "[" + ", ".join(expect) + "]", "[" + ", ".join(kinds) + "]"
    if name == "hazards":
        named = {_mapped(w, _HAZARD_WORDS) for w in _as_list(got)}
        ok = set(expect["required"]) <= named <= set(expect["allowed"])
        return ok, _set_text(expect["required"], expect["allowed"]), "[" + ", ".join(sorted(named)) + "]"
    if name == "conditions":
        named = {_mapped(w, _CONDITION_WORDS) for w in _as_list(got)}
        ok = set(expect["required"]) <= named <= set(expect["allowed"])
        return ok, _set_text(expect["required"], expect["allowed"]), "[" + ", ".join(sorted(named)) + "]"
    if name == "description":
        if not isinstance(got, str) or not got.strip():
            raise _Bad("not a sentence")
        wrong = describe.problems(got, expect)
        want = f"one sentence of at most {expect['max_words']} words stating nothing the frame lacks"
        return not wrong, want, "; ".join(wrong) if wrong else f"{len(got.split())} words"
    raise _Bad(f"unknown field {name}")


def _set_text(required: list[str], allowed: list[str]) -> str:
    text = "[" + ", ".join(required) + "]"
    extra = sorted(set(allowed) - set(required))
    return text + (f" (also accepted: {', '.join(extra)})" if extra else "")


_ERROR_TYPES = {
    "level": "wrong_level",
    "people": "wrong_count",
    "vehicles": "wrong_count",
    "packages": "wrong_count",
    "person_at_door": "wrong_flag",
    "indoors": "wrong_flag",
    "animals": "wrong_animals",
    "hazards": "wrong_hazards",
    "conditions": "wrong_conditions",
    "time_of_day": "wrong_time_of_day",
    "description": "bad_description",
}


def grade_vision(answer: ModelAnswer, params: dict[str, Any]) -> Verdict:
    expect: dict[str, Any] = params["expect"]
    data = parse_answer(answer.content)
    if data is None:
        return _verdict(False, "The answer holds no JSON object describing the frame.", "not_json")
    extra_text = _prose(answer.content)
    if extra_text:  # "Reply with one JSON object and nothing else"
        return _verdict(
            False,
            f"The question asks for JSON and nothing else, but the answer adds {extra_text}.",
            "extra_text",
        )
    data = {_key(k): v for k, v in data.items()}
    fields: dict[str, dict[str, Any]] = {}
    failed: list[str] = []
    first: tuple[str, str] | None = None
    either = set(expect.get("either", []))
    extra = sorted(k for k in data if k not in GRADED_FIELDS)
    if extra:  # the question asks for "exactly these keys"
        failed.append("keys")
        fields["keys"] = {"ok": False, "expected": "exactly the question's keys", "got": ", ".join(extra)}
        first = (f"The answer has key(s) the question did not ask for: {', '.join(extra)}.", "extra_field")
    for name in GRADED_FIELDS:
        if name not in expect:
            continue
        if name not in data:
            fields[name] = {"ok": False, "expected": None, "got": None, "problem": "missing"}
            failed.append(name)
            first = first or (f"The answer has no `{name}` field.", "missing_field")
            continue
        try:
            ok, want, got = _check_field(name, expect[name], data[name], name in either)
        except _Bad as exc:
            fields[name] = {"ok": False, "expected": None, "got": repr(data[name])[:80], "problem": str(exc)}
            failed.append(name)
            first = first or (f"`{name}` is malformed: {exc}.", "malformed_field")
            continue
        fields[name] = {"ok": ok, "expected": want, "got": got}
        if not ok:
            failed.append(name)
            first = first or (f"`{name}` is {got}, expected {want}.", _ERROR_TYPES[name])
    details: dict[str, Any] = {"image": params.get("image"), "fields": fields, "failed": failed}
    if first is not None:
        more = f" ({len(failed) - 1} more field(s) wrong)" if len(failed) > 1 else ""
        return _verdict(False, first[0] + more, first[1], **details)
    return _verdict(True, f"All {len(fields)} fields match what the frame shows.", **details)


def validate_params(params: dict[str, Any]) -> list[str]:
    """Problems with a vision grader's params; empty when usable."""
    expect = params.get("expect")
    if not isinstance(expect, dict) or not expect:
        return ["vision grader params need an `expect` mapping (built from the fixtures manifest)"]
    problems = [f"unknown expected field {k!r}" for k in expect if k not in (*GRADED_FIELDS, "either")]
    problems += [
        f"field {f!r} cannot be `either`"
        for f in expect.get("either", [])
        if f not in ("person_at_door", "indoors", "time_of_day")
    ]
    for lv in expect.get("level", []):
        if lv not in LEVELS:
            problems.append(f"unknown level {lv!r}")
    for key in ("required", "allowed"):
        problems += [
            f"unknown hazard {h!r}" for h in expect.get("hazards", {}).get(key, []) if h not in HAZARDS
        ]
    cond = expect.get("conditions", {})
    for key in ("required", "allowed"):
        problems += [f"unknown condition {c!r}" for c in cond.get(key, []) if c not in CONDITIONS]
    return problems
