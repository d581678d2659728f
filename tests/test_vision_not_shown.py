"""What a frame rules out (`not_shown`), derived from what is drawn (`tools/fixture_render/claims.py`):
a wrong place, pose or direction for what is shown, a tool or a deed nobody has. A description that
makes one of these claims, in a common wording and not negated, fails; the right wordings of the same
frames pass, and what one still cannot settle stays allowed."""

from __future__ import annotations

import json

import pytest
from fixture_render.claims import derived_not_shown, not_shown
from fixture_render.figures import Outfit
from fixture_render.scene import Actor, Scene
from fixture_render.scenes import SCENES

from homesec_bench.graders.facts import said_by_meaning
from homesec_bench.models import ModelAnswer, Verdict
from homesec_bench.vision import build_vision_suite, grade_vision, load_fixtures
from homesec_bench.vision.describe import _not_shown_said
from homesec_bench.vision.expect import truth_answer

SUITE = build_vision_suite()
FIXTURES = load_fixtures()
BY_ID = {s.id: s for s in SCENES}


def _verdict(frame: str, description: str) -> Verdict:
    test = next(t for t in SUITE.tests if t.id == f"vision.{frame}")
    body = {**truth_answer(FIXTURES.image(frame)), "description": description}
    return grade_vision(ModelAnswer(content=json.dumps(body)), test.grader.params)


def _scene(backdrop: str, *actors: Actor, light: str = "day", hand: tuple[str, ...] = ()) -> Scene:
    return Scene("synthetic", "cam", backdrop, "2026-03-17 12:00:00", light, actors, "normal", "A frame.",
                 not_shown=hand)  # fmt: skip


# ---------------------------------------------------------------------- the manifest holds them


def test_the_manifest_holds_each_frames_claims_hand_written_first() -> None:
    for image in FIXTURES.images:
        scene = BY_ID[image.id]
        assert image.not_shown == not_shown(scene), image.id
        assert image.not_shown[: len(scene.not_shown)] == list(scene.not_shown)
        assert len(set(image.not_shown)) == len(image.not_shown)
    # a frame with nothing in it rules out no place: its counts already fail whatever is put there
    assert not any("+the" in claim for claim in BY_ID["backyard_empty_rain_day"].not_shown)
    assert _verdict("backyard_empty_rain_day", "Rain falls on the empty lawn and the shed.").passed


# ---------------------------------------------------------------------- places


def test_a_place_nothing_is_at_is_ruled_out_and_one_only_other_kinds_are_at_for_a_kind() -> None:
    car = Actor("car", 0.4, 6.5, "driveway", view="front", lights=True)
    claims = derived_not_shown(_scene("driveway", car))
    assert {"on+the street", "driving past", "past+the end of the driveway"} <= set(claims)
    assert "on+the driveway" not in claims
    van = Actor("van", -4.5, 13.2, "street")
    courier = Actor("person", 0.6, 6.2, "driveway", pose="carry", outfit=Outfit(carries="box"))
    claims = derived_not_shown(_scene("driveway", van, courier))
    assert {"van on+the driveway", "courier on+the street"} <= set(claims)
    assert not {"on+the driveway", "on+the street"} & set(claims)  # someone is at each


@pytest.mark.parametrize(
    ("frame", "description"),
    [
        # the blind set K answer: the car is on the driveway, facing the camera
        (
            "driveway_arrival_rain_night",
            "On a rainy night a car with bright headlights is driving along the street past the end of "
            "the driveway.",
        ),
        ("driveway_arrival_rain_night", "A car parked on the street in the rain at night, headlights on."),
        ("driveway_arrival_rain_night", "Rainy night: a car passes by with its headlights on."),
        ("driveway_family_car_day", "A white car is parked on the street in front of the house."),
        ("driveway_courier_van_lowres", "A courier walks up the drive; the van is parked on the driveway."),
        ("driveway_courier_van_lowres", "A courier in hi-vis waits at the front door with a parcel."),
        ("driveway_van_headlights_night", "A white van with its headlights on is parked on the driveway."),
        ("street_dog_walker_fog_day", "In fog a person walks a dog up the driveway."),
        ("street_three_parked_cars_day", "Three cars are parked on the driveway in daylight."),
        ("front_lurker_hedge_night", "At night a dark figure stands at the front door next to a parcel."),
        ("front_visitor_evening", "A man in a green top walks up the path to the front door after dark."),
        ("front_dirty_lens_walker", "A man stands on the doorstep, seen through a dirty lens."),
        ("front_hooded_handle_night_ir", "A hooded person peers in through the window at night."),
        # the blind set K answer: the cat stands on the lawn
        (
            "backyard_cat_floodlight_night",
            "A black cat is sitting on top of the wooden back fence at night, eyes glowing in the "
            "light; no people, vehicles or packages.",
        ),
        ("backyard_dog_day", "A dog has climbed onto the shed roof."),
        ("backyard_fox_night_ir", "A fox walks along the top of the fence at night in infrared."),
        ("backyard_fence_climber_floodlight", "At night a person climbs over the back garden gate."),
        ("front_dirty_lens_walker", "A man walks across the lawn, seen through a dirty lens."),
        ("living_room_dog_night_ir", "A dog stands on the sofa at night, in infrared."),
        (
            "living_room_torch_intruder_night_ir",
            "At night a person holding a flashlight steps in through the open patio doors.",
        ),
    ],
)
def test_a_wrong_place_for_what_is_shown_fails(frame: str, description: str) -> None:
    verdict = _verdict(frame, description)
    assert not verdict.passed and verdict.error_type == "bad_description", verdict.reason
    assert "which the frame shows is not so" in verdict.reason


