"""Why a data file does not match its descriptor, as one message naming file, row and column.

Asked by the loader when a file's size or sha256 differs from ``data/datapackage.json``, and by `make data`
before it records a file. frictionless checks types, constraints and keys; this module adds what it leaves
out or reads leniently: the bytes (UTF-8, no byte-order mark, LF line endings, closed quotes, sane cell
lengths), the header by column name, strict text for numbers, booleans and dates (``strict_problem``), and
source ids: every id in a column whose name ends in "source_id" is among the resource's sources.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from qianhai.dates import iso_day

MAX_CELL = 131_072  # Python's csv field limit: a longer cell means a damaged file
PACKAGE_FILE = "datapackage.json"

KIND_WORDS = {
    "integer": "a whole number",
    "year": "a four-digit year",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
}
# ASCII digits only: Python's int() and float() also read '1_436', '１９９９', '٢٠٢٠', ' 1436 ', 'inf'.
STRICT_TEXT = {
    "integer": re.compile(r"-?[0-9]+"),
    "year": re.compile(r"[0-9]{4}"),
    "number": re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"),
    "boolean": re.compile(r"true|false"),
}


class DataError(Exception):
    """A data file is missing, corrupt or does not match its schema."""


def read_json(raw: bytes, shown: str) -> Any:
    """The JSON value in a file's bytes (UTF-8 without a byte-order mark); DataError naming file and line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(f"{shown}: the file starts with a byte-order mark (an editor saved it as \"UTF-8 with "
                        "BOM\"); save it as UTF-8 without a byte-order mark, or restore it with `git checkout`.")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(f"{shown}: bytes that are not UTF-8 text at line {line}.") from None
    except json.JSONDecodeError as err:
        raise DataError(f"{shown}: not valid JSON at line {err.lineno}, column {err.colno}: {err.msg}.") from None


def strict_problem(kind: str, cell: str) -> str | None:
    """What is wrong with a cell's text for its type (None if nothing): the course's strict reading."""
    found = f"found {cell[:40]!r}."
    if kind == "date":
        try:
            iso_day(cell)
        except ValueError as err:
            real = str(err).startswith("not a real date")
            return f"{cell[:40]!r} is {err}." if real else f"expected {KIND_WORDS[kind]}, {found}"
        return None
    pattern = STRICT_TEXT.get(kind)
    if pattern is None or pattern.fullmatch(cell):
        return None
    how = ""  # what the strict reading asks for, when Python itself would have read the cell
    if kind == "boolean" and cell.strip().lower() in ("true", "false"):
        how = " (in lower case)"
    elif kind != "boolean":
        try:
            float(cell)
            how = " written with the digits 0-9 only (no spaces, '_' or other scripts' digits)"
        except ValueError:
            pass
    return f"expected {KIND_WORDS[kind]}{how}, {found}"


def check_file(raw: bytes, res: dict[str, Any], shown: str, described_in: str = PACKAGE_FILE) -> list[list[str]]:
    """The file's rows (header first) if it matches the resource's schema and every source id is among its
    sources; DataError for the first problem. ``described_in`` names where the schema and sources come from."""
    rows = _rows(raw, shown)
    schema = res.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) and f.get("name") for f in fields):
        raise DataError(f"{shown}: {described_in} gives no schema for this file (a \"schema\" with a list of "
                        "\"fields\", each with a \"name\"), so its columns cannot be checked.")
    names = [f["name"] for f in fields]
    for col in names:
        if col not in rows[0]:
            raise DataError(f"{shown}, row 1, column {col!r}: column is missing from the header.")
    for col in rows[0]:
        if col not in names:
            raise DataError(f"{shown}, row 1, column {col!r}: column is not in the schema ({described_in}).")
    if rows[0] != names:
        raise DataError(f"{shown}, row 1: columns are in the order {rows[0]}, the schema expects {names}.")
    problem = _first_schema_problem(rows, schema) or _unknown_source_id(rows, res, described_in)
    if problem:
        raise DataError(f"{shown}, {problem}")
    return rows


def _unknown_source_id(rows: list[list[str]], res: dict[str, Any], described_in: str) -> str | None:
    """The first cell of a source-id column (a name ending in "source_id"; ids separated by ";") holding an id
    that is not among the resource's sources, or an empty source_id."""
    sources = res.get("sources")
    known = {s.get("id") for s in sources if isinstance(s, dict)} if isinstance(sources, list) else set()
    if isinstance(res.get("name"), str):  # the file a person edits; datapackage.json is built from it
        described_in = f"data/descriptors/{res['name']}.json"
    missing = set(res["schema"].get("missingValues", [""]))
    columns = [(i, name) for i, name in enumerate(rows[0]) if name.endswith("source_id")]
    for number, cells in enumerate(rows[1:], start=2):
        for i, column in columns:
            where = f"row {number}, column {column!r}"
            if cells[i] in missing:
                if column == "source_id":
                    return (f"{where}: the cell is empty; every row needs a source id from {described_in} "
                            "(restore the row with `git checkout`).")
                continue
            for sid in cells[i].split(";"):
                if not sid.strip():
                    return f"{where}: {cells[i]!r} has an empty id (a stray ';'?)."
                if sid.strip() not in known:
                    return (f"{where}: {sid.strip()!r} is not among the sources listed in {described_in}. Add it "
                            "there and run `make data`, or restore the row with `git checkout`.")
    return None


