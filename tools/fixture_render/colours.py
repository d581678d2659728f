"""Colour truth: the colour names a careful viewer could fairly give each thing drawn in a day frame.

`colour_names(hex)` reads one drawn colour as the canonical names of the benchmark's colour table
(`homesec_bench.graders.facts.COLOURS`: silver is grey, navy blue, maroon red...). It is lenient where
a viewer could fairly say either and strict where a name is plainly wrong:

- a light silver or pale grey is grey or white; a near-black is black, and grey unless almost pure;
- a dark, muted colour is black or grey as well as its hue (navy trousers are blue or black);
- a desaturated cool colour is grey as well as its hue (a slate-blue jacket is blue or grey);
- a hue near a family boundary is both families (lime hi-vis yellow is yellow or green, a fox's
  red-orange both); a dark red or orange is also brown, a dark orange only brown;
- but a clearly saturated colour is only its hue: a dark blue car is blue, never black or grey.

`scene_colours(scene)` gathers the names per group (car, van, bin, a person's top, bottom, cap and
hi-vis vest, each animal kind by its coat, a dog's collar) from the actors as drawn, and the named
parts of the backdrop (the front door, the back fence and shed, the side gate, the sofa and rug, the kitchen
units: `backdrops.NAMED`), so the truth cannot disagree with the pixels.

Day frames and lamp-lit night frames get it; infrared frames show no colour, and a frame lit only by
a fire shows everything orange. Under a lamp at night (`night_names`) a colour keeps its own names and
gains those it has under the lamp's light (the porch lamp's warmth turns the navy door teal: blue or
green), and dim light makes a dark or mid colour black or grey too and white grey; a hue the frame
does not show stays wrong (the visitor's green jumper is never blue).
"""

from __future__ import annotations

import colorsys
from typing import TYPE_CHECKING

from fixture_render.animals import COATS, DOG_COLLAR
from fixture_render.backdrops import (
    BACK_FENCE,
    BACK_FENCE_POSTS,
    FLOODLIGHT,
    FRONT_DOOR,
    FRONT_DOOR_PANELS,
    KITCHEN_UNITS,
    RUG,
    SHED,
    SHED_DOOR,
    SHED_ROOF,
    SIDE_FENCE,
    SIDE_GATE,
    SOFA,
)
from fixture_render.figures import HIVIS_VEST
from fixture_render.props import PORCH_LAMP
from fixture_render.vehicles import HEADLIGHT
from homesec_bench.graders.facts import COLOURS

if TYPE_CHECKING:
    from fixture_render.scene import Scene

CANONICAL = frozenset(COLOURS.values())
# Hue families in degrees; the ranges overlap where a viewer could fairly say either.
_HUES: tuple[tuple[float, float, str], ...] = (
    (0, 12, "red"),
    (340, 360, "red"),
    (10, 25, "red"),  # red-orange: both
    (18, 45, "orange"),
    (42, 70, "yellow"),
    (62, 180, "green"),  # from lime (yellow-green: both)
    (165, 255, "blue"),  # from turquoise (green-blue: both)
    (245, 320, "purple"),
    (305, 345, "pink"),  # from magenta (purple-pink: both)
    (330, 345, "red"),
)
_WARM = ((0, 50), (340, 360))


def _in(hue: float, ranges: tuple[tuple[float, float], ...]) -> bool:
    return any(lo <= hue < hi for lo, hi in ranges)


def colour_names(hex_colour: str) -> frozenset[str]:
    """The canonical colour names a careful human could use for this drawn colour ("#2b3f5e": blue)."""
    text = hex_colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {hex_colour!r}")
    r, g, b = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    hue, chroma = h * 360, v - min(r, g, b)
    names: set[str] = set()
    # Black, grey and white: how dark and how colourless.
    if v < 0.22 or (v < 0.32 and chroma < 0.16) or (v < 0.42 and chroma < 0.07):
        names.add("black")
    cool = 150 <= hue < 300
    if 0.14 <= v < 0.88 and (
        chroma < 0.08 or (v < 0.42 and s < 0.35) or (v >= 0.25 and s < (0.5 if cool else 0.3))
    ):
        names.add("grey")
    if (chroma < 0.08 and v >= 0.6) or (s < 0.15 and v >= 0.85):
        names.add("white")
    # The hue, where there is one to see.
    if chroma >= 0.06 and s >= 0.15 and v >= 0.15:
        names |= {name for lo, hi, name in _HUES if lo <= hue < hi}
        if "orange" in names and (v < 0.6 or s < 0.4):
            names.discard("orange")  # a dark orange is brown, a pale one tan or beige
        if 42 <= hue < 70 and v < 0.55:
            names.discard("yellow")  # a dark yellow is olive: green or brown
            names |= {"green", "brown"}
        if _in(hue, _WARM) and (v < 0.66 or (10 <= hue < 50 and v < 0.82)):
            names.add("brown")  # dark red, orange and yellow; a muted orange too
        if _in(hue, ((0, 15), (330, 360))) and s < 0.55 and v >= 0.75:
            names.add("pink")  # a pale red
            if s < 0.35:
                names.discard("red")  # too pale to be red
        if 38 <= hue < 55 and s >= 0.45 and v >= 0.55:
            names.add("gold")
    if 20 <= hue < 65 and 0.05 <= s < 0.45 and v >= 0.6:
        names.add("beige")  # cream, sand, stone
    assert names <= CANONICAL, names - CANONICAL
    return frozenset(names)


