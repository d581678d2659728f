"""Animals in profile: a terrier, a cat, a fox, a deer, a pigeon and a hedgehog.

At night their eyes shine back at the camera's light, as real animals' eyes do on security footage.
Under infrared (`ir`) fur is drawn in the tones an IR camera records (pale fur glows, dark points stay
dark), so an animal stands out from the lawn by its shape: the fox's upright ears, pointed snout,
dark legs and bushy white-tipped tail, the hedgehog's dome of pale-tipped spines.
"""

from __future__ import annotations

import math

from fixture_render.canvas import Canvas
from fixture_render.shapes import Painter, col

# Each animal's coat as drawn by day (its main colours, not its eyes, nose or collar): the drawing
# reads its colours from here, and so does the frames' colour truth (`fixture_render.colours`).
COATS: dict[str, tuple[str, ...]] = {
    "dog": ("#e9e4da", "#7a5233"),  # a white terrier with brown patches
    "cat": ("#1b1a1c",),
    "fox": ("#c0622c",),
    "deer": ("#8a6744",),
    "bird": ("#8a8d96",),
    "hedgehog": ("#4a3828", "#b8a48a"),  # dark spines with pale tips
}
# The dog's collar as drawn (colour truth: `colours.py`, group "collar").
DOG_COLLAR = "#2f8a3a"


def draw_animal(
    canvas: Canvas,
    kind: str,
    x: float,
    z: float,
    facing: str = "right",
    night: bool = False,
    y: float = 0.0,
    *,
    scale: float = 1.0,
    ir: bool = False,
) -> None:
    """`scale` enlarges the animal beyond life size (a small animal the camera must show readably)."""
    p = Painter(canvas, x, z, y, mirror=facing == "left")
    p.s *= scale
    size = {"dog": 0.5, "cat": 0.42, "fox": 0.75, "deer": 1.3, "bird": 0.26, "hedgehog": 0.3}[kind] * scale
    sx, sy = canvas.view.project(x, y, z)
    s = canvas.view.scale(z)
    canvas.shadow(sx, sy, size * 0.7 * s, 0.06 * s * scale, z, 0.35 if not night else 0.15)
    if kind == "fox":
        _fox(p, night, ir)
    elif kind == "hedgehog":
        _hedgehog(p, night, ir)
    else:
        {"dog": _dog, "cat": _cat, "deer": _deer, "bird": _bird}[kind](p, night)


def _eye(p: Painter, x: float, y: float, r: float, night: bool) -> None:
    if night:
        p.ellipse(x, y, r * 1.3, r * 1.3, "#f4fff0")
        p.light((x, y), r * 1.2, (0.9, 1.0, 0.9), 0.5, "eye")
    else:
        p.ellipse(x, y, r, r, "#151310")


def _dog(p: Painter, night: bool) -> None:
    white, brown = (col(c) for c in COATS["dog"])
    for lx, shade in ((-0.17, 0.8), (0.15, 0.8)):
        p.limb((lx, 0.3), (lx - 0.02, 0.03), 0.065, 0.05, white * shade)
    p.limb((-0.24, 0.36), (-0.33, 0.52), 0.045, 0.03, white)  # tail up
    p.ellipse(0.0, 0.32, 0.26, 0.115, white, "sphere")
    p.ellipse(-0.08, 0.36, 0.11, 0.07, brown, "sphere")
    for lx in (-0.13, 0.19):
        p.limb((lx, 0.3), (lx + 0.01, 0.03), 0.07, 0.055, white)
        p.ellipse(lx + 0.02, 0.025, 0.04, 0.022, "#d8d2c6")
    p.limb((0.2, 0.36), (0.3, 0.45), 0.13, 0.1, white)  # neck
    p.rect(0.2, 0.39, 0.27, 0.42, DOG_COLLAR)  # green collar
    p.ellipse(0.32, 0.48, 0.09, 0.08, brown, "sphere")
    p.ellipse(0.4, 0.45, 0.06, 0.038, white, "sphere")
    p.ellipse(0.455, 0.46, 0.017, 0.015, "#1b1512")
    p.poly([(0.26, 0.54), (0.3, 0.6), (0.34, 0.53)], brown * 0.8)
    _eye(p, 0.355, 0.5, 0.012, night)


