"""Colour truth for the day frames and the description's colours checked against it: a drawn colour
read as the names a careful viewer could fairly use, those names in the manifest, and a description
that gives a car, a van, a bin, a person's clothes or an animal a colour the frame does not show fails."""

from __future__ import annotations

import json
import typing

import pytest
from fixture_render.colours import CANONICAL, colour_names, night_names, scene_colours
from fixture_render.props import PORCH_LAMP
from fixture_render.scenes import SCENES

from homesec_bench.graders.facts import COLOURS
from homesec_bench.models import ModelAnswer, Verdict
from homesec_bench.vision import build_vision_suite, grade_vision, load_fixtures
from homesec_bench.vision.describe import description_expectation, problems
from homesec_bench.vision.expect import expectation, truth_answer
from homesec_bench.vision.manifest import ColourName, FixtureImage, Manifest

SUITE = build_vision_suite()
FIXTURES = load_fixtures()


# ---------------------------------------------------------------------- a drawn colour's names


@pytest.mark.parametrize(
    ("hex_colour", "names"),
    [
        # the three parked cars: white, a dark red, a dark blue that is plainly not black
        ("#f0f0ee", {"white"}),
        ("#7a1f24", {"red", "brown"}),
        ("#2b3f5e", {"blue"}),
        # a light silver estate, a pale grey bin: grey or white
        ("#b9bdc3", {"grey", "white"}),
        ("#9aa0a6", {"grey", "white"}),
        ("#c0c0c0", {"grey", "white"}),
        ("#808080", {"grey"}),
        # near-black clothes: black (and grey, unless almost pure black)
        ("#1d1d1d", {"black"}),
        ("#2b2b2e", {"black", "grey"}),
        # dark, muted or desaturated blues: blue and black or grey too
        ("#1f2a44", {"blue", "black"}),
        ("#4a4f5a", {"blue", "grey", "black"}),
        ("#4f6e8f", {"blue", "grey"}),
        ("#5d6b7a", {"blue", "grey"}),
        # saturated colours are their hue only
        ("#c23a2a", {"red"}),
        ("#0000ff", {"blue"}),
        ("#ff0000", {"red"}),
        ("#ffff00", {"yellow"}),
        ("#00ff00", {"green"}),
        ("#800080", {"purple"}),
        ("#ffc0cb", {"pink"}),
        # near a boundary: both families (lime hi-vis, a fox's red-orange, turquoise)
        ("#d6ea2a", {"yellow", "green"}),
        ("#c0622c", {"red", "orange", "brown"}),
        ("#40e0d0", {"blue", "green"}),
        # dark orange is brown; cream is white or beige; olive is green or brown
        ("#7a5233", {"brown"}),
        ("#8a6744", {"brown"}),
        ("#e9e4da", {"white", "beige"}),
        ("#808000", {"green", "brown"}),
        ("#000000", {"black"}),
        ("#ffffff", {"white"}),
    ],
)
def test_a_drawn_colour_gets_the_names_a_careful_viewer_could_use(hex_colour: str, names: set[str]) -> None:
    assert colour_names(hex_colour) == names


def test_colour_names_are_the_benchmark_colour_table_canonical_names() -> None:
    assert set(typing.get_args(ColourName)) == set(COLOURS.values()) == CANONICAL
    for scene in SCENES:
        for names in scene_colours(scene).values():
            assert set(names) <= CANONICAL
    with pytest.raises(ValueError, match="not a #rrggbb colour"):
        colour_names("blue")


