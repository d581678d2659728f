"""Camera frames as the runner sends them: fixtures by id, as base64 data URIs, optionally resized.

Needs only Pillow, imported on first use: loading the packaged vision suite (every run does) reads the
manifest and checks each frame's sha256, so a text-only run never loads Pillow. A user's own frames
(`--fixtures DIR`) are also opened; anything wrong is a `FixtureError` whose one-line message names
the file and the fix.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from homesec_bench.vision.manifest import FixtureImage, Manifest

if TYPE_CHECKING:
    from PIL import Image

FIXTURES_DIR = Path(str(resources.files("homesec_bench.vision") / "fixtures"))
MANIFEST_NAME = "manifest.json"
MIN_SIDE = 16


class FixtureError(ValueError):
    """A fixtures folder, manifest or image that cannot be used; the message names the file."""


def load_fixtures(fixtures_dir: Path | None = None) -> Manifest:
    """Read and check `manifest.json` in `fixtures_dir` (the packaged frames by default)."""
    folder = Path(fixtures_dir) if fixtures_dir is not None else FIXTURES_DIR
    path = folder / MANIFEST_NAME
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        if not folder.is_dir():
            raise FixtureError(f"{folder}: no such folder; give --fixtures a folder of frames") from None
        raise FixtureError(
            f"{path}: not found; put a {MANIFEST_NAME} beside the frames (see docs/vision.md)"
        ) from None
    return _load(str(folder.resolve()), stamp)


@lru_cache(maxsize=16)
def _load(folder_text: str, _stamp: int) -> Manifest:
    folder = Path(folder_text)
    path = folder / MANIFEST_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(f"{path}: cannot read the file ({exc}); check it exists and is UTF-8") from None
    except json.JSONDecodeError as exc:
        raise FixtureError(
            f"{path}: not valid JSON (line {exc.lineno}: {exc.msg}); fix the syntax there"
        ) from None
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise FixtureError(
            f"{path}: invalid manifest ({where}: {first['msg']}); see docs/vision.md"
        ) from None
    # The packaged frames are pinned by sha256 (and opened by the tests); a user's frames are opened here.
    packaged = folder == FIXTURES_DIR.resolve() and all(image.sha256 for image in manifest.images)
    for image in manifest.images:
        _check_image(folder, path, image, open_image=not packaged)
    return manifest


def _image_path(folder: Path, manifest_path: Path, image: FixtureImage) -> Path:
    target = (folder / image.file).resolve()
    if folder not in target.parents:
        raise FixtureError(
            f"{manifest_path}: image {image.id} points outside the fixtures folder ({image.file}); "
            "keep the frames beside the manifest"
        )
    return target


def _check_image(folder: Path, manifest_path: Path, image: FixtureImage, *, open_image: bool = True) -> None:
    target = _image_path(folder, manifest_path, image)
    try:
        data = target.read_bytes()
    except OSError as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else exc.strerror or str(exc)
        raise FixtureError(
            f"{target}: cannot read image {image.id} ({reason}); fix `file` in {manifest_path.name} or add it"
        ) from None
    if open_image:
        _verify(target, data)
    if image.sha256 and hashlib.sha256(data).hexdigest() != image.sha256:
        raise FixtureError(
            f"{target}: content does not match its sha256 in {manifest_path.name}; "
            "regenerate with `python tools/generate_fixtures.py` or remove the sha256"
        )


def _verify(target: Path, data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise FixtureError(
            f"{target}: not a readable image ({type(exc).__name__}); replace it with a JPEG or PNG frame"
        ) from None


def fixture_path(fixture_id: str, *, fixtures_dir: Path | None = None) -> Path:
    folder = Path(fixtures_dir) if fixtures_dir is not None else FIXTURES_DIR
    manifest = load_fixtures(folder)
    try:
        image = manifest.image(fixture_id)
    except KeyError:
        raise FixtureError(
            f"{folder / MANIFEST_NAME}: no fixture with id {fixture_id!r}; the ids are listed in that file"
        ) from None
    return (folder / image.file).resolve()


def image_data_uri(fixture_id: str, *, fixtures_dir: Path | None = None, max_side: int | None = None) -> str:
    """The frame as a `data:` URI; with `max_side`, shrunk so that its longer side is at most that."""
    path = fixture_path(fixture_id, fixtures_dir=fixtures_dir)
    return _data_uri(str(path), path.stat().st_mtime_ns, _check_side(max_side))


def neutral_image_data_uri(max_side: int | None = None) -> str:
    """A plain grey frame with a timestamp and a camera label, for the blind baseline (`--blind`)."""
    return _neutral(_check_side(max_side))


def _check_side(max_side: int | None) -> int | None:
    if max_side is not None and max_side < MIN_SIDE:
        raise FixtureError(
            f"image size {max_side} is too small; give --vlm-image-size at least {MIN_SIDE} pixels"
        )
    return max_side


@lru_cache(maxsize=256)
def _data_uri(path_text: str, _stamp: int, max_side: int | None) -> str:
    from PIL import Image

    data = Path(path_text).read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        fmt = im.format
        if fmt in ("JPEG", "PNG") and (max_side is None or max(im.size) <= max_side):
            return _uri(data, fmt)
        return _encode(im, max_side)


@lru_cache(maxsize=8)
def _neutral(max_side: int | None) -> str:
    from PIL import Image, ImageDraw, ImageFont

    frame = Image.new("RGB", (640, 360), (128, 128, 128))
    draw = ImageDraw.Draw(frame)
    font = ImageFont.load_default(size=14)
    white, black = (240, 240, 240), (0, 0, 0)
    draw.text((10, 8), "2026-03-18 12:00:00", font=font, fill=white, stroke_width=2, stroke_fill=black)
    draw.text((10, 336), "CAMERA", font=font, fill=white, stroke_width=2, stroke_fill=black)
    return _encode(frame, max_side)


def _encode(im: Image.Image, max_side: int | None) -> str:
    from PIL import Image

    im = im.convert("RGB")
    if max_side is not None and max(im.size) > max_side:
        scale = max_side / max(im.size)
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        im = im.resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return _uri(buf.getvalue(), "JPEG")


def _uri(data: bytes, fmt: str) -> str:
    mime = "image/png" if fmt == "PNG" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