@pytest.mark.parametrize(
    ("frame", "description"),
    [
        (
            "driveway_arrival_rain_night",
            "A car with bright headlights pulls into the driveway from the street.",
        ),
        ("driveway_arrival_rain_night", "A car on the driveway facing the camera, houses across the street."),
        ("driveway_arrival_rain_night", "A car on the drive, its headlights glaring; the street is empty."),
        ("driveway_family_car_day", "A white car is parked on the driveway facing the street."),
        ("driveway_courier_van_lowres", "A courier carries a parcel up the driveway, the van at the kerb."),
        ("driveway_van_headlights_night", "A white van with headlights on is on the street at the driveway."),
        ("driveway_van_headlights_night", "A white van with headlights on has pulled up at the driveway."),
        ("street_dog_walker_fog_day", "A dog walker passes on the footpath in front of the driveway."),
        ("front_lurker_hedge_night", "A figure lurks behind the hedge by the window; a parcel at the door."),
        ("front_parcel_on_step_day", "A parcel is sitting on the step of the closed front door."),
        ("front_parcel_on_step_day", "A parcel is lying on the doorstep; the path and lawn are empty."),
        ("backyard_cat_floodlight_night", "A black cat stands on the lawn in front of the fence and shed."),
        ("backyard_deer_morning", "A deer stands on the lawn just in front of the back fence."),
        ("backyard_fence_climber_floodlight", "A person climbs over the back fence into the garden."),
        ("side_gate_hidden_bins_night_ir", "A hooded person crouches behind the bins near the gate."),
        ("living_room_torch_intruder_night_ir", "A person with a torch walks in front of the sofa."),
    ],
)
def test_the_right_place_passes(frame: str, description: str) -> None:
    verdict = _verdict(frame, description)
    assert verdict.passed, verdict.reason


# ---------------------------------------------------------------------- poses


def test_a_pose_nobody_has_nor_reads_as_is_ruled_out() -> None:
    hooded = Actor("person", 0.45, 6.7, "at_door", pose="reach", outfit=Outfit(hood=True))
    claims = derived_not_shown(_scene("front_door", hooded, light="ir"))
    assert {"crouching", "kneeling", "person sitting", "lying down", "climbing", "running"} <= set(claims)
    assert "person standing" not in claims
    # a crouching figure in the dark reads as standing or sitting too; one lying down as nothing else
    crouched = Actor("person", 0.3, 5.2, "alley", pose="crouch")
    claims = derived_not_shown(_scene("side_gate", crouched, light="ir"))
    assert "crouching" not in claims and "person standing" not in claims and "person sitting" not in claims
    lying = Actor("person", -0.5, 3.2, "indoor_floor", pose="lie")
    claims = derived_not_shown(_scene("living_room", lying))
    assert {"person standing", "person walks", "kneeling"} <= set(claims)
    assert "lying down" not in claims
    # "sitting" and "lying" only with a subject: parcels sit and lie on steps
    parcel = Actor("parcel", 0.55, 6.45, "at_door", size=(0.5, 0.36, 0.4))
    assert not any("sit" in c or "lying" in c for c in derived_not_shown(_scene("front_door", parcel)))


