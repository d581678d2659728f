"""The `description` field judged as strictly as the question words it, and for what it states.

The question asks for "one sentence of at most 30 words saying what the frame shows". A description
fails when it is longer, when it is more than one sentence, or when it states something the frame's
truth says is not there:

- a person, a vehicle or an animal in a frame whose truth has none, or an animal of a kind the truth
  does not hold ("a dog" where the frame shows a fox);
- a hazard the truth neither requires nor tolerates (fire where only smoke is shown);
- a count above the truth ("two people" where there is one).

Mentions are negation-aware: "no people are visible", "nobody is in view", "there is no fire", "the
person is not visible" state nothing. A negation covers the rest of its clause (clauses end at
punctuation and at and/but/while/although...), so "no people, and a fox crosses the lawn" still
states a fox. The vocabulary covers the common ways to say each thing, not one word each.
"""

from __future__ import annotations

import re
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "several": 3, "many": 4, "multiple": 2, "both": 2, "couple": 2, "pair": 2,
}  # fmt: skip
_PERSON_NOUNS = _words(
    "person persons people man men woman women someone somebody figure figures individual individuals "
    "intruder intruders burglar burglars thief thieves prowler prowlers trespasser trespassers "
    "stranger strangers visitor visitors courier couriers postman postwoman postmen pedestrian "
    "pedestrians walker walkers jogger joggers child children kid kids boy boys girl girls guy guys "
    "teenager teenagers youth youths resident residents homeowner occupant occupants cleaner gardener "
    "neighbour neighbor human humans adult adults"
)
_PERSON_PLURAL = _words(
    "persons people men women figures individuals intruders burglars thieves prowlers trespassers "
    "strangers visitors couriers postmen pedestrians walkers joggers children kids boys girls guys "
    "teenagers youths residents occupants humans adults"
)
_VEHICLE_NOUNS = _words(
    "car cars van vans truck trucks lorry lorries vehicle vehicles motorcycle motorcycles motorbike "
    "motorbikes scooter scooters suv suvs taxi taxis bus buses pickup pickups hatchback hatchbacks "
    "sedan sedans saloon minivan minibus"
)
_VEHICLE_PLURAL = _words(
    "cars vans trucks lorries vehicles motorcycles motorbikes scooters suvs taxis buses pickups "
    "hatchbacks sedans"
)
_PARCEL_PLURAL = _words("parcels packages deliveries cartons")
_ANIMAL_NOUNS = {
    "dog": "dog", "dogs": "dog", "puppy": "dog", "puppies": "dog", "terrier": "dog", "terriers": "dog",
    "hound": "dog", "canine": "dog",
    "cat": "cat", "cats": "cat", "kitten": "cat", "kittens": "cat", "feline": "cat",
    "fox": "fox", "foxes": "fox", "vixen": "fox",
    "deer": "deer", "stag": "deer", "doe": "deer", "muntjac": "deer",
    "bird": "bird", "birds": "bird", "pigeon": "bird", "pigeons": "bird", "crow": "bird", "magpie": "bird",
    "gull": "bird", "seagull": "bird", "blackbird": "bird",
    "hedgehog": "hedgehog", "hedgehogs": "hedgehog", "squirrel": "squirrel", "squirrels": "squirrel",
    "badger": "badger", "badgers": "badger", "rabbit": "rabbit", "rabbits": "rabbit", "hare": "rabbit",
    "rat": "rat", "rats": "rat", "mouse": "mouse", "mice": "mouse",
}  # fmt: skip
_ANIMAL_GENERIC = _words("animal animals pet pets creature creatures wildlife")
_HAZARD_PATTERNS = {
    "fire": re.compile(
        # "Headlights blazing", "a blazing floodlight": the word is said of lights more than of fires.
        r"\b(?:fire|fires|flames?|flaming|blaze|ablaze|burning)\b"
        r"(?!\s+(?:extinguishers?|alarms?|exits?|doors?|escapes?|blankets?|brigade|service))"
    ),
    "smoke": re.compile(r"\b(?:smoke|smoky|smoking|smouldering|smoldering)\b(?!\s+(?:alarms?|detectors?))"),
    "water_leak": re.compile(
        r"\b(?:leak|leaks|leaking|leaked|flooding|flood(?!\s*lit|light)|(?:standing|pooled|pooling)\s+water"
        r"|water\s+(?:on|across|covering|covers|spreads?|spreading|pools?|pooling)\s+(?:the\s+)?floor)\b"
    ),
    "fallen_person": re.compile(
        r"\b(?:collapsed|unconscious|unresponsive|has\s+fallen|fallen\s+(?:person|man|woman))\b"
    ),
}
_NEGATIONS = re.compile(
    r"\b(?:no|not|nobody|none|nothing|without|never|neither|nor|zero|0|free\s+of|absent|lacks?|lacking|"
    r"(?:empty|clear|devoid|bare)\s+of|"
    r"no\s+one|isn't|aren't|wasn't|weren't|doesn't|don't|cannot|can't)\b|n't\b"
)
# lying on the floor is a fallen person only when a person lies there (a dog lies on the rug too)
_LYING = re.compile(
    r"\b(?:lying|lies|lie|laying|sprawled)\s+(?:motionless|still|unmoving|face\s+down|(?:\w+\s+){0,2}?"
    r"on\s+the\s+(?:floor|ground|rug|carpet))\b"
)
_HEDGE = re.compile(
    r"\b(?:possible|possibly|potential|potentially|probable|probably|likely|may|might|could|suggesting|"
    r"suggests|risk|perhaps|maybe)\b"
)
_POST_NEGATION = re.compile(r"^\W*(?:\w+\W+){0,4}?(?:not|none|absent)\b|^\W*(?:\w+\W+){0,3}?\w+n't\b")
_CLAUSE_SPLIT = re.compile(
    r"[;!?()\[\]\u2013\u2014]|[:.](?!\d)|\s-\s|\b(?:and|but|while|whilst|although|though|whereas|yet|as)\b"
)
_LIST_WORDS = _PERSON_NOUNS | _VEHICLE_NOUNS | _ANIMAL_GENERIC | _PARCEL_PLURAL | {
    "or", "nor", "any", "parcel", "package", "hazards", "fire", "smoke", "flames",
}  # fmt: skip
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[:.]\d+)*")
_ABBREVIATIONS = re.compile(r"\b(?:a\.m|p\.m|e\.g|i\.e|mr|mrs|ms|dr|st|approx|etc|vs|no)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+\S")


