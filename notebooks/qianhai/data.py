"""Load the course's data by resource name, checked against ``data/datapackage.json``: every problem is named by
file, row (the header is row 1, as in a spreadsheet) and column, so a student or teacher can open the CSV and fix it."""

from __future__ import annotations

import hashlib
import io
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from qianhai.validation import PACKAGE_FILE, DataError, check_file, read_json

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def data_dir() -> Path:
    """The folder the loader reads: ``$QIANHAI_DATA_DIR`` if set (tests use copies), else ``data/``."""
    return Path(os.environ.get("QIANHAI_DATA_DIR", DATA_DIR))


def row_fingerprint(cells: list[str]) -> str:
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:10]


def column_fingerprint(values: list[str]) -> str:
    return hashlib.sha256("\x1e".join(values).encode("utf-8")).hexdigest()[:10]


def _package_bytes() -> tuple[bytes, str]:
    path = data_dir() / PACKAGE_FILE
    try:
        return path.read_bytes(), _show(path)
    except FileNotFoundError:
        raise DataError(f"{_show(path)}: file is missing; it describes every data file (run `make data`).") from None


def _parse_package(raw: bytes, shown: str) -> dict[str, Any]:
    package = read_json(raw, shown)
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list) or not all(isinstance(res, dict) for res in resources):
        raise DataError(f"{shown}: expected a JSON object whose \"resources\" is a list with one object per data "
                        "file; this file is shaped differently. Rebuild it with `make data`.")
    return package


@lru_cache(maxsize=8)
def _resource_texts(raw: bytes, shown: str) -> dict[str, str]:
    """Each resource's descriptor as JSON text by name (the first of a repeated name). The descriptor is read on
    every call, so an edit is seen at once, but parsed (slow: it is large) only when its bytes change; callers
    parse their own copy of a resource, so none can change what the next one gets."""
    texts: dict[str, str] = {}
    for res in _parse_package(raw, shown)["resources"]:
        texts.setdefault(res.get("name"), json.dumps(res, sort_keys=True))
    return texts


def package() -> dict[str, Any]:
    """The data package descriptor (a dict), read fresh from disk."""
    return _parse_package(*_package_bytes())


def _resource_text(name: str) -> str:
    if not isinstance(name, str):
        raise DataError(f"A resource name must be text, not {type(name).__name__}.")
    texts = _resource_texts(*_package_bytes())
    if name not in texts:
        known = ", ".join(sorted(str(n) if n is not None else "?" for n in texts))
        raise DataError(f"No data resource called {name!r} in {PACKAGE_FILE}. Known resources: {known}.")
    return texts[name]


def resource(name: str) -> dict[str, Any]:
    """The descriptor of one resource; a clear error for an unknown name."""
    return json.loads(_resource_text(name))


def load(name: str) -> pd.DataFrame:
    """Return the resource as a DataFrame typed by its schema, after checking its size and sha256.

    A file that differs from the recorded one is not read as data: ``validation.check_file`` names the
    file, row and column of the first problem, or, for a valid edit, the first edited cell.
    """
    res_json = _resource_text(name)
    relative = json.loads(res_json).get("path")
    if not isinstance(relative, str) or not relative:
        raise DataError(f"{PACKAGE_FILE}: resource {name!r} has no file path.")
    path = data_dir() / relative
    if not path.resolve().is_relative_to(data_dir().resolve()):
        raise DataError(f"{_show(path)}: the path of resource {name!r} leads outside the data folder "
                        "(a symlink or '..'); data files must be inside data/.")
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataError(f"{_show(path)}: file is missing (resource {name!r} in {PACKAGE_FILE}).") from None
    if not path.is_file():
        raise DataError(f"{_show(path)}: a folder or other non-file is where this CSV file should be.")
    return _load_checked(str(path), stat.st_mtime_ns, stat.st_size, res_json).copy()


@lru_cache(maxsize=64)
def _load_checked(path_text: str, _mtime: int, size: int, res_json: str) -> pd.DataFrame:
    res = json.loads(res_json)
    shown = _show(Path(path_text))
    expected, recorded = str(res.get("hash", "")), res.get("bytes")
    if not expected.startswith("sha256:") or not isinstance(recorded, int):
        raise DataError(f"{shown}: {PACKAGE_FILE} records no size and sha256 for this file (run `make data`).")
    if size > 2 * recorded + 1_000_000:  # refused unread: a file this much larger is not an edit
        raise DataError(f"{shown}: the file has {size:,} bytes, but {PACKAGE_FILE} records {recorded:,}: it is not "
                        "the recorded file. Restore it with `git checkout`; if it is a new version on purpose, "
                        "`make data` checks it and records it.")
    raw = Path(path_text).read_bytes()
    recorded_file = size == recorded and "sha256:" + hashlib.sha256(raw).hexdigest() == expected
    newline_lost = size + 1 == recorded and not raw.endswith(b"\n")
    if newline_lost and "sha256:" + hashlib.sha256(raw + b"\n").hexdigest() == expected:
        raise DataError(f"{shown}: the rows are exactly the recorded ones, but the last line lacks its newline "
                        "(an editor may have removed it). Add a newline at the end of the file, or record the file "
                        "as it is with `make data`.")
    if recorded_file:
        try:
            return _typed_frame(raw, res["schema"])
        except (ValueError, TypeError, KeyError) as err:
            problem = err  # the recorded file does not read as its schema says: let the checks say where
    rows = check_file(raw, res, shown)
    if recorded_file:
        raise DataError(f"{shown}: the file cannot be read with the types in {PACKAGE_FILE} ({problem}).")
    missing = _rows_cut_off(res.get("fingerprint", {}), rows[1:])
    if missing:
        rows_are = "1 recorded row is" if missing == 1 else f"{missing} recorded rows are"
        where = "has only its header" if len(rows) == 1 else f"ends after row {len(rows)}"
        raise DataError(f"{shown} {where}: {rows_are} missing (was it cut short?). Restore it with "
                        "`git checkout`; if rows were removed on purpose, `make data` records the file.")
    row, column = _locate_edit(res.get("fingerprint", {}), rows[0], rows[1:])
    where = f"{shown}, row {row}, column {column!r}" if row else shown
    raise DataError(
        f"{where}: the file differs from the version recorded in {PACKAGE_FILE} (sha256 mismatch). "
        "If the data were corrected on purpose, rebuild the package with `make data` and record the source."
    )