@pytest.mark.parametrize(
    ("frame", "description"),
    [
        # the blind set K answers: the deer stands on the lawn, the hooded person stands at the door
        (
            "backyard_deer_morning",
            "In early morning daylight a brown deer is leaping over the wooden back fence into the yard; "
            "no people or vehicles.",
        ),
        (
            "front_hooded_handle_night_ir",
            "In infrared at night, a hooded person crouches at the front door prying at the lock with a "
            "crowbar.",
        ),
        ("backyard_cat_floodlight_night", "A black cat sits on the lawn under the floodlight."),
        ("backyard_cat_floodlight_night", "A black cat lies curled up on the lawn at night."),
        ("backyard_dog_day", "A small dog jumps over the fence into the garden."),
        ("backyard_deer_morning", "A deer runs across the lawn in the morning light."),
        ("backyard_hedgehog_night_ir", "A hedgehog curled up in a ball on the lawn at night."),
        ("front_visitor_evening", "A man sits on the front step under the porch light."),
        ("front_courier_parcel_day", "A courier kneels to put a parcel on the step."),
        ("driveway_group_night_ir", "Three people sit on the driveway at 01:05."),
        ("driveway_peering_car_night_ir", "A person crouches beside the car on the driveway at night."),
        ("backyard_fence_climber_floodlight", "A person stands near the back fence at night."),
        ("living_room_person_down_day", "A person kneels on the rug in the living room."),
        ("living_room_person_down_day", "A man stands in the middle of the living room."),
        ("living_room_dog_night_ir", "A small dog is lying on the rug in the dark living room."),
        ("side_gate_hidden_bins_night_ir", "A hooded person climbs over the side gate at night."),
    ],
)
def test_a_wrong_pose_fails(frame: str, description: str) -> None:
    verdict = _verdict(frame, description)
    assert not verdict.passed and verdict.error_type == "bad_description", verdict.reason


@pytest.mark.parametrize(
    ("frame", "description"),
    [
        ("backyard_cat_floodlight_night", "A black cat walks across the floodlit lawn at night."),
        ("backyard_deer_morning", "A deer grazes by the back fence beside the shrubs in the morning."),
        ("front_hooded_handle_night_ir", "A hooded person stands at the front door reaching for the handle."),
        ("side_gate_hidden_bins_night_ir", "A person stands half hidden beside the bins at night."),
        ("side_gate_hidden_bins_night_ir", "A hooded person is crouched low behind the wheelie bins."),
        ("backyard_fence_climber_floodlight", "A person is hanging on the rear fence, arms over the top."),
        ("living_room_person_down_day", "A person lies motionless on the rug, apparently collapsed."),
        ("kitchen_smoke_day", "Thick smoke hangs over the kitchen units; nobody is in view."),
        ("driveway_van_headlights_night", "A white van sits across the end of the driveway at night."),
    ],
)
def test_the_right_pose_passes(frame: str, description: str) -> None:
    verdict = _verdict(frame, description)
    assert verdict.passed, verdict.reason


# ---------------------------------------------------------------------- directions


@pytest.mark.parametrize(
    ("frame", "description", "ok"),
    [
        # the blind set K answer: the courier faces the camera, coming up the drive
        (
            "driveway_courier_van_lowres",
            "A courier in a yellow hi-vis vest walks away from the house down the driveway carrying a "
            "parcel back to the white van.",
            False,
        ),
        ("driveway_courier_van_lowres", "A delivery man returns to his white van carrying a box.", False),
        ("driveway_courier_van_lowres", "A courier with his back to the camera carries a box.", False),
        ("driveway_courier_van_lowres", "A courier walks toward the house holding a box from the van.", True),
        ("driveway_courier_van_lowres", "A courier faces the camera on the driveway with a parcel.", True),
        ("front_glare_postwoman", "A person in red stands facing the door, back to the camera.", False),
        ("front_visitor_evening", "A man in a green jumper waits at the door facing the camera.", True),
        ("side_gate_cleaner_day", "A man in blue walks toward the camera down the side passage.", False),
        ("side_gate_cleaner_day", "A man with his back to the camera reaches for the gate latch.", True),
        ("driveway_arrival_rain_night", "A car's red tail lights glow on the driveway in the rain.", False),
        ("driveway_family_car_day", "A white car with its headlights on is parked on the driveway.", False),
        ("driveway_family_car_day", "A white car on the drive, seen from behind, tail lights visible.", True),
        ("driveway_family_car_day", "A white car is parked on the driveway facing the camera.", False),
        ("driveway_peering_car_night_ir", "A person peers into a parked car facing the camera.", False),
        # what a still cannot settle stays allowed: a car seen head-on arriving or reversing out, a
        # hooded figure in infrared facing the door or the camera, a group facing both ways
        ("driveway_arrival_rain_night", "A car with headlights on reverses out of the driveway.", True),
        ("front_hooded_handle_night_ir", "A hooded person faces the door, a hand on its handle.", True),
        ("driveway_group_night_ir", "Three people stand on the driveway, one with their back to us.", True),
        (
            "driveway_peering_car_night_ir",
            "A hooded person facing the camera stands by the parked car.",
            True,
        ),
    ],
)
def test_a_direction_a_still_settles_is_checked(frame: str, description: str, ok: bool) -> None:
    verdict = _verdict(frame, description)
    assert verdict.passed is ok, verdict.reason


# ---------------------------------------------------------------------- things held, deeds


