"""The places the household's cameras look at, each with its own camera height and framing.

A backdrop draws the fixed scene (ground, walls, doors, furniture) and says where things can stand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fixture_render.canvas import (
    OUT_H,
    OUT_W,
    SUPERSAMPLE,
    Canvas,
    Light,
    View,
    fbm,
    rgb,
    value_noise,
)
from fixture_render.props import hedge, shrub, tree, wall_lamp
from fixture_render.shapes import Painter, box

# Drawn colours a description may name, single-sourced: the drawing uses them, and so does the frames'
# colour truth (`fixture_render.colours.NAMED`).
FRONT_DOOR = "#23394f"  # navy
FRONT_DOOR_PANELS = "#1d3044"
BACK_FENCE = "#7b5a3c"  # brown boards
BACK_FENCE_POSTS = "#5c4129"
SHED = "#6f7a55"  # sage green
SHED_DOOR = "#5d6849"
SHED_ROOF = "#3b3b3e"
SIDE_GATE = "#523a27"  # dark brown
SIDE_FENCE = "#6e5037"
SOFA = ("#56637a", "#3f495b", "#66748d", "#4f5b70", "#3a4354", "#5d6a80")  # slate blue, seat and back
RUG = "#7d3f3f"  # deep red
KITCHEN_UNITS = ("#5f7a8c", "#4b6070", "#6a8596", "#55697a")  # blue-grey base and wall units
# The lamp that lights a lamp-lit night frame of the backyard (the motion floodlight over the camera).
FLOODLIGHT = (1.0, 0.95, 0.85)


@dataclass(frozen=True)
class Env:
    night: bool
    seed: int
    lamps_on: bool = True


@dataclass(frozen=True)
class Backdrop:
    view: View
    draw: Callable[[Canvas, Env], None]
    indoors: bool


def _view(cam_height: float, horizon: float, focal: float = 0.62) -> View:
    return View(
        horizon=horizon * OUT_H * SUPERSAMPLE, focal=focal * OUT_W * SUPERSAMPLE, cam_height=cam_height
    )


# ---------------------------------------------------------------------- textures of (u, v) in metres


def _jitter(i: np.ndarray, j: np.ndarray, seed: int) -> np.ndarray:
    return value_noise(i * 7.13 + 0.5, j * 3.71 + 0.5, 1.0, seed)


def bricks(base: str = "#8e4b35", mortar: str = "#b9ae9d", seed: int = 1):
    c, m = rgb(base), rgb(mortar)

    def tex(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        row = np.floor(y / 0.075)
        xs = x + (row % 2) * 0.11
        colm = np.floor(xs / 0.225)
        fx, fy = xs / 0.225 - colm, y / 0.075 - row
        joint = (fx < 0.045) | (fy < 0.13)
        j = _jitter(colm, row, seed)[:, None]
        grain = fbm(x * 9, y * 9, 0.3, seed + 3, 2)[:, None]
        brick = c[None, :] * (0.78 + 0.4 * j) * (0.9 + 0.2 * grain)
        return np.where(joint[:, None], m[None, :] * (0.9 + 0.15 * grain), brick)

    return tex


def plaster(base: str, seed: int, amp: float = 0.08):
    c = rgb(base)

    def tex(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        n = fbm(a, b, 0.8, seed, 3)
        return np.clip(c[None, :] * (1 - amp + 2 * amp * n)[:, None], 0, 1)

    return tex


def slabs(base: str, size: float, seed: int, joint: float = 0.03):
    c = rgb(base)

    def tex(x: np.ndarray, z: np.ndarray) -> np.ndarray:
        i, k = np.floor(x / size), np.floor(z / size)
        fx, fz = x / size - i, z / size - k
        j = _jitter(i, k, seed)[:, None]
        n = fbm(x * 4, z * 4, 0.5, seed + 1, 2)[:, None]
        col = c[None, :] * (0.85 + 0.25 * j) * (0.9 + 0.2 * n)
        edge = (fx < joint / size) | (fz < joint / size)
        return np.where(edge[:, None], col * 0.62, col)

    return tex


def blocks(base: str, seed: int):
    """Block paving: small bricks laid flat."""
    c = rgb(base)

    def tex(x: np.ndarray, z: np.ndarray) -> np.ndarray:
        row = np.floor(z / 0.1)
        xs = x + (row % 2) * 0.1
        i = np.floor(xs / 0.2)
        fx, fz = xs / 0.2 - i, z / 0.1 - row
        j = _jitter(i, row, seed)[:, None]
        col = c[None, :] * (0.8 + 0.35 * j)
        edge = (fx < 0.06) | (fz < 0.1)
        return np.where(edge[:, None], col * 0.7, col)

    return tex


def grass(seed: int, base: str = "#557f35"):
    c = rgb(base)

    def tex(x: np.ndarray, z: np.ndarray) -> np.ndarray:
        broad = fbm(x, z, 2.5, seed, 3)[:, None]
        fine = value_noise(x * 40, z * 40, 1.0, seed + 9)[:, None]
        stripe = (0.95 + 0.06 * np.sign(np.sin(x * 2.2)))[:, None]  # mowing stripes
        return np.clip(c[None, :] * (0.7 + 0.45 * broad) * (0.85 + 0.3 * fine) * stripe, 0, 1)

    return tex


def asphalt(seed: int, base: str = "#4b4c50"):
    c = rgb(base)

    def tex(x: np.ndarray, z: np.ndarray) -> np.ndarray:
        n = fbm(x, z, 1.5, seed, 2)[:, None]
        fine = value_noise(x * 60, z * 60, 1.0, seed + 2)[:, None]
        return np.clip(c[None, :] * (0.82 + 0.25 * n) * (0.9 + 0.2 * fine), 0, 1)

    return tex


def planks(base: str, width: float, seed: int, along_second: bool = True):
    c = rgb(base)

    def tex(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        across, along = (a, b) if along_second else (b, a)
        i = np.floor(across / width)
        f = across / width - i
        j = _jitter(i, np.floor(along / 2.4 + i * 0.37), seed)[:, None]
        grain = value_noise(across * 30, along * 3, 1.0, seed + 4)[:, None]
        col = c[None, :] * (0.8 + 0.3 * j) * (0.88 + 0.24 * grain)
        return np.where((f < 0.05)[:, None], col * 0.6, col)

    return tex


def _roof_tiles(seed: int):
    return slabs("#4a3d3a", 0.3, seed, 0.03)


# ---------------------------------------------------------------------- the places


def front_door(cv: Canvas, env: Env) -> None:
    s = env.seed
    cv.wall(7.0, bricks(seed=s), (-8, 8), (0, 6))
    door = Painter(cv, 0.4, 6.98)
    door.rect(-0.12, 0, 1.12, 2.2, "#ecebe6")  # frame
    door.rect(0.0, 0.0, 1.0, 2.1, FRONT_DOOR, "hgrad", 0.25)
    for px0, py0, px1, py1 in ((0.12, 1.2, 0.88, 1.95), (0.12, 0.15, 0.45, 1.05), (0.55, 0.15, 0.88, 1.05)):
        door.rect(px0, py0, px1, py1, FRONT_DOOR_PANELS, "vgrad", -0.2)
    door.rect(0.3, 1.55, 0.7, 1.85, "#9fb4c0" if not env.night else "#ffd98a")
    door.ellipse(0.86, 1.02, 0.035, 0.035, "#c9a640", "sphere")
    door.rect(0.38, 0.95, 0.62, 1.0, "#b89a3e")  # letter plate
    door.rect(0.45, 1.35, 0.55, 1.45, "#d8d3c3")  # house number
    win = Painter(cv, -2.6, 6.98)
    win.rect(-0.08, 0.82, 1.68, 2.18, "#e8e6e0")
    if env.night and env.lamps_on:
        win.glow_rect(0.0, 0.9, 1.6, 2.1, "#e9b96a")
    else:
        win.rect(0.0, 0.9, 1.6, 2.1, "#3b4a55", "vgrad", 0.6)
    win.rect(0.78, 0.9, 0.82, 2.1, "#e8e6e0")
    win.rect(-0.12, 0.78, 1.72, 0.84, "#cfcac0")
    wall_lamp(cv, 1.85, 1.85, 6.96, env.night and env.lamps_on)
    box(cv, 0.1, 1.7, 0.0, 0.17, 6.35, 7.0, "#a9a59c", "#8d8a83", "#bdb9b0")
    lawn = grass(s + 1)
    cv.ground(lawn, (-8, 8), (1.0, 7.0))
    cv.ground(slabs("#a39d92", 0.6, s + 2), polygon_xz=[(0.2, 6.4), (1.6, 6.4), (1.9, 1.0), (-0.1, 1.0)])
    hedge(cv, -5.0, -1.4, 3.6, 4.3, 1.15, s + 3)
    shrub(cv, 2.6, 6.5, 0.45, s + 4, "#4d7a3a")
    shrub(cv, -0.6, 6.6, 0.35, s + 5)


def driveway(cv: Canvas, env: Env) -> None:
    s = env.seed
    sky_top, sky_bottom = ("#0b1020", "#1c2538") if env.night else ("#86a9cf", "#d7e1ea")
    cv.sky(sky_top, sky_bottom)
    for i, hx in enumerate(range(-20, 21, 9)):
        base = ["#b9a58c", "#9a5a44", "#c8c0b0", "#8d4f3c", "#b0a89a"][i % 5]
        cv.wall(
            24.0, plaster(base, s + i) if i % 2 == 0 else bricks(base, seed=s + i), (hx, hx + 8.4), (0, 6.2)
        )
        roof = Painter(cv, hx, 23.9)
        roof.poly([(-0.3, 6.2), (8.7, 6.2), (7.2, 8.4), (1.2, 8.4)], "#3f3634", "vgrad", 0.3)
        fac = Painter(cv, hx, 23.95)
        for wx in (1.0, 5.6):
            for wy in (1.0, 3.8):
                if env.night and (i + int(wx) + int(wy)) % 3 == 0:
                    fac.glow_rect(wx, wy, wx + 1.6, wy + 1.5, "#e7b765")
                else:
                    fac.rect(wx, wy, wx + 1.6, wy + 1.5, "#2e3942", "vgrad", 0.5)
        fac.rect(3.4, 0, 4.5, 2.1, ["#5b2a2a", "#22384d", "#2f4a35"][i % 3])
    cv.ground(slabs("#9c988f", 0.8, s + 1), (-40, 40), (18.5, 21.0))
    cv.ground(grass(s + 9, "#4d7233"), (-40, 40), (21.0, 24.0))
    cv.ground(asphalt(s + 2), (-40, 40), (12.0, 18.5))
    for dx in range(-30, 31, 6):
        cv.ground(lambda x, z: np.tile(rgb("#d9d6c8"), (len(x), 1)), (dx, dx + 3), (15.15, 15.3))
    cv.ground(slabs("#a19c92", 0.8, s + 3), (-40, 40), (10.0, 12.0))
    cv.ground(plaster("#8f8a80", s + 4, 0.05), (-40, 40), (11.95, 12.1), y=0.12)
    cv.ground(grass(s + 6), (-40, 40), (1.0, 10.0))
    cv.ground(blocks("#7e6a5f", s + 5), (-2.2, 2.6), (1.0, 10.0))
    cv.wall(9.6, bricks("#9a5d45", seed=s + 7), (-40, -2.2), (0, 0.6))
    cv.wall(9.6, bricks("#9a5d45", seed=s + 7), (2.6, 40), (0, 0.6))
    cv.ground(slabs("#b3aea3", 0.45, s + 8), (-40, -2.2), (9.6, 9.9), y=0.6)
    cv.ground(slabs("#b3aea3", 0.45, s + 8), (2.6, 40), (9.6, 9.9), y=0.6)
    lamp = Painter(cv, -6.0, 11.5)
    lamp.rect(-0.07, 0, 0.07, 5.0, "#3a3c40")
    lamp.rect(-0.1, 4.9, 0.9, 5.05, "#3a3c40")
    if env.night and env.lamps_on:
        lamp.glow_rect(0.4, 4.8, 0.9, 4.9, "#ffd08a")
        lamp.light((0.65, 4.85), 0.35, (1.0, 0.8, 0.5), 1.4, "lamp")
    tree(cv, 9.0, 22.5, 7.0, s + 11)
    shrub(cv, 4.4, 7.5, 0.6, s + 12)


def backyard(cv: Canvas, env: Env) -> None:
    s = env.seed
    sky_top, sky_bottom = ("#0a0f1c", "#18202f") if env.night else ("#8fb2d6", "#e0e6ea")
    cv.sky(sky_top, sky_bottom)
    for i, tx in enumerate((-9.0, -4.5, 1.5, 6.5, 11.0)):
        tree(cv, tx, 15.0 + (i % 2) * 2, 7.5 + (i % 3), s + 20 + i, ["#3d6a33", "#4a7438", "#355f30"][i % 3])
    cv.wall(11.0, planks(BACK_FENCE, 0.15, s + 1, along_second=False), (-12, 12), (0, 1.8))
    for px in range(-12, 13, 2):
        Painter(cv, float(px), 10.96).rect(-0.06, 0, 0.06, 1.85, BACK_FENCE_POSTS)
    Painter(cv, 0.0, 10.95).rect(-12, 0.25, 12, 0.33, BACK_FENCE_POSTS)
    Painter(cv, 0.0, 10.95).rect(-12, 1.45, 12, 1.53, BACK_FENCE_POSTS)
    box(cv, 3.2, 6.4, 0.0, 2.1, 7.2, 10.3, SHED, "#5a6446", SHED)
    shed = Painter(cv, 3.2, 7.2)
    shed.poly([(-0.2, 2.1), (3.4, 2.1), (1.6, 2.8)], SHED_ROOF, "vgrad", 0.3)
    shed.rect(1.1, 0.0, 2.1, 1.85, SHED_DOOR)
    shed.rect(0.2, 1.0, 0.8, 1.6, "#2c3338" if not env.night else "#1c1f22")
    cv.ground(grass(s + 3), (-12, 12), (3.2, 11.0))
    cv.ground(grass(s + 2, "#5d7f3a"), (-12, 12), (10.0, 11.0))
    cv.ground(slabs("#b2ab9c", 0.6, s + 4), (-12, 12), (0.5, 3.2))
    shrub(cv, -5.0, 10.4, 0.8, s + 5, "#3e6a34")
    shrub(cv, -3.6, 10.5, 0.6, s + 6, "#5a7d38")
    if env.night and env.lamps_on:  # the motion floodlight above the camera lights the lawn
        cv.lights.append(Light(320.0, 190.0, 22.0, FLOODLIGHT, 0.85, "flood"))


def side_gate(cv: Canvas, env: Env) -> None:
    s = env.seed
    sky_top, sky_bottom = ("#0a0f1c", "#1a2130") if env.night else ("#9ab8d8", "#dfe5ea")
    cv.sky(sky_top, sky_bottom)
    tree(cv, 0.8, 13.0, 7.0, s + 1)
    cv.wall(9.0, planks(SIDE_FENCE, 0.12, s + 2, along_second=False), WALLS["side_gate"], (0, 1.9))
    gate = Painter(cv, -1.3, 8.95)
    gate.rect(0.0, 0.2, 2.7, 0.3, SIDE_GATE)
    gate.rect(0.0, 1.55, 2.7, 1.65, SIDE_GATE)
    gate.poly([(0.1, 0.3), (0.25, 0.3), (2.6, 1.55), (2.45, 1.55)], SIDE_GATE)
    gate.rect(2.35, 0.95, 2.5, 1.05, "#1a1a1a")
    cv.side_wall(-1.3, bricks("#8a4a37", seed=s + 3), (0.5, 9.5), (0, 6))
    cv.side_wall(1.4, plaster("#a9a294", s + 4), (0.5, 9.5), (0, 5))
    cv.ground(slabs("#8d8a84", 0.5, s + 5), (-1.3, 1.4), (0.5, 9.0))
    Painter(cv, -1.3, 6.0, 1.9).rect(0.0, 0.0, 0.25, 0.08, "#1d1d1d")
    if env.night and env.lamps_on:
        wall_lamp(cv, -1.2, 2.1, 4.0, True)


# Where the side walls of the passage and the rooms stand (x in metres): drawn here, and read by the
# frames' claims (nothing is against the wall it is far from).
WALLS: dict[str, tuple[float, float]] = {
    "side_gate": (-1.3, 1.4),
    "living_room": (-3.4, 3.6),
    "kitchen": (-2.6, 2.8),
    "garage": (-3.0, 3.2),
    "utility": (-2.2, 2.4),
}


def _room(cv: Canvas, env: Env, wall: str, floor, width: tuple[float, float], back: float) -> None:
    s = env.seed
    cv.ground(plaster("#e9e6df", s + 11, 0.03), width, (0.3, back), y=2.5)  # ceiling
    cv.wall(back, plaster(wall, s + 1, 0.04), width, (0, 2.5))
    cv.side_wall(width[0], plaster(wall, s + 2, 0.04), (0.3, back), (0, 2.5))
    cv.side_wall(width[1], plaster(wall, s + 3, 0.04), (0.3, back), (0, 2.5))
    cv.ground(floor, width, (0.3, back))
    Painter(cv, 0.0, back - 0.01).rect(width[0], 0.0, width[1], 0.1, "#f1efe9")


def living_room(cv: Canvas, env: Env) -> None:
    s = env.seed
    _room(cv, env, "#cdbfa6", planks("#9c734c", 0.19, s + 4), WALLS["living_room"], 6.5)
    doors = Painter(cv, 0.3, 6.48)
    doors.rect(-0.08, 0.0, 2.48, 2.15, "#e8e6e2")
    for dx in (0.0, 1.22):
        if env.night:
            doors.rect(dx + 0.04, 0.04, dx + 1.14, 2.07, "#0d1118", "vgrad", 0.3)
        else:
            doors.rect(dx + 0.04, 0.04, dx + 1.14, 2.07, "#93b38f", "vgrad", 0.5)
            doors.rect(dx + 0.04, 1.2, dx + 1.14, 2.07, "#b8cde0", "vgrad", 0.3)
    rug = slabs(RUG, 3.0, s + 5, 0.001)
    cv.ground(lambda x, z: rug(x, z) * 0.95, (-1.5, 1.8), (2.2, 4.6), y=0.01)
    box(cv, -3.35, -2.45, 0.0, 0.45, 1.8, 4.8, *SOFA[:3])
    box(cv, -3.4, -3.1, 0.45, 0.95, 1.8, 4.8, *SOFA[3:])
    box(cv, 2.6, 3.5, 0.0, 0.55, 4.4, 6.3, "#6b4a32", "#57402b", "#7d5a3d")
    screen = Painter(cv, 3.0, 6.45)
    screen.rect(-0.6, 0.85, 0.5, 1.5, "#141517")
    pic = Painter(cv, -2.2, 6.48)
    pic.rect(0.0, 1.3, 0.9, 1.95, "#3b2f24")
    pic.rect(0.06, 1.36, 0.84, 1.89, "#8ea6b4", "vgrad", 0.5)
    lamp = Painter(cv, -2.9, 5.6)
    lamp.rect(-0.02, 0.0, 0.02, 1.45, "#2b2b2b")
    lamp.poly(
        [(-0.18, 1.4), (0.18, 1.4), (0.12, 1.7), (-0.12, 1.7)], "#eadcc0" if not env.night else "#ffe6b0"
    )
    if env.night and env.lamps_on:
        lamp.light((0, 1.55), 0.25, (1.0, 0.85, 0.6), 1.2, "lamp")


def kitchen(cv: Canvas, env: Env) -> None:
    s = env.seed
    _room(cv, env, "#dcd6c8", slabs("#c9c4ba", 0.4, s + 4, 0.01), WALLS["kitchen"], 5.2)
    for i, cx in enumerate(np.arange(-2.55, 2.6, 0.6)):
        front = box(cv, cx, cx + 0.58, 0.1, 0.88, 4.6, 5.2, KITCHEN_UNITS[0], KITCHEN_UNITS[1], "#e8e4da")
        front.rect(0.24, 0.72, 0.34, 0.75, "#c0c0c0")
        wall_unit, wall_side = KITCHEN_UNITS[2:]
        up = box(cv, cx, cx + 0.58, 1.45, 2.2, 4.85, 5.2, wall_unit, wall_side, wall_unit)
        up.rect(0.24, 0.08, 0.34, 0.11, "#c0c0c0")
        if i == 3:
            hob = Painter(cv, cx, 4.6, 0.9)
            hob.rect(0.02, -0.02, 0.56, 0.02, "#1b1b1b")
    Painter(cv, 0.0, 5.19).rect(-2.6, 0.9, 2.8, 1.45, "#eeece6")
    win = Painter(cv, 0.9, 5.18)
    win.rect(0.0, 1.05, 1.1, 1.42, "#b6cadb" if not env.night else "#10151d")
    box(cv, -0.8, 0.6, 0.0, 0.76, 2.2, 3.1, "#8c6a4c", "#6f543c", "#b08a64")


def garage(cv: Canvas, env: Env) -> None:
    s = env.seed
    _room(cv, env, "#b9b5ac", plaster("#8d8b86", s + 4, 0.1), WALLS["garage"], 6.8)
    door = Painter(cv, -1.8, 6.78)
    for i in range(8):
        door.rect(0.0, i * 0.27, 3.6, i * 0.27 + 0.25, "#c8c8c4", "vgrad", 0.3)
    bench = box(cv, 1.6, 3.15, 0.0, 0.9, 2.4, 5.4, "#7a5b3e", "#634a33", "#a07a52")
    bench.rect(0.1, 0.2, 1.4, 0.25, "#5a4230")
    for sy in (1.3, 1.8):
        box(cv, 2.6, 3.15, sy, sy + 0.04, 2.4, 5.4, "#8a8a86", "#6f6f6b", "#9a9a96")
    box(cv, 2.75, 3.1, 1.34, 1.6, 3.0, 3.5, "#b0442c")
    box(cv, 2.7, 3.1, 1.84, 2.05, 4.2, 4.9, "#3a6ea5")
    # storage boxes stacked on the floor: nothing on wheels that could be taken for a vehicle
    box(cv, -2.9, -1.9, 0.0, 0.55, 3.9, 4.6, "#2e5fa8", "#24497f", "#3a6cc0")
    box(cv, -2.8, -2.0, 0.55, 0.95, 4.0, 4.5, "#c9c2b0", "#a9a392", "#ddd6c4")
    light = Painter(cv, 0.0, 4.0, 2.46)
    light.glow_rect(-0.6, -0.04, 0.6, 0.0, "#fffbe8")


def utility(cv: Canvas, env: Env) -> None:
    s = env.seed
    _room(cv, env, "#d9dccf", slabs("#bfb7a8", 0.33, s + 4, 0.012), WALLS["utility"], 4.6)
    for i, cx in enumerate((-2.15, -1.5)):
        front = box(cv, cx, cx + 0.62, 0.0, 0.86, 3.95, 4.58, "#f0f0ee", "#d0d0cc", "#f6f6f4")
        front.ellipse(0.31, 0.42, 0.21, 0.21, "#9aa2a8", "sphere")
        front.ellipse(0.31, 0.42, 0.16, 0.16, "#3d4a55" if i == 0 else "#56626b", "sphere")
        front.rect(0.05, 0.72, 0.57, 0.8, "#dcdcd8")
    sink = box(cv, 0.6, 2.35, 0.0, 0.9, 4.0, 4.58, "#7d8f7c", "#667565", "#e3e1da")
    sink.rect(0.8, 0.55, 0.9, 0.58, "#c0c0c0")
    Painter(cv, 1.5, 4.57).rect(-0.2, 1.0, 0.2, 1.25, "#b8bcc0")
    door = Painter(cv, -2.19, 1.0)
    door.rect(0.0, 0.0, 0.01, 0.01, "#000000")


BACKDROPS: dict[str, Backdrop] = {
    "front_door": Backdrop(_view(2.3, 0.14, 0.6), front_door, False),
    "driveway": Backdrop(_view(2.9, 0.3, 0.55), driveway, False),
    "backyard": Backdrop(_view(2.6, 0.24, 0.55), backyard, False),
    "side_gate": Backdrop(_view(2.4, 0.3, 0.5), side_gate, False),
    "living_room": Backdrop(_view(2.25, 0.3, 0.5), living_room, True),
    "kitchen": Backdrop(_view(2.2, 0.32, 0.52), kitchen, True),
    "garage": Backdrop(_view(2.3, 0.3, 0.5), garage, True),
    "utility": Backdrop(_view(2.2, 0.3, 0.5), utility, True),
}
