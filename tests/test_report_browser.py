"""The HTML report in a real browser: headless Chromium (Debian's `chromium` package) opens it.

Driven through the DevTools protocol over `--remote-debugging-pipe` (null-terminated JSON on file
descriptors 3 and 4), so no websocket client is needed. Asserts no console error, no network
request other than the report file itself, the verdict visible, and saves a screenshot and a
print-to-PDF (set PRIVSYNTH_BROWSER_ARTIFACTS=<dir> to keep them).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Optional

import pytest

import report_evidence as R
from privsynth.report import render_html

pytestmark = pytest.mark.browser

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install -y chromium)")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
]


class PipeCDP:
    """A minimal Chrome DevTools Protocol client over --remote-debugging-pipe."""

    def __init__(self, binary: str, profile: Path, timeout: float = 30.0):
        self.timeout = timeout
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # runs in the child before exec: chrome reads fd 3, writes fd 4
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--window-size=1100,1400", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: Optional[dict[str, Any]] = None, session: Optional[str] = None) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, method: str, session: Optional[str] = None) -> dict[str, Any]:
        for e in self.events:
            if e.get("method") == method and (session is None or e.get("sessionId") == session):
                return e
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read_message(deadline)
            if "method" in m:
                self.events.append(m)
                if m["method"] == method and (session is None or m.get("sessionId") == session):
                    return m

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass


def _open_report(html_path: Path, profile: Path, artifacts: Path) -> dict[str, Any]:
    cdp = PipeCDP(CHROMIUM, profile)
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            cdp.send(f"{domain}.enable", session=session)
        cdp.send("Emulation.setDeviceMetricsOverride", {"width": 1100, "height": 1400, "deviceScaleFactor": 1, "mobile": False}, session=session)
        cdp.events.clear()
        url = html_path.resolve().as_uri()
        cdp.send("Page.navigate", {"url": url}, session=session)
        cdp.wait_for("Page.loadEventFired", session=session)
        time.sleep(0.3)  # let late requests (fonts, images) show up if there were any
        probe = cdp.send("Runtime.evaluate", {"returnByValue": True, "expression": """(() => {
            const v = document.querySelector('#verdict');
            const r = v ? v.getBoundingClientRect() : null;
            const s = v ? getComputedStyle(v) : null;
            return {text: v ? v.innerText : null,
                    visible: !!(r && r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && r.top < window.innerHeight),
                    sections: [...document.querySelectorAll('section[id]')].map(e => e.id),
                    svgs: document.querySelectorAll('svg.chart').length,
                    height: document.documentElement.scrollHeight};
        })()"""}, session=session)["result"]["value"]
        metrics = cdp.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                   "clip": {"x": 0, "y": 0, "width": 1100, "height": min(size["height"], 16000), "scale": 1}}, session=session)
        (artifacts / "report.png").write_bytes(base64.b64decode(shot["data"]))
        top = cdp.send("Page.captureScreenshot", {"format": "png"}, session=session)
        (artifacts / "report-top.png").write_bytes(base64.b64decode(top["data"]))
        cdp.send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
        pdf = cdp.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session=session)
        (artifacts / "report.pdf").write_bytes(base64.b64decode(pdf["data"]))
        events = [e for e in cdp.events if e.get("sessionId") == session]
        return {"url": url, "probe": probe, "events": events}
    finally:
        cdp.close()


@pytest.fixture(scope="module")
def browser_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed (apt-get install -y chromium)")
    work = tmp_path_factory.mktemp("browser")
    artifacts = Path(os.environ.get("PRIVSYNTH_BROWSER_ARTIFACTS") or work)
    artifacts.mkdir(parents=True, exist_ok=True)
    ev = R.finalize(R.synthesis_evidence())
    html_path = work / "report.html"
    html_path.write_text(render_html(ev), encoding="utf-8")
    out = _open_report(html_path, work / "profile", artifacts)
    out["artifacts"] = artifacts
    out["verdict_label"] = ev.verdict.label
    return out


@needs_chromium
def test_report_opens_with_the_verdict_visible(browser_run: dict[str, Any]) -> None:
    probe = browser_run["probe"]
    assert probe["visible"], "the verdict box is not visible in the first screen"
    assert "Candidate for anonymous data" in probe["text"]
    assert probe["sections"] == ["summary", "gate", "inputs", "columns", "synthesis", "tests", "wp29", "intruder", "reproducibility", "signoff"]
    assert probe["svgs"] >= 5


@needs_chromium
def test_report_logs_no_console_error_and_throws_no_exception(browser_run: dict[str, Any]) -> None:
    problems = []
    for e in browser_run["events"]:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            problems.append(p.get("exceptionDetails", {}).get("text", "exception"))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            problems.append(str(p.get("args")))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
            problems.append(p["entry"].get("text", ""))
    assert problems == []


@needs_chromium
def test_report_makes_no_network_request_beyond_its_own_file(browser_run: dict[str, Any]) -> None:
    urls = [e["params"]["request"]["url"] for e in browser_run["events"] if e.get("method") == "Network.requestWillBeSent"]
    assert browser_run["url"] in urls  # the probe does see requests
    assert [u for u in urls if u != browser_run["url"]] == []


@needs_chromium
def test_screenshot_and_print_pdf_are_saved(browser_run: dict[str, Any]) -> None:
    png = (browser_run["artifacts"] / "report.png").read_bytes()
    pdf = (browser_run["artifacts"] / "report.pdf").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000
    assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page") >= 3


# --------------------------------------------------------------------------- print: nothing wider than the page

A4_PRINTABLE_PX = round((210 - 2 * 14) / 25.4 * 96)  # A4 minus the 14 mm side margins of @page, in CSS px


def _print_probe(html_path: Path, profile: Path, artifacts: Path) -> dict[str, Any]:
    """Open the report with print media at the printable A4 width, list every element whose box
    runs past the right edge, and print it to PDF with the report's own @page size."""
    cdp = PipeCDP(CHROMIUM, profile)
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        cdp.send("Page.enable", session=session)
        cdp.send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
        cdp.send("Emulation.setDeviceMetricsOverride", {"width": A4_PRINTABLE_PX, "height": 1100, "deviceScaleFactor": 1, "mobile": False}, session=session)
        cdp.send("Page.navigate", {"url": html_path.resolve().as_uri()}, session=session)
        cdp.wait_for("Page.loadEventFired", session=session)
        probe = cdp.send("Runtime.evaluate", {"returnByValue": True, "expression": """(() => {
            const width = document.documentElement.clientWidth;
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
                if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
                const r = el.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;
                if (r.right > width + 0.5 || r.left < -0.5)
                    wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + el.className : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
            }
            return {width: width, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 20),
                    headings: [...document.querySelectorAll('h2, h3, h4')].map(h => h.innerText.trim())};
        })()"""}, session=session)["result"]["value"]
        pdf = cdp.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session=session)
        (artifacts / "report-print.pdf").write_bytes(base64.b64decode(pdf["data"]))
        return probe
    finally:
        cdp.close()