@pytest.mark.parametrize(
    ("frame", "description", "ok"),
    [
        ("front_hooded_handle_night_ir", "A hooded man kneels at the front door picking the lock.", False),
        ("front_hooded_handle_night_ir", "A hooded figure uses a screwdriver on the door at 02:47.", False),
        ("front_hooded_handle_night_ir", "A hooded person knocks on the front door at night.", False),
        ("front_hooded_handle_night_ir", "A hooded person at the front door holds no tool.", True),
        ("front_visitor_evening", "After dark, a man rings the doorbell at the lit front door.", False),
        ("front_visitor_evening", "A visitor holding a small parcel stands at the front door.", False),
        ("front_glare_postwoman", "A postwoman in red delivers a parcel at the front door.", False),
        ("front_courier_parcel_day", "A courier stands at the door; he has delivered the parcel.", True),
        ("front_parcel_on_step_day", "A parcel on the step and the front door stands open.", False),
        ("front_parcel_on_step_day", "A parcel on the step of the closed front door.", True),
        ("side_gate_cleaner_day", "A man is trying to force open the side gate in daylight.", False),
        ("side_gate_cleaner_day", "A man appears to be tampering with the side gate latch.", False),
        (
            "side_gate_cleaner_day",
            "A person in a blue jacket opens the side gate at the end of the alley.",
            True,
        ),
        ("side_gate_empty_dirty_night_ir", "The side gate stands open at night.", False),
        (
            "side_gate_hidden_bins_night_ir",
            "A resident wheels the bins along the side alley at night.",
            False,
        ),
        (
            "driveway_van_headlights_night",
            "A white van stops at the driveway and its driver gets out.",
            False,
        ),
        ("driveway_family_car_day", "A white car on the driveway is being unloaded.", False),
        ("front_lurker_hedge_night", "A burglar is breaking in through the front window at night.", False),
        ("living_room_empty_day", "Empty living room; the patio door has been left open.", False),
        (
            "living_room_torch_intruder_night_ir",
            "A hooded intruder with a torch, a break-in in progress.",
            True,
        ),
        ("backyard_fence_climber_floodlight", "A person with a torch climbs the back fence at night.", False),
        # Nobody damages anything and nothing is drawn broken (blind set AB)
        (
            "driveway_peering_car_night_ir",
            "Infrared night view of a person smashing the car window on the driveway to break in.",
            False,
        ),
        (
            "driveway_peering_car_night_ir",
            "A person peers in at the driver's window of the parked car.",
            True,
        ),
        (
            "driveway_peering_car_night_ir",
            "Someone at the car at night, looking in; the window is not broken.",
            True,
        ),
        ("front_hooded_handle_night_ir", "A hooded figure kicks the front door in at night.", False),
        ("living_room_empty_day", "The living room is empty; the patio door's glass is shattered.", False),
        ("kitchen_smoke_day", "Smoke fills the kitchen; the window glass is cracked.", False),
        (
            "backyard_fence_climber_floodlight",
            "A person climbs the back fence, damaging a fence panel.",
            False,
        ),
        ("front_empty_day", "The front door is shut; no broken window or damage is visible.", True),
        (
            "living_room_torch_intruder_night_ir",
            "An intruder with a torch in the living room; nothing looks damaged.",
            True,
        ),
        # a fire or a leak may fairly be said to damage what it reaches
        ("garage_fire_night", "Flames in the garage at night are damaging the door.", True),
        (
            "utility_water_leak_day",
            "Water is leaking across the utility room floor, with some water-damaged boxes.",
            True,
        ),
    ],
)
def test_a_tool_or_deed_nobody_has_fails(frame: str, description: str, ok: bool) -> None:
    verdict = _verdict(frame, description)
    assert verdict.passed is ok, verdict.reason


# ---------------------------------------------------------------------- reading the claims


def test_negated_claims_state_nothing_and_the_reason_names_the_claim() -> None:
    assert _verdict("backyard_deer_morning", "A deer stands by the fence, not leaping over it.").passed
    assert _verdict("driveway_arrival_rain_night", "A car on the driveway, not on the street.").passed
    verdict = _verdict("driveway_arrival_rain_night", "A car drives past the end of the driveway at night.")
    assert "states 'past the end of the driveway', which the frame shows is not so" in verdict.reason


@pytest.mark.slow  # every claim of every frame against six texts: the exhaustive form of the next test
def test_the_quick_look_finds_every_claim_the_clause_reading_finds() -> None:
    texts = [
        "A car, headlights on - driving along; the street (past the driveway) is wet.",
        "A courier walks away from the house...\nback to the van.",
        "Cat: sitting on top of the fence!",
        "A hooded person (crouching) is prying at the lock, with a crowbar.",
        "No car is on the street, and nobody walks away.",
    ]
    for scene in SCENES:
        claims = not_shown(scene)
        for text in [*texts, scene.description]:
            slow = [claim for claim in claims if said_by_meaning(text, claim)]
            assert _not_shown_said(text, {"not_shown": claims}) == slow, (scene.id, text)


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("the driver stepped out of the van", "got out"),  # a multiword synonym
        ("hens in the garden", "chickens"),
        ("two foxes on the lawn", "two fox"),  # a plural ending
        ("a bin against the left-hand wall", "bin ... left-hand wall"),
    ],
)
def test_the_words_test_never_rules_out_a_claim_its_pattern_would_find(text: str, claim: str) -> None:
    from homesec_bench.graders.facts import may_say, meaning_pattern

    assert meaning_pattern(claim).search(text) is None or may_say(text, claim), (text, claim)
    assert may_say(text, claim)
    assert not may_say("an empty lawn at night", claim)