def _cat(p: Painter, night: bool) -> None:
    black = col(COATS["cat"][0])
    p.limb((-0.2, 0.22), (-0.32, 0.33), 0.035, 0.03, black)
    p.limb((-0.32, 0.33), (-0.33, 0.46), 0.03, 0.025, black)
    for lx in (-0.13, 0.11):
        p.limb((lx, 0.2), (lx, 0.02), 0.04, 0.032, black * 1.3)
    p.ellipse(0.0, 0.22, 0.2, 0.075, black, "sphere")
    for lx in (-0.1, 0.14):
        p.limb((lx, 0.2), (lx + 0.01, 0.02), 0.045, 0.035, black)
    p.ellipse(0.2, 0.3, 0.068, 0.062, black, "sphere")
    p.poly([(0.15, 0.34), (0.16, 0.41), (0.2, 0.355)], black)
    p.poly([(0.21, 0.355), (0.24, 0.41), (0.26, 0.34)], black)
    _eye(p, 0.235, 0.31, 0.012, night) if night else p.ellipse(0.235, 0.31, 0.013, 0.009, "#b9b34a")


def _fox(p: Painter, night: bool, ir: bool = False) -> None:
    # An IR camera records a fox's coat pale and its legs, ear backs and muzzle line dark.
    red = col("#d9cbb4") if ir else col(COATS["fox"][0])
    white, dark = col("#f4efe6"), col("#1a1410")
    tail = [(-0.26, 0.38), (-0.42, 0.4), (-0.6, 0.36), (-0.78, 0.27), (-0.88, 0.2), (-0.8, 0.13)]
    tail += [(-0.62, 0.16), (-0.45, 0.22), (-0.28, 0.28)]
    p.poly(tail, red * 0.92, "vgrad", 0.3)  # the bushy tail, held out low
    p.poly([(-0.8, 0.13), (-0.88, 0.2), (-0.96, 0.17), (-0.9, 0.11)], white)  # white tip
    for lx in (-0.2, 0.18):
        p.limb((lx, 0.3), (lx - 0.03, 0.02), 0.06, 0.04, dark * 1.3)
    p.ellipse(0.0, 0.34, 0.32, 0.11, red, "sphere")
    for lx in (-0.15, 0.22):
        p.limb((lx, 0.3), (lx + 0.02, 0.02), 0.06, 0.04, dark)
    p.limb((0.22, 0.36), (0.34, 0.47), 0.15, 0.1, red)
    p.poly([(0.24, 0.32), (0.34, 0.44), (0.3, 0.29)], white)  # chest
    p.ellipse(0.38, 0.49, 0.085, 0.07, red, "sphere")
    p.poly([(0.42, 0.53), (0.6, 0.44), (0.43, 0.43)], red)  # long pointed snout
    p.poly([(0.43, 0.46), (0.6, 0.44), (0.45, 0.42)], white)
    p.ellipse(0.595, 0.443, 0.014, 0.014, dark)
    p.poly([(0.3, 0.53), (0.32, 0.7), (0.38, 0.54)], dark)  # tall upright ears
    p.poly([(0.37, 0.54), (0.42, 0.71), (0.45, 0.53)], red * 0.8)
    p.poly([(0.39, 0.56), (0.42, 0.68), (0.44, 0.55)], dark * 1.5)
    _eye(p, 0.43, 0.5, 0.012, night)


