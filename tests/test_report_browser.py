"""The HTML report in a real headless Chromium, driven over the Chrome DevTools protocol.

It must render, draw its charts, filter and search, show images beside vision answers, fetch nothing
from the network, run nothing a model wrote, and stay responsive at 10 models x 5 repeats x 131 tests.
A screenshot is kept as a CI artefact (printed path; $HOMESEC_ARTIFACT_DIR chooses the folder).

Needs Debian's `chromium` (`apt-get update && apt-get install -y chromium`); skipped only when it is
absent and CI is not set. In CI a missing browser is a failure.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from homesec_bench.reports.html import write_report
from homesec_bench.store import load_run
from homesec_bench.testing.browser import find_chromium, open_page
from homesec_bench.testing.synthetic import make_info, result, synthetic_run, tiny_png, write_run

pytestmark = pytest.mark.browser

HOSTILE_SCRIPT = "<script>window.pwned=1;document.title='pwned'</script>"
HOSTILE_IMG = '<img src=x onerror="window.pwned=1">'
BREAKOUT = "</script><script>window.pwned=2</script>"
TITLE = "Browser test report"
ARTEFACTS = Path(
    os.environ.get("HOMESEC_ARTIFACT_DIR") or Path(tempfile.gettempdir()) / "homesec-bench-artifacts"
)
# "Without freezing", with room for a slow shared CI machine.
SCALE_OPEN_S = 20.0
SCALE_FILTER_S = 3.0


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI: apt-get update && apt-get install -y chromium")
        pytest.skip("chromium is not installed (apt-get install -y chromium); the browser test needs it")
    return found


@pytest.fixture
def report(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A hostile run (repeats, a flaky test, errors, a vision test) beside an ordinary synthetic one."""
    image = tiny_png(3)
    vision = [
        {"role": "system", "content": "Describe camera frames."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Who is at the door?"},
                {"type": "image_url", "image_url": {"url": image}},
            ],
        },
    ]
    results = [
        result(
            "security_classification.hostile",
            "fail",
            attempt=0,
            content=HOSTILE_SCRIPT,
            reasoning=BREAKOUT,
            reason=f"answered {HOSTILE_IMG}",
        ),
        result("security_classification.hostile", "fail", attempt=1, content=HOSTILE_IMG),
        result("tool_use.flaky", "pass", attempt=0),
        result("tool_use.flaky", "fail", attempt=1, content="wrong tool"),
        result("tool_use.broken", "error", attempt=0),
        result("tool_use.broken", "error", attempt=1),
        result("vision.courier", "pass", attempt=0, content="A courier holding a parcel.", messages=vision),
        result("vision.courier", "pass", attempt=1, content="A courier with a box.", messages=vision),
    ]
    hostile = write_run(tmp_path / "runs" / "hostile", make_info("hostile", HOSTILE_IMG, repeat=2), results)
    ordinary = synthetic_run(
        tmp_path / "runs" / "ordinary", "ordinary-9b", skill=0.8, seed=5, quantization="Q4_K_M"
    )
    runs = [load_run(hostile), load_run(ordinary)]
    every = [r for run in runs for r in run.final_results()]
    expected = {
        "all": len(every),
        "failed": sum(r.outcome == "fail" for r in every),
        "errors": sum(r.outcome == "error" for r in every),
    }
    return write_report(runs, tmp_path / "report.html", title=TITLE), expected