# ------------------------------------------------- blind set L: sides, ways, details, rear, parcels

SET_L_WRONG = [
    # sides of the frame, from the actors' x, the backdrop's features, the flame and the sun
    (
        "front_lurker_hedge_night",
        "A dark figure stands half-hidden behind the hedge on the right of the garden.",
    ),
    ("front_lurker_hedge_night", "A figure lurks behind the right-hand hedge near midnight."),
    (
        "driveway_peering_car_night_ir",
        "A person stands close against the right side of the car on the driveway.",
    ),
    ("garage_fire_night", "Inside the dark garage, tall flames rise from a box on the left."),
    ("living_room_empty_day", "Empty living room in daylight with a blue sofa on the right and a red rug."),
    (
        "front_glare_postwoman",
        "A person stands at the front door with sun glare and lens flare from the upper left.",
    ),
    ("backyard_hedgehog_night_ir", "A hedgehog walks along the base of the shed at night."),
    (
        "front_parcel_on_step_day",
        "A parcel has been left on the front lawn beside the path; nobody is in view.",
    ),
    # left and right ways, and nobody walking off
    ("front_dirty_lens_walker", "A person in grey walks rightwards across the front path."),
    ("driveway_van_headlights_night", "A white van stops across the end of the driveway facing right."),
    ("backyard_fox_night_ir", "A fox stands on the lawn facing right toward the shed."),
    ("driveway_group_night_ir", "Three people walk away down the driveway toward the street at night."),
    # details of the drawing
    ("backyard_deer_morning", "A brown deer grazes with its head down on the backyard lawn."),
    ("living_room_person_down_day", "A person lies face down on the red rug in the living room."),
    (
        "living_room_torch_intruder_night_ir",
        "A person walks through the dark room holding a torch above their head.",
    ),
    ("front_two_parcels_night_ir", "Two parcels stacked one on top of the other on the doorstep at night."),
    (
        "side_gate_empty_dirty_night_ir",
        "An empty side passage with two wheelie bins, seen through a dirty lens.",
    ),
    ("driveway_empty_night_ir", "An empty driveway at night; the houses opposite are completely dark."),
    ("backyard_empty_rain_day", "An empty backyard in the rain, the shed door standing open."),
]
SET_L_RIGHT = [
    (
        "front_lurker_hedge_night",
        "A dark figure stands half-hidden behind the hedge on the left of the garden.",
    ),
    ("driveway_peering_car_night_ir", "A person stands against the left side of the car, peering in."),
    ("garage_fire_night", "Inside the dark garage, tall flames rise from a box on the right."),
    ("living_room_empty_day", "Empty living room: sofa on the left, TV and cabinet on the right."),
    ("front_glare_postwoman", "A person stands at the door with sun glare from the top-right corner."),
    (
        "backyard_hedgehog_night_ir",
        "A hedgehog walks across the lawn at the bottom centre; the shed on the right.",
    ),
    ("front_parcel_on_step_day", "A parcel has been left on the front doorstep; nobody is in view."),
    ("front_dirty_lens_walker", "A person in grey walks leftwards across the front path."),
    (
        "driveway_van_headlights_night",
        "A white van sits at the end of the driveway facing left, headlights on.",
    ),
    ("backyard_fox_night_ir", "A fox stands on the lawn facing left, its tail out behind."),
    ("driveway_group_night_ir", "Three people stand together on the driveway facing the camera at night."),
    ("backyard_deer_morning", "A brown deer stands on the lawn in front of the fence, head up."),
    ("backyard_deer_morning", "A single deer grazes by the fence beside the shrubs."),
    ("living_room_person_down_day", "A person lies on their back on the rug, face up."),
    (
        "living_room_torch_intruder_night_ir",
        "A person walks through the room carrying a lit torch at waist height.",
    ),
    ("front_two_parcels_night_ir", "Two parcels sit side by side on the doorstep at night."),
    ("side_gate_empty_dirty_night_ir", "An empty side passage with one wheelie bin; no bins moved."),
    ("driveway_empty_night_ir", "An empty driveway at night with a few lit windows in the houses opposite."),
    ("backyard_empty_rain_day", "An empty backyard in the rain; the shed door is closed."),
    ("driveway_family_car_day", "One white hatchback parked, rear facing the camera, no people."),
    ("driveway_family_car_day", "A white car parked nose-out with its back facing the house."),
]