# The parts of each backdrop a description may give a colour (only those with one definite drawn
# colour: the houses across the street have doors of three colours, the patio doors are glass).
NAMED: dict[str, dict[str, tuple[str, ...]]] = {
    "front_door": {"door": (FRONT_DOOR, FRONT_DOOR_PANELS)},
    "backyard": {
        "fence": (BACK_FENCE, BACK_FENCE_POSTS),
        "shed": (SHED, SHED_DOOR, SHED_ROOF),
        "door": (SHED_DOOR,),  # the only door in view is the shed's
    },
    "side_gate": {"gate": (SIDE_GATE,), "fence": (SIDE_FENCE,)},
    "living_room": {"sofa": SOFA, "rug": (RUG,)},
    "kitchen": {"cabinet": KITCHEN_UNITS},
}
# What lights a lamp-lit night frame's things, per backdrop: the porch lamp, the floodlight over the
# back lawn, and on the driveway the vehicles' own headlamps (the street lamp stands off to the side).
NIGHT_LIGHT: dict[str, tuple[tuple[float, float, float], ...]] = {
    "front_door": (PORCH_LAMP,),
    "backyard": (FLOODLIGHT,),
    "driveway": (HEADLIGHT,),
}
_DIM = 0.6  # at night a colour darker than this (HSV value) may fairly be called black or grey


def night_names(hex_colour: str, lights: tuple[tuple[float, float, float], ...]) -> frozenset[str]:
    """The names a careful viewer could give this drawn colour under these lamps at night: its own,
    those of the colour the lamp's light makes of it, black and grey where it is dark or mid, grey
    where it is white."""
    names = set(colour_names(hex_colour))
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    for light in lights:
        lit = "#" + "".join(f"{round(min(1.0, c * k) * 255):02x}" for c, k in zip(rgb, light, strict=True))
        names |= colour_names(lit)
    if max(rgb) < _DIM:
        names |= {"black", "grey"}
    if "white" in names:
        names.add("grey")
    return frozenset(names)


def lamp_lit(scene: Scene) -> bool:
    """A night frame in colour, lit by its lamps (not infrared, not lit by a fire alone)."""
    return scene.light == "night" and scene.lamps_on


def scene_colours(scene: Scene) -> dict[str, list[str]]:
    """The colour names per group of what the scene draws: empty unless it is a day frame or a
    lamp-lit night frame."""
    if scene.light != "day" and not lamp_lit(scene):
        return {}
    lights = NIGHT_LIGHT.get(scene.backdrop, ()) if scene.light == "night" else None
    groups: dict[str, set[str]] = {}

    def add(group: str, *hexes: str) -> None:
        for hex_colour in hexes:
            names = colour_names(hex_colour) if lights is None else night_names(hex_colour, lights)
            groups.setdefault(group, set()).update(names)

    for group, hexes in NAMED.get(scene.backdrop, {}).items():
        add(group, *hexes)

    for actor in scene.actors:
        if actor.kind in ("car", "van", "bin"):
            add(actor.kind, actor.color)
        elif actor.kind in COATS:
            add(actor.kind, *COATS[actor.kind])
            if actor.kind == "dog":  # the collar is drawn on every dog
                add("collar", DOG_COLLAR)
        elif actor.kind == "person":
            outfit = actor.outfit
            # A hi-vis vest covers the torso: "a yellow jacket" is fair for it.
            add("top", outfit.top, *([HIVIS_VEST] if outfit.hivis else []))
            add("bottom", outfit.bottom)
            if outfit.cap:
                add("cap", outfit.cap)
            if outfit.hivis:
                add("vest", HIVIS_VEST)
    return {group: sorted(names) for group, names in sorted(groups.items())}
