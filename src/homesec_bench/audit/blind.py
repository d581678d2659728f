"""What the model sees, and nothing else: the material for writing audit answers blind.

A blind request holds the rendered messages, the tool schemas, the sampling and response format, and for
an image the path of the frame exactly as it is sent. It holds no title, purpose, reference, near miss or
grader parameter: anything a test author wrote for the grader stays out.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from homesec_bench.models import TestCase
from homesec_bench.runner.request import build_chat_request
from homesec_bench.store.files import write_bytes_atomic, write_text_atomic
from homesec_bench.suites.loader import Benchmark


def _image_writer(images_dir: Path, max_side: int | None) -> Any:
    def resolve(fixture: str) -> str:
        from homesec_bench.vision.images import image_data_uri

        uri = image_data_uri(fixture, max_side=max_side)
        header, data = uri.split(",", 1)
        suffix = ".png" if "png" in header else ".jpg"
        images_dir.mkdir(parents=True, exist_ok=True)
        path = images_dir / f"{fixture}{suffix}"
        write_bytes_atomic(path, base64.b64decode(data), fsync=False)
        return f"file:{path.name}"

    return resolve


def blind_request(
    test: TestCase, bench: Benchmark, *, images_dir: Path | None = None, max_side: int | None = None
) -> dict[str, Any]:
    """The request body for `test` as the model receives it, under a neutral model name."""
    resolve = _image_writer(images_dir, max_side) if images_dir is not None else (lambda f: f"file:{f}")
    body = build_chat_request(test, bench, model="model-under-test", resolve_image=resolve, stream=False)
    body.pop("stream", None)
    body.pop("model", None)
    return {"test": test.id, "suite": test.suite, "request": body}


def dump_blind_requests(
    bench: Benchmark,
    out_dir: Path,
    *,
    suites: list[str] | None = None,
    test_ids: list[str] | None = None,
    max_side: int | None = None,
) -> list[Path]:
    """Write one `<suite>.jsonl` per suite (one blind request a line) and the frames under `images/`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[str]] = {}
    for test in bench.select(suites, test_ids):
        line = blind_request(test, bench, images_dir=out_dir / "images", max_side=max_side)
        written.setdefault(test.suite, []).append(json.dumps(line, ensure_ascii=False))
    paths = []
    for suite, lines in written.items():
        path = out_dir / f"{suite}.jsonl"
        write_text_atomic(path, "\n".join(lines) + "\n", fsync=False)
        paths.append(path)
    return paths
