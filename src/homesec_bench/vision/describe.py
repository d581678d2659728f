"""The `description` field judged as strictly as the question words it, and for what it states.

The question asks for "one sentence of at most 30 words saying what the frame shows". A description
fails when it is longer, when it is more than one sentence, or when it states something the frame's
truth says is not there:

- a person, a vehicle, a parcel or an animal in a frame whose truth has none, or an animal of a kind the truth
  does not hold ("a dog" where the frame shows a fox);
- a hazard the truth neither requires nor tolerates (fire where only smoke is shown);
- a count above the truth ("two people" where there is one);
- a claim of the frame's `not_shown`, by meaning and negation-aware (`graders.facts.said_by_meaning`):
  a wrong place, pose or direction for what is shown, a tool or a deed nobody has ("a car driving
  along the street" for one on the driveway, "a cat sitting on the fence" for one standing on the
  lawn, "prying at the lock with a crowbar" for an empty hand on the handle);
- a colour the truth's things of that kind do not have, where the manifest gives colour truth (day
  frames and lamp-lit night frames): "a black car" where the cars are white, red and blue, "a red
  coat" on a person in grey, "a red front door" for a navy one.

A colour word is bound to the noun it describes: the noun after it, past modifiers and further colours
("a dark blue estate car", "a white, a red and a blue car"), the head of a short compound ("a white
panel van"; but "a white door frame", "a black gate latch" are the frame's and the latch's); with no
noun after it, the nearest group noun a few words before it ("three cars - white, red and black -",
"the van is white"); "a man in grey" is his clothes. Only colours bound to a group the truth lists are
checked (cars, vans, bins, a person's top, bottom, cap or hi-vis vest, an animal kind, and the parts of
the place with one drawn colour: a door, a gate, a fence, a shed, a sofa, a rug, kitchen units): a red
brick wall or grey smoke never are. Alternatives ("a silver or white car") pass when one is right,
and a negated or hedged colour ("no red car", "possibly black") states nothing.

Mentions are negation-aware: "no people are visible", "nobody is in view", "there is no fire", "the
person is not visible" state nothing. A negation covers the rest of its clause (clauses end at
punctuation and at and/but/while/although...), so "no people, and a fox crosses the lawn" still
states a fox. The vocabulary covers the common ways to say each thing, not one word each.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple


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
_PARCEL_NOUNS = _PARCEL_PLURAL | _words("parcel package delivery carton box boxes")
# "a box" is a parcel where it was delivered; a box in a room is storage ("flames rise from a box")
_BOXES = _words("box boxes")
# "left" as a side of the frame, and as something left behind somewhere
_SIDE_LEFT = re.compile(r"\b(?:the|on|to|at)\s+(?:far\s+)?left\b|\bleft[\s-](?:side|hand|of|edge|corner)\b")
_LEFT_BEHIND = re.compile(
    r"\b(?:been|was|were|is|are|got)\s+left\b|\bleft\s+(?:on|at|by|outside|in front|behind)\b"
)
_DELIVERED = _words(
    "doorstep step steps porch door doorway delivered delivery courier left cardboard parcel parcels "
    "package packages path lawn"
)
# after "delivery": the delivery's driver or van, not a parcel
_DELIVERY_OF = _VEHICLE_NOUNS | _PERSON_NOUNS | _words("driver drivers rider riders service company")
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
        r"\b(?:leak|leaks|leaking|leaked|flood(?:s|ed|ing)?(?!\s*lit|light)|(?:standing|pooled|pooling)\s+water"
        r"|water\s+(?:on|across|covering|covers|spreads?|spreading|pools?|pooling)\s+(?:the\s+)?floor)\b"
    ),
    "fallen_person": re.compile(
        r"\b(?:collapsed|unconscious|unresponsive|has\s+fallen|fallen\s+(?:person|man|woman))\b"
    ),
}
# "Headlights flooding the camera", "the patio flooded with light": a flood said of light, within a few
# words either way, is brightness, not water (blind set M).
_FLOOD = re.compile(r"\bflood(?:s|ed|ing)?\b")
_LIGHT_WORDS = re.compile(
    r"\b(?:lights?|headlights?|headlamps?|lamps?|beams?|glare|torch|floodlights?|brightness|bright|"
    r"illuminat\w*|lit|sunlight|moonlight|spotlights?|floodlit)\b"
)


def _said_of_light(clause: str, start: int, end: int) -> bool:
    if not _FLOOD.match(clause, start):
        return False
    before = " ".join(clause[:start].split()[-4:])
    after = " ".join(clause[end:].split()[:4])
    return bool(_LIGHT_WORDS.search(before) or _LIGHT_WORDS.search(after))


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
    colours: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """What a description may state about this frame (the truth's counts, kinds, allowed hazards and,
    where the manifest has them, the colour names per group)."""
    extra: dict[str, Any] = {"not_shown": list(not_shown)} if not_shown else {}
    if colours:  # absent, not empty, when there is none: frames without colour truth keep their hash
        extra["colours"] = {group: sorted(names) for group, names in sorted(colours.items())}
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
    "no people, vehicles or animals" and "no people, bicycles or parcels" are one clause, "nobody is
    home, a cat sits on the step" two."""
    out: list[str] = []
    for part in _CLAUSE_SPLIT.split(_normal(text)):
        for piece in part.split(","):
            tokens = _TOKEN.findall(piece)
            first = next(iter(tokens), "")
            # a short "x or y" closes a list of any things: "no people, bicycles or parcels"
            closing = len(tokens) <= 5 and bool({"or", "nor"} & set(tokens))
            listed = first in _LIST_WORDS or first in _ANIMAL_NOUNS or closing
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
            if word in _PARCEL_NOUNS and expect.get("packages", {}).get("count", 1) == 0 and not negated:
                clause_words = {t.group(0) for t in tokens}
                if _SIDE_LEFT.search(clause) and not _LEFT_BEHIND.search(clause):
                    clause_words.discard("left")  # "storage boxes on the left" were left by nobody
                boxed = word not in _BOXES or bool(clause_words & _DELIVERED)
                if nxt not in _DELIVERY_OF and boxed:
                    stated.add("a parcel, though the frame has none")
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
                if kind == "water_leak" and _said_of_light(clause, m.start(), m.end()):
                    continue
                if not _negated(clause, m.start(), m.end()) and not _HEDGE.search(clause[: m.start()]):
                    stated.add(f"{kind.replace('_', ' ')}, which the frame does not show")
    for plate in _plates_read(text):
        if plate not in (expect.get("plates") or []):
            stated.add(f"a registration ({plate!r}), which no frame shows legibly at 640x360")
    if expect.get("not_shown"):
        for claim in _not_shown_said(text, expect):
            stated.add(f"'{claim.replace('+', ' ')}', which the frame shows is not so")
    if expect.get("colours"):
        stated |= _wrong_colours(text, expect["colours"])
    deed = _claimed_alert(text)
    if deed:
        stated.add(f"that someone was alerted ({deed!r}), which the vision module does not do")
    out += [f"states {s}" for s in sorted(stated)]
    return out