@pytest.mark.parametrize(("frame", "description"), SET_L_WRONG)
def test_a_wrong_side_way_or_detail_fails(frame: str, description: str) -> None:
    assert not _verdict(frame, description).passed, description


@pytest.mark.parametrize(("frame", "description"), SET_L_RIGHT)
def test_the_right_side_way_or_detail_passes(frame: str, description: str) -> None:
    verdict = _verdict(frame, description)
    assert verdict.passed, verdict.reason


def test_a_front_facing_the_camera_still_fails_where_the_rear_shows() -> None:
    assert not _verdict(
        "driveway_family_car_day", "A white car is parked, its front facing the camera."
    ).passed


def test_sides_are_derived_only_for_things_clearly_off_the_middle() -> None:
    middle = _scene("backyard", Actor("dog", 0.0, 6.0, "yard"))
    left = _scene("backyard", Actor("dog", -3.0, 6.0, "yard"))
    assert "dog on+the right" not in derived_not_shown(middle)
    assert "dog on+the left" not in derived_not_shown(middle)
    assert "dog on+the right" in derived_not_shown(left)
    mixed = _scene("backyard", Actor("dog", -3.0, 6.0, "yard", facing="left"), Actor("cat", 3.0, 6.0, "yard"))
    assert "facing right" not in derived_not_shown(mixed)  # one faces each way: neither is ruled out


@pytest.mark.parametrize(
    ("frame", "description", "fails"),
    [
        ("front_empty_day", "A parcel sits on the doorstep in front of the closed door.", True),
        ("front_empty_day", "A delivery has been left by the door.", True),
        ("front_empty_day", "Two packages wait on the step.", True),
        ("front_empty_day", "The front step is empty, with no parcel or package on it.", False),
        ("front_empty_day", "No delivery today: the doorstep is bare.", False),
        ("garage_fire_night", "Flames rise from a box on the right of the dark garage.", False),
        ("front_empty_day", "A cardboard box sits on the doorstep.", True),
    ],
)
def test_a_parcel_where_the_frame_has_none(frame: str, description: str, fails: bool) -> None:
    assert _verdict(frame, description).passed is not fails, description


# ------------------------------------------------- landmarks, things no backdrop draws, states, acts

# Each pair: the one-fact error a blind writer made (sets Q and R), and right wordings of the same frame
# that must still pass, including the near readings viewers gave in earlier sets.
LANDMARK_WRONG = [
    (
        "front_hooded_handle_night_ir",
        "A hooded figure stands to the right of the front door, trying the handle.",
    ),
    ("front_lurker_hedge_night", "A figure lurks behind the shrub to the right of the front door."),
    ("side_gate_hidden_bins_night_ir", "A person crouches to the right of the wheelie bins at night."),
    (
        "side_gate_empty_dirty_night_ir",
        "Nobody in the passage; the wheelie bin stands against the left-hand wall.",
    ),
    ("utility_water_leak_day", "Water is pooling in front of the green cabinet on the right."),
    ("utility_water_leak_day", "A puddle spreads from the two white appliances on the right."),
    ("living_room_person_down_day", "A person is lying on the floor beside the blue sofa."),
    (
        "driveway_courier_van_lowres",
        "A courier carries a box; a white van is parked at the kerb on the right.",
    ),
    (
        "street_three_parked_cars_day",
        "Three cars parked: a red one on the left, a white and a blue one on the right.",
    ),
    ("street_three_parked_cars_day", "Three parked cars on the street opposite (white, red, green)."),
    ("street_dog_walker_fog_day", "In fog a walker and a dog pass the driveway, heading left."),
    # set S: the cars' colours with no noun, a cat walking the other way, a deed at the letterbox
    ("street_three_parked_cars_day", "Three cars opposite: red and blue on the left, white on the right."),
    ("backyard_cat_floodlight_night", "A black cat walks left across the floodlit lawn at night."),
    ("front_glare_postwoman", "A person in a red jumper posting letters through the letterbox, in glare."),
    # set T: a side said "to the right", and where the burning thing is
    (
        "driveway_courier_van_lowres",
        "A courier carries a parcel, a white van parked on the street to the right.",
    ),
    ("garage_fire_night", "Flames rise from a wooden crate on the left side of the dark garage at night."),
    # set U: a parcel held where it is set down, the car's other side, a lying person's head
    ("front_courier_parcel_day", "A courier holds a brown cardboard parcel out in both hands at the door."),
    ("driveway_peering_car_night_ir", "Infrared: a figure at the car's right-hand side, looking in."),
    ("living_room_person_down_day", "A person lies on the rug, head towards the blue sofa on the left."),
]
LANDMARK_RIGHT = [
    ("front_hooded_handle_night_ir", "A hooded figure at the front door reaches for the handle at night."),
    ("front_lurker_hedge_night", "A person is partly concealed behind the hedge beside the front window."),
    ("side_gate_hidden_bins_night_ir", "A person crouches just left of the wheelie bins, short of the gate."),
    ("side_gate_empty_dirty_night_ir", "Empty passage at night, one bin against the right-hand wall."),
    (
        "utility_water_leak_day",
        "Water spreads across the floor in front of the washing machines on the left.",
    ),
    ("living_room_person_down_day", "A person lies on the rug in the middle of the room, sofa to the left."),
    (
        "driveway_courier_van_lowres",
        "A courier carries a box up the drive from a white van parked on the left.",
    ),
    ("street_three_parked_cars_day", "A white car on the left and red and blue cars on the right."),
    ("street_three_parked_cars_day", "Three parked cars on the street opposite (white, red, blue)."),
    ("street_dog_walker_fog_day", "In fog a walker and a dog pass the driveway, heading right."),
    ("backyard_deer_morning", "A single deer grazes by the fence beside the shrubs, the shed on the right."),
    ("backyard_cat_floodlight_night", "A black cat stands on the lawn in front of the fence and shed."),
    ("side_gate_cleaner_day", "A person in a blue top stands at the gate beside the wheelie bin."),
    ("street_three_parked_cars_day", "Three cars opposite: white on the left, red and blue on the right."),
    ("backyard_cat_floodlight_night", "A black cat walks right across the floodlit lawn at night."),
    ("street_dog_walker_fog_day", "Fog: someone walking a dog left to right along the footpath."),
    (
        "driveway_courier_van_lowres",
        "A courier carries a parcel up the drive, a white van parked to the left.",
    ),
    ("garage_fire_night", "Flames rise from the workbench on the right, storage boxes on the left."),
    ("front_courier_parcel_day", "A courier in hi-vis stands at the door, a parcel on the step by his feet."),
    ("driveway_peering_car_night_ir", "Infrared: a figure at the car's left-hand side, looking in."),
    ("living_room_person_down_day", "A person lies on the rug, head towards the TV, feet towards the sofa."),
    ("front_glare_postwoman", "A person in a red jumper stands at the door by the letterbox, in glare."),
]


