"""A scene description in, a camera frame and its ground truth out.

The truth is derived from the same actors that are drawn (counts, classes, positions, and by day the
colours: `colours.py`), so a frame cannot show a person its manifest entry forgets: the fixtures are
right by construction. Only the judgement calls (the security level, the tolerated alternatives, the
description) are written by hand.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from fixture_render import effects
from fixture_render.animals import draw_animal
from fixture_render.backdrops import BACKDROPS, Env
from fixture_render.canvas import Canvas
from fixture_render.claims import not_shown
from fixture_render.colours import scene_colours
from fixture_render.figures import Outfit, draw_person
from fixture_render.props import parcel, shrub, wheelie_bin
from fixture_render.shapes import box
from fixture_render.vehicles import car_front, car_rear, car_side, van_side
from homesec_bench.vision.manifest import FixtureImage, SceneObject

SOURCE_ID = "homesec_procedural"
ANIMALS = {"dog", "cat", "fox", "deer", "bird", "hedgehog"}
CAMERA_LABELS = {
    "cam_front_door": "FRONT DOOR",
    "cam_driveway": "DRIVEWAY",
    "cam_backyard": "BACKYARD",
    "cam_side_gate": "SIDE GATE",
    "cam_garage": "GARAGE",
    "cam_living_room": "LIVING ROOM",
    "cam_kitchen": "KITCHEN",
    "cam_utility": "UTILITY ROOM",
}


@dataclass(frozen=True)
class Actor:
    """Something drawn in the scene. `position` is its ground-truth place; props have none."""

    kind: str  # person | car | van | parcel | dog | cat | fox | deer | bird | hedgehog | bin | shrub | hedge
    x: float
    z: float
    position: str | None = None
    pose: str = "stand"
    facing: str = "front"
    outfit: Outfit = field(default_factory=Outfit)
    color: str = "#9aa0a6"
    view: str = "side"  # a vehicle seen from the side, the rear or the front
    lights: bool = False
    y: float = 0.0
    size: tuple[float, ...] = ()


@dataclass(frozen=True)
class Scene:
    id: str
    camera: str
    backdrop: str
    timestamp: str  # as burnt into the frame: "2026-03-17 14:20:33"
    light: str  # day | night (colour, lamps) | ir (infrared night vision)
    actors: tuple[Actor, ...]
    level: str
    description: str
    level_ok: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()  # rain | fog | glare | headlights | dirty_lens | lowres
    conditions_ok: tuple[str, ...] = ()
    hazards: tuple[str, ...] = ()  # fire | smoke | water_leak | fallen_person
    hazards_ok: tuple[str, ...] = ()
    either: tuple[str, ...] = ()  # fields the frame cannot decide: person_at_door, indoors, time_of_day
    # Claims a careful viewer can see are false here (an act, a pose, a place, an unreadable plate):
    # a description that makes one, by any common wording and not negated, fails.
    not_shown: tuple[str, ...] = ()
    lamps_on: bool = True
    distortion: float = 0.1
    sun: tuple[float, float] = (560.0, 40.0)
    flame: tuple[float, float, float, float] = (0, 0, 0, 0)  # x, y, width, height in output pixels
    smoke_source: tuple[float, float] = (320.0, 200.0)


def seed_of(scene_id: str) -> int:
    return zlib.crc32(scene_id.encode("utf-8")) & 0x7FFFFFFF


def truth(scene: Scene) -> FixtureImage:
    """The manifest entry for a scene, counted from its actors."""
    counted: dict[tuple[str, str], int] = {}
    for a in scene.actors:
        cls = {"parcel": "package"}.get(a.kind, a.kind)
        if a.position is None:
            continue
        counted[(cls, a.position)] = counted.get((cls, a.position), 0) + 1
        if a.kind == "person" and a.outfit.carries == "box":  # a parcel in someone's arms is in view too
            counted[("package", a.position)] = counted.get(("package", a.position), 0) + 1
    objects = [SceneObject(cls=c, count=n, position=p) for (c, p), n in counted.items()]
    conditions = [c for c in ("infrared",) if scene.light == "ir"]
    conditions += [e for e in scene.effects if e in ("rain", "fog", "glare", "headlights", "dirty_lens")]
    return FixtureImage(
        id=scene.id,
        file=f"{scene.id}.jpg",
        camera=scene.camera,
        time_of_day="day" if scene.light == "day" else "night",
        indoors=BACKDROPS[scene.backdrop].indoors,
        conditions=conditions,
        conditions_ok=list(scene.conditions_ok),
        objects=objects,
        hazards=list(scene.hazards),
        hazards_ok=list(scene.hazards_ok),
        level=scene.level,
        level_ok=list(scene.level_ok),
        either=list(scene.either),  # type: ignore[arg-type]
        not_shown=not_shown(scene),
        colours=scene_colours(scene),  # type: ignore[arg-type]
        description=scene.description,
        sources=[SOURCE_ID],
    )


def render(scene: Scene) -> Image.Image:
    """Draw the scene and pass it through its camera: the finished frame, before JPEG encoding."""
    seed = seed_of(scene.id)
    rng = np.random.default_rng(seed)
    bd = BACKDROPS[scene.backdrop]
    night = scene.light != "day"
    cv = Canvas(bd.view)
    bd.draw(cv, Env(night=night, seed=seed % 10_000, lamps_on=scene.lamps_on))
    for a in sorted(scene.actors, key=lambda a: -a.z):
        _draw_actor(cv, a, scene.light)
    fr = effects.Frame.from_canvas(cv)
    if "fire" in scene.hazards:
        effects.flames(fr, seed, *scene.flame)
    if scene.light == "night":
        effects.night_light(fr)
    elif scene.light == "ir":
        effects.infrared(fr)
    if "fog" in scene.effects:
        effects.fog(fr, 9.0, (0.16, 0.17, 0.19) if night else (0.78, 0.8, 0.82))
    if "smoke" in scene.hazards:
        effects.smoke(fr, seed, scene.smoke_source)
    img = effects.bloom(fr.rgb, fr.lights, night or "headlights" in scene.effects)
    if "rain" in scene.effects:
        img = effects.rain(img, rng, night)
    if "glare" in scene.effects:
        img = effects.glare(img, scene.sun)
    if "dirty_lens" in scene.effects:
        img = effects.dirty_lens(img, rng)
    img = effects.soften(img)
    img = effects.barrel(img, scene.distortion)
    sigma = 0.045 if scene.light == "ir" else 0.035 if night else 0.012
    img = effects.sensor_noise(img, rng, sigma, 0.0 if scene.light == "ir" else sigma * 0.5)
    if "lowres" in scene.effects:
        img = effects.low_resolution(img, 3)
    label = CAMERA_LABELS.get(scene.camera, scene.camera.upper())
    return effects.overlay(effects.to_pil(img), scene.timestamp, label)


def _draw_actor(cv: Canvas, a: Actor, light: str) -> None:
    night = light != "day"
    if a.kind == "person":
        draw_person(cv, a.x, a.z, a.outfit, a.pose, a.facing, y=a.y, night=night)
    elif a.kind in ANIMALS:
        scale = a.size[0] if a.size else 1.0  # an animal's `size` is a scale beyond life size
        draw_animal(cv, a.kind, a.x, a.z, a.facing, night, a.y, scale=scale, ir=light == "ir")
    elif a.kind == "car":
        if a.view == "rear":
            car_rear(cv, a.x, a.z, a.color)
        elif a.view == "front":
            car_front(cv, a.x, a.z, a.color, a.lights)
        else:
            car_side(cv, a.x, a.z, a.color, a.facing, a.lights)
    elif a.kind == "van":
        van_side(cv, a.x, a.z, a.color, a.facing, a.lights)
    elif a.kind == "parcel":
        parcel(cv, a.x, a.z, *a.size, y=a.y)
    elif a.kind == "bin":
        wheelie_bin(cv, a.x, a.z, a.color)
    elif a.kind == "shrub":
        shrub(cv, a.x, a.z, a.size[0] if a.size else 0.5, int(a.x * 100 + a.z * 10) & 0xFFFF, a.color)
    elif a.kind == "block":  # a plain solid, e.g. a low wall that hides someone
        x1, y1, z1 = a.size
        box(cv, a.x, x1, a.y, y1, a.z, z1, a.color)
    elif a.kind == "water":
        _water(cv, a)
    else:
        raise ValueError(f"scene actor of unknown kind {a.kind!r}")


def _water(cv: Canvas, a: Actor) -> None:
    """A sheet of water on a hard floor: darker, glossy, with reflected highlights."""
    from fixture_render.canvas import fbm

    w, d = a.size

    def tex(x: np.ndarray, z: np.ndarray) -> np.ndarray:
        n = fbm(x * 2, z * 6, 0.6, 7, 3)
        base = np.array([0.3, 0.34, 0.38], dtype=np.float32)
        sheen = np.clip((n - 0.6) * 5, 0, 1)[:, None]  # the ceiling light caught in ripples
        return np.clip(base[None, :] * (0.8 + 0.3 * n[:, None]) + sheen * 0.85, 0, 1)

    pts = []
    rng = np.random.default_rng(int(w * 1000 + d * 100))
    for i in range(18):
        t = 2 * np.pi * i / 18
        r = 1.0 + 0.25 * rng.standard_normal()
        pts.append((a.x + np.cos(t) * w / 2 * r, a.z + np.sin(t) * d / 2 * r))
    cv.ground(tex, y=0.005, polygon_xz=pts, opacity=0.62)
