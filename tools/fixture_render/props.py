"""Things that stand about: parcels, wheelie bins, hedges, shrubs, trees and lamps."""

from __future__ import annotations

import numpy as np

from fixture_render.canvas import Canvas, fbm, rgb
from fixture_render.shapes import Painter, box, col


def parcel(
    canvas: Canvas, x: float, z: float, w: float = 0.45, h: float = 0.32, d: float = 0.35, y: float = 0.0
) -> None:
    """A cardboard parcel with tape and a label."""
    sx, sy = canvas.view.project(x + w / 2, y, z + d / 2)
    s = canvas.view.scale(z)
    canvas.shadow(sx, sy, w * 0.8 * s, d * 0.35 * s, z + d / 2, 0.4)
    front = box(canvas, x, x + w, y, y + h, z, z + d, "#b0814e", "#8d6540", "#c89a66")
    front.rect(w / 2 - 0.03, 0, w / 2 + 0.03, h, "#d7c7a3")
    front.rect(w * 0.58, h * 0.45, w * 0.9, h * 0.8, "#f0f0ea")
    for i in range(3):
        front.rect(w * 0.62, h * (0.52 + 0.08 * i), w * 0.85, h * (0.55 + 0.08 * i), "#4a4a4a")
    v = canvas.view
    top = [
        v.project(x + w / 2 - 0.03, y + h, z),
        v.project(x + w / 2 + 0.03, y + h, z),
        v.project(x + w / 2 + 0.03, y + h, z + d),
        v.project(x + w / 2 - 0.03, y + h, z + d),
    ]
    canvas.shade_poly(top, rgb("#e1d3b2"), z + d / 2)


def wheelie_bin(canvas: Canvas, x: float, z: float, color: str = "#2f4a36") -> None:
    c = col(color)
    sx, sy = canvas.view.project(x + 0.3, 0, z + 0.35)
    s = canvas.view.scale(z)
    canvas.shadow(sx, sy, 0.45 * s, 0.15 * s, z + 0.35, 0.4)
    front = box(canvas, x, x + 0.6, 0.05, 1.0, z, z + 0.72, c, c * 0.7, c * 1.1)
    box(canvas, x - 0.02, x + 0.62, 1.0, 1.07, z - 0.04, z + 0.76, c * 0.9, c * 0.65, c * 1.2)
    front.rect(0.05, 0.85, 0.55, 0.9, c * 0.6)
    front.ellipse(0.06, 0.06, 0.07, 0.07, "#111111")
    front.ellipse(0.54, 0.06, 0.07, 0.07, "#111111")


def foliage_texture(base: str, seed: int, scale: float = 0.12):
    c = rgb(base)

    def tex(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        n = fbm(a, b, scale, seed, 3)
        fine = fbm(a * 3.1, b * 3.1, scale, seed + 5, 2)
        m = 0.45 + 0.9 * n * (0.6 + 0.5 * fine)
        return np.clip(c[None, :] * m[:, None], 0, 1)

    return tex


def hedge(
    canvas: Canvas, x0: float, x1: float, z0: float, z1: float, h: float, seed: int, color="#3f6b2c"
) -> None:
    """A clipped hedge as a textured block (front, top and the side the camera sees)."""
    tex = foliage_texture(color, seed)
    if x0 > 0:
        canvas.side_wall(x0, lambda zz, yy: tex(zz, yy) * 0.75, (z0, z1), (0, h))
    if x1 < 0:
        canvas.side_wall(x1, lambda zz, yy: tex(zz, yy) * 0.75, (z0, z1), (0, h))
    canvas.ground(lambda xx, zz: np.minimum(tex(xx, zz) * 1.15, 1), (x0, x1), (z0, z1), y=h)
    canvas.wall(z0, tex, (x0, x1), (0, h))


def shrub(canvas: Canvas, x: float, z: float, r: float, seed: int, color: str = "#41702f") -> None:
    rng = np.random.default_rng(seed)
    p = Painter(canvas, x, z)
    base = col(color)
    sx, sy = canvas.view.project(x, 0, z)
    canvas.shadow(sx, sy, r * 1.1 * p.s, r * 0.3 * p.s, z, 0.35)
    for _ in range(14):
        bx, by = rng.uniform(-r, r) * 0.8, rng.uniform(0.3, 1.4) * r
        br = rng.uniform(0.35, 0.6) * r
        p.ellipse(bx, by, br, br * 0.85, base * rng.uniform(0.7, 1.25), "sphere")


def tree(canvas: Canvas, x: float, z: float, h: float, seed: int, color: str = "#3d6a33") -> None:
    rng = np.random.default_rng(seed)
    p = Painter(canvas, x, z)
    p.limb((0, 0), (0.05, h * 0.55), 0.35, 0.22, "#4a3a2c")
    base = col(color)
    for _ in range(22):
        bx, by = rng.normal(0, h * 0.18), h * rng.uniform(0.5, 0.95)
        br = h * rng.uniform(0.1, 0.2)
        p.ellipse(bx, by, br, br * 0.9, base * rng.uniform(0.65, 1.2), "sphere")


# A wall lamp's warm light (the porch lamp by the front door): colour truth reads night colours under it.
PORCH_LAMP = (1.0, 0.88, 0.62)


def wall_lamp(canvas: Canvas, x: float, y: float, z: float, lit: bool) -> None:
    p = Painter(canvas, x, z, y)
    p.rect(-0.08, -0.05, 0.08, 0.22, "#1f1f1f")
    p.rect(-0.06, 0.0, 0.06, 0.17, "#fff4c8" if lit else "#bcb8a8", "vgrad")
    if lit:
        p.light((0, 0.09), 0.2, PORCH_LAMP, 1.5, "lamp")
