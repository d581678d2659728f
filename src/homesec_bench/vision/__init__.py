"""The vision suite: packaged camera frames, their ground truth, the tests built from them, and the
functions the runner uses to send frames (or a neutral frame, for the blind baseline).

Public API:
    build_vision_suite(fixtures_dir=None) -> Suite
    image_data_uri(fixture_id, *, fixtures_dir=None, max_side=None) -> str
    neutral_image_data_uri(max_side=None) -> str
    load_fixtures(fixtures_dir=None) -> Manifest
    grade_vision(answer, params) -> Verdict
    FixtureError, Manifest, FixtureImage, FIXTURES_DIR
"""

from __future__ import annotations

from homesec_bench.vision.grading import grade_vision
from homesec_bench.vision.images import (
    FIXTURES_DIR,
    FixtureError,
    image_data_uri,
    load_fixtures,
    neutral_image_data_uri,
)
from homesec_bench.vision.manifest import FixtureImage, Manifest
from homesec_bench.vision.suite import build_vision_suite

__all__ = [
    "FIXTURES_DIR",
    "FixtureError",
    "FixtureImage",
    "Manifest",
    "build_vision_suite",
    "grade_vision",
    "image_data_uri",
    "load_fixtures",
    "neutral_image_data_uri",
]
