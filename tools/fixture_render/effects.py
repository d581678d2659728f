"""What the camera does to a scene: night light, infrared, fog, smoke, rain, glare, headlight bloom,
a dirty lens, a wide-angle lens, sensor noise, low resolution and the timestamp overlay."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from fixture_render.canvas import SUPERSAMPLE, Canvas, Light, fbm

# ---------------------------------------------------------------------- light, at output resolution


@dataclass
class Frame:
    """The rendered scene at output size, with what lighting needs: depth, self-lit pixels, lights."""

    rgb: np.ndarray
    depth: np.ndarray
    emit: np.ndarray
    lights: list[Light]

    @classmethod
    def from_canvas(cls, cv: Canvas) -> Frame:
        h, w = cv.view.height // SUPERSAMPLE, cv.view.width // SUPERSAMPLE
        emit = cv.emit.reshape(h, SUPERSAMPLE, w, SUPERSAMPLE).mean(axis=(1, 3))
        return cls(cv.finish(), cv.depth_small(), emit, list(cv.lights))

    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        h, w = self.depth.shape
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        return xs + 0.5, ys + 0.5


def night_light(fr: Frame, ambient: float = 0.13) -> None:
    """Darken to moonlight, then add back what each lamp lights around it."""
    xs, ys = fr.grid()
    light = np.full(fr.rgb.shape, ambient, dtype=np.float32) * np.array([0.75, 0.82, 1.0], dtype=np.float32)
    for lt in fr.lights:
        if lt.kind == "eye":
            continue
        reach = lt.radius * {"lamp": 16, "headlight": 22, "flood": 14, "fire": 7}.get(lt.kind, 16)
        d2 = ((xs - lt.x) ** 2 + ((ys - lt.y) * (0.8 if lt.kind == "headlight" else 1.0)) ** 2) / reach**2
        if lt.kind == "headlight":  # light falls ahead of and below a headlamp, not above it
            d2 = d2 + np.where(ys < lt.y, ((ys - lt.y) / (reach * 0.25)) ** 2, 0.0)
        light += (np.exp(-d2) * 0.9 * lt.strength)[..., None] * np.array(lt.color, dtype=np.float32)
    lit = fr.rgb * np.clip(light, 0, 1.6)
    fr.rgb = lit + (fr.rgb - lit) * fr.emit[..., None]


def infrared(fr: Frame, reach: float = 6.0) -> None:
    """Greyscale under the camera's own IR lamp: foliage glows, the far distance falls to black."""
    r, g, b = fr.rgb[..., 0], fr.rgb[..., 1], fr.rgb[..., 2]
    grey = 0.3 * r + 0.45 * g + 0.25 * b
    grey = grey + 0.45 * np.clip(g - np.maximum(r, b), 0, None) * 3.0  # chlorophyll reflects IR
    grey = 0.12 + 0.72 * grey
    falloff = np.clip((reach / np.maximum(fr.depth, 0.5)) ** 1.1, 0.0, 1.05)
    xs, ys = fr.grid()
    h, w = fr.depth.shape
    vign = 1.0 - 0.45 * (((xs - w / 2) / (w / 2)) ** 2 + ((ys - h * 0.55) / (h * 0.7)) ** 2)
    out = grey * falloff * np.clip(vign, 0.2, 1.0)
    out = out + (grey * 1.1 - out) * fr.emit
    fr.rgb = np.repeat(np.clip(out, 0, 1)[..., None], 3, axis=2) * np.array(
        [0.97, 0.98, 1.0], dtype=np.float32
    )


def fog(fr: Frame, visibility: float, color: tuple[float, float, float]) -> None:
    t = np.exp(-fr.depth / visibility)[..., None]
    fr.rgb = fr.rgb * t + np.array(color, dtype=np.float32) * (1 - t)


def smoke(fr: Frame, seed: int, source: tuple[float, float], density: float = 1.0) -> None:
    """Grey smoke banking under the ceiling and rising from a source point (output pixels)."""
    xs, ys = fr.grid()
    h = fr.depth.shape[0]
    billow = fbm(xs, ys, 55.0, seed, 4)
    ceiling = np.clip(1.15 - ys / (h * 0.62), 0, 1) ** 0.8
    sx, sy = source
    plume = np.exp(-(((xs - sx) / (90 + 0.6 * np.clip(sy - ys, 0, None))) ** 2)) * (ys < sy + 20)
    a = np.clip((0.8 * ceiling + 0.75 * plume) * (0.45 + 0.9 * billow) * density, 0, 0.94)[..., None]
    colour = np.array([0.5, 0.5, 0.51], dtype=np.float32) * (0.8 + 0.35 * billow[..., None])
    fr.rgb = fr.rgb * (1 - a) + colour * a


