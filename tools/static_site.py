"""The static edition: `make html` exports the course to a folder that works offline on any static host.

Every notebook becomes an HTML page with its saved widget state, rendered by the Jupyter widgets HTML
manager and RequireJS, both bundled into the site from the npm registry (versions and checksums pinned
below) — never loaded from a CDN. No page loads anything from another host (``outside_references``, checked
on every build); only links a reader follows lead out. An index links every notebook, the sources and the
glossary.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from qianhai.course import LESSONS, NOTEBOOK_DIR
from qianhai.data import load, package
from qianhai.display import escape
from qianhai.sources import sources_note

ROOT = NOTEBOOK_DIR.parent
NPM_PACKAGES = {
    # name@version: sha256 of the tarball `npm pack` downloads
    "@jupyter-widgets/html-manager@1.0.15": "2b9d65cb7913e1c7d671757a10008b32c9c2448d4429513371e55c07d6107638",
    "requirejs@2.3.8": "777158e89275e16bd51aec3ef714fbcb5dc45789e7078659933bc814916d7dec",
}
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.5;color:#1a1a1a} a{color:#0072B2} table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top} nav{margin-bottom:1rem}
"""


class SiteError(RuntimeError):
    """The static site could not be built (e.g. npm missing)."""


def tarball_name(spec: str) -> str:
    name, version = spec.rsplit("@", 1)
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch_assets(cache: Path) -> dict[str, Path]:
    """`npm pack` the pinned packages into ``cache`` (once) and check their sha256."""
    cache.mkdir(parents=True, exist_ok=True)
    found = {}
    for spec, digest in NPM_PACKAGES.items():
        target = cache / tarball_name(spec)
        if not target.exists():
            npm = shutil.which("npm")
            if npm is None:
                raise SiteError("`npm` is needed once to fetch the widget renderer for the static site.")
            subprocess.run([npm, "pack", spec, "--silent"], cwd=cache, check=True, capture_output=True)
        actual = hashlib.sha256(target.read_bytes()).hexdigest()
        if actual != digest:
            target.unlink()
            raise SiteError(f"{target.name}: sha256 {actual} differs from the pinned {digest}.")
        found[spec] = target
    return found


def install_assets(tarballs: dict[str, Path], out: Path) -> None:
    with tarfile.open(tarballs["requirejs@2.3.8"]) as tar:
        out.joinpath("require.js").write_bytes(tar.extractfile("package/require.js").read())
    with tarfile.open(tarballs["@jupyter-widgets/html-manager@1.0.15"]) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/dist/")
            if member.name.startswith("package/dist/") and "/" not in name and not name.endswith(".map") \
                    and (name == "embed-amd.js" or name.rsplit(".", 1)[-1] in ("eot", "svg", "ttf", "woff", "woff2")):
                out.joinpath(name).write_bytes(tar.extractfile(member).read())
    out.joinpath("no-mathjax.js").write_text("/* The course writes formulas in Unicode: no maths renderer. */\n")