def _long_names_evidence():
    """Personal-data evidence with an unbreakable 90-character column name and a long policy path:
    the content most likely to push a table past the margin."""
    ev = R.synthesis_evidence(mia_auc=0.74, wp29_so=0.3)
    long = "customer_lifetime_value_segment_" + "x" * 58
    ev.scan.columns[-1].name = long
    ev.evaluation.columns_used.append(long)
    ev.inputs[0].path = "/srv/data/exports/" + "very_long_directory_name_" * 4 + "customers.csv"
    return R.finalize(ev)


@pytest.fixture(scope="module")
def print_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed (apt-get install -y chromium)")
    work = tmp_path_factory.mktemp("print")
    artifacts = Path(os.environ.get("PRIVSYNTH_BROWSER_ARTIFACTS") or work)
    artifacts.mkdir(parents=True, exist_ok=True)
    html_path = work / "report.html"
    html_path.write_text(render_html(_long_names_evidence()), encoding="utf-8")
    probe = _print_probe(html_path, work / "profile", artifacts)
    return {"probe": probe, "pdf": artifacts / "report-print.pdf"}


@needs_chromium
def test_printed_report_has_no_element_wider_than_the_page(print_run: dict[str, Any]) -> None:
    probe = print_run["probe"]
    assert probe["width"] == A4_PRINTABLE_PX
    assert probe["wide"] == [], f"elements past the right margin at {probe['width']} px: {probe['wide']}"
    assert probe["scrollWidth"] <= probe["width"]


PDFTOTEXT = shutil.which("pdftotext")


@needs_chromium
@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) not installed")
def test_no_printed_page_ends_with_a_heading_split_from_its_content(print_run: dict[str, Any]) -> None:
    text = subprocess.run([PDFTOTEXT, "-layout", str(print_run["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    headings = {h for h in print_run["probe"]["headings"] if len(h) > 3}
    stranded = []
    for i, page in enumerate(pages[:-1]):
        last = [line.strip() for line in page.splitlines() if line.strip()][-1]
        if last in headings:
            stranded.append((i + 1, last))
    assert stranded == [], f"headings at the foot of a page, split from their content: {stranded}"
    assert all(len([ln for ln in p.splitlines() if ln.strip()]) >= 8 for p in pages[:-1]), "a nearly blank page"
