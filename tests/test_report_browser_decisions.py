"""Issue 13 in a real headless Chromium: the report answers "who wins, is the gap real, at what cost?".

The leader of a mixed full/partial set is a full run; the paired-test column and the pairwise matrix
render; the models x tests matrix filters to disagreements and shows answers side by side; a failed
test shows what was expected; and at 390 px no element is wider than the viewport (tables scroll
inside their own box). Needs Debian's `chromium`; skipped when it is absent and CI is not set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from homesec_bench.reports.html import write_report
from homesec_bench.store import load_run
from homesec_bench.suites import load_benchmark
from homesec_bench.testing.browser import find_chromium, open_page
from homesec_bench.testing.synthetic import synthetic_run

pytestmark = pytest.mark.browser

# Every element outside a scrolling box (and outside SVG, which scales) must fit the viewport.
WIDER_THAN_VIEWPORT = """(() => {
  const w = document.documentElement.clientWidth, bad = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('.scroll') && !e.classList.contains('scroll')) continue;
    if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') continue;
    const r = e.getBoundingClientRect();
    // Its box, or text spilling out of it (a long unbroken id), past the viewport's right edge.
    const right = Math.max(r.right, r.left + (e.classList.contains('scroll') ? 0 : e.scrollWidth));
    if (r.width && right > w + 1) bad.push(e.tagName + '.' + e.className + ' ' + Math.round(right));
  }
  return {page: document.documentElement.scrollWidth, viewport: w, bad: bad.slice(0, 40)};
})()"""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI: apt-get update && apt-get install -y chromium")
        pytest.skip("chromium is not installed (apt-get install -y chromium); the browser test needs it")
    return found


async def _wait_for(page, expression: str, timeout_s: float = 10.0) -> None:
    """Wait until `expression` is truthy in the page (a condition, never a fixed sleep)."""
    await page.eval(
        "new Promise((ok, no) => { const t0 = performance.now(); (function poll() {"
        f" if ({expression}) return ok(true);"
        f" if (performance.now() - t0 > {timeout_s * 1000})"
        f" return no(new Error('timed out: ' + {json.dumps(expression)}));"
        " requestAnimationFrame(poll); })(); })"
    )


@pytest.fixture
def mixed_report(tmp_path: Path) -> tuple[Path, list[str]]:
    ids = [t.id for t in load_benchmark().all_tests() if t.suite != "vision"][:60]
    full_a = synthetic_run(tmp_path / "runs" / "full-a", "cloud-large", skill=0.75, seed=1, tests=ids)
    full_b = synthetic_run(
        tmp_path / "runs" / "full-b", "local-9b", skill=0.55, seed=2, tests=ids, quantization="Q4_K_M"
    )
    partial = synthetic_run(
        tmp_path / "runs" / "partial", "lucky-partial", skill=0.99, seed=3, tests=ids[:12]
    )
    info = json.loads((partial / "run.json").read_text())
    info["parameters"] = {"suites": [ids[0].split(".")[0]], "concurrency": 4}
    (partial / "run.json").write_text(json.dumps(info))
    runs = [load_run(p) for p in (partial, full_b, full_a)]
    return write_report(runs, tmp_path / "mixed.html", title="mixed"), ids


async def test_the_report_answers_who_wins_and_whether_the_gap_is_real(
    chromium: str, mixed_report, tmp_path: Path
) -> None:
    path, ids = mixed_report
    bench = load_benchmark()
    async with open_page(chromium, path.resolve().as_uri(), tmp_path) as page:
        assert await page.wait_ready(), "the report's script never started"

        # The leader is a full run; the partial run is listed apart, unranked.
        leader = await page.eval(
            "(() => { const r = document.querySelector('#leaderboard table.board tbody tr');"
            " return [r.dataset.runId, r.querySelector('td.rank').textContent]; })()"
        )
        assert leader[0] in ("full-a", "full-b") and leader[1] == "1"
        partial = await page.eval(
            "[...document.querySelectorAll('#leaderboard tr.partial')].map(r => [r.dataset.runId,"
            " r.querySelector('td.rank').textContent])"
        )
        assert partial == [["partial", "—"]]

        # The paired-test column and the pairwise matrix render.
        vs = await page.eval("[...document.querySelectorAll('#leaderboard td.vs')].map(c => c.textContent)")
        assert vs[0].startswith("leader") and all("McNemar p=" in v for v in vs[1:]), vs
        assert await page.eval("document.querySelectorAll('#pairwise tbody td').length") == 9
        assert await page.eval("document.querySelectorAll('#leaderboard td.sep').length") == 3

        # The models x tests matrix: every cell, a disagreement filter, answers side by side.
        assert await page.eval("document.querySelectorAll('#matrix-body td.cell').length") == len(ids) * 3
        assert await page.eval("document.querySelectorAll('#matrix-body tr.suite-row').length") >= 2
        await page.eval("document.getElementById('disagree').click()")
        await _wait_for(page, f"document.querySelectorAll('#matrix-body td.test-id').length < {len(ids)}")
        assert await page.eval("document.querySelectorAll('#matrix-body td.test-id').length") > 0
        await page.eval("document.querySelector('#matrix-body td.cell').click()")
        await _wait_for(page, "document.querySelectorAll('#side-by-side .sbs-col').length === 3")
        assert await page.eval("document.querySelectorAll('#side-by-side .sbs-col .answer').length") >= 2

        # A failed test shows what was expected: purpose, reference answer, the grader's checks.
        await page.eval("document.querySelector('input[value=failed]').click()")
        await _wait_for(page, "document.querySelector('#results-body tr.row')")
        failed_id = await page.eval("document.querySelector('#results-body tr.row').cells[1].textContent")
        await page.eval("document.querySelector('#results-body tr.row td').click()")
        await _wait_for(page, "document.querySelector('.detail .expected')")
        expected = await page.eval("document.querySelector('.detail .expected').innerText")
        test = bench.test(failed_id.replace("flaky", ""))
        assert test.purpose in expected
        assert "reference answer" in expected.lower() and "grader's checks" in expected.lower()
        reference = test.reference[0].content or test.reference[0].tool_calls[0].name
        assert reference.strip().splitlines()[0] in expected

        # The cost charts: pass rate against time per test with its Pareto front.
        assert await page.eval("document.querySelectorAll('#chart-rate-vs-time circle.point').length") == 3
        assert await page.eval("document.querySelectorAll('#chart-rate-vs-time circle.front').length") >= 1
        assert await page.eval("document.querySelectorAll('#chart-suites text.not-run').length") > 0

        # At 390 px (a phone) nothing is wider than the viewport, with a failed test opened.
        await page.cdp.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
            page.session,
        )
        await _wait_for(page, "document.documentElement.clientWidth === 390")
        measured = await page.eval(WIDER_THAN_VIEWPORT)
        assert measured["page"] <= 390 and not measured["bad"], measured
        thrown = [e for e in page.cdp.events if e["method"] == "Runtime.exceptionThrown"]
        assert not thrown, thrown
