"""A tiny z-buffered renderer: a pinhole camera, planes with textures, and flat shapes at a depth.

Scenes are built in metres (x right, y up, z away from the camera). Everything is drawn at
`SUPERSAMPLE` times the output size and averaged down, which is the whole of the anti-aliasing.
The depth buffer lets fog, night lighting and infrared fall-off be applied after drawing, and lets
a hedge drawn first still hide the person who stands behind it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 2
OUT_W, OUT_H = 640, 360

Color = tuple[float, float, float]
Texture = Callable[[np.ndarray, np.ndarray], np.ndarray]


def rgb(hex_or_tuple: str | Sequence[float]) -> np.ndarray:
    """A colour as a float32 array in 0..1, from '#rrggbb' or a 0..1 tuple."""
    if isinstance(hex_or_tuple, str):
        h = hex_or_tuple.lstrip("#")
        return np.array([int(h[i : i + 2], 16) / 255.0 for i in (0, 2, 4)], dtype=np.float32)
    return np.asarray(hex_or_tuple, dtype=np.float32)


@dataclass(frozen=True)
class View:
    """A level pinhole camera whose horizon sits at `horizon` (a shifted lens stands in for tilt)."""

    width: int = OUT_W * SUPERSAMPLE
    height: int = OUT_H * SUPERSAMPLE
    horizon: float = 0.3 * OUT_H * SUPERSAMPLE
    focal: float = 0.62 * OUT_W * SUPERSAMPLE
    cam_height: float = 2.4

    @property
    def cx(self) -> float:
        return self.width / 2.0

    def project(self, x: float, y: float, z: float) -> tuple[float, float]:
        return self.cx + self.focal * x / z, self.horizon + self.focal * (self.cam_height - y) / z

    def scale(self, z: float) -> float:
        """Pixels per metre at depth z."""
        return self.focal / z


@dataclass
class Light:
    """A bright source in screen pixels (output resolution), for bloom and night lighting."""

    x: float
    y: float
    radius: float
    color: Color = (1.0, 0.92, 0.75)
    strength: float = 1.0
    kind: str = "lamp"  # lamp | headlight | sun | ir


@dataclass
class Canvas:
    view: View
    rgb: np.ndarray = field(init=False)
    depth: np.ndarray = field(init=False)
    emit: np.ndarray = field(init=False)
    lights: list[Light] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rgb = np.zeros((self.view.height, self.view.width, 3), dtype=np.float32)
        self.depth = np.full((self.view.height, self.view.width), np.inf, dtype=np.float32)
        # Light sources and lit windows: night lighting leaves these pixels as bright as drawn.
        self.emit = np.zeros((self.view.height, self.view.width), dtype=np.float32)
        self.emissive = False
        ys, xs = np.mgrid[0 : self.view.height, 0 : self.view.width].astype(np.float32)
        self._xs, self._ys = xs + 0.5, ys + 0.5

    # ------------------------------------------------------------------ low level
    def paint(
        self,
        x0: int,
        y0: int,
        alpha: np.ndarray,
        color: np.ndarray,
        z: float | np.ndarray,
        write_depth: bool = True,
    ) -> None:
        """Blend `color` through coverage `alpha` placed at (x0, y0), where it is not hidden."""
        h, w = alpha.shape
        cx0, cy0 = max(x0, 0), max(y0, 0)
        cx1, cy1 = min(x0 + w, self.view.width), min(y0 + h, self.view.height)
        if cx1 <= cx0 or cy1 <= cy0:
            return
        sl = (slice(cy0, cy1), slice(cx0, cx1))
        a = alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        zz = z if np.isscalar(z) else z[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        visible = zz <= self.depth[sl] + 1e-4
        a = np.where(visible, a, 0.0).astype(np.float32)
        col = color if color.ndim == 1 else color[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        region = self.rgb[sl]
        region += (col - region) * a[..., None]
        if write_depth:
            self.depth[sl] = np.where(a > 0.5, zz, self.depth[sl])
        e = self.emit[sl]
        e += ((1.0 if self.emissive else 0.0) - e) * a

    def polygon_mask(self, pts: Sequence[tuple[float, float]]) -> tuple[int, int, np.ndarray] | None:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        x0, y0 = math.floor(min(xs)) - 1, math.floor(min(ys)) - 1
        x1, y1 = math.ceil(max(xs)) + 1, math.ceil(max(ys)) + 1
        x0c, y0c = max(x0, -2), max(y0, -2)
        x1c, y1c = min(x1, self.view.width + 2), min(y1, self.view.height + 2)
        if x1c <= x0c or y1c <= y0c:
            return None
        img = Image.new("L", (x1c - x0c, y1c - y0c), 0)
        ImageDraw.Draw(img).polygon([(x - x0c, y - y0c) for x, y in pts], fill=255)
        return x0c, y0c, np.asarray(img, dtype=np.float32) / 255.0

    def shade_poly(
        self,
        pts: Sequence[tuple[float, float]],
        color: np.ndarray,
        z: float,
        shade: str = "flat",
        strength: float = 0.35,
        texture: np.ndarray | None = None,
    ) -> None:
        """Fill a screen polygon at depth z with a colour shaded across its bounding box."""
        got = self.polygon_mask(pts)
        if got is None:
            return
        x0, y0, mask = got
        h, w = mask.shape
        if shade == "flat" and texture is None:
            self.paint(x0, y0, mask, color, z)
            return
        u = (np.arange(w, dtype=np.float32) + 0.5) / max(w, 1)
        v = (np.arange(h, dtype=np.float32) + 0.5) / max(h, 1)
        if shade == "cyl":  # a rounded limb lit from the upper left
            mult = 1.0 - strength * (2 * u - 0.35) ** 2
            mult = np.broadcast_to(mult[None, :], (h, w))
        elif shade == "vgrad":  # lighter at the top
            mult = np.broadcast_to((1.0 + strength * (0.5 - v))[:, None], (h, w))
        elif shade == "hgrad":
            mult = np.broadcast_to((1.0 + strength * (0.5 - u))[None, :], (h, w))
        elif shade == "sphere":
            uu, vv = np.meshgrid(u, v)
            mult = 1.0 - strength * ((uu - 0.38) ** 2 + (vv - 0.35) ** 2) * 2.2
        else:
            mult = np.ones((h, w), dtype=np.float32)
        col = color[None, None, :] * mult[..., None]
        if texture is not None:
            th, tw = texture.shape[:2]
            tex = np.resize(texture, (h, w)) if (th, tw) != (h, w) else texture
            col = col * tex[..., None]
        self.paint(x0, y0, mask, np.clip(col, 0, 1).astype(np.float32), z)

    def shadow(self, cx: float, cy: float, rx: float, ry: float, z: float, amount: float = 0.45) -> None:
        """Darken the ground under an object, softly; only what lies at or behind the object."""
        x0, y0 = int(cx - rx * 1.6), int(cy - ry * 1.6)
        w, h = int(rx * 3.2) + 2, int(ry * 3.2) + 2
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        d = ((xs + x0 - cx) / rx) ** 2 + ((ys + y0 - cy) / ry) ** 2
        soft = np.exp(-d * 1.3) * amount
        cx0, cy0 = max(x0, 0), max(y0, 0)
        cx1, cy1 = min(x0 + w, self.view.width), min(y0 + h, self.view.height)
        if cx1 <= cx0 or cy1 <= cy0:
            return
        sl = (slice(cy0, cy1), slice(cx0, cx1))
        s = soft[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        s = np.where(self.depth[sl] >= z - 0.6, s, 0.0)
        self.rgb[sl] *= (1.0 - s)[..., None]

    # ------------------------------------------------------------------ planes
    def ground(
        self,
        texture: Texture,
        x_range: tuple[float, float] = (-1e9, 1e9),
        z_range: tuple[float, float] = (0.1, 1e9),
        y: float = 0.0,
        polygon_xz: Sequence[tuple[float, float]] | None = None,
        opacity: float = 1.0,
    ) -> None:
        """Fill a horizontal plane at height y (the ground, a floor, a road) with a texture of (x, z)."""
        v = self.view
        dy = self._ys - v.horizon
        below = dy > 0.5 if y < v.cam_height else dy < -0.5
        with np.errstate(divide="ignore", invalid="ignore"):
            zz = np.where(below, v.focal * (v.cam_height - y) / dy, np.inf)
        xx = (self._xs - v.cx) * zz / v.focal
        m = below & (zz >= z_range[0]) & (zz <= z_range[1]) & (xx >= x_range[0]) & (xx <= x_range[1])
        if polygon_xz is not None:
            m &= _inside_polygon(xx, zz, polygon_xz)
        self._fill_plane(m, texture, xx, zz, zz, opacity)

    def wall(
        self,
        z: float,
        texture: Texture,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
    ) -> None:
        """Fill a wall facing the camera at depth z with a texture of (x, y)."""
        v = self.view
        xx = (self._xs - v.cx) * z / v.focal
        yy = v.cam_height - (self._ys - v.horizon) * z / v.focal
        m = (xx >= x_range[0]) & (xx <= x_range[1]) & (yy >= y_range[0]) & (yy <= y_range[1])
        self._fill_plane(m, texture, xx, yy, np.float32(z))

    def side_wall(
        self,
        x: float,
        texture: Texture,
        z_range: tuple[float, float],
        y_range: tuple[float, float],
    ) -> None:
        """Fill a wall running away from the camera at lateral position x with a texture of (z, y)."""
        v = self.view
        dx = self._xs - v.cx
        with np.errstate(divide="ignore", invalid="ignore"):
            zz = np.where(np.sign(dx) == np.sign(x), v.focal * x / dx, np.inf)
        yy = v.cam_height - (self._ys - v.horizon) * zz / v.focal
        m = np.isfinite(zz) & (zz >= z_range[0]) & (zz <= z_range[1])
        m &= (yy >= y_range[0]) & (yy <= y_range[1])
        self._fill_plane(m, texture, zz, yy, zz)

    def _fill_plane(
        self, m: np.ndarray, texture: Texture, a: np.ndarray, b: np.ndarray, z, opacity: float = 1.0
    ) -> None:
        rows = np.flatnonzero(m.any(axis=1))
        if rows.size == 0:
            return
        cols = np.flatnonzero(m.any(axis=0))
        y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        sub = m[y0:y1, x0:x1]
        aa, bb = a[y0:y1, x0:x1], b[y0:y1, x0:x1]
        zz = z if np.isscalar(z) or np.ndim(z) == 0 else z[y0:y1, x0:x1]
        zarr = np.broadcast_to(np.asarray(zz, dtype=np.float32), sub.shape)
        sub = sub & (zarr <= self.depth[y0:y1, x0:x1] + 1e-4)  # texture only what will show
        col = np.zeros((y1 - y0, x1 - x0, 3), dtype=np.float32)
        col[sub] = texture(aa[sub], bb[sub])
        zarr = np.where(sub, zarr, np.inf).astype(np.float32)
        self.paint(x0, y0, sub.astype(np.float32) * opacity, col, zarr, write_depth=opacity >= 0.5)

    def sky(self, top: str, bottom: str) -> None:
        """A vertical gradient behind everything."""
        t = np.clip(self._ys / max(self.view.horizon, 1.0), 0, 1)[..., None]
        self.rgb[:] = rgb(top) * (1 - t) + rgb(bottom) * t

    def finish(self) -> np.ndarray:
        """Average the supersampled buffer down to the output size (float, 0..1)."""
        h, w = self.view.height // SUPERSAMPLE, self.view.width // SUPERSAMPLE
        img = self.rgb.reshape(h, SUPERSAMPLE, w, SUPERSAMPLE, 3).mean(axis=(1, 3))
        return np.clip(img, 0, 1)

    def depth_small(self) -> np.ndarray:
        h, w = self.view.height // SUPERSAMPLE, self.view.width // SUPERSAMPLE
        d = np.minimum(self.depth, 1e4)
        return d.reshape(h, SUPERSAMPLE, w, SUPERSAMPLE).min(axis=(1, 3))


def _inside_polygon(xx: np.ndarray, zz: np.ndarray, poly: Sequence[tuple[float, float]]) -> np.ndarray:
    inside = np.zeros(xx.shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        (x1, z1), (x2, z2) = poly[i], poly[(i + 1) % n]
        with np.errstate(divide="ignore", invalid="ignore"):
            crosses = ((z1 > zz) != (z2 > zz)) & (xx < (x2 - x1) * (zz - z1) / (z2 - z1 + 1e-12) + x1)
        inside ^= crosses
    return inside


# ---------------------------------------------------------------------- procedural noise


@lru_cache(maxsize=256)
def _lattice(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(256 * 256, dtype=np.float32)


def value_noise(a: np.ndarray, b: np.ndarray, scale: float, seed: int) -> np.ndarray:
    """Smooth noise in 0..1 of two coordinates, stable for a seed (a random lattice, smoothstepped)."""
    a = np.asarray(a, dtype=np.float32) / np.float32(scale)
    b = np.asarray(b, dtype=np.float32) / np.float32(scale)
    fa_, fb_ = np.floor(a), np.floor(b)
    fa, fb = a - fa_, b - fb_
    fa, fb = fa * fa * (3 - 2 * fa), fb * fb * (3 - 2 * fb)
    ia, ib = fa_.astype(np.int32) & 255, fb_.astype(np.int32) & 255
    i00 = (ia << 8) | ib
    i10 = (((ia + 1) & 255) << 8) | ib
    ib1 = (ib + 1) & 255
    t = _lattice(seed & 0x7FFFFFFF)
    v00, v10 = np.take(t, i00), np.take(t, i10)
    v01, v11 = np.take(t, (ia << 8) | ib1), np.take(t, (i10 & ~255) | ib1)
    top = v00 + (v10 - v00) * fa
    bot = v01 + (v11 - v01) * fa
    return top + (bot - top) * fb


def fbm(a: np.ndarray, b: np.ndarray, scale: float, seed: int, octaves: int = 3) -> np.ndarray:
    total = np.zeros(np.shape(a), dtype=np.float32)
    amp, norm = 1.0, 0.0
    for i in range(octaves):
        total += amp * value_noise(a, b, scale / (2**i), seed + 17 * i)
        norm += amp
        amp *= 0.5
    return total / norm
