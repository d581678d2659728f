"""Cars and vans: in profile on the street, from behind or head-on in the driveway."""

from __future__ import annotations

from fixture_render.canvas import Canvas
from fixture_render.shapes import Painter, box, col

GLASS = "#26303a"
HEADLIGHT = (1.0, 0.97, 0.88)  # a side-on vehicle's headlamps; colour truth reads night colours under them


def car_side(
    canvas: Canvas, x: float, z: float, color: str, facing: str = "right", lights_on: bool = False
) -> None:
    """A hatchback or estate in profile; (x, z) is the middle of its near side at the kerb."""
    body = col(color)
    sx, sy = canvas.view.project(x, 0, z + 0.9)
    s = canvas.view.scale(z + 0.9)
    canvas.shadow(sx, sy, 2.3 * s, 0.5 * s, z + 0.9, 0.5)
    p = Painter(canvas, x, z, mirror=facing == "left")
    p.poly(
        [
            (-2.2, 0.32),
            (2.2, 0.32),
            (2.28, 0.7),
            (2.15, 0.88),
            (1.05, 0.98),
            (0.5, 1.45),
            (-1.4, 1.47),
            (-2.05, 1.05),
            (-2.25, 0.95),
        ],
        body,
        "vgrad",
        0.5,
    )
    p.poly([(0.42, 1.0), (0.95, 1.0), (0.47, 1.38), (0.1, 1.38)], GLASS, "vgrad", 0.4)
    p.poly([(-0.05, 1.0), (0.3, 1.0), (0.02, 1.39), (-0.75, 1.4)], GLASS, "vgrad", 0.4)
    p.poly([(-0.85, 1.0), (-0.2, 1.0), (-0.85, 1.4), (-1.3, 1.4), (-1.8, 1.02)], GLASS, "vgrad", 0.4)
    p.rect(-0.05, 0.36, -0.02, 1.0, body * 0.55)
    p.rect(-0.92, 0.4, -0.89, 1.0, body * 0.55)
    p.rect(0.2, 0.86, 0.38, 0.9, body * 0.6)
    p.rect(-2.2, 0.62, 2.26, 0.66, body * 0.8)
    p.rect(2.1, 0.7, 2.27, 0.82, "#f2efe0" if not lights_on else "#ffffff")
    p.rect(-2.24, 0.72, -2.12, 0.88, "#a01818")
    for wx in (-1.45, 1.4):
        p.ellipse(wx, 0.33, 0.35, 0.35, "#141414")
        p.ellipse(wx, 0.33, 0.34, 0.34, "#1a1a1a", "sphere")
        p.ellipse(wx, 0.33, 0.2, 0.2, "#8a8d92", "sphere")
        p.ellipse(wx, 0.33, 0.06, 0.06, "#3a3b3e")
    if lights_on:
        p.light((2.2, 0.76), 0.22, HEADLIGHT, 1.0, "headlight")


def van_side(
    canvas: Canvas, x: float, z: float, color: str, facing: str = "right", lights_on: bool = False
) -> None:
    body = col(color)
    sx, sy = canvas.view.project(x, 0, z + 1.0)
    s = canvas.view.scale(z + 1.0)
    canvas.shadow(sx, sy, 2.7 * s, 0.5 * s, z + 1.0, 0.5)
    p = Painter(canvas, x, z, mirror=facing == "left")
    p.poly(
        [(-2.6, 0.35), (2.6, 0.35), (2.65, 0.85), (2.45, 1.05), (1.75, 1.35), (1.45, 2.05), (-2.6, 2.1)],
        body,
        "vgrad",
        0.35,
    )
    p.poly([(1.5, 1.3), (2.25, 1.1), (1.7, 1.3), (1.45, 1.95), (1.3, 1.95)], GLASS)
    p.poly([(0.85, 1.3), (1.45, 1.3), (1.3, 1.9), (0.85, 1.9)], GLASS, "vgrad", 0.4)
    p.rect(0.8, 0.4, 0.83, 1.95, body * 0.6)
    p.rect(-0.9, 0.4, -0.87, 1.95, body * 0.6)
    p.rect(-0.7, 1.0, -0.45, 1.04, body * 0.55)
    p.rect(2.5, 0.72, 2.64, 0.86, "#f2efe0" if not lights_on else "#ffffff")
    p.rect(-2.62, 0.75, -2.52, 1.0, "#a01818")
    for wx in (-1.8, 1.75):
        p.ellipse(wx, 0.36, 0.37, 0.37, "#141414", "sphere")
        p.ellipse(wx, 0.36, 0.2, 0.2, "#7b7e83", "sphere")
    if lights_on:
        p.light((2.6, 0.8), 0.25, HEADLIGHT, 1.0, "headlight")


