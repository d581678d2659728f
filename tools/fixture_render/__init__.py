"""The fixture renderer: scene descriptions in, camera frames and their ground truth out.

Only the generator (`tools/generate_fixtures.py`) and the tests import this package; it needs numpy
(the `dev` extra), which the benchmark itself never does, since the frames ship pre-rendered.
"""

from __future__ import annotations

try:
    import numpy  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the fixture renderer needs numpy; install the dev extra: pip install -e '.[dev]'"
    ) from exc
