"""The vision grader on the packaged frames: own reference passes, every other frame's fails (the swap
check), near misses and blind or degenerate answers fail, and the question gives nothing away."""

from __future__ import annotations

import itertools
import json

import pytest

from homesec_bench.graders import grade_answer, validate_grader_spec
from homesec_bench.models import ModelAnswer, TestCase
from homesec_bench.suites.loader import load_benchmark
from homesec_bench.vision import build_vision_suite, grade_vision
from homesec_bench.vision.expect import truth_answer
from homesec_bench.vision.manifest import CONDITIONS, HAZARDS, LEVELS
from homesec_bench.vision.suite import QUESTION, SYSTEM_PROMPT

SUITE = build_vision_suite()
TESTS = SUITE.tests


def _passes(test: TestCase, answer: ModelAnswer) -> bool:
    return grade_vision(answer, test.grader.params).passed


def _graded_truth(test: TestCase) -> str:
    return json.dumps(test.grader.params["expect"], sort_keys=True)


def test_suite_has_exactly_35_distinct_frames() -> None:
    assert len(TESTS) == 35
    assert len({t.grader.params["image"] for t in TESTS}) == len(TESTS)
    assert SUITE.modality == "vision"


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.id)
def test_reference_passes_and_near_misses_fail(test: TestCase) -> None:
    verdict = grade_vision(test.reference[0], test.grader.params)
    assert verdict.passed, verdict.reason
    assert len(test.near_misses) >= 2
    for miss in test.near_misses:
        v = grade_vision(miss, test.grader.params)
        assert not v.passed, f"{test.id}: near miss passed ({miss.why})"
        assert v.error_type


def test_swap_check_no_frame_accepts_another_frames_reference() -> None:
    defects = [
        (a.id, b.id)
        for a, b in itertools.permutations(TESTS, 2)
        if _graded_truth(a) != _graded_truth(b) and _passes(a, b.reference[0])
    ]
    assert defects == []
    identical = [
        (a.id, b.id) for a, b in itertools.combinations(TESTS, 2) if _graded_truth(a) == _graded_truth(b)
    ]
    assert identical == [], "two frames with the same graded truth make the swap check blind"


def test_question_is_identical_for_every_frame_and_names_no_frame() -> None:
    texts = {json.dumps([m.model_dump(mode="json") for m in t.messages[:-1]]) for t in TESTS}
    questions = {t.messages[-1].content[0].text for t in TESTS}  # type: ignore[index]
    assert len(texts) == 1 and questions == {QUESTION}
    lowered = (QUESTION + SYSTEM_PROMPT).lower()
    for word in ("dog", "cat", "fox", "deer", "bird", "hedgehog", "car", "van", "courier", "hood", "torch"):
        assert f" {word} " not in lowered and f" {word}s " not in lowered, word
    for t in TESTS:
        assert t.messages[-1].content[1].fixture == t.grader.params["image"]  # type: ignore[index]


