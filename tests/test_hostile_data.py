"""Damaged or hostile files: the loader and `make data` answer with a message naming the file (and the row
where there is one), never a traceback, never approving the damage, never reading outside data/.

The tiny package (tests/conftest.py) has a header and three rows: Alpha 2020, Beta 2020, Alpha 2021; the
Beta row is row 3 counting the header as row 1."""

from __future__ import annotations

import functools
import json
import os

import pytest

import build_datapackage
from qianhai import data
from qianhai.data import DataError, load

TOWNS = "towns.csv"


def rewrite(folder, old, new):
    path = folder / TOWNS
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused_by_both(folder, pattern):
    """The loader refuses the file, and so does `make data` (which would otherwise record it as approved)."""
    with pytest.raises(DataError, match=pattern):
        load("towns")
    with pytest.raises(DataError, match=pattern):
        build_datapackage.build(folder)


def test_a_huge_file_is_refused_on_its_size_before_it_is_read(tiny_package, monkeypatch):
    path = tiny_package / TOWNS
    recorded = path.stat().st_size
    with path.open("a", encoding="utf-8") as out:  # 3 MB of duplicate keys, well over 2 × size + 1 MB
        out.write("Alpha,2020,1500,true,1979-08-26,X1\n" * 90_000)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(data, "check_file", no_parsing)
    with pytest.raises(DataError, match=rf"^data/towns.csv: the file has 3,\d{{3}},\d{{3}} bytes, but "
                                        rf"datapackage.json records {recorded}: it is not the recorded file"):
        load("towns")


def test_a_very_long_cell_names_file_and_row(tiny_package):
    rewrite(tiny_package, "Beta,2020,250.5,false,1980-01-01,X1", "Beta,2020,250.5,false,1980-01-01," + "X" * 200_000)
    refused_by_both(tiny_package, r"^data/towns.csv, row 3: a cell is longer than 131,072 characters")


def test_windows_line_endings_are_named_and_make_data_is_not_advised(tiny_package):
    path = tiny_package / TOWNS
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(DataError, match=r"^data/towns.csv: line endings differ — Git converted them .*gitattributes") as err:
        load("towns")
    assert "do not run `make data`" in str(err.value)
    refused_by_both(tiny_package, "line endings differ")


def test_a_byte_order_mark_is_named(tiny_package):
    path = tiny_package / TOWNS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    refused_by_both(tiny_package, r"^data/towns.csv: the file starts with a byte-order mark")


@pytest.mark.parametrize("old, new, message", [
    ("Beta,2020", "Beta,2_020", r"row 3, column 'year': expected a whole number written with the digits 0-9 only"),
    ("Beta,2020", "Beta,２０２０", r"row 3, column 'year': expected a whole number written with the digits 0-9"),
    ("Beta,2020", "Beta,٢٠٢٠", r"row 3, column 'year': expected a whole number written with the digits 0-9"),
    ("Beta,2020", "Beta, 2020 ", r"row 3, column 'year': expected a whole number written with the digits 0-9"),
    ("250.5", "1_436", r"row 3, column 'population': expected a number written with the digits 0-9"),
    ("250.5", "inf", r"row 3, column 'population': expected a number written with the digits 0-9"),
    ("false", "False", r"row 3, column 'capital': expected true or false \(in lower case\), found 'False'"),
    ("false", "0", r"row 3, column 'capital': expected true or false, found '0'"),
    ("1980-01-01", "19800101", r"row 3, column 'founded': expected a date written YYYY-MM-DD, found '19800101'"),
    ("1980-01-01", "1980-W35-2", r"row 3, column 'founded': expected a date written YYYY-MM-DD, found '1980-W35-2'"),
    # 2020 is a leap year: February has 29 days, so the 30th does not exist
    ("1980-01-01", "2020-02-30", r"row 3, column 'founded': '2020-02-30' is not a real date: February 2020 has 29"),
])
def test_numbers_and_dates_are_read_strictly_even_by_make_data(tiny_package, old, new, message):
    rewrite(tiny_package, old, new)
    refused_by_both(tiny_package, "^data/towns.csv, " + message)


def test_a_last_row_cut_inside_a_quoted_cell(tiny_package):
    path = tiny_package / TOWNS
    path.write_text(path.read_text(encoding="utf-8") + 'Beta,2021,9,false,1980-01-01,"X1', encoding="utf-8")
    refused_by_both(tiny_package, r"^data/towns.csv, row 5: the file ends inside a quoted cell")


def test_utf16_file(tiny_package):
    path = tiny_package / TOWNS
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    refused_by_both(tiny_package, r"^data/towns.csv: the file is UTF-16 text")