@pytest.mark.parametrize(("frame", "description"), LANDMARK_WRONG)
def test_a_wrong_side_of_a_landmark_or_a_vehicle_colour_fails(frame: str, description: str) -> None:
    assert not _verdict(frame, description).passed, description


@pytest.mark.parametrize(("frame", "description"), LANDMARK_RIGHT)
def test_the_right_side_of_a_landmark_passes(frame: str, description: str) -> None:
    verdict = _verdict(frame, description)
    assert verdict.passed, verdict.reason


# No more vehicles of a colour than the frame has (blind set W); the right counts and colours pass.
@pytest.mark.parametrize(
    ("description", "passes"),
    [
        ("Daytime view of an empty driveway; two white cars and a red car are parked on the street.", False),
        ("Three cars on the street: 2 red cars and a white one.", False),
        ("Several blue cars are parked along the street opposite.", False),
        ("A white car, a red car and a blue car are parked on the street beyond the empty driveway.", True),
        ("Three cars are parked on the street opposite, one white, one red and one blue.", True),
        ("Two cars, a red and a blue one, stand on the right; a white car on the left.", True),
    ],
)
def test_a_count_of_vehicles_of_one_colour_is_held_to_the_frame(description: str, passes: bool) -> None:
    verdict = _verdict("street_three_parked_cars_day", description)
    assert verdict.passed is passes, verdict.reason


def test_colour_counts_are_derived_only_for_day_frames_and_above_the_drawn_count() -> None:
    white = Actor("car", -6.5, 13.0, "street", color="#f0f0ee")
    two_white = _scene("driveway", white, Actor("car", 5.2, 13.0, "street", color="#f4f4f2"))
    assert "two white+cars" not in derived_not_shown(two_white)
    assert "three white+cars" in derived_not_shown(two_white)
    assert "two white+cars" in derived_not_shown(_scene("driveway", white))
    assert not any("white+cars" in c for c in derived_not_shown(_scene("driveway", white, light="ir")))


# A car seen from behind faces away: "facing away from the camera" and "rear towards the camera" say so;
# turned or driving toward the camera does not (blind set X).
@pytest.mark.parametrize(
    ("description", "passes"),
    [
        ("A white car sits on the block-paved driveway facing away from the camera in daylight.", True),
        ("Daytime driveway view: one white car on the drive, rear towards the camera, street empty.", True),
        ("A silver estate is parked on the drive with its back toward the camera.", True),
        ("A silver estate is parked on the drive facing the camera.", False),
        ("A silver estate on the drive, its nose pointing towards the camera.", False),
        ("A silver estate is driving slowly toward the camera up the drive.", False),
    ],
)
def test_a_car_seen_from_behind_faces_away(description: str, passes: bool) -> None:
    verdict = _verdict("driveway_family_car_day", description)
    assert verdict.passed is passes, verdict.reason