def test_day_and_lamp_lit_frames_have_colour_truth_and_it_is_what_is_drawn() -> None:
    by_id = {s.id: s for s in SCENES}
    for image in FIXTURES.images:
        scene = by_id[image.id]
        assert image.colours == scene_colours(scene), image.id
        # infrared shows no colour, and the garage lit by its fire alone shows everything orange
        if scene.light == "ir" or not scene.lamps_on:
            assert image.colours == {}, image.id
    truth = {i.id: i.colours for i in FIXTURES.images}
    assert truth["street_three_parked_cars_day"] == {"car": ["blue", "brown", "red", "white"]}
    assert truth["driveway_family_car_day"] == {"car": ["grey", "white"]}
    assert truth["backyard_dog_day"]["dog"] == ["beige", "brown", "white"]
    assert truth["driveway_courier_van_lowres"]["van"] == ["white"]
    assert truth["driveway_courier_van_lowres"]["vest"] == ["green", "yellow"]
    assert truth["front_glare_postwoman"] == {
        "bottom": ["black", "blue"], "door": ["black", "blue"], "top": ["red"]
    }  # fmt: skip
    assert truth["driveway_peering_car_night_ir"] == {}  # a silver car, but in infrared
    assert truth["garage_fire_night"] == {}  # lit by the fire alone


def test_the_places_parts_and_lamp_lit_night_frames_have_colour_truth() -> None:
    truth = {i.id: i.colours for i in FIXTURES.images}
    # the front door is navy (its panels near black); the brick wall is no group
    assert truth["front_parcel_on_step_day"] == {"door": ["black", "blue"]}
    assert truth["backyard_deer_morning"]["fence"] == ["brown"]
    assert truth["backyard_deer_morning"]["shed"] == ["black", "green", "grey"]  # sage walls, dark roof
    assert truth["side_gate_cleaner_day"]["gate"] == ["brown"]
    assert truth["living_room_empty_day"] == {"rug": ["brown", "red"], "sofa": ["blue", "grey"]}
    assert truth["kitchen_smoke_day"] == {"cabinet": ["blue", "grey"]}
    # under the porch lamp the visitor's jumper is still green (and dim: black or grey), never blue
    assert truth["front_visitor_evening"]["top"] == ["black", "green", "grey"]
    assert truth["driveway_van_headlights_night"] == {"van": ["beige", "grey", "white"]}
    assert truth["backyard_cat_floodlight_night"]["cat"] == ["black", "grey"]


def test_a_colour_at_night_keeps_its_hue_and_gains_what_dim_lamp_light_makes_of_it() -> None:
    # the green jumper: green, and black or grey in the dim; not blue
    assert night_names("#3c5a3a", (PORCH_LAMP,)) == {"green", "black", "grey"}
    # a white van in its headlights: white, grey in the dark, cream (beige) in their warm light
    assert night_names("#e6e6e2", ((1.0, 0.97, 0.88),)) == {"white", "grey", "beige"}
    # a saturated red stays red (and is dark enough to read black or grey)
    assert "blue" not in night_names("#c23a2a", (PORCH_LAMP,))
    assert night_names("#c23a2a", ()) == {"red"}  # bright: no black or grey


def test_a_manifest_without_colours_still_loads_and_bad_names_are_refused() -> None:
    entry = {
        "id": "garden", "file": "garden.jpg", "camera": "cam", "time_of_day": "day", "indoors": False,
        "level": "normal", "description": "A garden.",
    }  # fmt: skip
    assert Manifest.model_validate({"images": [entry]}).images[0].colours == {}
    ok = Manifest.model_validate({"images": [{**entry, "colours": {"car": ["blue", "grey"]}}]})
    assert ok.images[0].colours == {"car": ["blue", "grey"]}
    for bad in ({"car": ["navy"]}, {"house": ["red"]}):
        with pytest.raises(ValueError):
            Manifest.model_validate({"images": [{**entry, "colours": bad}]})


def test_frames_without_colour_truth_keep_their_expectation_unchanged() -> None:
    for test in SUITE.tests:
        image = FIXTURES.image(test.grader.params["image"])
        assert ("colours" in test.grader.params["expect"]["description"]) == bool(image.colours)


# ---------------------------------------------------------------------- the description's colours


