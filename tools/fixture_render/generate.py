"""Render every scene to a JPEG and write the manifest beside them."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from fixture_render.scene import SOURCE_ID, Scene, render, truth
from fixture_render.scenes import SCENES
from homesec_bench.vision.manifest import FixtureImage, Manifest, Source

FIXTURES_VERSION = "1"
JPEG_QUALITY = 80
SOURCES = [
    Source(
        id=SOURCE_ID,
        description=(
            "Rendered procedurally with Pillow and numpy from the scene descriptions in "
            "tools/fixture_render/scenes.py; no photograph or third-party image is used. The "
            "timestamp overlay uses the Aileron Regular font that Pillow embeds as its default font."
        ),
        licence="Apache-2.0 (this project); Aileron Regular font: CC0-1.0",
        origin="tools/fixture_render/",
    )
]


def encode_jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False, subsampling="4:2:0")
    return buf.getvalue()


def render_fixture(scene: Scene) -> tuple[bytes, FixtureImage]:
    data = encode_jpeg(render(scene))
    entry = truth(scene).model_copy(update={"sha256": hashlib.sha256(data).hexdigest()})
    return data, entry


def build_manifest(entries: list[FixtureImage]) -> Manifest:
    return Manifest(
        name="homesec-bench camera frames",
        version=FIXTURES_VERSION,
        generator="python tools/generate_fixtures.py",
        sources=SOURCES,
        images=entries,
    )


def manifest_json(manifest: Manifest) -> str:
    return json.dumps(manifest.model_dump(mode="json", by_alias=True), indent=2, ensure_ascii=False) + "\n"


def generate(out_dir: Path, only: Iterable[str] | None = None) -> Manifest:
    """Render the scenes (all, or the ids in `only`) into out_dir and write its manifest.json."""
    wanted = set(only) if only else None
    scenes = [s for s in SCENES if wanted is None or s.id in wanted]
    if wanted:
        unknown = wanted - {s.id for s in SCENES}
        if unknown:
            raise ValueError(f"unknown scene id {', '.join(sorted(unknown))}")
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for scene in scenes:
        data, entry = render_fixture(scene)
        (out_dir / entry.file).write_bytes(data)
        entries.append(entry)
    if wanted:  # a partial render keeps the other frames' entries
        entries = _merge(out_dir / "manifest.json", entries)
    manifest = build_manifest(entries)
    (out_dir / "manifest.json").write_text(manifest_json(manifest), encoding="utf-8")
    return manifest


def _merge(path: Path, fresh: list[FixtureImage]) -> list[FixtureImage]:
    try:
        old = Manifest.model_validate_json(path.read_text(encoding="utf-8")).images
    except (OSError, ValueError):
        return fresh
    by_id = {e.id: e for e in old} | {e.id: e for e in fresh}
    order = [s.id for s in SCENES]
    return sorted(by_id.values(), key=lambda e: order.index(e.id) if e.id in order else len(order))