DEGENERATE = {
    "empty": "",
    "refusal": "I'm sorry, but I can't help with that.",
    "cannot_see": "I cannot see any image attached to your message.",
    "question_echo": QUESTION,
    "keyword_salad": " ".join(
        [*LEVELS, *HAZARDS, *CONDITIONS, "person door dog cat fox car van parcel night day"]
    ),
    "every_key_filled": json.dumps(
        {
            "people": 1,
            "person_at_door": True,
            "vehicles": 1,
            "packages": 1,
            "animals": ["dog", "cat", "fox", "deer", "bird", "hedgehog"],
            "hazards": list(HAZARDS),
            "indoors": False,
            "time_of_day": "day",
            "conditions": list(CONDITIONS),
            "level": "suspicious",
            "description": "A person, a dog, a car and a parcel at the door.",
        }
    ),
    "empty_json": "{}",
    "labels_as_list": json.dumps({"level": list(LEVELS)}),
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_degenerate_answers_fail_every_frame(name: str) -> None:
    answer = ModelAnswer(content=DEGENERATE[name])
    passed = [t.id for t in TESTS if _passes(t, answer)]
    assert passed == []


def test_blind_constant_answers_pass_only_frames_they_describe() -> None:
    # What a model that sees a grey frame might say; a constant answer passes a frame only if that
    # frame's truth is exactly it, so the blind score stays small.
    nothing = {
        "people": 0,
        "person_at_door": False,
        "vehicles": 0,
        "packages": 0,
        "animals": [],
        "hazards": [],
        "indoors": False,
        "time_of_day": "day",
        "conditions": [],
        "level": "normal",
        "description": "Nothing happens.",
    }
    blind = [nothing, {**nothing, "indoors": True}, {**nothing, "people": 1, "person_at_door": True}]
    passed_per_answer = []
    for body in blind:
        answer = ModelAnswer(content=json.dumps(body))
        passed = [t.id for t in TESTS if _passes(t, answer)]
        assert len(passed) <= 2, passed
        passed_per_answer.append(passed)
    assert passed_per_answer[0] == ["vision.front_empty_day"]  # the one frame that is exactly that
    assert passed_per_answer[1] == ["vision.living_room_empty_day"]


def test_answer_forms_that_mean_the_same_are_accepted() -> None:
    test = next(t for t in TESTS if t.id == "vision.backyard_dog_day")
    truth = truth_answer_for(test)
    assert truth["animals"] == ["dog"]
    variants = [
        {**truth, "animals": ["terriers"], "level": "Normal"},
        {**truth, "animals": ["Puppy"], "time_of_day": "daytime"},
        {**truth, "animals": [{"type": "dog", "count": 1}]},
    ]
    for body in variants:
        content = f"<think>a small dog?</think>\n```json\n{json.dumps(body)}\n```"
        verdict = grade_vision(ModelAnswer(content=content), test.grader.params)
        assert verdict.passed, verdict.reason
    # the same wrapping around a different animal still fails, so the variants pass on their meaning
    wrong = {**truth, "animals": ["kittens"]}
    content = f"<think>a small dog?</think>\n```json\n{json.dumps(wrong)}\n```"
    assert not grade_vision(ModelAnswer(content=content), test.grader.params).passed


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"people": "0"}, "malformed_field"),
        ({"indoors": "no"}, "malformed_field"),
        ({"animals": "dog"}, "malformed_field"),
        ({"vehicles": "none"}, "malformed_field"),
    ],
)
def test_the_types_the_question_states_are_the_answer(change: dict, error: str) -> None:
    test = next(t for t in TESTS if t.id == "vision.backyard_dog_day")
    body = {**truth_answer_for(test), **change}
    verdict = grade_vision(ModelAnswer(content=json.dumps(body)), test.grader.params)
    assert not verdict.passed and verdict.error_type == error, verdict.reason


@pytest.mark.parametrize("wrap", ["Here you are:\n{}", "{}\n\nRecommendation: call a plumber.", "JSON: {}"])
def test_prose_around_the_json_fails_as_the_question_says_nothing_else(wrap: str) -> None:
    test = next(t for t in TESTS if t.id == "vision.backyard_dog_day")
    content = wrap.format(json.dumps(truth_answer_for(test)))
    verdict = grade_vision(ModelAnswer(content=content), test.grader.params)
    assert not verdict.passed and verdict.error_type == "extra_text", verdict.reason


def test_failure_reason_names_the_field_and_the_error_type() -> None:
    test = next(t for t in TESTS if t.id == "vision.driveway_group_night_ir")
    body = {**truth_answer_for(test), "people": 1}
    verdict = grade_vision(ModelAnswer(content=json.dumps(body)), test.grader.params)
    assert not verdict.passed
    assert verdict.error_type == "wrong_count"
    assert "`people` is 1, expected 3" in verdict.reason
    assert verdict.details["failed"] == ["people"]
    missing = {k: v for k, v in truth_answer_for(test).items() if k != "level"}
    v2 = grade_vision(ModelAnswer(content=json.dumps(missing)), test.grader.params)
    assert v2.error_type == "missing_field" and "level" in v2.reason


def test_tolerances_are_applied_as_stated() -> None:
    fire = next(t for t in TESTS if t.id == "vision.garage_fire_night")
    both = {**truth_answer_for(fire), "hazards": ["fire", "smoke"]}
    assert _passes(fire, ModelAnswer(content=json.dumps(both)))  # smoke tolerated with fire
    water = {**truth_answer_for(fire), "hazards": ["fire", "water_leak"]}
    assert not _passes(fire, ModelAnswer(content=json.dumps(water)))
    door = next(t for t in TESTS if t.id == "vision.front_hooded_handle_night_ir")
    crit = {**truth_answer_for(door), "level": "critical"}
    assert _passes(door, ModelAnswer(content=json.dumps(crit)))  # level_ok
    normal = {**truth_answer_for(door), "level": "normal"}
    assert not _passes(door, ModelAnswer(content=json.dumps(normal)))
    no_ir = {**truth_answer_for(door), "conditions": []}
    assert not _passes(door, ModelAnswer(content=json.dumps(no_ir)))