_DTYPES = {"integer": "Int64", "year": "Int64", "number": "float64", "boolean": "boolean"}


def _typed_frame(raw: bytes, schema: dict[str, Any]) -> pd.DataFrame:
    """A recorded (already checked) file read by pandas with the schema's types; empty text cells are None."""
    fields = schema["fields"]
    frame = pd.read_csv(
        io.BytesIO(raw), encoding="utf-8", keep_default_na=False, na_values=list(schema.get("missingValues", [""])),
        dtype={f["name"]: _DTYPES.get(f.get("type"), object) for f in fields},
    )
    if list(frame.columns) != [f["name"] for f in fields]:
        raise ValueError("header differs from the schema")
    for field in fields:
        column = frame[field["name"]]
        if field.get("type") == "date":
            frame[field["name"]] = pd.to_datetime(column, format="%Y-%m-%d").astype("datetime64[s]")
        elif field.get("type", "string") == "string":
            frame[field["name"]] = column.astype(object).where(column.notna(), None)
    return frame


def _rows_cut_off(fingerprint: dict[str, Any], body: list[list[str]]) -> int:
    """How many recorded rows are missing from the end of a file whose rows are otherwise the recorded ones."""
    rows = fingerprint.get("rows", [])
    if len(body) < len(rows) and all(row_fingerprint(cells) == rows[i] for i, cells in enumerate(body)):
        return len(rows) - len(body)
    return 0


def _locate_edit(fingerprint: dict[str, Any], header: list[str], body: list[list[str]]) -> tuple[int | None, str]:
    """The first row and column that differ from the fingerprints recorded by `make data` (frictionless
    cannot tell: the edited file is valid, only different)."""
    rows, cols = fingerprint.get("rows", []), fingerprint.get("columns", {})
    row = next((index + 2 for index, cells in enumerate(body)
                if index >= len(rows) or row_fingerprint(cells) != rows[index]), None)
    column = next((name for position, name in enumerate(header)
                   if cols.get(name) != column_fingerprint([cells[position] for cells in body])), "(unknown)")
    return row, column


def _show(path: Path) -> str:
    """Show data paths as ``data/<file>`` so messages read the same on every machine."""
    try:
        return f"data/{path.relative_to(data_dir()).as_posix()}"
    except ValueError:
        return str(path)


# What kind of publication each source is (the `kind` of a source entry). A row whose every source is a copy
# elsewhere, a code or data file in a repository, or an encyclopedia rests only on weak sources.
SOURCE_KINDS = ("official", "press", "academic", "mirror", "code", "reference", "other")
WEAK_KINDS = ("mirror", "code", "reference")
# The columns whose ids support a row's values; other `*_source_id` columns back one field only (e.g. a growth rate).
VALUE_SOURCE_COLUMNS = ("source_id", "second_source_id")


def source_kinds(name: str) -> dict[str, str]:
    """Each source id of the named resource and its kind (empty text when a descriptor records none)."""
    return {str(src.get("id")): str(src.get("kind") or "") for src in resource(name).get("sources", [])}


def source_ids(cell: Any) -> list[str]:
    """The ids in one source-id cell ("SZ03;SZ05" gives two); none for an empty cell."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def rows_on_weak_sources(name: str, columns: tuple[str, ...] = VALUE_SOURCE_COLUMNS) -> pd.DataFrame:
    """The rows of a resource whose every source id (in ``columns``) is of a weak kind (mirror, code, reference)."""
    frame, kinds = load(name), source_kinds(name)
    if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
        raise DataError(f"columns must be a tuple of column names, such as {VALUE_SOURCE_COLUMNS}.")
    id_columns = [c for c in frame.columns if c.endswith("source_id")]
    unknown = [c for c in columns if c not in id_columns and c not in VALUE_SOURCE_COLUMNS]
    if unknown:
        raise DataError(f"{name} has no source-id column {unknown[0]!r}; its source-id columns are "
                        f"{', '.join(id_columns) or 'none'}.")
    present = [c for c in columns if c in frame.columns]
    ids = [[sid for column in present for sid in source_ids(row[column])] for _, row in frame.iterrows()]
    weak = [bool(row_ids) and all(kinds.get(sid) in WEAK_KINDS for sid in row_ids) for row_ids in ids]
    return frame[pd.Series(weak, index=frame.index, dtype=bool)]
