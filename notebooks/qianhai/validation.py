"""Why a data file does not match its descriptor, as one message naming file, row and column.

The loader asks only when a file's size or sha256 differs from ``data/datapackage.json``; `make data` asks
before it records a file. The frictionless library checks types, constraints and keys. This module adds
what it leaves out or reads leniently: the bytes (UTF-8 without a byte-order mark, LF line endings, quotes
closed, cells of a sane length), the header by column name, and strict text for numbers, booleans and
dates (``strict_problem``: the one place where the course is stricter than frictionless).
"""

from __future__ import annotations

import csv
import io
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


def strict_problem(kind: str, cell: str) -> str | None:
    """What is wrong with a cell's text for its type (None if nothing): the course's strict reading."""
    if kind == "date":
        try:
            iso_day(cell)
        except ValueError as err:
            if str(err).startswith("not a real date"):
                return f"{cell[:40]!r} is {err}."
            return f"expected {KIND_WORDS[kind]}, found {cell[:40]!r}."
        return None
    pattern = STRICT_TEXT.get(kind)
    if pattern is None or pattern.fullmatch(cell):
        return None
    return f"expected {KIND_WORDS[kind]}{_how(kind, cell)}, found {cell[:40]!r}."


def _how(kind: str, cell: str) -> str:
    """What the strict reading asks for, when Python itself would have read the cell."""
    if kind == "boolean":
        return " (in lower case)" if cell.strip().lower() in ("true", "false") else ""
    try:
        float(cell)
    except ValueError:
        return ""
    return " written with the digits 0-9 only (no spaces, '_' or other scripts' digits)"


def check_file(raw: bytes, res: dict[str, Any], shown: str) -> list[list[str]]:
    """The file's rows (header first) if it matches the resource's schema; DataError for the first problem."""
    rows = _rows(_text(raw, shown), shown)
    fields = res.get("schema", {}).get("fields", [])
    _check_header(rows[0], [f["name"] for f in fields], shown)
    problem = _first_schema_problem(rows, res)
    if problem:
        raise DataError(f"{shown}, {problem}")
    return rows


def _text(raw: bytes, shown: str) -> str:
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
    return text


def _rows(text: str, shown: str) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), strict=True):
            if any(len(cell) > MAX_CELL for cell in cells):  # frictionless lifts the csv limit once imported
                raise csv.Error("field larger than field limit")
            rows.append(cells)
    except csv.Error as err:
        row = len(rows) + 1
        if "field limit" in str(err):
            raise DataError(f"{shown}, row {row}: a cell is longer than {MAX_CELL:,} characters "
                            "(a damaged file?).") from None
        if "end of data" in str(err):
            raise DataError(f"{shown}, row {row}: the file ends inside a quoted cell (was it cut short?).") from None
        raise DataError(f"{shown}, row {row}: the row is not well-formed CSV ({err}).") from None
    if not rows:
        raise DataError(f"{shown}, row 1: the file is empty; expected a header row.")
    return rows


def _check_header(header: list[str], names: list[str], shown: str) -> None:
    for col in names:
        if col not in header:
            raise DataError(f"{shown}, row 1, column {col!r}: column is missing from the header.")
    for col in header:
        if col not in names:
            raise DataError(f"{shown}, row 1, column {col!r}: column is not in the schema ({PACKAGE_FILE}).")
    if header != names:
        raise DataError(f"{shown}, row 1: columns are in the order {header}, the schema expects {names}.")


# --------------------------------------------------------------------------- frictionless and its report

def _first_schema_problem(rows: list[list[str]], res: dict[str, Any]) -> str | None:
    from frictionless import Checklist, Resource, Schema

    schema = res.get("schema", {})
    resource = Resource(data=rows, schema=Schema.from_descriptor(schema))
    report = resource.validate(checklist=Checklist(checks=[_strict_check()]))
    errors = [e for task in report.tasks for e in task.errors] + list(report.errors)
    if not errors:
        return None
    first = min(errors, key=lambda e: (getattr(e, "row_number", None) or 1, _PRIORITY.get(e.type, 9)))
    return _describe(first, rows, schema)