# A registration read off the frame: the common plate shapes ("AB12 CDE", "KD21-XRB"), or whatever
# follows "plate"/"registration" with a digit in it ("registration 4821"). No fixture frame shows a
# plate legibly at 640x360 (blind set N invented one); a frame that did would list it as `plates`.
_PLATE_SHAPE = re.compile(r"(?<![\w-])([A-Z]{1,3}\d{1,4}[ -]?[A-Z]{2,3})(?![\w-])")
_PLATE_SAID = re.compile(
    r"\b(?:plates?|registration|reg\.?|licen[cs]e)\s+(?:number\s+|no\.?\s+)?(?:reads?\s+|reading\s+|is\s+|of\s+)?"
    r"[:#]?\s*['\"]?([A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9])",
    re.IGNORECASE,
)


def _plates_read(text: str) -> list[str]:
    found = [m.group(1) for m in _PLATE_SHAPE.finditer(text)]
    for m in _PLATE_SAID.finditer(text):
        token = m.group(1).strip()
        if re.search(r"\d", token) and re.search(r"[A-Za-z]|\d{3,}", token):
            found.append(token)
    return found


def _not_shown_said(text: str, expect: dict[str, Any]) -> list[str]:
    """The frame's `not_shown` claims the text makes, by meaning and negation-aware (as the text
    suites' exclusions are read). A frame lists many (the generator derives them from what is drawn:
    places, poses, directions, things held), so each is first looked for in the text with its
    punctuation blanked, which any match within one of its clauses also matches, and only a claim
    found there is read clause by clause."""
    from homesec_bench.graders.facts import fold, may_say, said_by_meaning

    text = _REAR_FACING.sub(r"\1 turned", text)
    loose = re.sub(r"[^\w'\s-]", " ", fold(text))
    out = []
    for claim in expect["not_shown"]:
        # A frame lists hundreds of claims: most are ruled out by their words alone, before any
        # pattern is compiled (a compile costs about 2 ms, and a run's first grading would pay for all).
        if not may_say(loose, claim) or not _claim_pattern(claim).search(loose):
            continue
        clause = said_by_meaning(text, claim)
        if clause is not None and not _hedged(fold(clause), _claim_pattern(claim)):
            out.append(claim)
    return out