def test_empty_file(tiny_package):
    (tiny_package / TOWNS).write_bytes(b"")
    refused_by_both(tiny_package, r"^data/towns.csv, row 1: the file is empty")


def test_a_folder_where_the_file_should_be(tiny_package):
    (tiny_package / TOWNS).unlink()
    (tiny_package / TOWNS).mkdir()
    with pytest.raises(DataError, match=r"^data/towns.csv: a folder or other non-file is where this CSV file"):
        load("towns")
    with pytest.raises(DataError, match=r"^data/towns.csv: not a file"):
        build_datapackage.build(tiny_package)


def test_a_symlink_leaving_the_data_folder_is_refused(tiny_package, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_bytes((tiny_package / TOWNS).read_bytes())  # a valid file, so only its place is wrong
    (tiny_package / TOWNS).unlink()
    os.symlink(outside, tiny_package / TOWNS)
    refused_by_both(tiny_package, r"^data/towns.csv: the path .*leads outside the data folder")


def test_a_path_climbing_out_of_the_data_folder_is_refused(tiny_package, tmp_path):
    (tmp_path / "outside.csv").write_bytes((tiny_package / TOWNS).read_bytes())
    package = tiny_package / "datapackage.json"
    package.write_text(package.read_text(encoding="utf-8").replace('"path": "towns.csv"', '"path": "../outside.csv"'),
                       encoding="utf-8")
    with pytest.raises(DataError, match=r"the path of resource 'towns' leads outside the data folder"):
        load("towns")


def test_a_recorded_file_that_does_not_read_as_its_schema_says_is_named(tiny_package):
    """Only a hand-edited datapackage.json can record such a file (make data checks first): still no traceback."""
    path = tiny_package / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["resources"][0]["schema"]["fields"][3]["type"] = "integer"  # 'capital' holds true and false
    path.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(DataError, match=r"^data/towns.csv, row 2, column 'capital': expected a whole number, found"):
        load("towns")


@pytest.mark.parametrize("cell, message", [
    ("ZZ99", r"'ZZ99' is not among the sources listed in "),
    ("X2;ZZ99", r"'ZZ99' is not among the sources listed in "),
    ("X2;", r"'X2;' has an empty id \(a stray ';'\?\)"),
])
def test_an_unknown_source_id_is_refused_by_both(tiny_package, cell, message):
    """The tiny package's sources are X1 and X2; row 4 (Alpha 2021) cites X2."""
    rewrite(tiny_package, "1979-08-26,X2\n", f"1979-08-26,{cell}\n")
    refused_by_both(tiny_package, r"^data/towns.csv, row 4, column 'source_id': " + message)


def test_an_empty_source_id_is_refused_even_when_the_schema_does_not_require_one(tiny_package):
    path = tiny_package / "descriptors" / "towns.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    del descriptor["schema"]["fields"][5]["constraints"]  # source_id's "required"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    rewrite(tiny_package, "1979-08-26,X2\n", "1979-08-26,\n")
    with pytest.raises(DataError, match=r"^data/towns.csv, row 4, column 'source_id': the cell is empty; every row "
                                        r"needs a source id from data/descriptors/towns.json \(restore the row with `git checkout`\)\.$"):
        build_datapackage.build(tiny_package)


def test_make_data_names_the_descriptor_that_lists_the_sources_and_writes_nothing(tiny_package, monkeypatch, capsys):
    rewrite(tiny_package, "1979-08-26,X2\n", "1979-08-26,ZZ99\n")
    before = (tiny_package / "datapackage.json").read_bytes()
    monkeypatch.setattr(build_datapackage, "DATA_DIR", tiny_package)
    monkeypatch.setattr(build_datapackage, "build", functools.partial(build_datapackage.build, tiny_package))
    assert build_datapackage.main([]) == 1
    assert capsys.readouterr().err == ("make data: nothing written. data/towns.csv, row 4, column 'source_id': 'ZZ99' "
                                       "is not among the sources listed in data/descriptors/towns.json. Add it there and run `make data`, "
                                       "or restore the row with `git checkout`.\n")
    assert (tiny_package / "datapackage.json").read_bytes() == before


def test_a_descriptor_with_a_byte_order_mark_or_no_schema_is_named_by_make_data(tiny_package):
    path = tiny_package / "descriptors" / "towns.json"
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + original)
    with pytest.raises(DataError, match=r"^data/descriptors/towns.json: the file starts with a byte-order mark"):
        build_datapackage.build(tiny_package)
    descriptor = json.loads(original)
    del descriptor["schema"]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(DataError, match=r"^data/towns.csv: data/descriptors/towns.json gives no schema for this file"):
        build_datapackage.build(tiny_package)