def _verdict(frame: str, description: str) -> Verdict:
    test = next(t for t in SUITE.tests if t.id == f"vision.{frame}")
    body = {**truth_answer(FIXTURES.image(frame)), "description": description}
    return grade_vision(ModelAnswer(content=json.dumps(body)), test.grader.params)


RIGHT = [
    ("street_three_parked_cars_day", "Three cars - white, red and blue - are on the street; no people."),
    ("street_three_parked_cars_day", "Three cars (white, red, blue) parked along the street in daylight."),
    ("street_three_parked_cars_day", "A white, a red and a blue car are parked beyond the empty driveway."),
    ("street_three_parked_cars_day", "A white hatchback, a maroon saloon and a dark blue estate car."),
    ("street_three_parked_cars_day", "Three cars are parked; the one on the right is navy."),
    ("street_three_parked_cars_day", "The cars parked on the street are white, red and blue."),
    ("street_three_parked_cars_day", "A dark blue or black car is parked beyond a red car and a white one."),
    (
        "street_three_parked_cars_day",
        "A red-brick house with a green door and a black lamp post behind cars.",
    ),
    ("street_three_parked_cars_day", "Three cars, none of them black, are parked on the street."),
    ("street_three_parked_cars_day", "There is no black car; a white, a red and a blue car are parked."),
    ("street_three_parked_cars_day", "Three cars are parked, possibly a black one at the far right."),
    ("driveway_family_car_day", "A pale silver or white estate car is parked nose-in on the driveway."),
    ("driveway_family_car_day", "Daytime driveway view with one silver-white hatchback parked."),
    ("driveway_family_car_day", "A grey car is parked on the driveway; no people."),
    ("front_glare_postwoman", "A person in a red jumper and navy trousers stands at the blue front door."),
    ("front_glare_postwoman", "Low sun glares while someone in red waits at the front door."),
    ("front_glare_postwoman", "A person in dark blue jeans and a red top waits at the door."),
    ("side_gate_cleaner_day", "A man in a blue shirt opens the side gate beside a white wheelie bin."),
    ("side_gate_cleaner_day", "A person in a grey-blue jacket and black trousers by a grey bin."),
    ("front_dirty_lens_walker", "Through a smudged lens a man in a grey suit walks across the path."),
    ("front_dirty_lens_walker", "A man in grey walks across the front path; dark spots on the lens."),
    ("front_courier_parcel_day", "A courier in a yellow hi-vis vest and black cap stands at the door."),
    ("front_courier_parcel_day", "A courier in a lime-green high-visibility vest waits by a brown box."),
    ("front_courier_parcel_day", "A delivery driver in a yellow jacket stands at the blue door."),
    ("driveway_courier_van_lowres", "A courier carries a parcel up the driveway from a white panel van."),
    ("driveway_courier_van_lowres", "Blurred frame: the van on the street is white; a courier in yellow."),
    ("backyard_dog_day", "A small brown-and-white terrier with a green collar stands on the lawn."),
    ("backyard_dog_day", "A white dog with brown patches stands near the green shed."),
    ("backyard_dog_day", "A dog that is not black stands on the striped lawn."),
    ("backyard_deer_morning", "A brown deer with a white rump stands on the lawn near the fence."),
    ("living_room_person_down_day", "A person in a blue-grey top lies on the red rug by the blue sofa."),
    ("kitchen_smoke_day", "Thick grey smoke fills the kitchen over the blue cabinets; nobody present."),
    ("kitchen_smoke_day", "Smoke hides the grey-blue kitchen units and the white worktop."),
    # the parts of the place: a door, a fence, a shed, a gate, a sofa, a rug
    ("front_parcel_on_step_day", "A parcel sits on the step of the closed navy front door."),
    ("front_parcel_on_step_day", "A parcel by the dark blue door with its white frame and gold handle."),
    ("front_parcel_on_step_day", "A parcel by the white-framed blue door of a red-brick house."),
    ("front_parcel_on_step_day", "A parcel on the step; the front door is blue and the wall red brick."),
    ("backyard_deer_morning", "A brown deer by the brown wooden fence, the green shed to the right."),
    ("backyard_dog_day", "A dog on the lawn near the grey-green shed with its dark roof."),
    ("side_gate_cleaner_day", "A man in a blue shirt at the dark brown wooden gate; its latch is black."),
    ("living_room_empty_day", "An empty living room with a blue-grey sofa and a red rug."),
    ("living_room_empty_day", "A grey couch, a maroon rug and a black TV in an empty room."),
    # lamp-lit night frames
    ("front_visitor_evening", "After dark a man in a green jumper and dark trousers waits at the blue door."),
    ("front_visitor_evening", "A man in a dark green top waits at the front door under the porch lamp."),
    ("front_lurker_hedge_night", "A figure in a black hoodie behind the hedge; a parcel on the step."),
    ("driveway_van_headlights_night", "A white van with its headlights on at the end of the driveway."),
    ("driveway_arrival_rain_night", "A silver car pulls into the driveway in heavy rain at night."),
    ("backyard_cat_floodlight_night", "A black cat on the lawn before the brown fence at night."),
    ("backyard_fence_climber_floodlight", "A person in a dark blue jacket climbs the brown fence."),
]