async def test_report_renders_filters_and_runs_nothing_a_model_wrote(
    chromium: str, report, tmp_path: Path
) -> None:
    path, expected = report
    async with open_page(chromium, path.resolve().as_uri(), tmp_path) as page:
        assert await page.wait_ready(), "the report's script never started (blocked by its CSP, or it threw)"

        # It renders, and its charts are drawn.
        assert await page.eval("document.title") == TITLE
        assert await page.eval("document.querySelectorAll('#chart-pass-rate circle.point').length") == 2
        assert await page.eval("document.querySelectorAll('#chart-suites rect.bar').length") >= 16
        assert await page.eval("document.querySelectorAll('#chart-ttft rect.box').length") == 2
        assert await page.eval("document.querySelectorAll('#chart-decode rect.bar').length") == 2
        assert (
            await page.eval("document.querySelector('#chart-suites svg').getBoundingClientRect().width") > 300
        )
        assert await page.count() == f"{expected['all']} of {expected['all']} results"
        assert len(await page.rows()) == 50  # one page in the DOM, not every row

        # The filters work.
        await page.eval("document.querySelector('input[value=failed]').click()")
        assert await page.count() == f"{expected['failed']} of {expected['all']} results"
        assert {row[3] for row in await page.rows()} == {"fail"}
        await page.eval("document.querySelector('input[value=errors]').click()")
        assert await page.count() == f"{expected['errors']} of {expected['all']} results"
        assert {row[3] for row in await page.rows()} == {"error"}
        await page.eval("document.querySelector('input[value=flaky]').click()")
        # Only the test that passed once and failed once; its cell reads the id, then the badge.
        assert [row[1] for row in await page.rows()] == ["tool_use.flaky" + "flaky"] * 2
        await page.eval("document.querySelector('input[value=all]').click()")

        # The search box finds the hostile answer; opening it shows the payload as text.
        await page.search("document.TITLE")
        hits = await page.rows()
        assert [row[1] for row in hits] == ["security_classification.hostile"]  # case-insensitive
        await page.eval("document.querySelector('#results-body tr.row td').click()")
        shown = await page.eval("document.querySelector('.detail').innerText")
        assert HOSTILE_SCRIPT in shown
        assert "reasoning (" in shown  # folded away until opened
        await page.eval("document.querySelector('.detail details.reasoning').open = true")
        assert BREAKOUT in await page.eval("document.querySelector('.detail details.reasoning').innerText")

        # A vision result shows its image beside the answer.
        await page.search("courier")
        await page.eval("document.querySelector('#results-body tr.row td').click()")
        await page.settle(200)
        image = await page.eval(
            "(() => { const i = document.querySelector('.detail .cols.vision .images img');"
            " return i ? [i.src.slice(0, 22), i.naturalWidth] : null; })()"
        )
        assert image == ["data:image/png;base64,", 64]

        # Nothing the model wrote ran, and nothing was fetched from the network.
        assert await page.eval("typeof window.pwned") == "undefined"
        assert await page.eval("document.title") == TITLE
        assert await page.eval("document.querySelectorAll('img[src=\"x\"]').length") == 0
        assert await page.eval("document.querySelectorAll('script').length") == 2
        events = page.cdp.events
        requested = [
            e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
        ]
        assert requested and all(url.startswith(("file:", "data:")) for url in requested), requested
        thrown = [e for e in events if e["method"] == "Runtime.exceptionThrown"]
        assert not thrown, thrown

        screenshot = await page.screenshot(ARTEFACTS / "report-browser.png")
        assert screenshot.stat().st_size > 10_000
        print(f"screenshot: {screenshot}")


async def test_a_ten_model_five_repeat_report_opens_and_filters_quickly(
    chromium: str, tmp_path: Path
) -> None:
    runs = [
        load_run(
            synthetic_run(
                tmp_path / "runs" / f"m{i}",
                f"model-{i}",
                skill=0.55 + 0.04 * i,
                seed=i,
                repeat=5,
                reasoning_chars=400,
            )
        )
        for i in range(10)
    ]
    total = sum(len(run.final_results()) for run in runs)
    assert total == 10 * 5 * 131
    path = write_report(runs, tmp_path / "big.html")
    started = time.perf_counter()
    async with open_page(chromium, path.resolve().as_uri(), tmp_path) as page:
        assert await page.wait_ready(timeout=60)
        opened = time.perf_counter() - started
        assert await page.count() == f"{total} of {total} results"
        timings = await page.eval(
            "(() => { const t = [];"
            " for (const v of ['failed', 'flaky', 'errors', 'all']) {"
            "   const s = performance.now(); document.querySelector('input[value=' + v + ']').click();"
            "   t.push(performance.now() - s); }"
            " return t; })()"
        )
        started_search = time.perf_counter()
        await page.search("suspicious")
        searched = time.perf_counter() - started_search
        assert (await page.count()).endswith(f"of {total} results")
        await page.screenshot(ARTEFACTS / "report-browser-scale.png", full_page=False)
    print(
        f"scale: {total} results, {path.stat().st_size / 1e6:.1f} MB, opened in {opened:.2f}s, "
        f"filters {[round(t) for t in timings]} ms, search {searched:.2f}s (incl. 0.4s settle)"
    )
    assert opened < SCALE_OPEN_S
    assert max(timings) / 1000 < SCALE_FILTER_S
    assert searched < SCALE_FILTER_S + 0.4
