"""Content hashes of tests, suites and benchmarks: one definition, for the loader and the vision suite."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from homesec_bench.models import TestCase


def stable_hash(obj: Any) -> str:
    """A short content hash of any JSON-able value, independent of key order."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_hash(test: TestCase) -> str:
    """The hash of one test as the model sees and the grader judges it (its file name left out)."""
    return stable_hash(test.model_dump(mode="json", exclude={"source_file"}))
