"""Two renders of the same frames compared pixel by pixel (numpy, the dev extra), for `--check` and tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from homesec_bench.vision.images import load_fixtures

REPRODUCTION_TOLERANCE = 1.0  # mean absolute difference per channel, 0..255


def compare_fixtures(committed: Path, fresh: Path, ids: list[str]) -> list[str]:
    """Differences between two renders of the same frames: one line per frame beyond the tolerance."""
    old, new = load_fixtures(committed), load_fixtures(fresh)
    problems = []
    for fixture_id in ids:
        try:
            a, b = old.image(fixture_id), new.image(fixture_id)
        except KeyError:
            problems.append(f"{fixture_id}: in one render but not the other")
            continue
        if a.model_dump(exclude={"sha256"}) != b.model_dump(exclude={"sha256"}):
            problems.append(f"{fixture_id}: manifest entry differs from the committed one")
        with Image.open(committed / a.file) as ia, Image.open(fresh / b.file) as ib:
            pa = np.asarray(ia.convert("RGB"), dtype=np.float32)
            pb = np.asarray(ib.convert("RGB"), dtype=np.float32)
        if pa.shape != pb.shape:
            problems.append(f"{fixture_id}: size {pb.shape[1]}x{pb.shape[0]} != {pa.shape[1]}x{pa.shape[0]}")
            continue
        diff = float(np.abs(pa - pb).mean())
        if diff >= REPRODUCTION_TOLERANCE:
            problems.append(f"{fixture_id}: mean abs pixel difference {diff:.2f} >= {REPRODUCTION_TOLERANCE}")
    return problems