def test_registered_grader_runs_through_the_benchmark() -> None:
    bench = load_benchmark()
    assert "vision" in bench.suites and len(bench.suites["vision"].tests) == len(TESTS)
    test = bench.test("vision.kitchen_smoke_day")
    assert grade_answer(test, test.reference[0], bench).passed
    assert not grade_answer(test, ModelAnswer(content="smoke"), bench).passed
    assert validate_grader_spec(test, bench) == []
    broken = test.model_copy(
        update={"grader": test.grader.model_copy(update={"params": {"expect": {"x": 1}}})}
    )
    assert validate_grader_spec(broken, bench) != []


def truth_answer_for(test: TestCase) -> dict:
    from homesec_bench.vision import load_fixtures

    return truth_answer(load_fixtures().image(test.grader.params["image"]))


def _with(test_id: str, **change) -> tuple[TestCase, ModelAnswer]:
    test = next(t for t in TESTS if t.id == f"vision.{test_id}")
    return test, ModelAnswer(content=json.dumps({**truth_answer_for(test), **change}))


def test_an_extra_key_fails_because_the_question_says_exactly_these_keys() -> None:
    test, answer = _with("backyard_dog_day", confidence=0.9)
    verdict = grade_vision(answer, test.grader.params)
    assert not verdict.passed and verdict.error_type == "extra_field" and "confidence" in verdict.reason


def test_hazards_are_a_set_and_fire_is_not_accepted_where_only_smoke_is_shown() -> None:
    test, answer = _with("kitchen_smoke_day", hazards=["smoke", "fire"])
    assert not _passes(test, answer)
    test, answer = _with("kitchen_smoke_day", hazards=["smoke"])
    assert _passes(test, answer)


@pytest.mark.parametrize(
    ("frame", "description", "ok"),
    [
        ("front_empty_day", "No people, vehicles or animals are visible at the front door.", True),
        ("front_empty_day", "Nobody is at the door and there is no parcel on the step.", True),
        ("front_empty_day", "A person waits at the front door in daylight.", False),
        ("front_empty_day", "Nobody is at the front door, a cat sits on the path.", False),
        ("backyard_fox_night_ir", "A fox, not a dog, crosses the lawn at 3:12 a.m. in infrared.", True),
        ("backyard_fox_night_ir", "A dog crosses the lawn at night in infrared.", False),
        (
            "kitchen_smoke_day",
            "Smoke fills the kitchen, possibly from a pan; no fire or people visible.",
            True,
        ),
        ("kitchen_smoke_day", "Smoke fills the kitchen as flames rise from the hob.", False),
        # a dog on the rug is no fallen person (the frame's dog stands: "lying" is its own claim there,
        # tests/test_vision_not_shown.py)
        ("living_room_dog_night_ir", "A small dog is on the rug in the dark living room.", True),
        ("living_room_empty_day", "An empty living room where a man lies motionless on the floor.", False),
        ("driveway_group_night_ir", "At 01:05 three people stand on the driveway in infrared.", True),
        ("driveway_group_night_ir", "At 01:05 five people stand on the driveway in infrared.", False),
        ("front_courier_parcel_day", "Two couriers stand at the front door beside a parcel.", False),
        ("driveway_empty_night_ir", "An empty driveway at night with no cars, in infrared.", True),
        ("driveway_empty_night_ir", "A car is parked on the driveway at night.", False),
        (
            "driveway_family_car_day",
            "The neighbour\u2019s silver car sits on a driveway clear of people.",
            True,
        ),
        ("driveway_family_car_day", "A silver car is parked on the driveway with zero people around.", True),
        ("driveway_family_car_day", "A man stands beside the silver car on the driveway.", False),
        ("driveway_group_night_ir", "Three people stand on the driveway. It is night.", False),
        ("backyard_dog_day", " ".join(["word"] * 31), False),
        ("backyard_dog_day", " ".join(["dog"] * 30), True),
        # An alert the vision module never sends, and no frame can show (blind set G).
        (
            "garage_fire_night",
            "A fire is burning inside the garage at night; the fire brigade has been notified.",
            False,
        ),
        ("garage_fire_night", "Fire in the garage at night; I have alerted the household.", False),
        (
            "garage_fire_night",
            "Flames rise from the workbench in the dark garage; nobody is there to raise the alarm.",
            True,
        ),
    ],
)
def test_description_states_nothing_the_frame_lacks_in_one_sentence(
    frame: str, description: str, ok: bool
) -> None:
    test, answer = _with(frame, description=description)
    verdict = grade_vision(answer, test.grader.params)
    assert verdict.passed is ok, verdict.reason
    if not ok:
        assert verdict.error_type == "bad_description"