def car_rear(canvas: Canvas, x: float, z: float, color: str, length: float = 4.6) -> None:
    """A car parked nose-in, seen from behind and above; (x, z) is the middle of its rear bumper."""
    body = col(color)
    v = canvas.view
    sx, sy = v.project(x, 0, z + 1.5)
    s = v.scale(z + 1.5)
    canvas.shadow(sx, sy, 1.2 * s, 1.1 * s, z + 1.0, 0.5)
    for wx in (-0.78, 0.78):
        box(canvas, x + wx - 0.12, x + wx + 0.12, 0.0, 0.4, z + 0.55, z + 1.0, "#111111")
    box(canvas, x - 0.9, x + 0.9, 0.3, 0.98, z, z + length, body, body * 0.75, body * 1.08)

    def quad(pts, c, zz, shade="vgrad", strength=0.3):
        canvas.shade_poly([v.project(*p) for p in pts], col(c), zz, shade, strength)

    r0, r1, f0 = z + 1.05, z + 2.85, z + 3.45  # rear screen top, roof end, windscreen foot
    if abs(x) > 0.3:  # the cabin side that faces the camera, with its glass
        sx_ = x - 0.76 if x > 0 else x + 0.76
        quad([(sx_, 0.98, z + 0.3), (sx_, 0.98, f0), (sx_, 1.46, r1), (sx_, 1.46, r0)], GLASS, (r0 + r1) / 2)
    quad(
        [(x - 0.82, 0.98, z + 0.3), (x + 0.82, 0.98, z + 0.3), (x + 0.7, 1.46, r0), (x - 0.7, 1.46, r0)],
        GLASS,
        r0 - 0.4,
        "vgrad",
        0.6,
    )
    quad(
        [(x - 0.7, 1.46, r0), (x + 0.7, 1.46, r0), (x + 0.7, 1.46, r1), (x - 0.7, 1.46, r1)],
        body * 1.12,
        (r0 + r1) / 2,
        "vgrad",
        -0.2,
    )
    quad(
        [(x - 0.7, 1.46, r1), (x + 0.7, 1.46, r1), (x + 0.84, 0.98, f0), (x - 0.84, 0.98, f0)],
        GLASS,
        (r1 + f0) / 2,
        "vgrad",
        0.3,
    )
    rear = Painter(canvas, x, z)
    rear.rect(-0.9, 0.3, 0.9, 0.42, "#1d1d1f")
    rear.rect(-0.26, 0.5, 0.26, 0.62, "#e9d33a")
    for i in range(7):
        rear.rect(-0.22 + i * 0.065, 0.53, -0.19 + i * 0.065, 0.59, "#1a1a1a")
    for sgn in (-1, 1):
        rear.rect(sgn * 0.89 - 0.2 * (sgn > 0), 0.7, sgn * 0.89 + 0.2 * (sgn < 0), 0.86, "#a3191b", "vgrad")
    rear.rect(-0.9, 0.94, 0.9, 0.98, body * 0.8)
    rear.rect(-0.12, 0.66, 0.12, 0.69, "#c8c8c8")


def car_front(
    canvas: Canvas, x: float, z: float, color: str, lights_on: bool = True, length: float = 4.5
) -> None:
    """A car facing the camera; its headlights register as lights for the bloom effect."""
    body = col(color)
    for wx in (-0.78, 0.78):
        box(canvas, x + wx - 0.12, x + wx + 0.12, 0.0, 0.4, z + 0.55, z + 1.0, "#111111")
    box(canvas, x - 0.9, x + 0.9, 0.3, 0.9, z, z + length, body, body * 0.75, body * 1.1)
    box(
        canvas, x - 0.76, x + 0.76, 0.9, 1.46, z + 1.3, z + length - 0.6, body * 0.95, body * 0.7, body * 1.15
    )
    front = Painter(canvas, x, z)
    front.rect(-0.9, 0.3, 0.9, 0.42, "#1d1d1f")
    front.rect(-0.35, 0.5, 0.35, 0.7, "#202124")
    front.rect(-0.24, 0.34, 0.24, 0.44, "#ececec")
    for sgn in (-1, 1):
        cx = sgn * 0.66
        front.rect(cx - 0.18, 0.66, cx + 0.18, 0.8, "#fffdf2" if lights_on else "#c9ccd0", "vgrad")
        if lights_on:
            front.light((cx, 0.73), 0.2, (1.0, 0.98, 0.9), 1.0, "headlight")
    cab = Painter(canvas, x, z + 1.3)
    cab.poly([(-0.7, 0.92), (0.7, 0.92), (0.58, 1.42), (-0.58, 1.42)], GLASS, "vgrad", 0.5)
