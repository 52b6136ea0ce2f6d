"""The pip path and the Binder path install the same packages at the same versions; the learner's packages
(requirements.txt) and the developers' (requirements-dev.txt) stay apart."""

from __future__ import annotations

import json
import re

import yaml

from conftest import ROOT

RUNTIME = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"
# Only developers need these; a learner's environment (make lab, Binder, a JupyterHub image) must not carry them.
DEVELOPER_TOOLS = {"pytest", "pytest-xdist", "nbval", "hypothesis", "playwright"}


def pins(lines):
    return {line.split("#")[0].strip() for line in lines
            if line.split("#")[0].strip() and not line.strip().startswith("-r")}


def names(pinned):
    return {line.split("==")[0].lower() for line in pinned}


def runtime_pins():
    return pins(RUNTIME.read_text(encoding="utf-8").splitlines())


def dev_lines():
    return DEV.read_text(encoding="utf-8").splitlines()


def test_environment_yml_matches_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == runtime_pins()


def test_environment_yml_has_the_python_the_notebooks_run_on():
    """Binder's Python minor version is the one every notebook was last executed (and is tested) with."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert len(python) == 1, "environment.yml must pin one Python version"
    binder_minor = python[0].removeprefix("python=")
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        executed = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["qianhai"]["versions"]["python"]
        assert ".".join(executed.split(".")[:2]) == binder_minor, (
            f"{notebook.name} was executed with Python {executed}, Binder runs {binder_minor}")


def test_every_requirement_is_pinned_exactly():
    for line in runtime_pins() | pins(dev_lines()):
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", line), line


def test_learner_and_developer_packages_are_apart():
    """requirements-dev.txt builds on requirements.txt; the tools are only in the former."""
    assert "-r requirements.txt" in [line.strip() for line in dev_lines()]
    runtime, dev = names(runtime_pins()), names(pins(dev_lines()))
    assert {"jupyterlab", "ipywidgets", "ipykernel", "matplotlib", "numpy", "pandas"} <= runtime
    assert not runtime & DEVELOPER_TOOLS, f"developer tools in requirements.txt: {runtime & DEVELOPER_TOOLS}"
    assert DEVELOPER_TOOLS <= dev
    assert not runtime & dev, f"pinned twice: {runtime & dev}"


def make_recipe(target: str) -> tuple[str, str]:
    """(prerequisites, recipe) of a Makefile target."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
    prerequisites, _, recipe = rule.partition("\n")
    return prerequisites.strip(), recipe.strip()


def test_make_lab_installs_the_learner_packages_and_make_test_the_developers():
    assert make_recipe("lab")[0] == "install"
    for target in ("test", "bench", "flakes"):
        assert make_recipe(target)[0] == "install-dev", target
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-r requirements.txt" in makefile.split("\ninstall-dev:", 1)[1].split("$(DEV_STAMP):", 1)[0]
    assert "-r requirements-dev.txt" in makefile.split("$(DEV_STAMP):", 1)[1]


def test_make_lab_is_local_and_token_protected():
    lab = make_recipe("lab")[1]
    assert len(lab.splitlines()) == 1, "keep the recipe one line a reader can follow"
    assert "--ServerApp.ip=127.0.0.1" in lab
    assert "token=''" not in lab and 'token=""' not in lab and "disable_check_xsrf" not in lab


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"
    assert "make test" in readme and "make lab" in readme

