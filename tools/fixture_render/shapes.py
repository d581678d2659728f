"""Shapes in an object's own frame (metres, origin at its feet, y up), and axis-aligned 3D boxes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fixture_render.canvas import Canvas, Light, rgb

Pt = tuple[float, float]


def col(c: str | Sequence[float] | np.ndarray) -> np.ndarray:
    return c if isinstance(c, np.ndarray) else rgb(c)


@dataclass
class Painter:
    """Draws flat shapes on the plane z = `z`, around the world point (x, y).

    `angle` turns the object's frame (a figure lying down is a standing one turned by 90 degrees) and
    `squash` flattens it vertically afterwards (what lies on a floor is seen foreshortened).
    """

    canvas: Canvas
    x: float
    z: float
    y: float = 0.0
    angle: float = 0.0
    squash: float = 1.0
    mirror: bool = False

    def __post_init__(self) -> None:
        self.ox, self.oy = self.canvas.view.project(self.x, self.y, self.z)
        self.s = self.canvas.view.scale(self.z)
        self._c, self._sn = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))

    def to_screen(self, p: Pt) -> Pt:
        px, py = (-p[0] if self.mirror else p[0]), p[1]
        rx = px * self._c - py * self._sn
        ry = px * self._sn + py * self._c
        return self.ox + self.s * rx, self.oy - self.s * ry * self.squash

    def poly(
        self, pts: Sequence[Pt], color, shade: str = "flat", strength: float = 0.35, texture=None
    ) -> None:
        self.canvas.shade_poly([self.to_screen(p) for p in pts], col(color), self.z, shade, strength, texture)

    def ellipse(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        color,
        shade: str = "flat",
        rot: float = 0.0,
        n: int = 28,
    ) -> None:
        self.poly(ellipse_pts(cx, cy, rx, ry, rot, n), color, shade)

    def glow(self, pts: Sequence[Pt], color) -> None:
        """A self-lit shape (a lamp, a lit window): night lighting does not darken it."""
        self.canvas.emissive = True
        try:
            self.poly(pts, color)
        finally:
            self.canvas.emissive = False

    def glow_rect(self, x0: float, y0: float, x1: float, y1: float, color) -> None:
        self.glow([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], color)

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, color, shade: str = "flat", strength=0.35
    ) -> None:
        self.poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], color, shade, strength)

    def limb(
        self, p0: Pt, p1: Pt, w0: float, w1: float, color, shade: str = "cyl", round_ends: bool = True
    ) -> None:
        """A tapered segment from p0 to p1 (widths w0, w1), with round joints."""
        dx, dy = p1[0] - p0[0], p1[1] - p0[1]
        n = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / n, dx / n
        pts = [
            (p0[0] + nx * w0 / 2, p0[1] + ny * w0 / 2),
            (p1[0] + nx * w1 / 2, p1[1] + ny * w1 / 2),
            (p1[0] - nx * w1 / 2, p1[1] - ny * w1 / 2),
            (p0[0] - nx * w0 / 2, p0[1] - ny * w0 / 2),
        ]
        self.poly(pts, color, shade)
        if round_ends:
            self.ellipse(p0[0], p0[1], w0 / 2, w0 / 2, color, n=14)
            self.ellipse(p1[0], p1[1], w1 / 2, w1 / 2, color, n=14)

    def light(self, p: Pt, radius_m: float, color=(1.0, 0.92, 0.75), strength=1.0, kind="lamp") -> None:
        """Register a bright source at a point of this frame (for bloom and night lighting)."""
        sx, sy = self.to_screen(p)
        ss = self.canvas.view.width / 640.0
        self.canvas.lights.append(
            Light(sx / ss, sy / ss, max(radius_m * self.s / ss, 1.5), color, strength, kind)
        )


def ellipse_pts(cx: float, cy: float, rx: float, ry: float, rot: float = 0.0, n: int = 28) -> list[Pt]:
    c, s = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    out = []
    for i in range(n):
        t = 2 * math.pi * i / n
        ex, ey = rx * math.cos(t), ry * math.sin(t)
        out.append((cx + ex * c - ey * s, cy + ex * s + ey * c))
    return out


def box(
    canvas: Canvas,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    z0: float,
    z1: float,
    front,
    side=None,
    top=None,
    shade: str = "vgrad",
    texture=None,
) -> Painter:
    """An axis-aligned box; draws the faces the camera sees and returns a painter for its front face."""
    v = canvas.view
    front_c = col(front)
    side_c = col(side) if side is not None else front_c * 0.72
    top_c = col(top) if top is not None else np.minimum(front_c * 1.18, 1.0)
    zm = (z0 + z1) / 2
    if x0 > 0:  # the camera sees the left face
        pts = [v.project(x0, y0, z0), v.project(x0, y0, z1), v.project(x0, y1, z1), v.project(x0, y1, z0)]
        canvas.shade_poly(pts, side_c, zm, "hgrad", 0.2)
    if x1 < 0:
        pts = [v.project(x1, y0, z0), v.project(x1, y0, z1), v.project(x1, y1, z1), v.project(x1, y1, z0)]
        canvas.shade_poly(pts, side_c, zm, "hgrad", -0.2)
    if y1 < v.cam_height:
        pts = [v.project(x0, y1, z0), v.project(x1, y1, z0), v.project(x1, y1, z1), v.project(x0, y1, z1)]
        canvas.shade_poly(pts, top_c, zm, "vgrad", -0.15)
    pts = [v.project(x0, y0, z0), v.project(x1, y0, z0), v.project(x1, y1, z0), v.project(x0, y1, z0)]
    canvas.shade_poly(pts, front_c, z0, shade, 0.25, texture)
    return Painter(canvas, x0, z0, y0)