_PRIORITY = {"blank-row": 0, "missing-cell": 1, "extra-cell": 1, "type-error": 2, "constraint-error": 3,
             "primary-key": 4, "unique-error": 5}


def _strict_check():
    from frictionless import Check, errors

    class StrictText(Check):
        """Cells frictionless reads leniently (see ``strict_problem``)."""

        type = "strict-text"
        Errors = [errors.TypeError]

        def validate_row(self, row):
            missing = set(self.resource.schema.missing_values)
            for field, cell in zip(self.resource.schema.fields, row.cells):
                if isinstance(cell, str) and cell not in missing and strict_problem(field.type, cell):
                    yield errors.TypeError.from_row(row, note="strict", field_name=field.name)

    return StrictText()


def _describe(error, rows: list[list[str]], schema: dict[str, Any]) -> str:
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    row = getattr(error, "row_number", None) or 1
    column = getattr(error, "field_name", None) or ""
    cells = rows[row - 1] if row <= len(rows) else []
    where = f"row {row}, column {column!r}"
    if error.type in ("missing-cell", "extra-cell"):
        column = column if error.type == "missing-cell" else names[-1]
        count = len(cells)
        return (f"row {row}, column {column!r}: the row has {count} value{'' if count == 1 else 's'} but the header "
                f"has {len(names)} columns (a truncated or badly quoted row?).")
    if error.type == "blank-row":
        return f"row {row}: the row is empty (a blank line inside the file?)."
    if error.type in ("primary-key", "unique-error"):
        return _duplicate(error, row, cells, schema)
    field = next((f for f in fields if f["name"] == column), {})
    position = names.index(column) if column in names else len(cells)
    cell = cells[position] if position < len(cells) else ""  # the text in the file, not frictionless's reading
    if error.type == "type-error":
        kind = field.get("type", "string")
        plain = f"expected {KIND_WORDS.get(kind, kind)}, found {cell[:40]!r}."
        return f"{where}: {strict_problem(kind, cell) or plain}"
    if error.type == "constraint-error":
        return f"{where}: {_constraint(error.note, field, cell)}"
    return f"{where}: {error.title.lower()}: {error.note}."


def _constraint(note: str, field: dict[str, Any], cell: str) -> str:
    match = re.match(r'constraint "(\w+)" is', note)
    name = match.group(1) if match else "?"
    cons = field.get("constraints", {})
    if name == "required":
        return "a value is required but the cell is empty."
    if name == "enum":
        return f"{cell[:40]!r} is not one of the allowed values {cons['enum']}."
    if name in ("minimum", "exclusiveMinimum"):
        return f"{cell[:40]!r} is below the minimum {cons[name]}."
    if name in ("maximum", "exclusiveMaximum"):
        return f"{cell[:40]!r} is above the maximum {cons[name]}."
    if name == "pattern":
        return f"{cell[:40]!r} does not match the pattern {cons['pattern']!r}."
    return f"{cell[:40]!r} breaks the constraint {name} = {cons.get(name)!r}."


def _duplicate(error, row: int, cells: list[str], schema: dict[str, Any]) -> str:
    names = [f["name"] for f in schema.get("fields", [])]
    if error.type == "primary-key":
        group = schema.get("primaryKey", [])
        group, label = ([group] if isinstance(group, str) else list(group)), "primary key"
    else:
        group, label = [error.field_name], "unique column"
    value = ", ".join(f"{c}={cells[names.index(c)]!r}" for c in group if names.index(c) < len(cells))
    earlier = re.search(r"position (\d+)", error.note)
    where = f"the same key is already in row {earlier.group(1)}" if earlier else "the same key is in an earlier row"
    return f"row {row}, column {group[0]!r}: duplicate {label} ({value}); {where}."