def flames(fr: Frame, seed: int, x: float, y: float, width: float, height: float) -> None:
    """Tongues of flame rising from a base line at output pixel (x, y), lighting what is around them."""
    rng = np.random.default_rng(seed)
    xs, ys = fr.grid()
    v = np.clip((y - ys) / height, -0.2, 1.5)
    turb = fbm(xs * 1.0, ys * 0.45, 7.0, seed, 3)
    heat = np.zeros_like(xs)
    for _ in range(7):
        off = rng.uniform(-0.42, 0.42) * width
        tall = rng.uniform(0.45, 1.0)
        wid = rng.uniform(0.12, 0.24) * width
        sway = (turb - 0.5) * 18 * v
        across = (xs - x - off - sway) / (wid * np.clip(1.0 - v / tall, 0.02, 1.0))
        tongue = np.exp(-(across**2)) * np.clip(1.0 - v / tall, 0, 1) * (v > -0.08)
        heat = np.maximum(heat, tongue)
    heat = np.clip(heat * (0.75 + 0.5 * turb), 0, 1)
    a = np.clip((heat - 0.12) * 3.0, 0, 1)[..., None]
    colour = np.stack([np.ones_like(heat), 0.25 + 0.75 * heat, 0.05 + 0.8 * heat**3], axis=-1)
    fr.rgb = fr.rgb * (1 - a) + colour.astype(np.float32) * a
    fr.emit = np.maximum(fr.emit, a[..., 0])
    fr.lights.append(Light(x, y - height * 0.35, width * 0.35, (1.0, 0.55, 0.2), 1.3, "fire"))


# ---------------------------------------------------------------------- on the output frame


def bloom(img: np.ndarray, lights: list[Light], night: bool) -> np.ndarray:
    """Glow around bright sources; headlights also throw a horizontal streak across the lens."""
    h, w, _ = img.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    add = np.zeros_like(img)
    for lt in lights:
        if lt.kind not in ("headlight", "lamp", "eye", "fire") or (not night and lt.kind != "headlight"):
            continue
        d2 = (xs - lt.x) ** 2 + (ys - lt.y) ** 2
        c = np.array(lt.color, dtype=np.float32)
        if lt.kind == "eye":
            add += np.exp(-d2 / (lt.radius * 1.5) ** 2)[..., None] * c * 0.8
            continue
        core = np.exp(-d2 / (lt.radius * (1.0 if lt.kind == "fire" else 1.8)) ** 2)
        halo = np.exp(-d2 / (lt.radius * 7.0) ** 2) * (0.12 if lt.kind == "fire" else 0.3)
        add += ((core + halo) * lt.strength)[..., None] * c
        if lt.kind == "headlight":
            streak = np.exp(-((ys - lt.y) ** 2) / (lt.radius * 0.35) ** 2 - np.abs(xs - lt.x) / (w * 0.18))
            add += (streak * 0.6 * lt.strength)[..., None] * c
    return np.clip(img + add, 0, 1)


def rain(img: np.ndarray, rng: np.random.Generator, night: bool) -> np.ndarray:
    h, w, _ = img.shape
    img = img * 0.85 + img.mean(axis=2, keepdims=True) * 0.15  # wet, flat light
    layer = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(layer)
    for _ in range(1100):
        x, y = rng.uniform(-40, w), rng.uniform(-30, h)
        length = rng.uniform(9, 26)
        d.line([(x, y), (x + length * 0.28, y + length)], fill=int(rng.uniform(60, 150)), width=1)
    streaks = np.asarray(layer.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32)[..., None] / 255.0
    tone = 0.55 if night else 0.85
    img = img + (tone - img) * streaks * 0.75
    return _lens_drops(img, rng, 7)