@pytest.mark.parametrize(("frame", "description"), RIGHT)
def test_right_colours_in_many_forms_pass(frame: str, description: str) -> None:
    verdict = _verdict(frame, description)
    assert verdict.passed, verdict.reason


WRONG = [
    (
        "street_three_parked_cars_day",
        "Three cars - white, red and black - are on the street beyond the empty driveway in daylight; "
        "no people visible.",
        "a black car",
    ),
    ("street_three_parked_cars_day", "Three cars (white, red, black) parked on the street.", "a black car"),
    ("street_three_parked_cars_day", "A white, a red and a black car are parked.", "a black car"),
    ("street_three_parked_cars_day", "A silver car and a red car are parked.", "a silver car"),
    ("street_three_parked_cars_day", "Three cars are parked; the car on the right is black.", "a black car"),
    ("street_three_parked_cars_day", "Three cars are parked; the black one is at the right.", "a black car"),
    ("street_three_parked_cars_day", "Three vehicles, one of them green, are parked.", "a green vehicle"),
    ("street_three_parked_cars_day", "Nobody is near the black car on the right.", "a black car"),
    ("driveway_family_car_day", "A red estate car is parked on the driveway.", "a red car"),
    ("front_glare_postwoman", "A person in a black coat stands at the front door in glare.", "a black coat"),
    ("front_glare_postwoman", "A person in a green jumper stands at the front door.", "a green jumper"),
    ("side_gate_cleaner_day", "A man in a red jacket opens the side gate.", "a red jacket"),
    ("side_gate_cleaner_day", "A man whose jacket is red opens the side gate.", "a red jacket"),
    ("front_dirty_lens_walker", "A man in red walks across the front path.", "red clothes"),
    ("driveway_courier_van_lowres", "A courier walks up the driveway from a blue van.", "a blue van"),
    ("driveway_courier_van_lowres", "A courier walks up from the van, which is silver.", "a silver van"),
    ("front_courier_parcel_day", "A courier in an orange hi-vis vest stands at the door.", "an orange vest"),
    ("backyard_dog_day", "A black and white dog stands on the lawn.", "a black dog"),
    ("backyard_dog_day", "A small dog, black and tan, stands on the lawn.", "a black dog"),
    ("backyard_deer_morning", "A grey deer stands on the lawn near the fence.", "a grey deer"),
    # the blind set K answer: the front door is navy, the brick wall red
    (
        "front_parcel_on_step_day",
        "A single cardboard parcel has been left on the doorstep in front of the closed red front "
        "door; nobody is around.",
        "a red door",
    ),
    ("front_parcel_on_step_day", "A parcel on the step; the front door is green.", "a green door"),
    ("backyard_deer_morning", "A deer stands by the grey fence.", "a grey fence"),
    ("backyard_dog_day", "A dog on the lawn beside a red shed.", "a red shed"),
    ("side_gate_cleaner_day", "A man in a blue shirt opens the green gate.", "a green gate"),
    ("living_room_empty_day", "An empty living room with a green sofa and a red rug.", "a green sofa"),
    ("living_room_empty_day", "An empty living room with a blue sofa and a blue rug.", "a blue rug"),
    ("kitchen_smoke_day", "Smoke fills the kitchen over the white cupboards.", "a white cupboard"),
    # the blind set K answer: a lamp-lit night frame, and the jumper is green
    (
        "front_visitor_evening",
        "After dark, a person in a blue jumper and dark trousers stands at the front door under the lit "
        "porch light.",
        "a blue jumper",
    ),
    ("front_lurker_hedge_night", "A person in a green hoodie hides behind the hedge.", "a green hoodie"),
    ("driveway_van_headlights_night", "A black van with headlights on waits at night.", "a black van"),
    ("driveway_arrival_rain_night", "A red car pulls into the driveway at night.", "a red car"),
    ("backyard_fence_climber_floodlight", "A person in a red jacket climbs the fence.", "a red jacket"),
]


