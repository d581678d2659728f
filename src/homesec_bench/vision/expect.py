"""From a frame's ground truth to what the vision grader expects, with the tolerances stated once.

Tolerances:
- people and vehicles: exact up to 3, within one above that (crowds and parked rows are hard to count);
- packages: exact up to 2, within one above that;
- animals: the same set of kinds, after synonyms (terrier = dog, pigeon = bird...);
- hazards: every true hazard named; others only where the manifest tolerates them (smoke with fire);
- conditions: every true condition named, and no other unless the manifest tolerates it;
- level: the true level or one the manifest also accepts;
- person_at_door, indoors, time_of_day: exact, unless the manifest lists the field in `either` (the
  frame cannot decide it, so any well-formed value is accepted);
- description: one sentence of at most 30 words (as the question asks) that states no person, vehicle,
  animal or hazard the truth says is absent, no count above the truth, and (where the manifest has
  colour truth, day frames) no colour the truth's things of that kind do not have (`describe.py`);
- the answer holds exactly the question's keys: an extra key fails.
"""

from __future__ import annotations

from typing import Any

from homesec_bench.vision.describe import description_expectation
from homesec_bench.vision.manifest import FixtureImage

GRADED_FIELDS = (
    "level",
    "people",
    "person_at_door",
    "vehicles",
    "packages",
    "animals",
    "hazards",
    "indoors",
    "time_of_day",
    "conditions",
    "description",
)
DESCRIPTION_MAX_WORDS = 30


def count_tolerance(kind: str, value: int) -> int:
    limit = 2 if kind == "packages" else 3
    return 0 if value <= limit else 1


def expectation(image: FixtureImage) -> dict[str, Any]:
    """The `expect` block of a vision grader's params for this frame."""
    allowed_conditions = set(image.conditions) | set(image.conditions_ok)
    colours: dict[str, list[str]] = {group: list(names) for group, names in image.colours.items()}
    expect: dict[str, Any] = {
        "level": [image.level, *[lv for lv in image.level_ok if lv != image.level]],
        "people": {"count": image.people, "tolerance": count_tolerance("people", image.people)},
        "person_at_door": image.person_at_door,
        "vehicles": {"count": image.vehicles, "tolerance": count_tolerance("vehicles", image.vehicles)},
        "packages": {"count": image.packages, "tolerance": count_tolerance("packages", image.packages)},
        "animals": image.animals,
        "hazards": {
            "required": sorted(set(image.hazards)),
            "allowed": sorted(set(image.hazards) | set(image.hazards_ok)),
        },
        "indoors": image.indoors,
        "time_of_day": image.time_of_day,
        "conditions": {"required": sorted(set(image.conditions)), "allowed": sorted(allowed_conditions)},
        "description": description_expectation(
            people=image.people,
            vehicles=image.vehicles,
            packages=image.packages,
            animals=image.animals,
            hazards=sorted(set(image.hazards) | set(image.hazards_ok)),
            tolerance=count_tolerance,
            not_shown=image.not_shown,
            colours=colours,
        ),
    }
    if image.either:
        expect["either"] = sorted(set(image.either))
    return expect


def truth_answer(image: FixtureImage) -> dict[str, Any]:
    """The answer a perfect observer gives for this frame, in the shape the question asks for."""
    return {
        "people": image.people,
        "person_at_door": image.person_at_door,
        "vehicles": image.vehicles,
        "packages": image.packages,
        "animals": image.animals,
        "hazards": sorted(set(image.hazards)),
        "indoors": image.indoors,
        "time_of_day": image.time_of_day,
        "conditions": sorted(set(image.conditions)),
        "level": image.level,
        "description": image.description,
    }