# A pose's plain verb is its claim as much as its -ing form ("three people crouch low": hunting set Q);
# and a negated list item that its own word closes negates only itself ("nobody present, wheelie bin
# against the left-hand wall").
@pytest.mark.parametrize(
    ("frame", "description", "passes"),
    [
        (
            "driveway_group_night_ir",
            "On infrared, three people crouch low in the middle of the drive.",
            False,
        ),
        ("driveway_group_night_ir", "Infrared: three people kneel on the driveway at night.", False),
        ("driveway_group_night_ir", "Infrared at night: three people stand together on the driveway.", True),
        (
            "side_gate_empty_dirty_night_ir",
            "At 04:10: nobody present, a bin against the left-hand wall.",
            False,
        ),
        (
            "side_gate_empty_dirty_night_ir",
            "At night: nobody present, a bin against the right-hand wall.",
            True,
        ),
    ],
)
def test_plain_pose_verbs_and_negated_list_items(frame: str, description: str, passes: bool) -> None:
    verdict = _verdict(frame, description)
    assert verdict.passed is passes, verdict.reason


def test_landmarks_are_placed_by_projection_and_beside_needs_distance_on_the_ground_and_in_the_frame() -> (
    None
):
    near = _scene("front_door", Actor("person", -1.9, 5.0, "yard"))  # by the window in the picture
    far = _scene("living_room", Actor("person", -0.5, 3.2, "indoor_floor", pose="lie"))
    assert "person ... beside the window" not in derived_not_shown(near)
    assert "person ... right of+the door" in derived_not_shown(near)
    assert "person ... beside the sofa" in derived_not_shown(far)
    # a bin is drawn from its left front corner: the figure at x 0.3 is left of the bin at 0.5
    bins = _scene("side_gate", Actor("bin", 0.5, 4.8), Actor("person", 0.3, 5.2, "alley", pose="crouch"))
    assert "person ... right of+the bin" in derived_not_shown(bins)
    assert "person ... left of+the bin" not in derived_not_shown(bins)


@pytest.mark.parametrize(
    ("frame", "description", "fails"),
    [
        ("front_empty_day", "An empty front garden with a bicycle leaning against the wall.", True),
        ("backyard_empty_rain_day", "Rain on an empty garden; a garden chair lies on the lawn.", True),
        ("kitchen_smoke_day", "Grey smoke rises from a pan on the hob; nobody is in view.", True),
        ("driveway_empty_night_ir", "An empty driveway at night with a wheelie bin at the entrance.", True),
        ("backyard_dog_day", "A dog digs in the flower bed by the back fence.", True),
        ("front_empty_day", "An empty front garden: no people, bicycles or parcels.", False),
        ("kitchen_smoke_day", "Thick grey smoke fills the kitchen above the hob and the table.", False),
        ("garage_fire_night", "Fire is burning in a box or bin inside the garage at night.", False),
        ("garage_fire_night", "Flames rise from the workbench by the shelves in the garage.", False),
        ("side_gate_empty_dirty_night_ir", "An empty side passage with one wheelie bin, lens dirty.", False),
    ],
)
def test_a_thing_neither_the_backdrop_nor_an_actor_draws_is_invented(
    frame: str, description: str, fails: bool
) -> None:
    assert _verdict(frame, description).passed is not fails, description


@pytest.mark.parametrize(
    ("frame", "description", "fails"),
    [
        ("living_room_empty_day", "An empty living room in daylight with the TV switched on.", True),
        ("living_room_empty_day", "An empty living room; the TV screen is glowing.", True),
        (
            "living_room_empty_day",
            "An empty living room, the TV on the right and the sofa on the left.",
            False,
        ),
        ("driveway_empty_night_ir", "The driveway is clear; only two lit windows across the road.", True),
        (
            "driveway_empty_night_ir",
            "The driveway is clear; six lit windows glow in the houses opposite.",
            False,
        ),
        ("street_three_parked_cars_day", "Three parked cars; two windows opposite catch the sun.", False),
        ("backyard_deer_morning", "Two deer graze on the lawn in the morning.", True),
        ("backyard_deer_morning", "A deer is eating the grass by the fence.", False),
        ("backyard_fox_night_ir", "A fox is eating something on the lawn at night.", True),
        ("backyard_dog_day", "A dog stands on the lawn, barking at the fence.", True),
        ("front_glare_postwoman", "A woman at the door holding a bundle of letters, in glare.", True),
        ("front_glare_postwoman", "A woman in a red top stands at the door in sun glare.", False),
    ],
)
def test_a_drawn_state_count_or_act_is_read_off_the_drawing(
    frame: str, description: str, fails: bool
) -> None:
    assert _verdict(frame, description).passed is not fails, description