def _hedged(clause: str, pattern: re.Pattern[str]) -> bool:
    """A guess states nothing, as for hazards and colours: "smoke, possibly from a pan"."""
    match = pattern.search(clause)
    before = clause[: match.start()].split()[-4:] if match else []
    return bool(_HEDGE.search(" ".join(before)))


# "rear facing the camera", "its back facing the house": the rear is what faces, so the thing faces
# the other way; a way of facing said of the rear is no claim about where the front points.
_REAR_FACING = re.compile(
    r"\b((?:rear|back|boot|tail|tailgate|backside|behind)(?:[\s-]+end)?)[\s-]+(?:is\s+|are\s+)?"
    r"(?:facing|faces|faced|turned\s+to(?:wards?)?)\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)  # the packaged frames list some 450 distinct claims
def _claim_pattern(claim: str) -> re.Pattern[str]:
    from homesec_bench.graders.facts import meaning_pattern

    return meaning_pattern(claim)


def _claimed_alert(text: str) -> str | None:
    """A notification the description says was sent ("the fire brigade has been notified"): a camera
    frame cannot show it and the vision module sends none, so it is an invented deed (blind set G)."""
    from homesec_bench.graders.facts import action_mentions

    return next((m.clause for m in action_mentions(text) if m.action == "alert" and m.mode == "done"), None)


# ------------------------------------------------------------------------------------------ colours

_CLOTHES = ("top", "bottom", "cap", "vest")
_ANIMAL_KINDS = ("dog", "cat", "fox", "deer", "bird", "hedgehog", "squirrel", "badger", "rabbit")
_COLOUR_GROUPS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        _words(
            "car cars hatchback hatchbacks saloon saloons sedan sedans estate estates suv suvs taxi taxis"
        ),
        ("car",),
    ),
    **dict.fromkeys(_words("vehicle vehicles"), ("car", "van")),
    **dict.fromkeys(_words("van vans minivan minivans"), ("van",)),
    **dict.fromkeys(_words("bin bins wheelie wheelies dustbin dustbins"), ("bin",)),
    **dict.fromkeys(
        _words(
            "coat coats jacket jackets hoodie hoodies hoody hood top tops shirt shirts jumper jumpers "
            "sweater sweaters fleece fleeces raincoat raincoats anorak anoraks parka parkas jersey "
            "jerseys sweatshirt sweatshirts cardigan cardigans blouse polo"
        ),
        ("top",),
    ),
    **dict.fromkeys(
        _words("trousers jeans shorts pants joggers leggings skirt skirts bottoms chinos"), ("bottom",)
    ),
    **dict.fromkeys(_words("cap caps hat hats beanie beanies"), ("cap",)),
    **dict.fromkeys(
        _words("vest vests vis viz hivis visibility tabard tabards gilet gilets waistcoat"), ("vest",)
    ),
    **dict.fromkeys(
        _words(
            "suit suits clothes clothing outfit outfits uniform uniforms overalls tracksuit gear workwear"
        ),
        _CLOTHES,
    ),
    **{word: (kind,) for word, kind in _ANIMAL_NOUNS.items()},
    **dict.fromkeys(_ANIMAL_GENERIC, _ANIMAL_KINDS),
    # parts of the place the frame's colour truth may list (the front door, the back fence and shed,
    # the side gate, the sofa and rug, the kitchen units)
    **dict.fromkeys(_words("door doors"), ("door",)),
    **dict.fromkeys(_words("gate gates"), ("gate",)),
    **dict.fromkeys(_words("fence fences fencing"), ("fence",)),
    **dict.fromkeys(_words("shed sheds"), ("shed",)),
    **dict.fromkeys(_words("sofa sofas couch couches settee settees"), ("sofa",)),
    **dict.fromkeys(_words("rug rugs carpet"), ("rug",)),
    **dict.fromkeys(_words("cabinet cabinets cupboard cupboards unit units cabinetry"), ("cabinet",)),
    **dict.fromkeys(_words("collar collars"), ("collar",)),
}
_GROUP_LABELS = {
    "car": "cars", "van": "vans", "bin": "bins", "top": "tops", "bottom": "trousers", "cap": "caps",
    "vest": "vests", "fox": "foxes", "deer": "deer", "hedgehog": "hedgehogs", "sofa": "sofas",
    "rug": "rugs", "cabinet": "kitchen units", "collar": "collars",
}  # fmt: skip
# Words a colour run may span: "a dark blue", "white, red and black", "a white, a red and a blue car".
_RUN_WORDS = _words("dark light pale bright deep ish and or a an")
# Words that end a noun phrase: after a colour they mean no noun follows it ("the van is white and").
_STOP = _words(
    "a an the and or nor but with without in on at to of for from by as is was are were be been being "
    "has have had his her their its it he she they him them this that these those who which what where "
    "when whose while into onto over under near next beside behind past about around up down out off "
    "so too also very just still not no one ones each both all some any there here now then than across "
    "along through toward towards against between beyond outside inside among"
)
# Nouns a colour with no noun after it is not searched back past ("a car by the house, white").
_SCENE_NOUNS = _words(
    "house houses housing home door doors doorway doorframe entrance wall walls fence fences gate gates "
    "lawn grass garden gardens yard path paths driveway drive street streets road roads pavement kerb "
    "step steps doorstep porch shed garage window windows room hallway passage alley floor rug carpet "
    "sofa kitchen hedge hedges bush bushes shrub shrubs tree trees sky building buildings brick bricks "
    "roof frame image picture view scene camera lens light lamp smoke water fire flames box boxes "
    "parcel parcels package packages"
)
# Words between a negation and a colour that keep the colour inside it ("no red or blue cars").
_NEGATION_BRIDGE = (
    _words("a an the any other or nor and single of them which is are in wearing dressed")
    | _RUN_WORDS
    | _LIST_WORDS
)
# The head of a compound after a group noun that takes the colour from it ("a white door frame").
_PARTS = _words(
    "handle handles frame frames latch latches knob knobs knocker knockers letterbox letterplate number "
    "numbers plate plates post posts panel panels hinge hinges lock locks glass pane panes mat mats "
    "cushion cushions lid lids trim edging legs"
)
_FRAMED = _words("framed trimmed edged rimmed")
# A colour said of what comes before it ("the jacket is red", "a van painted white").
_COPULAS = _words("is are was were be looks look appears appear painted coloured colored")
_WEARING = _words("in wearing wears dressed clad")
_CTOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[:.]\d+)*|[.;!?]+|[,:()\[\]/\u2013\u2014\"]|(?<=\s)-(?=\s)")


