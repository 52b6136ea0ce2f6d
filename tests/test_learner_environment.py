"""A learner's environment: the README's plain path (no make) run exactly as written in a fresh clone, and
every notebook executed in the environment it builds from requirements.txt alone.

The fixture builds that environment once per test session (pip's own cache and the machine's wheels keep it
to about a minute). Nothing from the developers' packages can leak in: the venv is a plain `python3 -m venv`.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import ROOT
from readme_commands import Server, clone, learner_env

README = (ROOT / "README.md").read_text(encoding="utf-8")
DEVELOPER_TOOLS = {"pytest", "pytest-xdist", "nbval", "hypothesis", "playwright"}
INSTALL_TIMEOUT = 900

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="needs git and a git checkout (the commands run in a clone)")


def plain_path() -> list[str]:
    """The lines of the README's "Without make" block."""
    section = README.split("### Without make", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "README: no code block under 'Without make'"
    return [line for line in block.group(1).splitlines() if line.strip()]


def documented_flags() -> list[str]:
    """Flags the README tells a user to add to the last line: --no-browser here (no browser), and
    --allow-root when these tests run as root."""
    section = README.split("### Without make", 1)[1].split("\n## ", 1)[0]
    assert "add `--no-browser` to the last\nline" in section or "add `--no-browser` to the last line" in section
    flags = ["--no-browser"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        assert "as root, JupyterLab also asks for `--allow-root`" in section
        flags.append("--allow-root")
    return flags


@pytest.fixture(scope="session")
def plain_course():
    """A fresh clone where the README's plain lines ran; checks what its server serves, then stops it."""
    workdir = Path(tempfile.mkdtemp(prefix="qianhai-plain-"))
    try:
        course = clone(workdir / "course")
        lines = plain_path()
        lines[-1] = " ".join([lines[-1], *documented_flags()])
        server = Server(["bash", "-e", "-c", "\n".join(lines)], course, learner_env(workdir), workdir / "plain.log")
        try:
            server.start().wait_for_url(INSTALL_TIMEOUT)
            checks = {
                "status with token": server.status("/api/status", server.token),
                "status without token": server.status("/api/status", None),
                "notebook 00": server.get_json("/api/contents/00_start_here.ipynb?content=0")["type"],
                "opens at": server.get_json("/lab/api/workspaces/default").get("data", {}).get("layout-restorer:data"),
                "listening": server.listening(),
            }
        finally:
            server.stop()
        yield course, checks, server
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_the_readme_plain_path_serves_notebook_00(plain_course):
    course, checks, server = plain_course
    assert plain_path()[0] == "python3 -m venv .venv" and plain_path()[-1].startswith("jupyter lab ")
    assert checks["status with token"] == 200 and checks["status without token"] == 403
    assert checks["notebook 00"] == "notebook"
    assert {address for address, _ in checks["listening"]} <= {"127.0.0.1", "::1"}, checks["listening"]
    assert not server.alive(), f"processes left behind: {server.alive()}"


def venv_python(course: Path) -> Path:
    return course / ".venv" / "bin" / "python"


def test_the_learner_environment_has_no_developer_tools(plain_course):
    course = plain_course[0]
    listed = subprocess.run([venv_python(course), "-m", "pip", "list", "--format=json"], capture_output=True,
                            text=True, check=True).stdout
    installed = {p["name"].lower() for p in json.loads(listed)}
    assert {"jupyterlab", "ipywidgets", "matplotlib", "pandas"} <= installed
    assert not installed & DEVELOPER_TOOLS, f"developer tools in a learner's environment: {installed & DEVELOPER_TOOLS}"


# Run by the learner's venv: every notebook, top to bottom, in a kernel of that venv; an error stops it (nbclient
# raises), and so does stderr output in a cell whose committed outputs have none.
EXECUTE = r"""
import json, sys
import nbformat
from nbclient import NotebookClient

for path in sys.argv[1:]:
    stored = nbformat.read(path, as_version=4)
    run = nbformat.read(path, as_version=4)
    NotebookClient(run, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
    for before, after in zip(stored.cells, run.cells):
        if after.cell_type == "code":
            stderr = [o.text for o in after.outputs if o.get("name") == "stderr"]
            if stderr and not any(o.get("name") == "stderr" for o in before.outputs):
                sys.exit(f"{path}: stderr in cell {after.get('id')}: {stderr}")
    print("ran", path, flush=True)
"""


def test_every_notebook_runs_in_the_learner_environment(plain_course):
    course = plain_course[0]
    notebooks = sorted(p.name for p in (course / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    env = learner_env(course.parent)
    env["PYTHONPATH"] = str(course / "tests" / "offline")  # and offline: the kernels may reach nothing outside
    result = subprocess.run([venv_python(course), "-c", EXECUTE, *notebooks], cwd=course / "notebooks", env=env,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert result.stdout.split() == [word for name in notebooks for word in ("ran", name)]


# ── the same promise without a venv: everything the course imports is installed by requirements.txt ─────


def requirement_closure(lines: list[str]) -> set[str]:
    """Distributions that pip installs for these requirements (their dependencies, as installed here)."""
    def norm(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    todo = [Requirement(line) for line in lines]
    seen: set[str] = set()
    while todo:
        requirement = todo.pop()
        name = norm(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(requirement.name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for spec in requires:
            dependency = Requirement(spec)
            if dependency.marker is None or dependency.marker.evaluate({"extra": ""}):
                todo.append(dependency)
    return seen


def course_imports() -> set[str]:
    """Top-level modules imported by the course package and the notebooks' code cells."""
    import ast

    import nbformat

    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "notebooks" / "qianhai").glob("*.py")]
    for notebook in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        cells = nbformat.read(notebook, as_version=4).cells
        sources += ["\n".join(line for line in c.source.splitlines() if not line.lstrip().startswith(("%", "!")))
                    for c in cells if c.cell_type == "code"]
    found = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "qianhai"}


def test_everything_the_course_imports_comes_with_requirements_txt():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    closure = requirement_closure([line for line in lines if line])
    providers = importlib.metadata.packages_distributions()
    imports = course_imports()
    assert {"ipywidgets", "matplotlib", "numpy", "pandas"} <= imports
    missing = {m: providers.get(m) for m in imports
               if not any(re.sub(r"[-_.]+", "-", d).lower() in closure for d in providers.get(m, []))}
    assert not missing, f"imported by the course but not installed by requirements.txt: {missing}"
