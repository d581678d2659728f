"""The packaged frames and manifest, user frames via a fixtures folder, data URIs, and the generator."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import pytest
from fixture_render.compare import compare_fixtures
from fixture_render.scenes import SCENES
from PIL import Image

from homesec_bench.vision import (
    FIXTURES_DIR,
    FixtureError,
    build_vision_suite,
    grade_vision,
    image_data_uri,
    load_fixtures,
    neutral_image_data_uri,
)

STABLE_IDS = [
    "front_courier_parcel_day",
    "front_parcel_on_step_day",
    "front_two_parcels_night_ir",
    "front_visitor_evening",
    "front_hooded_handle_night_ir",
    "front_empty_day",
    "front_glare_postwoman",
    "front_dirty_lens_walker",
    "front_lurker_hedge_night",
    "driveway_family_car_day",
    "driveway_empty_night_ir",
    "driveway_peering_car_night_ir",
    "driveway_van_headlights_night",
    "street_three_parked_cars_day",
    "driveway_arrival_rain_night",
    "street_dog_walker_fog_day",
    "driveway_group_night_ir",
    "driveway_courier_van_lowres",
    "backyard_dog_day",
    "backyard_fox_night_ir",
    "backyard_cat_floodlight_night",
    "backyard_deer_morning",
    "backyard_hedgehog_night_ir",
    "backyard_fence_climber_floodlight",
    "backyard_empty_rain_day",
    "side_gate_hidden_bins_night_ir",
    "side_gate_cleaner_day",
    "side_gate_empty_dirty_night_ir",
    "kitchen_smoke_day",
    "garage_fire_night",
    "utility_water_leak_day",
    "living_room_person_down_day",
    "living_room_torch_intruder_night_ir",
    "living_room_empty_day",
    "living_room_dog_night_ir",
]


def _decode(uri: str) -> Image.Image:
    header, data = uri.split(",", 1)
    assert header.startswith("data:image/") and header.endswith(";base64")
    return Image.open(io.BytesIO(base64.b64decode(data)))


# ---------------------------------------------------------------------- the packaged set


def test_packaged_manifest_lists_every_stable_id_with_a_small_frame() -> None:
    manifest = load_fixtures()
    assert len(STABLE_IDS) == 35  # the size issue 5 promises; a new frame is a deliberate change here
    assert [i.id for i in manifest.images] == STABLE_IDS
    assert [s.id for s in SCENES] == STABLE_IDS  # the generator renders exactly the packaged set
    total = 0
    for image in manifest.images:
        path = FIXTURES_DIR / image.file
        total += path.stat().st_size
        with Image.open(path) as im:
            assert im.size == (640, 360) and im.format == "JPEG"
        assert image.sha256 and image.sources == ["homesec_procedural"]
    assert total < 5_000_000
    # a frame dropped from the manifest must not linger in the package
    assert sorted(p.name for p in FIXTURES_DIR.glob("*.jpg")) == sorted(i.file for i in manifest.images)
    assert {s.id for s in manifest.sources} == {"homesec_procedural"}
    assert all(s.licence for s in manifest.sources)


def test_packaged_frames_cover_the_scenes_the_suite_promises() -> None:
    images = load_fixtures().images
    assert sum(i.person_at_door and i.time_of_day == "day" for i in images) >= 3
    assert sum(i.person_at_door and i.time_of_day == "night" for i in images) >= 2
    assert any(i.people >= 3 for i in images)  # a group, not just one person at a time
    positions = {(o.cls, o.position) for i in images for o in i.objects}
    assert {("car", "driveway"), ("car", "street"), ("van", "street"), ("package", "at_door")} <= positions
    assert {a for i in images for a in i.animals} >= {"dog", "cat", "fox", "deer", "hedgehog"}
    assert sum(not i.objects and not i.hazards for i in images) >= 4  # frames where nothing is to report
    assert sum("infrared" in i.conditions for i in images) >= 8
    assert {c for i in images for c in i.conditions} == {
        "infrared",
        "rain",
        "fog",
        "glare",
        "headlights",
        "dirty_lens",
    }
    assert {h for i in images for h in i.hazards} == {"fire", "smoke", "water_leak", "fallen_person"}
    assert {i.level for i in images} == {"normal", "monitor", "suspicious", "critical"}
    assert sum(i.indoors for i in images) >= 6


# ---------------------------------------------------------------------- data URIs


def test_image_data_uri_sends_the_file_and_resizes_on_request() -> None:
    uri = image_data_uri("front_empty_day")
    assert base64.b64decode(uri.split(",", 1)[1]) == (FIXTURES_DIR / "front_empty_day.jpg").read_bytes()
    small = _decode(image_data_uri("front_empty_day", max_side=320))
    assert small.size == (320, 180)
    same = image_data_uri("front_empty_day", max_side=2000)
    assert same == uri
    with pytest.raises(FixtureError, match="no fixture with id 'nope'"):
        image_data_uri("nope")
    with pytest.raises(FixtureError, match="--vlm-image-size"):
        image_data_uri("front_empty_day", max_side=4)


def test_neutral_frame_is_plain_grey_with_an_overlay() -> None:
    im = _decode(neutral_image_data_uri()).convert("L")
    assert im.size == (640, 360)
    hist = im.histogram()
    assert sum(hist[120:137]) / (640 * 360) > 0.9  # almost all grey...
    assert sum(hist[200:]) > 50  # ...but for the timestamp text
    assert _decode(neutral_image_data_uri(224)).size == (224, 126)


# ---------------------------------------------------------------------- a user's own frames


def _user_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "frames"
    folder.mkdir()
    Image.new("RGB", (800, 600), (30, 90, 40)).save(folder / "garden.png")
    Image.new("RGB", (320, 240), (200, 200, 200)).save(folder / "hall.jpg")
    manifest = {
        "name": "my cameras",
        "sources": [{"id": "mine", "description": "stills from my own cameras", "licence": "private"}],
        "images": [
            {"id": "garden_dog", "file": "garden.png", "camera": "garden", "time_of_day": "day",
             "indoors": False, "objects": [{"class": "dog", "position": "yard"}], "level": "normal",
             "description": "Our dog on the lawn.", "sources": ["mine"]},
            {"id": "hall_smoke", "file": "hall.jpg", "camera": "hall", "time_of_day": "night",
             "indoors": True, "conditions": ["infrared"], "hazards": ["smoke"], "level": "critical",
             "description": "Smoke in the hall.", "sources": ["mine"]},
        ],
    }  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_user_frames_build_a_suite_with_the_same_grader(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path)
    suite = build_vision_suite(folder)
    assert [t.id for t in suite.tests] == ["vision.garden_dog", "vision.hall_smoke"]
    for t in suite.tests:
        assert grade_vision(t.reference[0], t.grader.params).passed
    uri = image_data_uri("garden_dog", fixtures_dir=folder)
    assert uri.startswith("data:image/png;base64,")
    assert _decode(image_data_uri("garden_dog", fixtures_dir=folder, max_side=400)).size == (400, 300)


def _broken(tmp_path: Path, edit) -> Path:
    folder = _user_dir(tmp_path)
    edit(folder)
    return folder


@pytest.mark.parametrize(
    ("edit", "names", "says"),
    [
        (
            lambda f: (f / "manifest.json").write_text("{not json", encoding="utf-8"),
            "manifest.json",
            "not valid JSON",
        ),
        (
            lambda f: (f / "manifest.json").write_text('{"images": []}', encoding="utf-8"),
            "manifest.json",
            "invalid",
        ),
        (lambda f: (f / "manifest.json").unlink(), "manifest.json", "not found"),
        (
            lambda f: (f / "garden.png").write_bytes(b"this is not a picture"),
            "garden.png",
            "not a readable image",
        ),
        (lambda f: (f / "hall.jpg").unlink(), "hall.jpg", "cannot read image hall_smoke"),
    ],
    ids=["bad_json", "bad_schema", "no_manifest", "unreadable_image", "missing_image"],
)
def test_bad_fixtures_are_one_line_errors_naming_the_file(
    tmp_path: Path, edit, names: str, says: str
) -> None:
    folder = _broken(tmp_path, edit)
    with pytest.raises(FixtureError) as info:
        load_fixtures(folder)
    message = str(info.value)
    assert names in message and says in message and "\n" not in message


def test_bad_manifest_field_is_named(tmp_path: Path) -> None:
    folder = _user_dir(tmp_path)
    data = json.loads((folder / "manifest.json").read_text())
    data["images"][1]["level"] = "panic"
    (folder / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(FixtureError, match=r"manifest.json: invalid manifest \(images.1.level"):
        load_fixtures(folder)
    with pytest.raises(FixtureError, match="no such folder"):
        load_fixtures(tmp_path / "absent")


def test_tampered_packaged_frame_is_caught_by_its_sha256(tmp_path: Path) -> None:
    copy = tmp_path / "fx"
    shutil.copytree(FIXTURES_DIR, copy)
    with Image.open(copy / "backyard_dog_day.jpg") as im:
        im.rotate(180).save(copy / "backyard_dog_day.jpg", quality=80)
    with pytest.raises(FixtureError, match=r"backyard_dog_day\.jpg: content does not match its sha256"):
        load_fixtures(copy)


# ---------------------------------------------------------------------- the generator


def _covering_subset() -> list[str]:
    """Few scenes that together use every lighting, camera effect and drawn hazard (greedy set cover);
    `python tools/generate_fixtures.py --check` compares all of them."""

    def features(s) -> set[str]:
        drawn = {f"h:{h}" for h in s.hazards if h in ("fire", "smoke")}
        return {
            f"l:{s.light}",
            f"i:{s.backdrop in ('kitchen', 'garage', 'utility', 'living_room')}",
            *drawn,
        } | {f"e:{e}" for e in s.effects}

    todo = set().union(*(features(s) for s in SCENES))
    chosen: list[str] = []
    while todo:
        best = max(SCENES, key=lambda s: len(features(s) & todo))
        chosen.append(best.id)
        todo -= features(best)
    return chosen


def test_generator_reproduces_the_committed_frames(tmp_path: Path) -> None:
    from fixture_render.generate import generate

    ids = _covering_subset()
    assert len(ids) <= 7
    generate(tmp_path, ids)
    assert compare_fixtures(FIXTURES_DIR, tmp_path, ids) == []


def test_reproduction_check_notices_a_different_frame(tmp_path: Path) -> None:
    copy = tmp_path / "fx"
    shutil.copytree(FIXTURES_DIR, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    for entry in manifest["images"]:
        entry["sha256"] = None
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with Image.open(copy / "front_empty_day.jpg") as im:
        im.point(lambda v: min(255, v + 6)).save(copy / "front_empty_day.jpg", quality=95)
    problems = compare_fixtures(FIXTURES_DIR, copy, ["front_empty_day", "backyard_dog_day"])
    assert len(problems) == 1 and problems[0].startswith("front_empty_day: mean abs pixel difference")
