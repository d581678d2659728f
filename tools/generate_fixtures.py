"""Rebuild the vision suite's camera frames and their manifest from the scene descriptions.

    python tools/generate_fixtures.py                 # rewrite src/homesec_bench/vision/fixtures/
    python tools/generate_fixtures.py --out /tmp/fx   # render elsewhere
    python tools/generate_fixtures.py --check         # compare a fresh render with the committed frames

Deterministic: the same Pillow and numpy give the same bytes; other versions stay within the
tolerance that `--check` and the test suite allow (mean absolute pixel difference below 1 of 255).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from fixture_render.compare import compare_fixtures  # noqa: E402
from fixture_render.generate import generate  # noqa: E402

from homesec_bench.vision.images import FIXTURES_DIR, FixtureError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIXTURES_DIR, help="where to write the frames")
    parser.add_argument("--only", nargs="*", help="render only these scene ids")
    parser.add_argument("--check", action="store_true", help="render to a temporary folder and compare")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = generate(Path(tmp), args.only)
                problems = compare_fixtures(FIXTURES_DIR, Path(tmp), [i.id for i in fresh.images])
            for line in problems:
                print(line)
            took = time.perf_counter() - started
            print(f"{len(fresh.images)} frames checked in {took:.1f} s: {len(problems)} problem(s)")
            return 1 if problems else 0
        manifest = generate(args.out, args.only)
    except (FixtureError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = sum((args.out / i.file).stat().st_size for i in manifest.images)
    took = time.perf_counter() - started
    count = len(manifest.images)
    print(f"wrote {count} frames ({size / 1e6:.2f} MB) and manifest.json to {args.out} in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