@pytest.mark.parametrize(("frame", "description", "reason"), WRONG)
def test_a_colour_the_frame_does_not_show_fails(frame: str, description: str, reason: str) -> None:
    verdict = _verdict(frame, description)
    assert not verdict.passed and verdict.error_type == "bad_description"
    assert f"states {reason}, but the frame's" in verdict.reason, verdict.reason


def test_the_reason_names_the_colours_the_frame_shows() -> None:
    verdict = _verdict("street_three_parked_cars_day", "Three cars - white, red and black - are parked.")
    assert "states a black car, but the frame's cars are blue, brown, red, white" in verdict.reason


def test_without_colour_truth_no_colour_is_checked() -> None:
    # an infrared frame has none; a user's frame without the field has none
    assert _verdict("driveway_peering_car_night_ir", "A person peers into a black car on the drive.").passed
    image = FixtureImage(
        id="street", file="street.jpg", camera="cam", time_of_day="day", indoors=False, level="normal",
        description="A car on the street.",
        objects=[{"class": "car", "count": 1, "position": "street"}],  # type: ignore[list-item]
    )  # fmt: skip
    params = {"image": image.id, "expect": expectation(image)}
    assert "colours" not in params["expect"]["description"]
    body = {**truth_answer(image), "description": "A black car is parked on the street."}
    assert grade_vision(ModelAnswer(content=json.dumps(body)), params).passed
    coloured = image.model_copy(update={"colours": {"car": ["blue"]}})
    assert not grade_vision(ModelAnswer(content=json.dumps(body)), {"expect": expectation(coloured)}).passed


def test_a_group_the_truth_does_not_list_is_not_checked() -> None:
    expect = description_expectation(
        people=1, vehicles=1, packages=0, animals=[], hazards=[], tolerance=lambda kind, n: 0,
        colours={"car": ["white"]},
    )  # fmt: skip
    assert problems("A person in a purple coat stands by the white car.", expect) == []
    assert problems("A white car by the red door, a green hedge and a blue bin.", expect) == []
    assert problems("A black car by the white door.", expect) == [
        "states a black car, but the frame's cars are white"
    ]


def test_the_dogs_collar_has_colour_truth_and_a_wrong_collar_fails() -> None:
    dog = next(s for s in SCENES if s.id == "backyard_dog_day")
    assert scene_colours(dog)["collar"] == ["green"]
    assert _verdict(
        "backyard_dog_day", "A white dog with brown patches and a green collar on the lawn."
    ).passed
    wrong = _verdict("backyard_dog_day", "A white dog with brown patches and a red collar on the lawn.")
    assert not wrong.passed
    assert "collar" in wrong.reason
