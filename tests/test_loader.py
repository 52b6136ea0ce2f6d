"""The loader: every kind of bad file gives an error naming file, row and column.

Expected rows are counted by hand from the CSV text in conftest.tiny_package (header = row 1)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import build_datapackage
from qianhai.data import DataError, load, package, resource


def edit(folder, old, new):
    path = folder / "towns.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_loads_typed_frame(tiny_package):
    frame = load("towns")
    assert list(frame.columns) == ["town", "year", "population", "capital", "founded", "source_id"]
    assert frame["population"].tolist() == [1500.0, 250.5, 1600.0]
    assert str(frame["year"].dtype) == "Int64"
    assert frame["capital"].tolist() == [True, False, True]
    assert frame["founded"].iloc[0] == pd.Timestamp("1979-08-26")


def test_returns_a_copy_so_callers_cannot_poison_the_cache(tiny_package):
    frame = load("towns")
    frame.loc[0, "population"] = -1
    assert load("towns").loc[0, "population"] == 1500.0


def test_unknown_resource_lists_known_ones(tiny_package):
    with pytest.raises(DataError, match=r"No data resource called 'town'.*Known resources: towns"):
        load("town")


def test_non_text_name(tiny_package):
    with pytest.raises(DataError, match="must be text"):
        load(3)


def test_missing_package_file(tiny_package):
    (tiny_package / "datapackage.json").unlink()
    with pytest.raises(DataError, match=r"data/datapackage.json: file is missing"):
        load("towns")


def test_missing_file(tiny_package):
    (tiny_package / "towns.csv").unlink()
    with pytest.raises(DataError, match=r"data/towns.csv: file is missing \(resource 'towns'"):
        load("towns")


def test_missing_column(tiny_package):
    path = tiny_package / "towns.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:3] + line.split(",")[4:]) for line in lines) + "\n")
    with pytest.raises(DataError, match=r"data/towns.csv, row 1, column 'capital': column is missing"):
        load("towns")


def test_wrong_type(tiny_package):
    edit(tiny_package, "250.5", "lots")
    with pytest.raises(DataError, match=r"data/towns.csv, row 3, column 'population': expected a number, found 'lots'"):
        load("towns")


def test_bad_date(tiny_package):
    edit(tiny_package, "1980-01-01", "1980-13-01")
    with pytest.raises(DataError, match=r"row 3, column 'founded': '1980-13-01' is not a real date: month 13"):
        load("towns")
    edit(tiny_package, "1980-13-01", "1980-1-1")
    with pytest.raises(DataError, match=r"row 3, column 'founded': expected a date written YYYY-MM-DD, found '1980-1-1'"):
        load("towns")


def test_constraint_minimum(tiny_package):
    edit(tiny_package, "250.5", "-3")
    with pytest.raises(DataError, match=r"row 3, column 'population': '-3' is below the minimum 0"):
        load("towns")


def test_constraint_enum(tiny_package):
    edit(tiny_package, "Beta", "Gamma")
    with pytest.raises(DataError, match=r"row 3, column 'town': 'Gamma' is not one of the allowed values"):
        load("towns")


def test_required_value(tiny_package):
    edit(tiny_package, "Beta,2020", "Beta,")
    with pytest.raises(DataError, match=r"row 3, column 'year': a value is required"):
        load("towns")


def test_duplicate_key(tiny_package):
    edit(tiny_package, "Alpha,2021", "Alpha,2020")
    with pytest.raises(DataError, match=r"row 4, column 'town': duplicate primary key .*already in row 2"):
        load("towns")


def test_truncated_row(tiny_package):
    path = tiny_package / "towns.csv"
    # drop the last 15 characters ",1979-08-26,X2\n": the row keeps 4 of its 6 values
    path.write_text(path.read_text(encoding="utf-8")[:-15], encoding="utf-8")
    with pytest.raises(DataError, match=r"row 4, column 'founded': the row has 4 values but the header has 6"):
        load("towns")


def test_truncated_at_row_boundary(tiny_package):
    path = tiny_package / "towns.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]), encoding="utf-8")  # the header and the first two of three rows
    with pytest.raises(DataError, match=r"^data/towns.csv ends after row 3: 1 recorded row is missing \(was it cut"):
        load("towns")
    path.write_text(lines[0], encoding="utf-8")
    with pytest.raises(DataError, match=r"^data/towns.csv has only its header: 3 recorded rows are missing"):
        load("towns")


def test_a_removed_final_newline_is_named_with_its_fix(tiny_package):
    path = tiny_package / "towns.csv"
    path.write_bytes(path.read_bytes().removesuffix(b"\n"))
    with pytest.raises(DataError, match=r"^data/towns.csv: the rows are exactly the recorded ones, but the last line "
                                        r"lacks its newline .*Add a newline at the end of the file, or .*`make data`"):
        load("towns")


def test_edited_value_is_located_by_fingerprint(tiny_package):
    edit(tiny_package, "1600", "1601")  # still valid: only the sha256 can tell
    with pytest.raises(DataError, match=r"data/towns.csv, row 4, column 'population': .*sha256 mismatch"):
        load("towns")


def test_rebuilding_accepts_an_intended_edit(tiny_package):
    edit(tiny_package, "1600", "1601")
    (tiny_package / "datapackage.json").write_text(
        build_datapackage.render(build_datapackage.build(tiny_package)), encoding="utf-8"
    )
    assert load("towns")["population"].tolist()[-1] == 1601.0


def test_schema_column_not_in_file_and_extra_column(tiny_package):
    package = json.loads((tiny_package / "datapackage.json").read_text())
    package["resources"][0]["schema"]["fields"].pop(3)
    (tiny_package / "datapackage.json").write_text(json.dumps(package))
    with pytest.raises(DataError, match=r"row 1, column 'capital': column is not in the schema"):
        load("towns")


def test_resource_descriptor(tiny_package):
    assert resource("towns")["hash"].startswith("sha256:")


def test_descriptor_edits_are_seen_and_callers_cannot_change_the_next_read(tiny_package):
    """The parsed descriptor is reused while the file's bytes are unchanged; an edit, even one that keeps the
    file's size, is seen by the next call, and a caller changing its copy changes nothing for the next one."""
    first = resource("towns")
    first["title"] = "changed by a caller"
    first["schema"]["fields"].clear()
    again = resource("towns")
    assert again["title"] != "changed by a caller" and len(again["schema"]["fields"]) == 6
    path = tiny_package / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    old_title = again["title"]
    same_length = "".join(reversed(old_title))  # same size, so only the bytes tell the edit apart
    assert same_length != old_title
    path.write_text(text.replace(json.dumps(old_title), json.dumps(same_length), 1), encoding="utf-8")
    assert resource("towns")["title"] == same_length


