"""The README's notebook table and launch links match the notebooks that exist."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from conftest import ROOT
from qianhai.course import LESSONS

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXISTING = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def binder_links():
    return re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", README)


def test_every_binder_link_opens_an_existing_notebook_in_lab():
    links = binder_links()
    assert links
    for link in links:
        query = parse_qs(urlparse(link).query)
        target = query["urlpath"][0]
        assert target.startswith("lab/tree/notebooks/") and target.endswith(".ipynb"), link
        assert (ROOT / target.removeprefix("lab/tree/")).exists(), f"{link} points at a missing notebook"


def test_every_notebook_has_a_row_and_a_launch_link():
    targets = {parse_qs(urlparse(link).query)["urlpath"][0].rsplit("/", 1)[1] for link in binder_links()}
    for name in EXISTING:
        assert f"(notebooks/{name})" in README, f"README table lacks {name}"
        assert name in targets, f"README lacks a Binder link for {name}"


def test_times_in_readme_match_course_map():
    for lesson in LESSONS:
        if lesson.exists:
            row = next(line for line in README.splitlines() if f"(notebooks/{lesson.file})" in line)
            assert f"| {lesson.minutes} min |" in row, f"{lesson.file}: README time differs from course.py"


def test_readme_tables_are_current():
    """`make readme` output is what is committed (notebook list, hub links, status)."""
    from qianhai import readme

    assert readme.render(README) == README, "README tables are stale: run `make readme`"


def test_nbgitpuller_links_have_the_documented_form():
    from qianhai.course import REPOSITORY, nbgitpuller_link

    for name in EXISTING:
        link = nbgitpuller_link("https://hub.example.edu/", name)
        parsed = urlparse(link)
        assert parsed.scheme == "https" and parsed.netloc == "hub.example.edu"
        assert parsed.path == "/hub/user-redirect/git-pull"
        query = parse_qs(parsed.query)
        assert query["repo"] == [REPOSITORY] and query["branch"] == ["main"]
        folder = REPOSITORY.rsplit("/", 1)[1]
        assert query["urlpath"] == [f"lab/tree/{folder}/notebooks/{name}"]
        assert (ROOT / "notebooks" / name).exists()
        assert f"`{nbgitpuller_link('https://hub.example.edu', name)}`" in README, f"README lacks the hub link for {name}"


def test_binder_badge_and_links_use_the_repository():
    from qianhai.course import REPOSITORY

    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    for link in binder_links():
        assert link.startswith(f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/notebooks/")
