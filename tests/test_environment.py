"""The pip path and the Binder path install the same packages at the same versions."""

from __future__ import annotations

import re

import yaml

from conftest import ROOT


def pins(lines):
    return {line.strip() for line in lines if line.strip() and not line.strip().startswith(("#", "-r"))}


def test_environment_yml_matches_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    assert "python=3.12" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())


def test_every_requirement_is_pinned_exactly():
    for line in pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()):
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", line), line


def test_make_lab_is_local_and_token_protected():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "--ServerApp.ip=127.0.0.1" in lab
    assert "token=''" not in lab and 'token=""' not in lab and "disable_check_xsrf" not in lab


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"
    assert "make test" in readme and "make lab" in readme

