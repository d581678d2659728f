"""People, built from shaded limbs: standing, walking, reaching, crouching, peering, climbing, lying."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fixture_render.canvas import Canvas
from fixture_render.shapes import Painter, col

HIVIS_VEST = "#d6ea2a"  # the fluorescent yellow-green of a hi-vis vest (its colour truth reads from here)


@dataclass(frozen=True)
class Outfit:
    top: str = "#2d3e5c"
    bottom: str = "#2a2a30"
    shoes: str = "#1c1c1c"
    skin: str = "#c69c7b"
    hair: str = "#2a1d15"
    hood: bool = False
    hivis: bool = False
    cap: str | None = None
    carries: str | None = None  # box | clipboard | torch | bag


def draw_person(
    canvas: Canvas,
    x: float,
    z: float,
    outfit: Outfit,
    pose: str = "stand",
    facing: str = "front",
    height: float = 1.76,
    y: float = 0.0,
    shadow: bool = True,
    night: bool = False,
) -> None:
    """Draw one person whose feet stand at (x, y, z).

    facing: front | back | left | right. pose: stand | walk | reach | carry | crouch | peer | climb | lie.
    """
    if shadow and pose != "lie":
        sx, sy = canvas.view.project(x, y, z)
        s = canvas.view.scale(z)
        canvas.shadow(sx + 0.1 * s, sy, 0.38 * s, 0.09 * s, z, 0.42 if not night else 0.2)
    k = height / 1.76
    if pose == "lie":
        # A figure lying on the floor: the standing figure turned flat and foreshortened.
        p = Painter(canvas, x, z, y + 0.26, angle=-90.0, squash=0.75)
        p.s *= k
        _front(p, outfit, facing="front", arms="down")
        return
    if facing in ("left", "right"):
        p = Painter(canvas, x, z, y, mirror=facing == "left")
        p.s *= k
        _side(p, outfit, pose)
    else:
        p = Painter(canvas, x, z, y)
        p.s *= k
        arms = {"reach": "reach", "carry": "carry", "climb": "up"}.get(pose, "down")
        _front(p, outfit, facing=facing, arms=arms, crouch=pose == "crouch", climb=pose == "climb")


def _skin_shadow(c: str) -> np.ndarray:
    return col(c) * 0.7


def _front(p: Painter, o: Outfit, facing: str, arms: str, crouch: bool = False, climb: bool = False) -> None:
    back = facing == "back"
    drop = 0.42 if crouch else 0.0
    hip = 0.93 - drop
    top, bottom = col(o.top), col(o.bottom)
    # legs and shoes
    if crouch:
        for sgn in (-1, 1):
            p.limb((sgn * 0.11, hip), (sgn * 0.2, 0.45), 0.16, 0.14, bottom)
            p.limb((sgn * 0.2, 0.45), (sgn * 0.13, 0.08), 0.14, 0.11, bottom * 0.9)
            p.ellipse(sgn * 0.13, 0.04, 0.08, 0.045, o.shoes)
    elif climb:
        p.limb((-0.1, hip), (-0.12, 0.07), 0.16, 0.11, bottom)
        p.ellipse(-0.12, 0.04, 0.08, 0.045, o.shoes)
        p.limb((0.1, hip), (0.25, 0.62), 0.16, 0.13, bottom * 0.92)
        p.limb((0.25, 0.62), (0.22, 0.35), 0.13, 0.11, bottom * 0.92)
        p.ellipse(0.22, 0.32, 0.08, 0.045, o.shoes)
    else:
        for sgn in (-1, 1):
            p.limb((sgn * 0.1, hip), (sgn * 0.11, 0.08), 0.16, 0.11, bottom * (0.95 if sgn < 0 else 1.0))
            p.ellipse(sgn * 0.12, 0.045, 0.075, 0.045, o.shoes)
    # torso
    t0, t1 = hip - 0.05, 1.47 - drop
    torso = [
        (-0.18, t0),
        (0.18, t0),
        (0.2, t0 + 0.3),
        (0.235, t1 - 0.06),
        (0.17, t1 + 0.01),
        (-0.17, t1 + 0.01),
        (-0.235, t1 - 0.06),
        (-0.2, t0 + 0.3),
    ]
    p.poly(torso, top, "cyl", 0.45)
    if o.hivis:
        vest = [
            (-0.17, t0 + 0.12),
            (0.17, t0 + 0.12),
            (0.19, t1 - 0.05),
            (0.1, t1),
            (-0.1, t1),
            (-0.19, t1 - 0.05),
        ]
        p.poly(vest, HIVIS_VEST, "cyl", 0.4)
        for yy in (t0 + 0.22, t0 + 0.34):
            p.rect(-0.185, yy, 0.185, yy + 0.04, "#d9dcd6", "cyl", 0.3)
    if not back:
        p.rect(-0.012, t0 + 0.05, 0.012, t1 - 0.05, top * 0.8)  # zip line
    # arms
    sh = t1 - 0.04
    if arms == "down":
        for sgn in (-1, 1):
            p.limb((sgn * 0.215, sh), (sgn * 0.27, sh - 0.3), 0.105, 0.095, top * 0.93)
            p.limb((sgn * 0.27, sh - 0.3), (sgn * 0.28, sh - 0.57), 0.095, 0.08, top * 0.93)
            p.ellipse(sgn * 0.28, sh - 0.63, 0.045, 0.06, o.skin, "sphere")
    elif arms == "up":
        for sgn in (-1, 1):
            p.limb((sgn * 0.215, sh), (sgn * 0.3, sh + 0.3), 0.105, 0.095, top * 0.93)
            p.limb((sgn * 0.3, sh + 0.3), (sgn * 0.3, sh + 0.55), 0.095, 0.08, top * 0.93)
            p.ellipse(sgn * 0.3, sh + 0.6, 0.045, 0.06, o.skin, "sphere")
    elif arms == "reach":  # one hand out to the side, at handle height
        p.limb((-0.215, sh), (-0.27, sh - 0.3), 0.105, 0.095, top * 0.93)
        p.limb((-0.27, sh - 0.3), (-0.28, sh - 0.57), 0.095, 0.08, top * 0.93)
        p.ellipse(-0.28, sh - 0.63, 0.045, 0.06, o.skin, "sphere")
        p.limb((0.215, sh), (0.42, sh - 0.22), 0.105, 0.095, top * 0.93)
        p.limb((0.42, sh - 0.22), (0.6, sh - 0.38), 0.095, 0.08, top * 0.93)
        p.ellipse(0.64, sh - 0.4, 0.05, 0.045, o.skin, "sphere")
    else:  # carry: forearms forward, holding something at the waist
        for sgn in (-1, 1):
            p.limb((sgn * 0.215, sh), (sgn * 0.25, sh - 0.3), 0.105, 0.095, top * 0.93)
        if o.carries == "box":
            p.rect(-0.25, sh - 0.62, 0.25, sh - 0.3, "#b4854f", "vgrad", 0.3)
            p.rect(-0.25, sh - 0.34, 0.25, sh - 0.3, "#c99b66")
            p.rect(-0.03, sh - 0.62, 0.03, sh - 0.3, "#d8c9a8")
            p.rect(0.08, sh - 0.55, 0.2, sh - 0.47, "#f2f2ee")
        elif o.carries == "clipboard":
            p.rect(-0.14, sh - 0.55, 0.14, sh - 0.2, "#7a5a38")
            p.rect(-0.12, sh - 0.5, 0.12, sh - 0.24, "#eeeeea")
        for sgn in (-1, 1):
            p.ellipse(sgn * 0.24, sh - 0.36, 0.05, 0.045, o.skin, "sphere")
    # neck and head
    hy = t1 + 0.17
    p.rect(-0.05, t1 - 0.02, 0.05, t1 + 0.08, _skin_shadow(o.skin))
    if o.hood:
        p.ellipse(0, hy, 0.13, 0.15, top * 0.92, "sphere")
        if not back:
            p.ellipse(0, hy - 0.02, 0.075, 0.095, _skin_shadow(o.skin) * 0.55, "flat")
            p.ellipse(0, hy - 0.04, 0.055, 0.06, _skin_shadow(o.skin) * 0.8, "sphere")
    else:
        p.ellipse(0, hy, 0.092, 0.118, o.skin, "sphere")
        if back:
            p.ellipse(0, hy + 0.01, 0.097, 0.115, o.hair, "sphere")
        else:
            p.poly(
                [
                    (-0.098, hy),
                    (-0.09, hy + 0.08),
                    (0, hy + 0.125),
                    (0.09, hy + 0.08),
                    (0.098, hy),
                    (0.07, hy + 0.05),
                ],
                o.hair,
                "sphere",
            )
            for sgn in (-1, 1):
                p.ellipse(sgn * 0.034, hy - 0.005, 0.014, 0.008, "#2a2220")
            p.rect(-0.025, hy - 0.06, 0.025, hy - 0.052, _skin_shadow(o.skin) * 0.8)
        if o.cap:
            p.ellipse(0, hy + 0.06, 0.1, 0.06, o.cap, "sphere")
            if not back:
                p.rect(-0.1, hy + 0.03, 0.1, hy + 0.05, col(o.cap) * 0.7)


def _side(p: Painter, o: Outfit, pose: str) -> None:
    """A figure in profile facing +x (mirror for -x)."""
    top, bottom = col(o.top), col(o.bottom)
    lean = 0.22 if pose == "peer" else 0.0
    stride = 0.32 if pose == "walk" else 0.08
    hip = 0.93
    # far leg, then near leg
    p.limb((0.0, hip), (-stride, 0.08), 0.15, 0.11, bottom * 0.8)
    p.ellipse(-stride + 0.05, 0.045, 0.12, 0.045, o.shoes)
    p.limb((0.0, hip), (stride, 0.08), 0.16, 0.11, bottom)
    p.ellipse(stride + 0.05, 0.045, 0.12, 0.045, o.shoes)
    t1 = 1.47

    def tilt(px: float, py: float) -> tuple[float, float]:
        return px + lean * (py - hip), py - abs(lean) * 0.3 * (py - hip)

    far_arm_end = (0.18, hip + 0.28) if pose == "peer" else (0.2, hip - 0.02)
    p.limb(tilt(0.0, t1 - 0.05), tilt(*far_arm_end), 0.095, 0.08, top * 0.78)
    torso = [tilt(-0.12, hip - 0.05), tilt(0.12, hip - 0.05), tilt(0.13, t1), tilt(-0.11, t1 + 0.01)]
    p.poly(torso, top, "cyl", 0.4)
    if o.hivis:
        p.poly(
            [tilt(-0.11, hip + 0.07), tilt(0.115, hip + 0.07), tilt(0.12, t1 - 0.05), tilt(-0.1, t1 - 0.05)],
            HIVIS_VEST,
        )
        for yy in (hip + 0.17, hip + 0.29):
            p.poly(
                [tilt(-0.11, yy), tilt(0.115, yy), tilt(0.115, yy + 0.04), tilt(-0.11, yy + 0.04)], "#d9dcd6"
            )
    hx, hy = tilt(0.02, t1 + 0.17)
    p.limb(tilt(0.0, t1 - 0.02), tilt(0.02, t1 + 0.07), 0.09, 0.09, _skin_shadow(o.skin), round_ends=False)
    if o.hood:
        p.ellipse(hx - 0.01, hy, 0.13, 0.145, top * 0.9, "sphere")
        p.ellipse(hx + 0.07, hy - 0.02, 0.045, 0.085, _skin_shadow(o.skin) * 0.6)
    else:
        p.ellipse(hx, hy, 0.1, 0.118, o.skin, "sphere")
        p.poly([(hx + 0.09, hy + 0.0), (hx + 0.125, hy - 0.03), (hx + 0.09, hy - 0.04)], o.skin)
        p.poly(
            [(hx - 0.1, hy - 0.05), (hx - 0.1, hy + 0.05), (hx - 0.02, hy + 0.125), (hx + 0.08, hy + 0.08)],
            o.hair,
        )
        p.ellipse(hx + 0.055, hy + 0.0, 0.013, 0.008, "#2a2220")
        if o.cap:
            p.ellipse(hx, hy + 0.07, 0.105, 0.055, o.cap, "sphere")
            p.rect(hx + 0.05, hy + 0.04, hx + 0.17, hy + 0.06, col(o.cap) * 0.7)
    if pose == "peer":
        near_end = (0.2, hip + 0.45)
        p.limb(tilt(0.0, t1 - 0.05), tilt(0.12, hip + 0.22), 0.1, 0.09, top * 0.92)
        p.limb(tilt(0.12, hip + 0.22), tilt(*near_end), 0.09, 0.08, top * 0.92)
        ex, ey = tilt(*near_end)
        p.ellipse(ex + 0.03, ey + 0.03, 0.05, 0.045, o.skin, "sphere")
    else:
        swing = -0.18 if pose == "walk" else -0.02
        p.limb(tilt(0.0, t1 - 0.05), tilt(swing * 0.5, hip + 0.18), 0.1, 0.09, top * 0.92)
        p.limb(tilt(swing * 0.5, hip + 0.18), tilt(swing, hip - 0.05), 0.09, 0.08, top * 0.92)
        p.ellipse(swing, hip - 0.1, 0.045, 0.06, o.skin, "sphere")
        if o.carries == "torch":
            p.rect(swing - 0.02, hip - 0.12, swing + 0.14, hip - 0.07, "#303030")
            p.light((swing + 0.16, hip - 0.095), 0.06, (1.0, 0.97, 0.85), 1.4, "lamp")
        if o.carries == "bag":
            p.rect(swing - 0.14, hip - 0.45, swing + 0.1, hip - 0.12, "#3b3b46", "vgrad")
