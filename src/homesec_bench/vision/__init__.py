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

from importlib import import_module
from typing import Any

# Attribute -> the module defining it, imported on first access: the graders and the loader import
# single modules of this package, and none of them should pay for the rest.
_EXPORTS = {
    "FIXTURES_DIR": "images",
    "FixtureError": "images",
    "image_data_uri": "images",
    "load_fixtures": "images",
    "neutral_image_data_uri": "images",
    "FixtureImage": "manifest",
    "Manifest": "manifest",
    "build_vision_suite": "suite",
    "grade_vision": "grading",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
