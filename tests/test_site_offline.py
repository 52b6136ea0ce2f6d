"""The static edition promises to work offline: no exported page loads anything from another host.

(tests/e2e/test_static_site.py checks the same in a real browser, request by request.)"""

from __future__ import annotations

import nbformat
import pytest

from static_site import exporter, outside_references

DIAGRAM = "```mermaid\ngraph TD; A-->B\n```"


def export(*cells, metadata=None) -> str:
    notebook = nbformat.v4.new_notebook(cells=list(cells), metadata=metadata or {})
    return exporter().from_notebook_node(notebook)[0]


def test_a_page_with_a_diagram_loads_no_mermaid_from_a_cdn():
    page = export(nbformat.v4.new_markdown_cell(DIAGRAM))
    assert outside_references(page) == []
    assert "cdnjs" not in page and "jsdelivr" not in page


def test_a_page_with_widgets_points_the_renderer_fallback_at_this_site():
    """The HTML manager fetches unknown widget types from jsDelivr unless data-jupyter-widgets-cdn says
    otherwise; the course sets it to a local folder (the browser test shows no request leaves the host)."""
    page = export(nbformat.v4.new_code_cell("1"), metadata={"widgets": {
        "application/vnd.jupyter.widget-state+json": {"version_major": 2, "version_minor": 0, "state": {}}}})
    assert outside_references(page) == []
    assert 'setAttribute("data-jupyter-widgets-cdn", "no-widget-cdn/")' in page


@pytest.mark.parametrize("page", [
    '<img src="http://198.51.100.7/b.png">',
    '<link rel="stylesheet" href="//cdn.example.org/x.css">',
    '<script type="module">const m = await import("https://cdnjs.cloudflare.com/ajax/libs/x.mjs");</script>',
    '<style>body { background: url(https://example.org/bg.png) }</style>',
    '<div style="background:url(https://example.org/bg.png)">x</div>',
    '<iframe src="https://example.org"></iframe>',
])
def test_outside_references_are_found(page):
    assert outside_references(page)


@pytest.mark.parametrize("page", [
    '<a href="https://example.org/source.pdf">a source</a>',
    '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    '<style>/* from https://github.com/x/y */ body { color: red }</style>',
    '<p>text that mentions https://example.org</p>',
    '<script src="embed-amd.js"></script><img src="data:image/png;base64,AAAA">',
])
def test_links_text_and_local_files_are_not_outside_references(page):
    assert outside_references(page) == []
