"""Every resource, corrupted five ways in a throw-away copy: the loader names file, row and column.

Each expected row and column is where *this test* put the damage (counted with the header as row 1), so
the expectation does not come from the loader. The originals are hashed before and after."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pytest

import build_datapackage
from conftest import DATA
from qianhai.data import DataError, load

PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}
NAMES = sorted(RESOURCES)


def serialise(row):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    return buffer.getvalue()


def editable_row(lines, rows):
    """A data row whose line re-serialises byte for byte, so it can be replaced without touching others."""
    middle = len(rows) // 2
    for index in sorted(range(1, len(rows)), key=lambda i: abs(i - middle)):
        if index < len(lines) and serialise(rows[index]) == lines[index]:
            return index
    pytest.skip("no row re-serialises identically")


def read(path):
    text = path.read_text(encoding="utf-8")
    return text.splitlines(keepends=True), list(csv.reader(io.StringIO(text, newline="")))


def fields(name):
    return RESOURCES[name]["schema"]["fields"]


@pytest.fixture(scope="module", autouse=True)
def originals_untouched():
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA.glob("*.csv")}
    yield
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA.glob("*.csv")}
    assert before == after, "a test modified an original data file"


def expect(name, row, column):
    file = RESOURCES[name]["path"]
    return rf"^data/{re.escape(file)}, row {row}, column '{re.escape(column)}"


@pytest.mark.parametrize("name", NAMES)
def test_truncated_file(name, data_copy):
    path = data_copy / RESOURCES[name]["path"]
    lines, rows = read(path)
    last = len(lines)  # the last line is row len(lines) when no row spans lines
    if len(rows) != len(lines):
        pytest.skip("a quoted cell spans lines")
    keep = serialise(rows[-1][:1]).rstrip("\n")  # the file now stops after the last row's first value
    path.write_text("".join(lines[:-1]) + keep, encoding="utf-8")
    with pytest.raises(DataError, match=expect(name, last, fields(name)[1]["name"]) + "': the row has 1 value but"):
        load(name)


@pytest.mark.parametrize("name", NAMES)
def test_edited_value_is_a_checksum_mismatch_located_to_row_and_column(name, data_copy):
    path = data_copy / RESOURCES[name]["path"]
    lines, rows = read(path)
    index = editable_row(lines, rows)
    numeric = [i for i, f in enumerate(fields(name)) if f["type"] == "number" and rows[index][i] not in ("",)]
    loose = [i for i, f in enumerate(fields(name)) if f["type"] == "string" and rows[index][i]
             and not {"enum", "pattern"} & set(f.get("constraints", {}))]
    if numeric:
        col = numeric[0]
        cell = rows[index][col]
        rows[index][col] = cell + "0" if "." in cell and "e" not in cell.lower() else cell + ".0"
    elif loose:
        col = loose[-1]
        rows[index][col] = rows[index][col] + "."
    else:
        pytest.skip("no cell can be edited without breaking its schema")
    lines[index] = serialise(rows[index])
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=expect(name, index + 1, fields(name)[col]["name"]) + ".*sha256 mismatch"):
        load(name)


@pytest.mark.parametrize("name", NAMES)
def test_missing_column(name, data_copy):
    path = data_copy / RESOURCES[name]["path"]
    _, rows = read(path)
    path.write_text("".join(serialise(r[:-1]) for r in rows), encoding="utf-8")
    with pytest.raises(DataError, match=expect(name, 1, fields(name)[-1]["name"]) + "': column is missing"):
        load(name)


@pytest.mark.parametrize("name", NAMES)
def test_duplicate_key(name, data_copy):
    path = data_copy / RESOURCES[name]["path"]
    lines, rows = read(path)
    index = editable_row(lines, rows)
    text = "".join(lines)
    text = text if text.endswith("\n") else text + "\n"
    path.write_text(text + lines[index], encoding="utf-8")
    key = RESOURCES[name]["schema"]["primaryKey"]
    key = [key] if isinstance(key, str) else key
    duplicate_row = len(rows) + 1
    with pytest.raises(DataError, match=expect(name, duplicate_row, key[0]) + "': duplicate primary key"):
        load(name)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_type(name, data_copy):
    path = data_copy / RESOURCES[name]["path"]
    lines, rows = read(path)
    index = editable_row(lines, rows)
    typed = [i for i, f in enumerate(fields(name)) if f["type"] in ("number", "integer", "date", "year", "boolean")]
    if not typed:
        pytest.skip("every column is text: no value can have the wrong type")
    col = typed[0]
    rows[index][col] = "not-a-value"
    lines[index] = serialise(rows[index])
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=expect(name, index + 1, fields(name)[col]["name"]) + "': expected "):
        load(name)


ID_COLUMNS = [(name, f["name"]) for name in NAMES for f in fields(name) if f["name"].endswith("source_id")]


@pytest.mark.parametrize("name, column", ID_COLUMNS)
def test_unknown_source_id(name, column, data_copy):
    """An id that fits the column's pattern but is not among the resource's sources: a valid-looking file that
    would load with a source nobody can look up."""
    path = data_copy / RESOURCES[name]["path"]
    lines, rows = read(path)
    index = editable_row(lines, rows)
    col = [f["name"] for f in fields(name)].index(column)
    pattern = next(f for f in fields(name) if f["name"] == column).get("constraints", {}).get("pattern", ".*")
    unknown = next(c for c in ("ZZ99", "RD-ZZ99") if re.fullmatch(pattern, c))
    assert unknown not in {s["id"] for s in RESOURCES[name]["sources"]}
    rows[index][col] = unknown
    lines[index] = serialise(rows[index])
    path.write_text("".join(lines), encoding="utf-8")
    # the loader names the descriptor a person edits, not datapackage.json (built from it, never edited by hand)
    with pytest.raises(DataError, match=expect(name, index + 1, column) + f"': '{unknown}' is not among the sources "
                       f"listed in data/descriptors/{name}.json. Add it there and run `make data`"):
        load(name)


def test_make_data_refuses_an_unknown_source_id(data_copy):
    """The QA probe's edit: the first GF07 in shenzhen_gdp.csv becomes ZZ99."""
    path = data_copy / "shenzhen_gdp.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "GF07" in line)
    lines[index] = lines[index].replace("GF07", "ZZ99", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=rf"^data/shenzhen_gdp.csv, row {index + 1}, column 'source_id': 'ZZ99' is not "
                                        r"among the sources listed in data/descriptors/shenzhen_gdp.json\. Add it there and run `make data`"):
        build_datapackage.build(data_copy)


def test_make_data_names_a_descriptor_without_a_path(data_copy):
    """A descriptor that is a JSON object but names no file ("path") gets a sentence, not a KeyError."""
    descriptor = data_copy / "descriptors" / "hkd_usd.json"
    content = json.loads(descriptor.read_text(encoding="utf-8"))
    del content["path"]
    descriptor.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(build_datapackage.DescriptorError, match=r"^data/descriptors/hkd_usd.json: expected a JSON "
                                                                 r"object describing one resource, with its file name"):
        build_datapackage.build(data_copy)
