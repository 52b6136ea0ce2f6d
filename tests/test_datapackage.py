"""The real data package: valid by the frictionless library, complete metadata, current hashes."""

from __future__ import annotations

import json

import pytest
from frictionless import validate

from conftest import DATA
import build_datapackage
from qianhai.data import load

PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = PACKAGE["resources"]
NAMES = [r["name"] for r in RESOURCES]
SOURCE_KEYS = ("id", "title", "publisher", "date", "vintage", "scope", "license")


def test_package_is_current():
    """datapackage.json is exactly what `make data` builds from descriptors and CSVs."""
    assert (DATA / "datapackage.json").read_text(encoding="utf-8") == build_datapackage.render(build_datapackage.build())


def test_every_csv_is_described():
    described = {r["path"] for r in RESOURCES}
    assert {p.name for p in DATA.glob("*.csv")} == described


def test_frictionless_validates_the_package():
    report = validate(str(DATA / "datapackage.json"))
    problems = report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, problems[:20]


@pytest.mark.parametrize("name", NAMES)
def test_resource_metadata(name):
    res = next(r for r in RESOURCES if r["name"] == name)
    for key in ("title", "description", "scope", "vintage", "licenses", "sources", "schema"):
        assert res.get(key), f"{name}: missing {key}"
    for src in res["sources"]:
        missing = [k for k in SOURCE_KEYS if not src.get(k)]
        assert not missing, f"{name}: source {src.get('id')} lacks {missing}"
        assert src.get("path") or src.get("location"), f"{name}: source {src['id']} has no URL or location"
    for field in res["schema"]["fields"]:
        assert field.get("type") and field.get("description"), f"{name}.{field['name']}: type and description"
        if field["type"] in ("number", "integer") and field["name"] not in ("year",):
            assert "unit" in field, f"{name}.{field['name']}: numbers need a unit"
    assert res["schema"].get("primaryKey"), f"{name}: no primary key"


@pytest.mark.parametrize("name", NAMES)
def test_resource_loads_and_every_source_id_resolves(name):
    frame = load(name)
    assert len(frame) > 0
    res = next(r for r in RESOURCES if r["name"] == name)
    known = {s["id"] for s in res["sources"]}
    id_columns = [c for c in frame.columns if c.endswith("source_id")]
    assert "source_id" in id_columns, f"{name}: every row needs a source_id"
    for column in id_columns:
        for row, cell in enumerate(frame[column], start=2):
            if cell is None:
                assert column != "source_id", f"{name} row {row}: empty source_id"
                continue
            for sid in str(cell).split(";"):
                assert sid.strip() in known, f"{name} row {row}: source id {sid!r} not in the descriptor's sources"
