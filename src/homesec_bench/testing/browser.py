"""Open a report in headless Chromium and drive it over the Chrome DevTools protocol.

Used by the browser test and by benchmarks/report_scale.py to check that a report renders, filters and
runs nothing it should not. No browser download: it runs the system's `chromium` (Debian:
`apt-get install -y chromium`) with a fresh, throw-away profile and no network services.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--window-size=1280,1600",
]
START_TIMEOUT_S = 60
COMMAND_TIMEOUT_S = 60


def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Cdp:
    """A minimal DevTools client: numbered commands and replies, events kept in a list."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.counter = 0
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            future = self.pending.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)
            elif "method" in data:
                self.events.append(data)

    async def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict:
        self.counter += 1
        message: dict[str, Any] = {"id": self.counter, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[self.counter] = future
        await self.ws.send_json(message)
        data = await asyncio.wait_for(future, timeout=COMMAND_TIMEOUT_S)
        if "error" in data:
            raise RuntimeError(f"{method}: {data['error']}")
        return data.get("result", {})

    async def wait_event(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if event["method"] == method:
                    return event
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no {method} event within {timeout}s")


class Page:
    def __init__(self, cdp: Cdp, session: str) -> None:
        self.cdp, self.session = cdp, session

    async def eval(self, expression: str) -> Any:
        reply = await self.cdp.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            self.session,
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    async def settle(self, ms: int = 400) -> None:
        await self.eval(f"new Promise(r => setTimeout(r, {int(ms)}))")

    async def wait_ready(self, timeout: float = 30) -> bool:
        """True once the report's script has started (it sets data-ready on <html>)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await self.eval("document.documentElement.dataset.ready") == "1":
                return True
            await asyncio.sleep(0.05)
        return False

    async def search(self, text: str) -> None:
        await self.eval(
            "(() => { const s = document.getElementById('search'); s.value = " + json.dumps(text) + ";"
            " s.dispatchEvent(new Event('input', {bubbles: true})); })()"
        )
        await self.settle()  # the box waits 150 ms after the last key

    async def count(self) -> str:
        return await self.eval("document.getElementById('count').textContent")

    async def rows(self) -> list[list[str]]:
        return await self.eval(
            "[...document.querySelectorAll('#results-body tr.row')]"
            ".map(tr => [...tr.cells].map(c => c.textContent))"
        )

    async def screenshot(self, path: Path, full_page: bool = True) -> Path:
        shot = await self.cdp.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": full_page}, self.session
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


@contextlib.asynccontextmanager
async def open_page(chromium: str, url: str, workdir: Path) -> AsyncIterator[Page]:
    """Start Chromium with a new empty profile under `workdir`, open `url`, and stop it afterwards."""
    profile = workdir / "chromium-profile"
    profile.mkdir(parents=True, exist_ok=False)
    log_path = workdir / "chromium.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"], stdout=log, stderr=log
        )
        http: aiohttp.ClientSession | None = None
        cdp: Cdp | None = None
        try:
            port_file = profile / "DevToolsActivePort"
            deadline = time.monotonic() + START_TIMEOUT_S
            while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"chromium did not start: {log_path.read_text(errors='replace')[-2000:]}"
                    )
                await asyncio.sleep(0.1)
            port, browser_path = port_file.read_text().split("\n")[:2]
            http = aiohttp.ClientSession()
            ws = await http.ws_connect(f"ws://127.0.0.1:{port}{browser_path}", max_msg_size=256 * 2**20)
            cdp = Cdp(ws)
            target = await cdp.send("Target.createTarget", {"url": "about:blank"})
            attached = await cdp.send(
                "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
            )
            page = Page(cdp, attached["sessionId"])
            for domain in ("Page.enable", "Runtime.enable", "Network.enable"):
                await cdp.send(domain, session=page.session)
            await cdp.send("Page.navigate", {"url": url}, page.session)
            await cdp.wait_event("Page.loadEventFired", timeout=START_TIMEOUT_S)
            yield page
        finally:
            if cdp is not None:
                cdp.reader.cancel()
                await cdp.ws.close()
            if http is not None:
                await http.close()
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
