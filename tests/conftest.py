"""Shared fixtures: a throw-away copy of data/ so that no test ever modifies the real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")
# Property tests explore the same examples on every run: a failure is reproducible, never a flake.
settings.register_profile("course", derandomize=True, database=None, deadline=None)
settings.load_profile("course")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def notebook_cell(notebook: str, cell_id: str):
    """The cell of ``notebooks/<notebook>`` with this id (nbformat: ``.source`` as text, ``.outputs``)."""
    import nbformat

    return next(c for c in nbformat.read(ROOT / "notebooks" / notebook, as_version=4).cells if c.get("id") == cell_id)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that the loader reads instead of the original."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    monkeypatch.setenv("QIANHAI_DATA_DIR", str(target))
    return target


@pytest.fixture
def tiny_package(tmp_path, monkeypatch):
    """A small package built with the course's builder, for loader tests independent of real data."""
    import json

    import build_datapackage

    folder = tmp_path / "tiny"
    (folder / "descriptors").mkdir(parents=True)
    (folder / "towns.csv").write_text(
        "town,year,population,capital,founded,source_id\n"
        "Alpha,2020,1500,true,1979-08-26,X1\n"
        "Beta,2020,250.5,false,1980-01-01,X1\n"
        "Alpha,2021,1600,true,1979-08-26,X2\n",
        encoding="utf-8",
    )
    descriptor = {
        "name": "towns",
        "path": "towns.csv",
        "title": "Towns",
        "scope": "test",
        "vintage": "test",
        "sources": [{"id": "X1", "title": "One", "kind": "official"}, {"id": "X2", "title": "Two", "kind": "press"}],
        "schema": {
            "fields": [
                {"name": "town", "type": "string", "constraints": {"required": True, "enum": ["Alpha", "Beta"]}},
                {"name": "year", "type": "integer", "constraints": {"required": True, "minimum": 1979}},
                {"name": "population", "type": "number", "constraints": {"minimum": 0}},
                {"name": "capital", "type": "boolean"},
                {"name": "founded", "type": "date"},
                {"name": "source_id", "type": "string", "constraints": {"required": True}},
            ],
            "primaryKey": ["town", "year"],
            "missingValues": [""],
        },
    }
    (folder / "descriptors" / "towns.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (folder / "datapackage.json").write_text(build_datapackage.render(build_datapackage.build(folder)), encoding="utf-8")
    monkeypatch.setenv("QIANHAI_DATA_DIR", str(folder))
    return folder


def usd_bn(gdp: str, column: str, year: int, vintage: str, rates: str, rate_column: str) -> float:
    """One year's GDP in US$ billion from a local-currency row (100 million units, of the given vintage) and the
    year's annual average rate (units per US dollar): value / rate / 10."""
    from qianhai.data import load

    local = load(gdp).set_index(["year", "vintage"]).loc[(year, vintage), column]
    return local / load(rates).set_index("year").loc[year, rate_column] / 10
