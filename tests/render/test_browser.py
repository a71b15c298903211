"""The HTML report in a real headless Chromium: hostile headers run no script, the timeline
is drawn.

Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe`` (JSON
messages separated by NUL bytes on file descriptors 3 and 4): the transport Puppeteer and
Playwright use, maintained by the Chromium project itself, with no extra Python package and
no network port. The DevTools protocol's ``Runtime.evaluate`` reads what a script would have
changed, and ``Page.captureScreenshot`` takes the picture. Debian's ``chromium`` package is
installed by ``.ci/run``; the test skips, saying so, only where it is not installed.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import headerlens
from headerlens.render.html import render_html

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
)
CANARY = "document.documentElement.setAttribute('data-pwned','{}')"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "Chromium is not installed: `apt-get install chromium` (.ci/run installs it); "
        "the real-browser test of the HTML report did not run"
    )


class Browser:
    """A headless Chromium spoken to over the DevTools pipe."""

    def __init__(self, binary: str, profile: str) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_fds() -> None:  # runs in the child: Chromium reads fd 3, writes fd 4
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds,
            pass_fds=(3, 4),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._events.append(reply)

    def wait_event(self, method: str, session: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self._events):
                if ev.get("method") == method and ev.get("sessionId") == session:
                    del self._events[i]
                    return
            self._events.append(self._read_message(deadline))

    def open(self, url: str) -> str:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session: str = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.send("Page.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", session)
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
        )
        return result["result"].get("value")

    def screenshot(self, session: str, clip: dict[str, float]) -> bytes:
        data = self.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": {**clip, "scale": 1}, "captureBeyondViewport": True},
            session=session,
        )["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=10)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    binary = _chromium()
    with tempfile.TemporaryDirectory(prefix="headerlens-chromium-") as profile:
        b = Browser(binary, profile)
        try:
            b.send("Browser.getVersion", timeout=60)
            yield b
        finally:
            b.close()


def _hostile_message() -> bytes:
    def c(tag: str) -> str:
        return CANARY.format(tag)

    lines = [
        f"Received: from <svg/onload={c('helo')}> (rdns.example [198.51.100.7]) by"
        f' mx"><script>{c("by")}</script>.example.org (Postfix) with ESMTPS id 4Ab;'
        " Tue, 3 Mar 2026 10:00:07 +0000",
        "Received: from a.example.net (a.example.net [203.0.113.5]) by relay.example.net"
        " with ESMTP id 1; Tue, 3 Mar 2026 09:59:01 +0000",
        f'Authentication-Results: mx.example.org"><img src=x onerror={c("ar")}>;'
        " spf=pass smtp.mailfrom=a@example.net",
        f'DKIM-Signature: v=1; a=rsa-sha256; d=ex"><script>{c("dkim")}</script>.net;'
        " s=s1; t=1772531941; h=from; bh=AAAA; b=AAAA",
        f'From: "<img src=x onerror={c("from")}>" <a@example.net>',
        "To: javascript:alert(1)//@example.org, <javascript:document.title='x'>",
        f"Subject: </td></tr></table></svg><script>{c('subject')}</script>"
        f'<a href="javascript:{c("href")}">x</a>]]><!--',
        f'Message-ID: <"><svg><foreignObject><iframe srcdoc="<script>{c("fo")}</script>">'
        "</iframe></foreignObject></svg>@example.net>",
        "X-Mailer: </style><style>svg{display:none}body{background:red}</style>",
        f"X-Spam-Status: Yes, score=9.0 required=5.0 tests=<b onmouseover={c('rule')}>",
        "Date: Tue, 3 Mar 2026 09:58:58 +0000",
    ]
    return ("\r\n".join(lines) + "\r\n\r\nbody\r\n").encode()


STATE = """JSON.stringify({
  pwned: document.documentElement.getAttribute('data-pwned'),
  title: document.title,
  scripts: document.scripts.length,
  handlers: [...document.querySelectorAll('*')].flatMap(
      e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
  active: document.querySelectorAll(
      'iframe,object,embed,foreignObject,img,a,[href],[src],[srcdoc],style:not(head style)'
  ).length,
  svg: (() => { const s = document.querySelector('svg.hl-timeline');
                if (!s) return null;
                const r = s.getBoundingClientRect();
                return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height,
                        display: getComputedStyle(s).display}; })()
})"""


def _load(browser: Browser, html: str, tmp_path: Path, name: str) -> tuple[str, dict[str, Any]]:
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    session = browser.open(page.as_uri())
    state = json.loads(browser.evaluate(session, STATE))
    return session, state


def test_the_harness_sees_a_script_that_runs(browser: Browser, tmp_path: Path) -> None:
    """Positive control: without escaping, the canary would be seen."""
    html = f"<!DOCTYPE html><title>t</title><script>{CANARY.format('control')}</script>"
    _, state = _load(browser, html, tmp_path, "control")
    assert state["pwned"] == "control"


@pytest.mark.parametrize("csp", [True, False], ids=["as-written", "without-csp"])
def test_hostile_headers_run_no_script_and_the_timeline_is_drawn(
    browser: Browser, tmp_path: Path, csp: bool
) -> None:
    pil = pytest.importorskip("PIL.Image")
    report = headerlens.analyze(_hostile_message())
    assert len(report.hops) == 2
    html = render_html(report, title="hostile")
    if not csp:  # the page must be safe by escaping alone, not only thanks to its CSP
        start = html.index('<meta http-equiv="Content-Security-Policy"')
        html = html[:start] + html[html.index(">", start) + 1 :]
        assert "Content-Security-Policy" not in html
    session, state = _load(browser, html, tmp_path, f"hostile-{csp}")
    assert state["pwned"] is None
    assert state["title"] == "hostile"
    assert state["scripts"] == 0
    assert state["handlers"] == []
    assert state["active"] == 0
    svg = state["svg"]
    assert svg is not None
    assert svg["display"] != "none"
    assert svg["width"] > 500
    assert svg["height"] > 100
    png = browser.screenshot(session, {k: svg[k] for k in ("x", "y", "width", "height")})
    image = pil.open(io.BytesIO(png)).convert("RGB")
    raw = image.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    inked = sum(1 for r, g, b in pixels if min(r, g, b) < 200)
    assert inked / len(pixels) > 0.01, "the timeline area is blank"
    # The delay bar's blue and the hop dots' ink are both there.
    assert any(abs(r - 0x2F) < 40 and abs(g - 0x6F) < 40 and b > 180 for r, g, b in pixels)