class _Tok(NamedTuple):
    text: str
    start: int
    end: int

    @property
    def word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def hard(self) -> bool:  # a sentence or clause end a colour is never bound across
        return self.text[0] in ".;!?"

    @property
    def stem(self) -> str:
        return self.text[:-2] if self.text.endswith("'s") else self.text


def _colour_words() -> dict[str, str]:
    from homesec_bench.graders.facts import COLOURS  # the benchmark's one colour table (silver = grey)

    return COLOURS


def _clause_spans(text: str) -> list[tuple[int, int]]:
    """`_clauses` as (start, end) spans of `text`, with a colour also continuing a negated list
    ("no red, white or blue cars")."""
    colours = _colour_words()
    spans: list[tuple[int, int]] = []
    bounds = [0]
    for m in _CLAUSE_SPLIT.finditer(text):
        bounds += [m.start(), m.end()]
    bounds.append(len(text))
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        cuts = [start, *(i + 1 for i in range(start, end) if text[i] == ","), end + 1]
        for a, b in itertools.pairwise(cuts):
            piece = text[a : b - 1]
            tokens = _TOKEN.findall(piece)
            first = next(iter(tokens), "")
            # a short "x or y" closes a list of any things: "no people, bicycles or parcels"
            closing = len(tokens) <= 5 and bool({"or", "nor"} & set(tokens))
            listed = first in _LIST_WORDS or first in _ANIMAL_NOUNS or closing or first in colours
            if spans and listed and _NEGATIONS.search(text[spans[-1][0] : spans[-1][1]]):
                spans[-1] = (spans[-1][0], b - 1)
            elif piece.strip():
                spans.append((a, b - 1))
    return spans