def _deer(p: Painter, night: bool) -> None:
    fur, light, dark = col(COATS["deer"][0]), col("#d8c7ac"), col("#2a2018")
    for lx in (-0.38, 0.36):
        p.limb((lx, 0.9), (lx - 0.03, 0.45), 0.09, 0.06, fur * 0.75)
        p.limb((lx - 0.03, 0.45), (lx - 0.01, 0.02), 0.05, 0.04, fur * 0.7)
    p.ellipse(0.0, 0.98, 0.5, 0.2, fur, "sphere")
    p.ellipse(-0.45, 1.0, 0.08, 0.12, light)  # pale rump
    for lx in (-0.33, 0.4):
        p.limb((lx, 0.9), (lx + 0.02, 0.45), 0.1, 0.065, fur * 0.9)
        p.limb((lx + 0.02, 0.45), (lx + 0.02, 0.02), 0.055, 0.045, fur * 0.85)
        p.ellipse(lx + 0.03, 0.02, 0.035, 0.02, dark)
    p.limb((0.42, 1.05), (0.58, 1.42), 0.2, 0.12, fur)
    p.ellipse(0.62, 1.47, 0.1, 0.08, fur, "sphere")
    p.poly([(0.66, 1.5), (0.8, 1.42), (0.67, 1.41)], fur)
    p.ellipse(0.79, 1.425, 0.02, 0.018, dark)
    p.ellipse(0.55, 1.58, 0.035, 0.08, fur * 0.9, rot=-25)
    p.ellipse(0.63, 1.6, 0.035, 0.08, fur * 0.8, rot=15)
    _eye(p, 0.66, 1.49, 0.015, night)


def _bird(p: Painter, night: bool) -> None:
    grey = col(COATS["bird"][0])
    p.limb((0.0, 0.06), (0.0, 0.0), 0.012, 0.01, "#c46a6a", round_ends=False)
    p.limb((0.04, 0.06), (0.04, 0.0), 0.012, 0.01, "#c46a6a", round_ends=False)
    p.poly([(-0.1, 0.12), (-0.2, 0.09), (-0.19, 0.13)], grey * 0.6)
    p.ellipse(0.0, 0.11, 0.12, 0.058, grey, "sphere")
    p.ellipse(-0.02, 0.115, 0.07, 0.035, grey * 0.8, rot=-10)
    p.ellipse(0.09, 0.15, 0.04, 0.045, col("#5d7b72"), "sphere")
    p.ellipse(0.11, 0.19, 0.035, 0.032, grey * 0.9, "sphere")
    p.poly([(0.14, 0.195), (0.17, 0.185), (0.14, 0.18)], "#3a3430")
    _eye(p, 0.12, 0.195, 0.007, night)


def _hedgehog(p: Painter, night: bool, ir: bool = False) -> None:
    spines, tips = col(COATS["hedgehog"][0]), col("#e9dfcf" if ir else COATS["hedgehog"][1])
    face = col("#cdb89c" if ir else "#a4866a")
    angles = [math.pi * i / 24 for i in range(25)]
    dome = [(0.165 * math.cos(t), 0.015 + 0.14 * math.sin(t)) for t in angles]
    p.poly(dome, spines, "sphere", 0.4)
    for i in range(23):  # spines fanning out over the back, pale at the tips
        t = math.pi * (0.04 + 0.92 * i / 22)
        bx, by = 0.13 * math.cos(t) * 1.1, 0.015 + 0.12 * math.sin(t)
        ex, ey = 0.2 * math.cos(t - 0.25) * 1.1, 0.015 + 0.19 * math.sin(t - 0.25)
        p.limb((bx, by), (ex, ey), 0.016, 0.004, spines * 1.2, round_ends=False)
        mx, my = bx + (ex - bx) * 0.6, by + (ey - by) * 0.6
        p.limb((mx, my), (ex, ey), 0.012, 0.003, tips, round_ends=False)
    for lx in (-0.08, 0.07):
        p.limb((lx, 0.03), (lx, 0.0), 0.025, 0.02, face * 0.6)
    p.poly([(0.12, 0.02), (0.26, 0.035), (0.13, 0.1)], face)  # pointed face
    p.ellipse(0.26, 0.035, 0.014, 0.014, "#1b1512")
    _eye(p, 0.17, 0.06, 0.009, night)