def test_descriptor_that_is_not_json_or_not_text(tiny_package):
    path = tiny_package / "datapackage.json"
    path.write_text('{"resources": [', encoding="utf-8")
    with pytest.raises(DataError, match=r"data/datapackage.json: not valid JSON at line 1, column 16"):
        resource("towns")
    path.write_bytes(b'{"name": "\xff"}')
    with pytest.raises(DataError, match=r"data/datapackage.json: bytes that are not UTF-8 text at line 1"):
        load("towns")


@pytest.mark.parametrize("text", ["[]", '{"resources": 5}', '{"resources": [5]}', '{"name": "no resources"}'])
def test_descriptor_of_the_wrong_shape(tiny_package, text):
    (tiny_package / "datapackage.json").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r'^data/datapackage.json: expected a JSON object whose "resources" is a list '
                                        r"with one object per data file;.*`make data`"):
        load("towns")
    with pytest.raises(DataError, match=r"^data/datapackage.json: expected a JSON object"):
        package()


def test_descriptor_with_a_byte_order_mark(tiny_package):
    path = tiny_package / "datapackage.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(DataError, match=r"^data/datapackage.json: the file starts with a byte-order mark \(an editor "
                                        r'saved it as "UTF-8 with BOM"\); save it as UTF-8 without'):
        load("towns")


def test_resource_without_a_schema(tiny_package):
    path = tiny_package / "datapackage.json"
    package_json = json.loads(path.read_text(encoding="utf-8"))
    del package_json["resources"][0]["schema"]
    path.write_text(json.dumps(package_json), encoding="utf-8")
    with pytest.raises(DataError, match=r'^data/towns.csv: datapackage.json gives no schema for this file \(a "schema"'):
        load("towns")