def _rows(raw: bytes, shown: str) -> list[list[str]]:
    """The CSV rows of bytes that are UTF-8 text with LF line endings; DataError for anything else."""
    if not raw:
        raise DataError(f"{shown}, row 1: the file is empty; expected a header row.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise DataError(f"{shown}: the file is UTF-16 text (or not text at all); save it as CSV in UTF-8.")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError(f"{shown}: the file starts with a byte-order mark (Excel's \"CSV UTF-8\" adds one); "
                        "save it as plain CSV in UTF-8, or restore it with `git checkout`.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(f"{shown}, row {line}: bytes that are not UTF-8 text (position {err.start}).") from None
    if "\r" in text:
        raise DataError(f"{shown}: line endings differ — Git converted them to Windows line endings (CRLF); "
                        "see .gitattributes. Restore the file with `git checkout`; do not run `make data`, "
                        "which would record the converted file.")
    rows: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), strict=True):
            if any(len(cell) > MAX_CELL for cell in cells):  # frictionless lifts the csv limit once imported
                raise csv.Error("field larger than field limit")
            rows.append(cells)
    except csv.Error as err:
        if "field limit" in str(err):
            raise DataError(f"{shown}, row {len(rows) + 1}: a cell is longer than {MAX_CELL:,} characters "
                            "(a damaged file?).") from None
        if "end of data" in str(err):
            raise DataError(f"{shown}, row {len(rows) + 1}: the file ends inside a quoted cell "
                            "(was it cut short?).") from None
        raise DataError(f"{shown}, row {len(rows) + 1}: the row is not well-formed CSV ({err}).") from None
    return rows


# The first error of a row wins; within a row, the one a reader should fix first.
_PRIORITY = {"blank-row": 0, "missing-cell": 1, "extra-cell": 1, "type-error": 2, "constraint-error": 3,
             "primary-key": 4, "unique-error": 5}


def _first_schema_problem(rows: list[list[str]], schema: dict[str, Any]) -> str | None:
    from frictionless import Check, Checklist, Resource, Schema, errors

    class StrictText(Check):
        """Cells frictionless reads leniently (see ``strict_problem``)."""

        type = "strict-text"
        Errors = [errors.TypeError]

        def validate_row(self, row):
            missing = set(self.resource.schema.missing_values)
            for field, cell in zip(self.resource.schema.fields, row.cells):
                if isinstance(cell, str) and cell not in missing and strict_problem(field.type, cell):
                    yield errors.TypeError.from_row(row, note="strict", field_name=field.name)

    resource = Resource(data=rows, schema=Schema.from_descriptor(schema))
    report = resource.validate(checklist=Checklist(checks=[StrictText()]))
    found = [e for task in report.tasks for e in task.errors] + list(report.errors)
    if not found:
        return None
    return _describe(min(found, key=lambda e: (getattr(e, "row_number", None) or 1, _PRIORITY.get(e.type, 9))),
                     rows, schema)


def _describe(error, rows: list[list[str]], schema: dict[str, Any]) -> str:
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    row = getattr(error, "row_number", None) or 1
    column = getattr(error, "field_name", None) or ""
    cells = rows[row - 1] if row <= len(rows) else []
    by_name = dict(zip(names, cells))  # the text in the file, not frictionless's reading
    if error.type in ("missing-cell", "extra-cell"):
        column = column if error.type == "missing-cell" else names[-1]
        return (f"row {row}, column {column!r}: the row has {len(cells)} value{'' if len(cells) == 1 else 's'} but "
                f"the header has {len(names)} columns (a truncated or badly quoted row?).")
    if error.type == "blank-row":
        return f"row {row}: the row is empty (a blank line inside the file?)."
    if error.type in ("primary-key", "unique-error"):
        return _duplicate(error, row, by_name, schema)
    field = next((f for f in fields if f["name"] == column), {})
    cell = by_name.get(column, "")
    where = f"row {row}, column {column!r}"
    if error.type == "type-error":
        kind = field.get("type", "string")
        plain = f"expected {KIND_WORDS.get(kind, kind)}, found {cell[:40]!r}."
        return f"{where}: {strict_problem(kind, cell) or plain}"
    if error.type == "constraint-error":
        return f"{where}: {_constraint(error.note, field.get('constraints', {}), cell[:40])}"
    return f"{where}: {error.title.lower()}: {error.note}."


def _constraint(note: str, cons: dict[str, Any], cell: str) -> str:
    match = re.match(r'constraint "(\w+)" is', note)
    name = match.group(1) if match else "?"
    if name == "required":
        return "a value is required but the cell is empty."
    if name == "enum":
        return f"{cell!r} is not one of the allowed values {cons['enum']}."
    if name in ("minimum", "exclusiveMinimum"):
        return f"{cell!r} is below the minimum {cons[name]}."
    if name in ("maximum", "exclusiveMaximum"):
        return f"{cell!r} is above the maximum {cons[name]}."
    if name == "pattern":
        return f"{cell!r} does not match the pattern {cons['pattern']!r}."
    return f"{cell!r} breaks the constraint {name} = {cons.get(name)!r}."


def _duplicate(error, row: int, by_name: dict[str, str], schema: dict[str, Any]) -> str:
    if error.type == "primary-key":
        key = schema.get("primaryKey", [])
        group, label = ([key] if isinstance(key, str) else list(key)), "primary key"
    else:
        group, label = [error.field_name], "unique column"
    value = ", ".join(f"{c}={by_name[c]!r}" for c in group if c in by_name)
    earlier = re.search(r"position (\d+)", error.note)
    where = f"the same key is already in row {earlier.group(1)}" if earlier else "the same key is in an earlier row"
    return f"row {row}, column {group[0]!r}: duplicate {label} ({value}); {where}."
