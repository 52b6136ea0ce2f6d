"""Fixtures for the browser tests: one JupyterLab server and one Chromium for the whole session.

Without /usr/bin/chromium the tests are skipped, with the reason, unless QIANHAI_REQUIRE_BROWSER=1
(set by ``.ci/run``): then they fail, so CI can never pass without having run them.
"""

from __future__ import annotations

import os

import pytest

from .lab import CHROMIUM, LabServer, launch_browser

REQUIRE = os.environ.get("QIANHAI_REQUIRE_BROWSER") == "1"


def _need(condition: bool, reason: str) -> None:
    if condition:
        return
    if REQUIRE:
        pytest.fail(f"{reason} (QIANHAI_REQUIRE_BROWSER=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is in requirements-dev.txt
        _need(False, "the Python package playwright is not installed (pip install -r requirements-dev.txt)")
    _need(CHROMIUM.exists(), f"{CHROMIUM} not found: install Debian's Chromium (apt-get install chromium) "
                             "to run the browser tests")
    with sync_playwright() as api:
        yield api


@pytest.fixture(scope="session")
def browser(playwright_api):
    browser = launch_browser(playwright_api)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory, playwright_api):
    """JupyterLab on 127.0.0.1 (random port and token) serving a throw-away copy of the course, in JupyterLab's
    default notebook windowing ("contentVisibility"), the setting a student's JupyterLab has."""
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
        yield server
    finally:
        server.stop()