def test_either_accepts_any_value_of_a_field_the_frame_cannot_decide() -> None:
    from homesec_bench.vision.expect import expectation
    from homesec_bench.vision.manifest import FixtureImage

    image = FixtureImage(
        id="hall_no_window", file="x.jpg", camera="hall", time_of_day="day", indoors=True,
        level="normal", description="An empty hall with no window.", either=["time_of_day"],
    )  # fmt: skip
    params = {"image": image.id, "expect": expectation(image)}
    body = truth_answer(image)
    for value in ("day", "night", "nighttime"):
        assert grade_vision(ModelAnswer(content=json.dumps({**body, "time_of_day": value})), params).passed
    assert not grade_vision(ModelAnswer(content=json.dumps({**body, "time_of_day": "dusk"})), params).passed
    assert not grade_vision(ModelAnswer(content=json.dumps({**body, "indoors": False})), params).passed
    from homesec_bench.vision.grading import validate_params

    assert validate_params(params) == []
    assert validate_params({"expect": {**params["expect"], "either": ["level"]}}) != []


def test_every_truth_description_obeys_the_question() -> None:
    from homesec_bench.vision import load_fixtures

    for image in load_fixtures().images:
        assert len(image.description.split()) <= 30, image.id
        assert image.description.count(". ") == 0, image.id


def test_a_description_that_states_what_the_frame_shows_is_not_so_fails():
    from homesec_bench.vision.describe import description_expectation, problems

    expect = description_expectation(
        people=1,
        vehicles=0,
        packages=0,
        animals=[],
        hazards=[],
        tolerance=lambda kind, n: 0,
        not_shown=["forcing door", "broke in"],
    )
    assert problems("A hooded person reaches for the front door handle at night.", expect) == []
    assert problems("A hooded person who has not broken in reaches for the handle.", expect) == []
    assert problems("A hooded intruder is forcing the front door open at night.", expect)
    assert problems("Someone broke in through the front door at night.", expect)


def _one_car() -> dict:
    """What a description may say of a frame with one car, nobody and nothing else."""
    from homesec_bench.vision.describe import description_expectation

    return description_expectation(
        people=0, vehicles=1, packages=0, animals=[], hazards=[], tolerance=lambda kind, n: 0
    )


def test_lights_blazing_are_no_fire():
    from homesec_bench.vision.describe import problems

    expect = _one_car()
    assert problems("White van, headlights blazing, at the driveway entrance; nobody in view.", expect) == []
    assert problems("A van is ablaze at the driveway entrance.", expect)


def test_a_flood_of_light_is_no_water_leak():
    """Blind set M: "headlights flooding the camera" was read as a water leak."""
    from homesec_bench.vision.describe import problems

    expect = _one_car()
    for said_of_light in [
        "Rainy night: a car faces the house on the driveway, its headlights flooding the camera.",
        "A car on the driveway at night; the frame is flooded with light from its headlamps.",
        "Light floods the driveway from the car's beams; nobody in view.",
    ]:
        assert problems(said_of_light, expect) == [], said_of_light
    for water in [
        "A car on the driveway; the garage floor beyond it is flooding.",
        "Water is flooding across the driveway under the parked car.",
        "A car sits in the driveway, which is flooded.",
    ]:
        assert problems(water, expect), water


def test_a_registration_read_off_a_frame_is_a_detail_no_frame_shows():
    """Blind set N: "a white car with registration AB12 CDE"; no fixture plate is legible at 640x360."""
    from homesec_bench.vision.describe import problems

    expect = _one_car()
    for invented in [
        "A white car with registration AB12 CDE is parked on the driveway in daylight.",
        "A silver estate, plate KD21-XRB, parked nose-out on the driveway.",
        "A pale car on the driveway; its number plate reads KD21XRB.",
        "A car with the licence plate 'LM68 PTQ' is parked on the driveway.",
    ]:
        assert any("registration" in p for p in problems(invented, expect)), invented
    for fine in [
        "A pale estate car is parked on the driveway at 09:10 AM; its number plate is not readable.",
        "A silver car sits on the driveway; no plate can be read at this size.",
        "A car is parked on the driveway at 9:10 am, 3 PM shadows absent, under a clear sky.",
    ]:
        assert not any("registration" in p for p in problems(fine, expect)), fine