def description_expectation(
    *,
    people: int,
    vehicles: int,
    packages: int,
    animals: list[str],
    hazards: list[str],
    tolerance: Any,
    not_shown: list[str] | None = None,
) -> dict[str, Any]:
    """What a description may state about this frame (the truth's counts, kinds and allowed hazards)."""
    extra = {"not_shown": list(not_shown)} if not_shown else {}
    return {
        **extra,
        "max_words": 30,
        "max_sentences": 1,
        "people": {"count": people, "tolerance": tolerance("people", people)},
        "vehicles": {"count": vehicles, "tolerance": tolerance("vehicles", vehicles)},
        "packages": {"count": packages, "tolerance": tolerance("packages", packages)},
        "animals": sorted(animals),
        "hazards": sorted(hazards),
    }


def sentences(text: str) -> int:
    cleaned = _ABBREVIATIONS.sub("x", text.strip())
    cleaned = re.sub(r"(?<=\d)\.(?=\d)", "x", cleaned)  # 1.5 m, 02.30
    return 1 + len(_SENTENCE_END.findall(cleaned))


def _normal(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def _clauses(text: str) -> list[str]:
    """Clauses, for the reach of a negation. A comma ends a clause except inside a negated list:
    "no people, vehicles or animals" is one clause, "nobody is home, a cat sits on the step" two."""
    out: list[str] = []
    for part in _CLAUSE_SPLIT.split(_normal(text)):
        for piece in part.split(","):
            first = next(iter(_TOKEN.findall(piece)), "")
            listed = first in _LIST_WORDS or first in _ANIMAL_NOUNS
            if out and listed and _NEGATIONS.search(out[-1]):
                out[-1] += "," + piece
            elif piece.strip():
                out.append(piece)
    return out


def _negated(clause: str, start: int, end: int) -> bool:
    return bool(_NEGATIONS.search(clause[:start]) or _POST_NEGATION.search(clause[end:]))


def _number(token: str) -> int | None:
    if token in _NUMBERS:
        return _NUMBERS[token]
    return int(token) if token.isdigit() and len(token) <= 2 else None


def problems(text: str, expect: dict[str, Any]) -> list[str]:
    """What is wrong with a description: each item a short reason; empty when it is acceptable."""
    out: list[str] = []
    words = len(text.split())
    if words > expect.get("max_words", 30):
        out.append(f"{words} words, more than {expect.get('max_words', 30)}")
    n = sentences(text)
    if n > expect.get("max_sentences", 1):
        out.append(f"{n} sentences, not one")
    if "people" not in expect:  # an old params block: length only
        return out
    people, vehicles = expect["people"]["count"], expect["vehicles"]["count"]
    animals, hazards = set(expect.get("animals", [])), set(expect.get("hazards", []))
    stated: set[str] = set()
    for clause in _clauses(text):
        tokens = list(_TOKEN.finditer(clause))
        for i, m in enumerate(tokens):
            word = m.group(0)
            if word.endswith("'s") or clause[m.end() : m.end() + 1] == "'":  # "a neighbour's car"
                continue
            nxt = tokens[i + 1].group(0) if i + 1 < len(tokens) else ""
            negated = _negated(clause, m.start(), m.end())
            if word in _PERSON_NOUNS and people == 0 and nxt not in _VEHICLE_NOUNS and not negated:
                stated.add("a person, though nobody is in the frame")
            if word in _VEHICLE_NOUNS and vehicles == 0 and not negated:
                stated.add("a vehicle, though the frame has none")
            if word in _ANIMAL_NOUNS and _ANIMAL_NOUNS[word] not in animals and not negated:
                stated.add(f"a {_ANIMAL_NOUNS[word]}, which the frame does not show")
            if word in _ANIMAL_GENERIC and not animals and not negated:
                stated.add("an animal, though the frame has none")
            for kind, plural in (
                ("people", _PERSON_PLURAL),
                ("vehicles", _VEHICLE_PLURAL),
                ("packages", _PARCEL_PLURAL),
            ):
                if word not in plural or negated:
                    continue
                for back in reversed(tokens[max(0, i - 3) : i]):
                    value = _number(back.group(0))
                    if value is not None:
                        want = expect[kind]
                        if value > want["count"] + want["tolerance"]:
                            stated.add(f"{value} {word}, but the frame shows {want['count']}")
                        break
        for kind, pattern in _HAZARD_PATTERNS.items():
            if kind in hazards:
                continue
            found = list(pattern.finditer(clause))
            if kind == "fallen_person":
                found += [
                    m
                    for m in _LYING.finditer(clause)
                    if any(w in _PERSON_NOUNS for w in _TOKEN.findall(clause[: m.start()]))
                ]
            for m in found:  # "possibly a fire" speculates; it does not state
                if not _negated(clause, m.start(), m.end()) and not _HEDGE.search(clause[: m.start()]):
                    stated.add(f"{kind.replace('_', ' ')}, which the frame does not show")
    if expect.get("not_shown"):
        from homesec_bench.graders.facts import said_by_meaning  # synonyms and negation, as in text tests

        for claim in expect["not_shown"]:
            if said_by_meaning(text, claim):
                stated.add(f"'{claim}', which the frame shows is not so")
    deed = _claimed_alert(text)
    if deed:
        stated.add(f"that someone was alerted ({deed!r}), which the vision module does not do")
    out += [f"states {s}" for s in sorted(stated)]
    return out


def _claimed_alert(text: str) -> str | None:
    """A notification the description says was sent ("the fire brigade has been notified"): a camera
    frame cannot show it and the vision module sends none, so it is an invented deed (blind set G)."""
    from homesec_bench.graders.facts import action_mentions

    return next((m.clause for m in action_mentions(text) if m.action == "alert" and m.mode == "done"), None)
