"""Data text shown through ``display.markdown_text`` stays text in JupyterLab's own Markdown renderer, on Run
All (trusted output): no tag, no image, no link, no request. A control cell shows the renderer does make
images and links from the same syntax when it is not escaped, so the test can fail."""

from __future__ import annotations

import nbformat
import pytest

from .test_jupyterlab import Student

HOSTILE = [
    "<img src=x onerror=\"document.title='pwned'\">",
    "![b](http://198.51.100.7/b.png)",
    "[click](javascript:document.title='pwned')",
    "see http://198.51.100.7/page or www.example.org",
]
PROBE = "escaping_probe.ipynb"


@pytest.fixture
def probe(lab):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"from qianhai.display import Note, markdown_text\nHOSTILE = {HOSTILE!r}"),
        nbformat.v4.new_code_cell('Note("ESCAPED " + " ".join(markdown_text(t) for t in HOSTILE))'),
        nbformat.v4.new_code_cell('Note("CONTROL ![ctl](control.png) [ctl](https://example.org/)")'),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = lab.notebooks / PROBE
    nbformat.write(notebook, path)
    yield path
    path.unlink()


def test_markdown_text_is_inert_in_jupyterlab(lab, browser, probe):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(lab.notebook_url(PROBE, workspace="escaping-probe"))
        Student(page, "escaping_probe").run_all()
        outputs = page.locator(".jp-OutputArea-output.jp-RenderedMarkdown")
        page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea-output.jp-RenderedMarkdown').length >= 2")
        escaped = outputs.filter(has_text="ESCAPED")
        control = outputs.filter(has_text="CONTROL")
        assert control.locator("img").count() == 1 and control.locator("a").count() == 1, "the control renders"
        assert escaped.locator("img, a, script, iframe").count() == 0, escaped.inner_html()
        assert "<img src=x" in escaped.inner_text() and "![b](http://198.51.100.7/b.png)" in escaped.inner_text()
        assert page.title() != "pwned"
        assert not [u for u in requests if "198.51.100.7" in u], requests
    finally:
        context.close()
