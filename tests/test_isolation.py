"""Order and isolation: each notebook runs alone, in a fresh kernel, in its own fresh copy of notebooks/
and data/, in reverse course order; it must finish without error and leave no file behind. Together with
the parallel nbval run (pytest-xdist), this shows no notebook depends on another or on files one writes."""

from __future__ import annotations

import hashlib
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"), reverse=True)
SOURCE_CODE = [*(ROOT / "notebooks" / "qianhai").glob("*.py")]


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_alone_and_writes_nothing(path, tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    shutil.copytree(ROOT / "data", tmp_path / "data")
    before = snapshot(tmp_path)
    nb = nbformat.read(tmp_path / "notebooks" / path.name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[:1]
    after = snapshot(tmp_path)
    assert after == before, f"{path.name} created or changed files: {sorted(set(after.items()) ^ set(before.items()))[:5]}"


def test_no_eval_or_exec_of_input_anywhere():
    for path in SOURCE_CODE:
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<![\w.])(eval|exec)\(", code), f"{path.name} uses eval/exec"
