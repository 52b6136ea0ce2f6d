"""The static edition (`make html`) in a real browser, served from localhost: every page loads, charts
and widgets (from saved state, through the bundled HTML manager) are visible, and the browser makes zero
requests to any host but localhost."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from qianhai.course import NOTEBOOK_DIR
from qianhai.site import SiteError, build

from .conftest import _need

ROOT = NOTEBOOK_DIR.parent
SHOTS = ROOT / "artifacts" / "static"
NOTEBOOK_PAGES = sorted(p.stem + ".html" for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _need(shutil.which("npm") is not None or (ROOT / "build" / "npm").exists(),
          "npm is needed once to fetch the widget renderer for the static site")
    out = tmp_path_factory.mktemp("site")
    try:
        build(out)
    except SiteError as err:
        _need(False, str(err))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def visit(browser, url):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests, failures = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: failures.append(str(e)))
    page.goto(url, wait_until="networkidle")
    return page, requests, failures


def outside(requests):
    return [u for u in requests if urlparse(u).scheme in ("http", "https")
            and urlparse(u).hostname not in ("127.0.0.1", "localhost")]


@pytest.mark.parametrize("name", ["index.html", "sources.html", "glossary.html"])
def test_index_pages(site, browser, name):
    page, requests, failures = visit(browser, f"{site}/{name}")
    try:
        assert page.locator("h1").count() == 1
        assert not outside(requests), outside(requests)
        assert not failures, failures
        if name == "index.html":
            links = page.locator("table a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
            assert sorted(links) == NOTEBOOK_PAGES
    finally:
        page.close()


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_notebook_page_shows_charts_and_saved_widgets_offline(site, browser, name):
    page, requests, failures = visit(browser, f"{site}/{name}")
    try:
        page.wait_for_selector(".widget-output img, .widget-html, .widget-radio-box", state="attached", timeout=30000)
        images = page.locator(".jp-OutputArea-output img")
        assert images.count() >= 2, "charts are visible as ordinary outputs"
        assert images.first.evaluate("img => img.naturalWidth") > 100
        widgets = page.locator(".jp-OutputArea-output .widget-vbox, .jp-OutputArea-output .widget-box")
        assert widgets.count() >= 1, "saved widget state rendered by the bundled HTML manager"
        assert not outside(requests), f"requests beyond localhost: {outside(requests)}"
        assert not failures, failures
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name.replace(".html", ".png")), full_page=False)
    finally:
        page.close()