def _lens_drops(img: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    h, w, _ = img.shape
    blurred = _blur(img, 5)
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    for _ in range(n):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(8, 22)
        d.ellipse([x - r, y - r, x + r, y + r], fill=220)
    m = np.asarray(mask.filter(ImageFilter.GaussianBlur(3)), dtype=np.float32)[..., None] / 255.0
    return img * (1 - m) + (blurred * 1.08) * m


def glare(img: np.ndarray, sun: tuple[float, float], strength: float = 1.0) -> np.ndarray:
    """Low sun into the lens: a washed-out bloom, rays and ghost reflections toward the centre."""
    h, w, _ = img.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = xs - sun[0], ys - sun[1]
    d = np.sqrt(dx**2 + dy**2)
    ang = np.arctan2(dy, dx)
    rays = 0.5 + 0.5 * np.cos(ang * 14) ** 8
    warm = np.array([1.0, 0.93, 0.78], dtype=np.float32)
    veil = (np.exp(-((d / (w * 0.28)) ** 2)) * 0.9 + np.exp(-d / (w * 0.35)) * 0.35 * rays)[..., None]
    img = img * (1 - 0.55 * np.clip(veil, 0, 1)) + warm * veil * strength
    for t, r, a in ((0.55, 22, 0.18), (0.85, 40, 0.12), (1.3, 14, 0.2), (1.6, 60, 0.08)):
        gx, gy = sun[0] + (w / 2 - sun[0]) * t * 2, sun[1] + (h / 2 - sun[1]) * t * 2
        gd = np.sqrt((xs - gx) ** 2 + (ys - gy) ** 2)
        ring = np.clip(1 - np.abs(gd - r * 0.7) / (r * 0.3), 0, 1) * 0.6 + (gd < r) * 0.4
        img = img + (ring * a)[..., None] * np.array([0.7, 0.9, 1.0], dtype=np.float32)
    return np.clip(img * 0.85 + 0.12, 0, 1)


def dirty_lens(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Greasy smudges and specks: blurred, brownish, hazy patches."""
    h, w, _ = img.shape
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    for _ in range(9):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        rx, ry = rng.uniform(40, 120), rng.uniform(30, 90)
        d.ellipse([x - rx, y - ry, x + rx, y + ry], fill=int(rng.uniform(150, 255)))
    m = np.asarray(mask.filter(ImageFilter.GaussianBlur(28)), dtype=np.float32)[..., None] / 255.0
    smear = _blur(img, 9) * 0.8 + np.array([0.5, 0.44, 0.36], dtype=np.float32) * 0.28
    img = img * (1 - m * 0.9) + smear * m * 0.9
    specks = Image.new("L", (w, h), 0)
    sd = ImageDraw.Draw(specks)
    for _ in range(60):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(1.5, 5)
        sd.ellipse([x - r, y - r, x + r, y + r], fill=int(rng.uniform(80, 200)))
    s = np.asarray(specks.filter(ImageFilter.GaussianBlur(1.5)), dtype=np.float32)[..., None] / 255.0
    return np.clip(img * (1 - s * 0.6) + 0.05, 0, 1)


def barrel(img: np.ndarray, k: float) -> np.ndarray:
    """Wide-angle barrel distortion, zoomed so that no empty corner shows."""
    if k == 0:
        return img
    h, w, _ = img.shape
    y0, x0, fx, fy = _barrel_map(h, w, k)
    top = img[y0, x0] * (1 - fx) + img[y0, x0 + 1] * fx
    bot = img[y0 + 1, x0] * (1 - fx) + img[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bot * fy


@lru_cache(maxsize=4)
def _barrel_map(h: int, w: int, k: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    nx, ny = (xs - w / 2) / (w / 2), (ys - h / 2) / (w / 2)
    r2 = nx**2 + ny**2
    zoom = 1 / (1 + k * (1 + (h / w) ** 2))
    f = (1 + k * r2) * zoom
    sx = np.clip(nx * f * (w / 2) + w / 2, 0, w - 1.001)
    sy = np.clip(ny * f * (w / 2) + h / 2, 0, h - 1.001)
    x0, y0 = np.floor(sx).astype(np.int32), np.floor(sy).astype(np.int32)
    return y0, x0, (sx - x0)[..., None], (sy - y0)[..., None]


def soften(img: np.ndarray) -> np.ndarray:
    """A security camera's lens and compression never give edges as crisp as a renderer's."""
    return _blur(img, 0.6)


def sensor_noise(img: np.ndarray, rng: np.random.Generator, sigma: float, chroma: float) -> np.ndarray:
    h, w, _ = img.shape
    luma = rng.normal(0, sigma, (h, w, 1)).astype(np.float32)
    col = rng.normal(0, chroma, (h, w, 3)).astype(np.float32)
    return np.clip(img + luma + col, 0, 1)


def low_resolution(img: np.ndarray, factor: int) -> np.ndarray:
    pil = to_pil(img)
    w, h = pil.size
    small = pil.resize((w // factor, h // factor), Image.Resampling.BILINEAR)
    return np.asarray(small.resize((w, h), Image.Resampling.BILINEAR), dtype=np.float32) / 255.0


def _blur(img: np.ndarray, radius: float) -> np.ndarray:
    return np.asarray(to_pil(img).filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255.0


def to_pil(img: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(np.round(img * 255), 0, 255).astype(np.uint8), "RGB")


def overlay(pil: Image.Image, timestamp: str, camera_label: str) -> Image.Image:
    """The timestamp and camera name burnt into the frame, as every security camera does."""
    draw = ImageDraw.Draw(pil)
    font = ImageFont.load_default(size=14)
    draw.text((10, 8), timestamp, font=font, fill=(240, 240, 240), stroke_width=2, stroke_fill=(0, 0, 0))
    h = pil.size[1]
    draw.text(
        (10, h - 24), camera_label, font=font, fill=(240, 240, 240), stroke_width=2, stroke_fill=(0, 0, 0)
    )
    return pil
