"""Data text is text: descriptor and CSV text reaching Markdown or HTML never becomes a tag, an image or a
link. Only the links the package builds from a source's http(s) address are live.

The Markdown is rendered by nbconvert's renderer (mistune, which the static site uses) and markdown-it
(CommonMark, with tables); tests/e2e/test_lab_escaping.py checks JupyterLab's own."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

import build_datapackage
from qianhai.data import load
from qianhai.display import markdown_link, markdown_text
from qianhai.governance import markdown_table
from qianhai.scenarios import evidence_note
from qianhai.sez import GrowthExplorer, OvertakeExplorer, key_number
from qianhai.sources import sources_note

SCRIPT = "<img src=x onerror=alert(301)>"
IMAGE = "![b](http://198.51.100.7/b.png)"
LINK = "[click](javascript:alert(107))"
BARE = "see http://198.51.100.7/page or www.example.org"
HOSTILE = [SCRIPT, IMAGE, LINK, BARE, "<script>alert(1)</script>", "`code` **bold** | pipe", "a\nb"]


def rendered(markdown: str) -> list[str]:
    pages = [markdown2html_mistune(markdown)]
    try:  # markdown-it comes with frictionless's dependencies, not pinned by the course: used when present
        from markdown_it import MarkdownIt
    except ImportError:
        return pages
    return pages + [MarkdownIt("commonmark").enable("table").render(markdown)]


def tags(page: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z]+)", page)}


def inert(markdown: str, forbidden=("img", "a", "script", "iframe")) -> None:
    """No tag from data (the package's own bold, code and tables are allowed), no address in an attribute."""
    for page in rendered(markdown):
        assert not set(forbidden) & tags(page), page
        assert "198.51.100.7" not in re.sub(r">[^<]*<", "><", page), "an address in an attribute"


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_reads_the_same_and_does_nothing(text):
    md = markdown_text(text)
    inert(md, forbidden=("img", "a", "script", "iframe", "code", "strong", "em", "table"))
    shown = re.sub(r"<[^>]+>", "", markdown2html_mistune(md)).strip()
    assert shown == " ".join(text.split()).replace("<", "&lt;").replace(">", "&gt;")


def test_only_http_links_are_live():
    page = markdown2html_mistune(markdown_link("Yearbook", "https://example.org/a(b).pdf"))
    assert '<a href="https://example.org/a%28b%29.pdf">Yearbook</a>' in page
    for url in ("javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", " java\nscript:x"):
        inert(markdown_link("Yearbook", url))


@pytest.fixture
def hostile_package(tiny_package):
    path = tiny_package / "descriptors" / "towns.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor.update(title=SCRIPT, scope=IMAGE, vintage=LINK)
    descriptor["sources"] = [
        {"id": "X1", "title": SCRIPT, "publisher": IMAGE, "date": LINK, "path": "javascript:alert(7)",
         "kind": "official"},
        {"id": "X2`<b>", "title": BARE, "location": IMAGE, "license": SCRIPT, "kind": "mirror"},
    ]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    towns = tiny_package / "towns.csv"  # the row citing X2 cites the hostile id: `make data` refuses an unknown id
    towns.write_text(towns.read_text(encoding="utf-8").replace(",X2\n", ",X2`<b>\n"), encoding="utf-8")
    (tiny_package / "datapackage.json").write_text(build_datapackage.render(build_datapackage.build(tiny_package)),
                                                   encoding="utf-8")
    return tiny_package


@pytest.mark.parametrize("detail", [False, True])
def test_sources_note_escapes_descriptor_text(hostile_package, detail):
    inert(sources_note(["towns"], detail=detail).markdown)


def test_static_sources_page_escapes_descriptor_text(hostile_package):
    from static_site import sources_page

    page = sources_page()
    assert "<img" not in page and "<script" not in page.split("</head>")[1]
    assert "javascript:" not in re.sub(r">[^<]*<", "><", page)


def test_governance_table_cells_are_inert():
    frame = pd.DataFrame({"dimension": HOSTILE, "source": [SCRIPT] * len(HOSTILE)})
    inert(markdown_table(frame).markdown)


def test_scenarios_evidence_cells_are_inert():
    frame = pd.DataFrame([{"group": IMAGE, "aim": LINK, "the article's words": SCRIPT,
                           "evidence in the course data": [BARE, IMAGE], "what it cannot tell us": LINK}])
    inert(evidence_note(frame).markdown)


def test_sez_key_number_is_inert():
    inert(key_number(f"{IMAGE} {LINK}")._repr_markdown_())


def test_vintage_labels_are_escaped_in_results():
    gdp = load("shenzhen_gdp")
    gdp["vintage"] = gdp["vintage"].replace("yearbook_revised", SCRIPT)
    growth = GrowthExplorer(gdp, SCRIPT, (2000, 2020))
    assert "<img" not in growth.result.value and "&lt;img" in growth.result.value
    overtaking = OvertakeExplorer(gdp, load("hongkong_gdp"), load("cny_usd"), SCRIPT)
    assert "<img" not in overtaking.result.value and "&lt;img" in overtaking.result.value
    assert SCRIPT not in overtaking.panel.snapshot_html()


def test_markdown_text_leaves_no_dollar_sign_for_jupyterlab_to_typeset():
    """A source's title 'HK$ ... million ... US$ ... bn' was typeset as maths in 01's and 08's Sources notes (the
    browser test caught it): two dollar signs, escaped or not, open and close maths in JupyterLab."""
    from qianhai.display import markdown_text

    shown = markdown_text("C&SD table 030: HK$ 2,398,437 million / 7.7524 = US$ 309.38 bn")
    assert "$" not in shown
    assert "HK\uff04 2,398,437 million" in shown and "US\uff04 309.38 bn" in shown
