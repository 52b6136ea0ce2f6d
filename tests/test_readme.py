"""The README's notebook table and launch links match the notebooks that exist."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

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
    import readme_tables as readme

    assert readme.render(README) == README, "README tables are stale: run `make readme`"


def test_nbgitpuller_links_have_the_documented_form():
    from launch_links import REPOSITORY, nbgitpuller_link

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
    from launch_links import REPOSITORY

    owner_repo = REPOSITORY.removeprefix("https://github.com/")
    for link in binder_links():
        assert link.startswith(f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/notebooks/")


LAUNCH_LINK = re.compile(r"https?://[^\s)`>\]]*(?:mybinder\.org/v2/|/git-pull\?)[^\s)`>\]]*")
INSTRUCTOR_GUIDES = sorted((ROOT / "notebooks" / "instructor").glob("*.md"))


def test_every_launch_link_is_built_from_the_one_repository_address():
    """Every Binder and nbgitpuller link in the README and the instructor guide is exactly what
    tools/launch_links.py builds from REPOSITORY (for its notebook and, for nbgitpuller, its hub)."""
    from launch_links import binder_link, nbgitpuller_link

    checked = 0
    for path in [ROOT / "README.md", *INSTRUCTOR_GUIDES]:
        for link in LAUNCH_LINK.findall(path.read_text(encoding="utf-8")):
            notebook = unquote(parse_qs(urlparse(link).query)["urlpath"][0]).rsplit("/", 1)[1]
            if "mybinder.org" in link:
                expected = binder_link(notebook)
            else:
                expected = nbgitpuller_link(link.split("/hub/user-redirect/", 1)[0], notebook)
            assert link == expected, f"{path.relative_to(ROOT)}: {link} is not built from REPOSITORY ({expected})"
            checked += 1
    assert checked >= 2 * len(EXISTING) + 1  # a Binder and a hub link per notebook, and the badge


def test_changing_the_repository_address_changes_every_link(monkeypatch):
    """What the README promises: change REPOSITORY, run `make readme`, and no link points at the old address."""
    import readme_tables as readme
    import launch_links

    old = launch_links.REPOSITORY.removeprefix("https://github.com/")
    assert old in README
    monkeypatch.setattr(launch_links, "REPOSITORY", "https://github.com/example-school/qianhai-course")
    rendered = readme.render(README)
    assert old not in rendered, [line for line in rendered.splitlines() if old in line][:3]
    assert "mybinder.org/v2/gh/example-school/qianhai-course/main?urlpath=lab/tree/notebooks/00_start_here.ipynb" in rendered
    assert "repo=https%3A%2F%2Fgithub.com%2Fexample-school%2Fqianhai-course" in rendered
    for guide in INSTRUCTOR_GUIDES:  # their launch links are checked above; the address must appear nowhere else
        assert old not in LAUNCH_LINK.sub("", guide.read_text(encoding="utf-8")), (
            f"{guide.name} names the repository outside a launch link")


def test_the_study_path_states_the_course_map_times():
    """The hand-written "Studying on your own" path names times ("**01** (60 min)"): they are the course map's."""
    import re

    from qianhai.course import LESSONS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    minutes = {lesson.slug[:2]: lesson.minutes for lesson in LESSONS}
    for number, stated in re.findall(r"\*\*(\d\d)\*\* \((\d+) min\)", readme):
        assert int(stated) == minutes[number], f"README says {stated} min for {number}; course.py says {minutes[number]}"
