"""Generate the README's tables (notebooks and launch links, JupyterHub links, course status) from the
course map and the notebooks' own metadata. `make readme` rewrites the marked blocks; a test fails when
the README is out of date."""

from __future__ import annotations

import json
import re
import sys

import launch_links
from launch_links import binder_link, nbgitpuller_link
from qianhai.course import LESSONS, NOTEBOOK_DIR

README = NOTEBOOK_DIR.parent / "README.md"
EXAMPLE_HUB = "https://hub.example.edu"


def binder_block() -> str:
    """The Binder badge (notebook 00) and where the links point, from launch_links.REPOSITORY."""
    return (f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_link('00_start_here.ipynb')})\n\n"
            f"The Binder and JupyterHub links on this page work once the course is published at\n"
            f"<{launch_links.REPOSITORY}> (branch `{launch_links.BRANCH}`). To publish it elsewhere, change `REPOSITORY` in\n"
            f"`tools/launch_links.py`, the one place every launch link is built from, and run `make readme`.")


def notebooks_block() -> str:
    rows = ["| # | notebook | time to learn | open on Binder |", "|---|---|---|---|"]
    for x in LESSONS:
        if x.exists:
            rows.append(f"| {x.slug[:2]} | [{x.title}](notebooks/{x.file}) | {x.minutes} min | "
                        f"[launch]({binder_link(x.file)}) |")
    return "\n".join(rows)


def hub_block() -> str:
    rows = ["| notebook | nbgitpuller link (replace the hub address with yours) |", "|---|---|"]
    for x in LESSONS:
        if x.exists:
            rows.append(f"| {x.slug[:2]} · {x.title} | `{nbgitpuller_link(EXAMPLE_HUB, x.file)}` |")
    return "\n".join(rows)


def status_block() -> str:
    rows = ["| notebook | time to learn | last executed | Python | JupyterLab | ipywidgets | matplotlib | pandas | numpy |",
            "|---|---|---|---|---|---|---|---|---|"]
    for x in LESSONS:
        if not x.exists:
            continue
        meta = json.loads((NOTEBOOK_DIR / x.file).read_text(encoding="utf-8"))["metadata"].get("qianhai", {})
        v = meta.get("versions", {})
        rows.append(f"| {x.file} | {x.minutes} min | {meta.get('executed', 'not recorded')} | "
                    + " | ".join(v.get(k, "?") for k in ("python", "jupyterlab", "ipywidgets", "matplotlib",
                                                           "pandas", "numpy")) + " |")
    return "\n".join(rows)


BLOCKS = {"binder": binder_block, "notebooks": notebooks_block, "jupyterhub": hub_block, "status": status_block}


def render(text: str) -> str:
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md lacks the markers <!-- {name}:start --> / <!-- {name}:end -->")
        text = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    new = render(current)
    if "--check" in argv:
        return 0 if new == current else 1
    README.write_text(new, encoding="utf-8")
    print("README.md tables regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