# nbconvert's lab page, minus its two ways out: the Mermaid loader (imported from a CDN when a page has a
# diagram) and the widget renderer's fall-back to a CDN for widget types it does not bundle (pointed at a
# folder of this site that does not exist, through the renderer's documented data-jupyter-widgets-cdn).
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}
{%- if "widgets" in nb.metadata -%}
<script>
document.addEventListener("DOMContentLoaded", function () {
  var script = document.createElement("script");
  script.setAttribute("data-jupyter-widgets-cdn", "no-widget-cdn/");
  script.src = "embed-amd.js";
  document.body.appendChild(script);
});
</script>
{%- endif -%}
{%- endblock jupyter_widgets -%}
"""


def exporter() -> HTMLExporter:
    return HTMLExporter(template_name="lab", template_file="offline.html.j2",
                        extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
                        require_js_url="require.js", mathjax_url="no-mathjax.js")


def export_notebook(path: Path, out: Path) -> Path:
    body, _ = exporter().from_notebook_node(nbformat.read(path, as_version=4))
    nav = ('<nav style="font-family:sans-serif;padding:.5rem 1rem"><a href="index.html">← Course index</a> · '
           '<a href="sources.html">Sources</a> · <a href="glossary.html">Glossary</a></nav>')
    body = body.replace("<main>", "<main>" + nav, 1)
    target = out / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def page(title: str, content: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f'<body><nav><a href="index.html">Course index</a> · <a href="sources.html">Sources</a> · '
            f'<a href="glossary.html">Glossary</a></nav>{content}</body></html>')


def index_page(exported: list[Path]) -> str:
    have = {p.stem for p in exported}
    rows = "".join(
        f'<tr><td>{x.slug[:2]}</td><td><a href="{x.slug}.html">{escape(x.title)}</a></td>'
        f"<td>{x.minutes} min</td><td>{escape(x.question)}</td></tr>"
        for x in LESSONS if x.slug in have
    )
    return page("The Qianhai Model — course", (
        "<h1>The Qianhai Model — an interactive course</h1>"
        "<p>This is the static edition: charts and numbers as first shown, widgets in their saved state. "
        "To move the sliders, run the notebooks in JupyterLab (see the README).</p>"
        f"<table><tr><th>#</th><th>Notebook</th><th>Time to learn</th><th>Question</th></tr>{rows}</table>"
        '<p><a href="sources.html">All sources</a> · <a href="glossary.html">English–Chinese glossary</a></p>'))


def sources_page() -> str:
    names = [r["name"] for r in package()["resources"]]
    return page("Sources", "<h1>Sources of every fact in the course</h1>"
                + markdown2html_mistune(sources_note(names, detail=True).markdown))


def glossary_page() -> str:
    glossary = load("glossary")
    rows = "".join(
        f"<tr><td>{escape(r.term)}</td><td lang=\"zh\">{escape(r.chinese)}</td>"
        f"<td>{escape(r.pinyin)}</td><td>{escape(r.definition)}</td></tr>"
        for r in glossary.itertuples()
    )
    return page("Glossary", "<h1>English–Chinese glossary</h1><table><tr><th>Term</th><th>中文</th><th>Pinyin</th>"
                f"<th>Definition</th></tr>{rows}</table>")


OUTSIDE = re.compile(r"(?i)^\s*(?:[a-z][a-z0-9+.-]*:)?//")  # http://, https://, //host, ftp://...
IN_CODE = re.compile(r"(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"'`)]*")


class _References(HTMLParser):
    """Every address a page would load: attributes (except the href of a link a reader follows, and XML
    namespaces, which are names, not requests) and addresses inside inline scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.inside = ""

    def handle_starttag(self, tag, attrs):
        self.inside = tag if tag in ("script", "style") else ""
        for name, value in attrs:
            if value and not (tag == "a" and name == "href") and not name.startswith("xmlns"):
                if OUTSIDE.match(value) or IN_CODE.search(value) and name in ("style", "srcset"):
                    self.found.append(f"<{tag} {name}={value[:120]}>")

    def handle_endtag(self, tag):
        self.inside = ""

    def handle_data(self, data):
        if self.inside:
            code = re.sub(r"/\*.*?\*/", "", data, flags=re.S)  # comments (licences, credits) load nothing
            self.found += [f"<{self.inside}>: {m[:120]}" for m in IN_CODE.findall(code)]


def outside_references(page: str) -> list[str]:
    """Addresses on other hosts that a browser would request while showing ``page``."""
    parser = _References()
    parser.feed(page)
    return parser.found


def build(out: Path, cache: Path | None = None) -> list[Path]:
    """Write the whole static site to ``out``; return the pages written."""
    cache = cache or ROOT / "build" / "npm"
    tarballs = fetch_assets(cache)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    install_assets(tarballs, out)
    exported = [export_notebook(p, out) for p in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))]
    pages = [*exported]
    for name, text in (("index.html", index_page(exported)), ("sources.html", sources_page()),
                       ("glossary.html", glossary_page())):
        out.joinpath(name).write_text(text, encoding="utf-8")
        pages.append(out / name)
    for written in pages:
        found = outside_references(written.read_text(encoding="utf-8"))
        if found:
            raise SiteError(f"{written.name} would load from another host: {found[:3]}")
    return pages


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "_site"
    try:
        pages = build(out)
    except SiteError as err:
        print(f"make html: {err}", file=sys.stderr)
        return 1
    print(f"wrote {len(pages)} pages to {out} (open {out / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
