"""Launch links for the README, the instructor guides and the hub: Binder and nbgitpuller addresses of each
notebook, all built from the one published address below."""

from __future__ import annotations

from urllib.parse import quote, urlencode

# Where the course is published. The links work once the course is public at this address. To publish it
# elsewhere, change this line and run `make readme` (tests/test_readme.py checks that every launch link in the
# README and the instructor guides comes from here).
REPOSITORY = "https://github.com/qianhai-model/course"
BRANCH = "main"


def binder_link(lesson_file: str, repository: str | None = None, branch: str | None = None) -> str:
    """Open one notebook directly in JupyterLab on mybinder.org."""
    owner_repo = (repository or REPOSITORY).removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{owner_repo}/{branch or BRANCH}?urlpath=lab/tree/notebooks/{lesson_file}"


def nbgitpuller_link(hub: str, lesson_file: str, repository: str | None = None, branch: str | None = None) -> str:
    """An nbgitpuller link for an existing JupyterHub: clones (or updates) the course into the student's
    home folder, in a folder named after the repository, then opens the notebook in JupyterLab."""
    repository = repository or REPOSITORY
    hub = hub.rstrip("/")
    folder = repository.rstrip("/").rsplit("/", 1)[-1]
    query = urlencode({"repo": repository, "branch": branch or BRANCH,
                       "urlpath": f"lab/tree/{folder}/notebooks/{lesson_file}"}, quote_via=quote, safe="")
    return f"{hub}/hub/user-redirect/git-pull?{query}"