def _bind(toks: list[_Tok], first: int, last: int) -> tuple[tuple[str, ...], str, int] | None:
    """(groups, noun, index of the noun) that the colour run toks[first..last] describes, or None when
    it describes something else (a door, a rug) or nothing the truth can speak to."""
    k = last + 1
    found: tuple[tuple[str, ...], str, int] | None = None
    for n in range(k, min(k + 3, len(toks))):  # the noun after it; a compound's head comes last
        tok = toks[n]
        if not tok.word or tok.text in _STOP or tok.text in _colour_words():
            break
        if tok.text in _FRAMED:  # "a white-framed door": the frame's colour
            return None
        if tok.stem in _COLOUR_GROUPS:
            found = (_COLOUR_GROUPS[tok.stem], tok.stem, n)
        elif tok.text in _SCENE_NOUNS or tok.text in _PARTS:
            # "a red brick wall", "a blue doorway"; after a group noun the compound's head is a part
            # of it or another thing: "a white door frame", "a gold door handle", "a black gate latch"
            return None
    if found:
        return found
    # "a man in grey", "a woman dressed in a red ...": the clothes of the person before it
    back = first - 1
    while back >= 0 and toks[back].text in ("a", "an", "all"):
        back -= 1
    if back >= 0 and toks[back].text in _WEARING:
        before = toks[max(0, back - 4) : back]
        if any(t.text in _PERSON_NOUNS for t in before) and not any(t.hard for t in before):
            return _CLOTHES, "clothes", back
    nxt = toks[k] if k < len(toks) else None
    predicate = back >= 0 and toks[back].text in _COPULAS
    if nxt is not None and nxt.word and nxt.text not in _STOP and not predicate:
        return None  # a noun of its own: "a red door", "grey smoke"
    # No noun after it: "three cars - white, red and black -", "the van is white"; "one" looks back
    # past a semicolon too ("three cars are parked; the blue one ...").
    seen, pronoun = 0, nxt is not None and nxt.text in ("one", "ones")
    # Several colours in brackets list several things, never a street or a lawn: "three parked cars on
    # the street opposite (white, red, green)" colours the cars (blind set Q).
    bracketed = first > 0 and toks[first - 1].text == "(" and last > first
    for n in range(first - 1, -1, -1):
        tok = toks[n]
        if tok.hard and not (pronoun and tok.text == ";"):
            break
        if not tok.word:
            continue
        if tok.stem in _COLOUR_GROUPS:
            return _COLOUR_GROUPS[tok.stem], tok.stem, n
        seen += 1
        if (
            seen >= (10 if pronoun else 6)
            or (tok.text in _SCENE_NOUNS and not bracketed)
            or tok.text in _PERSON_NOUNS
        ):
            break
        if tok.text in _PARTS:  # "the gate latch is black": the latch's colour
            break
    return None


