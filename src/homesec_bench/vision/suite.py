"""The `vision` suite, built from a fixtures manifest rather than written by hand.

Every test asks the same question, word for word, about a different frame. The question therefore
cannot carry any frame's answer: an answer written without looking is one constant answer, and the
swap check in the tests bounds how many frames any constant answer can pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homesec_bench.hashing import stable_hash, test_hash
from homesec_bench.models import (
    GraderSpec,
    ImagePart,
    Message,
    ModelAnswer,
    NearMiss,
    Sampling,
    Suite,
    TestCase,
    TextPart,
)
from homesec_bench.vision.expect import expectation, truth_answer
from homesec_bench.vision.grading import grade_vision
from homesec_bench.vision.images import FIXTURES_DIR, MANIFEST_NAME, FixtureError, load_fixtures
from homesec_bench.vision.manifest import LEVELS, FixtureImage, Manifest

SUITE_NAME = "vision"
SYSTEM_PROMPT = (
    "You are Wren, the vision module of a home-security assistant. You are shown one still frame from a "
    "home security camera. Report only what the frame itself shows; do not guess at anything outside it."
)
QUESTION = """Describe this camera frame for the security log. Reply with one JSON object and nothing else, \
with exactly these keys:
- "people": the number of people visible (integer)
- "person_at_door": true if a person is within reach of a door or gate of the house, otherwise false
- "vehicles": the number of motor vehicles visible (integer)
- "packages": the number of parcels or delivery boxes visible, carried or left (integer)
- "animals": the kinds of animal visible, one common English noun each, singular; [] if none
- "hazards": any of "fire", "smoke", "water_leak", "fallen_person" that the frame shows; [] if none
- "indoors": true if the camera is inside a building, otherwise false
- "time_of_day": "day" or "night", as the frame looks
- "conditions": any of "infrared", "rain", "fog", "glare", "headlights", "dirty_lens" that affect the \
picture; [] if none
- "level": one of "normal", "monitor", "suspicious", "critical", where normal = ordinary activity or \
nothing happening; monitor = unusual but not threatening, worth a note; suspicious = behaviour that \
suggests intent to trespass or steal; critical = an active threat to people or property, or an emergency
- "description": one sentence of at most 30 words saying what the frame shows"""
SAMPLING = Sampling(temperature=0.0, max_tokens=400, seed=1234)
_SWAP_ANIMAL = {"dog": "cat", "cat": "dog", "fox": "dog", "deer": "dog", "bird": "cat", "hedgehog": "cat"}
_WRONG_LEVEL = {"normal": "suspicious", "monitor": "normal", "suspicious": "normal", "critical": "monitor"}


def build_vision_suite(fixtures_dir: Path | None = None) -> Suite:
    """One test per frame of the manifest in `fixtures_dir` (the packaged frames by default)."""
    folder = Path(fixtures_dir) if fixtures_dir is not None else FIXTURES_DIR
    manifest = load_fixtures(folder)
    tests = [_test(image, manifest, folder) for image in manifest.images]
    suite = Suite(
        name=SUITE_NAME,
        title="Vision: camera frames",
        description=(
            f"{len(tests)} camera frames, each described as JSON (counts, classes, hazards, conditions, "
            "security level) and graded field by field against the frame's ground truth."
        ),
        version=f"1+fixtures.{manifest.version}",
        modality="vision",
        tests=tests,
    )
    suite.content_hash = stable_hash({"version": suite.version, "tests": [test_hash(t) for t in tests]})
    return suite


def _test(image: FixtureImage, manifest: Manifest, folder: Path) -> TestCase:
    params: dict[str, Any] = {"image": image.id, "expect": expectation(image)}
    if image.sha256:  # a changed frame changes the test's hash
        params["image_sha256"] = image.sha256
    reference = ModelAnswer(content=json.dumps(truth_answer(image)))
    near = _near_misses(image, params)
    if len(near) < 2:
        raise FixtureError(
            f"{folder / MANIFEST_NAME}: image {image.id} has fewer than two distinguishable wrong answers; "
            "check its ground truth"
        )
    return TestCase(
        id=f"{SUITE_NAME}.{image.id}",
        suite=SUITE_NAME,
        title=image.id.replace("_", " "),
        purpose=f"{image.camera}: {image.description}",
        messages=[
            Message(role="system", content=SYSTEM_PROMPT),
            Message(role="user", content=[TextPart(text=QUESTION), ImagePart(fixture=image.id)]),
        ],
        sampling=SAMPLING,
        grader=GraderSpec(type="vision", params=params),
        reference=[reference],
        near_misses=near,
        tags=["vision", image.time_of_day, *image.conditions, *image.hazards],
        source_file=f"{folder.name}/{MANIFEST_NAME}",
    )


def _near_misses(image: FixtureImage, params: dict[str, Any]) -> list[NearMiss]:
    """Answers a careless observer would give: each changes what matters most in this frame."""
    truth = truth_answer(image)
    candidates: list[tuple[dict[str, Any], str]] = []
    accepted = {image.level, *image.level_ok}
    wrong = _WRONG_LEVEL[image.level]
    if wrong in accepted:
        wrong = next(lv for lv in LEVELS if lv not in accepted)
    candidates.append(({"level": wrong}, f"rates the frame {wrong} instead of {image.level}"))
    if image.people:
        candidates.append(({"people": 0, "person_at_door": False}, "misses the person in the frame"))
    if image.person_at_door:
        candidates.append(({"person_at_door": False}, "does not see that the person is at the door"))
    if image.animals:
        swapped = sorted({_SWAP_ANIMAL.get(a, "dog") for a in image.animals} - set(image.animals)) or ["cat"]
        candidates.append(({"animals": swapped}, f"names the wrong animal ({', '.join(swapped)})"))
    if image.vehicles:
        candidates.append(({"vehicles": 0}, "misses the vehicles"))
    if image.packages:
        candidates.append(({"packages": 0}, "misses the parcel"))
    if image.hazards:
        candidates.append(
            ({"hazards": [], "level": "normal"}, "misses the hazard and calls the scene normal")
        )
    if image.conditions:
        candidates.append(({"conditions": []}, "does not notice the conditions that affect the picture"))
    if not image.people and not image.hazards:
        candidates.append(({"people": 1}, "imagines a person who is not there"))
    flipped = "night" if image.time_of_day == "day" else "day"
    candidates.append(({"time_of_day": flipped}, f"calls a {image.time_of_day} frame {flipped}"))
    candidates.append(({"indoors": not image.indoors}, "mistakes where the camera is"))
    out: list[NearMiss] = []
    for change, why in candidates:
        answer = {**truth, **change}
        miss = NearMiss(content=json.dumps(answer), why=why)
        if not grade_vision(miss, params).passed:
            out.append(miss)
        if len(out) == 3:
            break
    return out
