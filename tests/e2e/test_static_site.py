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
import nbformat

from static_site import SiteError, build, export_notebook, fetch_assets, install_assets, outside_references

from .conftest import _need

ROOT = NOTEBOOK_DIR.parent
SHOTS = ROOT / "artifacts" / "static"
NOTEBOOK_PAGES = sorted(p.stem + ".html" for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory):
    _need(shutil.which("npm") is not None or (ROOT / "build" / "npm").exists(),
          "npm is needed once to fetch the widget renderer for the static site")
    out = tmp_path_factory.mktemp("site")
    try:
        build(out)
    except SiteError as err:
        _need(False, str(err))
    return out


@pytest.fixture(scope="module")
def site(site_folder):
    server, base = serve(site_folder)
    try:
        yield base
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


def test_no_page_refers_to_another_host(site_folder):
    pages = sorted(site_folder.glob("*.html"))
    assert len(pages) == len(NOTEBOOK_PAGES) + 3
    for page in pages:
        assert outside_references(page.read_text(encoding="utf-8")) == [], page.name


def test_unknown_widget_types_and_diagrams_load_nothing_from_outside(browser, tmp_path):
    """A widget of a type the bundled renderer does not know (it would fetch it from jsDelivr) and a
    Mermaid diagram (nbconvert would import Mermaid from cdnjs): the page asks no other host for either."""
    _need(shutil.which("npm") is not None or (ROOT / "build" / "npm").exists(), "npm is needed once")
    state = {"version_major": 2, "version_minor": 0, "state": {"w1": {
        "model_name": "GadgetModel", "model_module": "not-bundled-widgets", "model_module_version": "^1.0.0",
        "state": {"_view_name": "GadgetView", "_view_module": "not-bundled-widgets",
                  "_view_module_version": "^1.0.0"}}}}
    view = {"model_id": "w1", "version_major": 2, "version_minor": 0}
    cell = nbformat.v4.new_code_cell("gadget", outputs=[nbformat.v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": view, "text/plain": "gadget"})])
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("```mermaid\ngraph TD; A-->B\n```"), cell],
                                        metadata={"widgets": {"application/vnd.jupyter.widget-state+json": state}})
    nbformat.write(notebook, tmp_path / "gadget.ipynb")
    out = tmp_path / "site"
    out.mkdir()
    try:
        install_assets(fetch_assets(ROOT / "build" / "npm"), out)
    except SiteError as err:
        _need(False, str(err))
    export_notebook(tmp_path / "gadget.ipynb", out)
    server, base = serve(out)
    try:
        page, requests, _ = visit(browser, f"{base}/gadget.html")
        # the renderer asks for the unknown module after the page has loaded: first from this site, then from
        # its fall-back address (jsDelivr, unless configured); wait for that second request, wherever it goes
        for _ in range(150):
            fallback = [u for u in requests if "not-bundled-widgets@" in u]
            if fallback:
                break
            page.wait_for_timeout(100)
        assert fallback, "the renderer never fell back (else this test proves nothing)"
        assert not outside(requests), f"requests beyond localhost: {outside(requests)}"
        page.close()
    finally:
        server.shutdown()
        server.server_close()