def _negated_colour(text: str, toks: list[_Tok], first: int, noun: int, span: tuple[int, int]) -> bool:
    """ "no red car", "not a black car but a blue one", "the car is not black", "a black car is not
    visible"; "nobody is near the black car" still states a black car."""
    start = toks[first].start
    before = text[span[0] : start]
    negations = list(_NEGATIONS.finditer(before))
    if negations:
        between = _TOKEN.findall(before[negations[-1].end() :])
        colours = _colour_words()
        if all(w in _NEGATION_BRIDGE or w in colours or w in _COLOUR_GROUPS for w in between):
            return True
    if noun > first:
        return bool(_POST_NEGATION.search(text[toks[noun].end : span[1]]))
    return False


def _wrong_colours(text: str, truth: Mapping[str, list[str]]) -> set[str]:
    """A colour given to a thing of a group the truth lists, which none of that group has."""
    colours = _colour_words()
    norm = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", _normal(text))  # "brown-and-white", "hi-vis"
    toks = [_Tok(m.group(0), m.start(), m.end()) for m in _CTOKEN.finditer(norm)]
    spans = _clause_spans(norm)
    out: set[str] = set()
    i = 0
    while i < len(toks):
        if toks[i].text not in colours:
            i += 1
            continue
        # An article joins a run only in a list that began with one ("a white, a red and a blue car"),
        # not after a predicate ("the car is white and a black dog ...").
        listed = i > 0 and toks[i - 1].text in ("a", "an")
        run, j = [i], i + 1
        while j < len(toks) and (
            (toks[j].text in _RUN_WORDS and (listed or toks[j].text not in ("a", "an")))
            or toks[j].text in (",", "/")
            or toks[j].text in colours
        ):
            if toks[j].text in colours:
                run.append(j)
            j += 1
        first, last = run[0], run[-1]
        i = last + 1
        bound = _bind(toks, first, last)
        if bound is None:
            continue
        groups, noun, at = bound
        names = sorted({c for g in groups if g in truth for c in truth[g]})
        if not any(g in truth for g in groups):
            continue
        span = next(((a, b) for a, b in spans if a <= toks[first].start < b), (0, len(norm)))
        if _negated_colour(norm, toks, first, at, span):
            continue
        if _HEDGE.search(" ".join(t.text for t in toks[max(0, first - 4) : first] if t.word)):
            continue  # "possibly a black car"
        said = [toks[n].text for n in run]
        wrong = [w for w in said if colours[w] not in names]
        if not wrong or ("or" in (t.text for t in toks[first:last]) and len(wrong) < len(said)):
            continue  # every colour right, or one of the alternatives ("a silver or white car")
        if groups == _CLOTHES:
            label = "clothes"
        elif set(groups) == {"car", "van"}:
            label = "vehicles"
        else:
            label = " and ".join(_GROUP_LABELS.get(g, g + "s") for g in groups if g in truth)
        if noun.endswith("s") and noun[:-1] in _COLOUR_GROUPS:
            noun = noun[:-1]  # "three cars - white, red and black": a black car
        for w in wrong:
            article = "" if noun.endswith("s") else "an " if w[0] in "aeiou" else "a "
            out.add(f"{article}{w} {noun}, but the frame's {label} are {', '.join(names)}")
    return out
