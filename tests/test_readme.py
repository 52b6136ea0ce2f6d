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
