"""Load the course's data by resource name, checked against ``data/datapackage.json``.

Every check names the file, the row (counting the header as row 1, as a spreadsheet does) and the
column of the first problem, so that a student or teacher can open the CSV and fix it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
PACKAGE_FILE = "datapackage.json"


class DataError(Exception):
    """A data file is missing, corrupt or does not match its schema."""


def data_dir() -> Path:
    """The folder the loader reads: ``$QIANHAI_DATA_DIR`` if set (tests use copies), else ``data/``."""
    return Path(os.environ.get("QIANHAI_DATA_DIR", DATA_DIR))


def row_fingerprint(cells: list[str]) -> str:
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:10]


def column_fingerprint(values: list[str]) -> str:
    return hashlib.sha256("\x1e".join(values).encode("utf-8")).hexdigest()[:10]


def frame_fingerprint(frame: pd.DataFrame) -> bytes:
    """A digest of a table's cells, index and column names: equal for equal content, whatever the object (for
    caching work done on a table that a caller could also edit)."""
    cells = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    return hashlib.sha256(cells + repr(list(frame.columns)).encode("utf-8")).digest()


def _package_bytes(folder: Path) -> tuple[bytes, str]:
    path = folder / PACKAGE_FILE
    try:
        return path.read_bytes(), _show(path)
    except FileNotFoundError:
        raise DataError(f"{_show(path)}: file is missing; it describes every data file (run `make data`).") from None


def _parse_package(raw: bytes, shown: str) -> dict[str, Any]:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(f"{shown}: bytes that are not UTF-8 text at line {line}.") from None
    except json.JSONDecodeError as err:
        raise DataError(f"{shown}: not valid JSON at line {err.lineno}, column {err.colno}: {err.msg}.") from None


# The descriptor is large (fingerprints of every row and column) and parsing it took longer than loading most
# resources, once per load() and per chart's source line. It is still read from disk on every call, so an
# edited file is seen at once, but parsed only when its bytes differ from a recent read.
@lru_cache(maxsize=8)
def _resource_texts(raw: bytes, shown: str) -> dict[str, str]:
    """Each resource's descriptor as JSON text by name (the first of a repeated name): callers parse their own
    copy, so no caller can change what the next one gets."""
    texts: dict[str, str] = {}
    for res in _parse_package(raw, shown).get("resources", []):
        texts.setdefault(res.get("name"), json.dumps(res, sort_keys=True))
    return texts


def package() -> dict[str, Any]:
    """The data package descriptor (a dict), read fresh from disk."""
    return _parse_package(*_package_bytes(data_dir()))


def resource_names() -> list[str]:
    return [name for name in _resource_texts(*_package_bytes(data_dir())) if isinstance(name, str)]


def _resource_text(name: str) -> str:
    if not isinstance(name, str):
        raise DataError(f"A resource name must be text, not {type(name).__name__}.")
    texts = _resource_texts(*_package_bytes(data_dir()))
    if name in texts:
        return texts[name]
    known = ", ".join(sorted(str(n) if n is not None else "?" for n in texts))
    raise DataError(f"No data resource called {name!r} in {PACKAGE_FILE}. Known resources: {known}.")


def resource(name: str) -> dict[str, Any]:
    """The descriptor of one resource; a clear error for an unknown name."""
    return json.loads(_resource_text(name))


def load(name: str) -> pd.DataFrame:
    """Return the resource as a DataFrame after checking it against its schema and sha256.

    Raises DataError naming file, row and column for a missing file, a missing or extra column,
    a value of the wrong type, a value breaking a constraint, a duplicate key or an edited file.
    """
    res_json = _resource_text(name)
    res = json.loads(res_json)
    path = data_dir() / res["path"]
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataError(f"{_show(path)}: file is missing (resource {name!r} in {PACKAGE_FILE}).") from None
    frame = _load_checked(str(path), stat.st_mtime_ns, stat.st_size, res_json)
    return frame.copy()


@lru_cache(maxsize=64)
def _load_checked(path_text: str, _mtime: int, _size: int, res_json: str) -> pd.DataFrame:
    res = json.loads(res_json)
    path = Path(path_text)
    raw = path.read_bytes()
    shown = _show(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(f"{shown}, row {line}: bytes that are not UTF-8 text (position {err.start}).") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise DataError(f"{shown}, row 1: the file is empty; expected a header row.")
    header, body = rows[0], rows[1:]
    schema = res.get("schema", {})
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    for col in names:
        if col not in header:
            raise DataError(f"{shown}, row 1, column {col!r}: column is missing from the header.")
    for col in header:
        if col not in names:
            raise DataError(f"{shown}, row 1, column {col!r}: column is not in the schema ({PACKAGE_FILE}).")
    if header != names:
        raise DataError(f"{shown}, row 1: columns are in the order {header}, the schema expects {names}.")

    missing = set(schema.get("missingValues", [""]))
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for number, cells in enumerate(body, start=2):
        if len(cells) != len(names):
            col = names[len(cells)] if len(cells) < len(names) else header[-1]
            raise DataError(
                f"{shown}, row {number}, column {col!r}: the row has {len(cells)} value{'' if len(cells) == 1 else 's'} but the header has "
                f"{len(names)} columns (a truncated or badly quoted row?)."
            )
        for field, cell in zip(fields, cells):
            columns[field["name"]].append(_cast(field, cell, missing, shown, number))

    _check_unique(fields, schema, columns, shown)
    _check_hash(res, raw, header, body, shown)
    return pd.DataFrame({f["name"]: _series(f, columns[f["name"]]) for f in fields})


def _cast(field: dict[str, Any], cell: str, missing: set[str], shown: str, row: int) -> Any:
    name, kind = field["name"], field.get("type", "string")
    cons = field.get("constraints", {})
    where = f"{shown}, row {row}, column {name!r}"
    if cell in missing:
        if cons.get("required"):
            raise DataError(f"{where}: a value is required but the cell is empty.")
        return None
    try:
        value = _convert(kind, cell)
    except ValueError:
        raise DataError(f"{where}: expected {_KIND_WORDS.get(kind, kind)}, found {cell!r}.") from None
    if "enum" in cons and value not in [_convert(kind, str(e)) for e in cons["enum"]]:
        raise DataError(f"{where}: {cell!r} is not one of the allowed values {cons['enum']}.")
    if "minimum" in cons and value < _convert(kind, str(cons["minimum"])):
        raise DataError(f"{where}: {cell!r} is below the minimum {cons['minimum']}.")
    if "maximum" in cons and value > _convert(kind, str(cons["maximum"])):
        raise DataError(f"{where}: {cell!r} is above the maximum {cons['maximum']}.")
    if "pattern" in cons and not re.fullmatch(cons["pattern"], cell):
        raise DataError(f"{where}: {cell!r} does not match the pattern {cons['pattern']!r}.")
    return value


_KIND_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
    "year": "a four-digit year",
}


def _convert(kind: str, cell: str) -> Any:
    if kind == "string":
        return cell
    if kind in ("integer", "year"):
        if not re.fullmatch(r"[+-]?\d+", cell.strip()):
            raise ValueError(cell)
        return int(cell)
    if kind == "number":
        value = float(cell)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(cell)
        return value
    if kind == "boolean":
        lowered = cell.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(cell)
        return lowered == "true"
    if kind == "date":
        return dt.date.fromisoformat(cell)
    raise ValueError(f"unsupported type {kind}")


def _series(field: dict[str, Any], values: list[Any]) -> pd.Series:
    kind = field.get("type", "string")
    if kind in ("integer", "year"):
        return pd.Series(values, dtype="Int64")
    if kind == "number":
        return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
    if kind == "boolean":
        return pd.Series(values, dtype="boolean")
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype="object"))
    return pd.Series(values, dtype="object")


def _check_unique(fields: list[dict[str, Any]], schema: dict[str, Any], columns: dict[str, list[Any]], shown: str):
    keys = schema.get("primaryKey", [])
    keys = [keys] if isinstance(keys, str) else list(keys)
    groups = [keys] if keys else []
    groups += [[f["name"]] for f in fields if f.get("constraints", {}).get("unique")]
    for group in groups:
        seen: dict[tuple, int] = {}
        for index, key in enumerate(zip(*(columns[c] for c in group))):
            if all(k is None for k in key):
                continue
            row = index + 2
            if key in seen:
                label = "primary key" if group == keys else "unique column"
                value = ", ".join(f"{c}={k!r}" for c, k in zip(group, key))
                raise DataError(
                    f"{shown}, row {row}, column {group[0]!r}: duplicate {label} ({value}); "
                    f"the same key is already in row {seen[key]}."
                )
            seen[key] = row


def _check_hash(res: dict[str, Any], raw: bytes, header: list[str], body: list[list[str]], shown: str):
    expected = str(res.get("hash", ""))
    if not expected:
        raise DataError(f"{shown}: {PACKAGE_FILE} records no sha256 for this file (run `make data`).")
    actual = "sha256:" + hashlib.sha256(raw).hexdigest()
    if actual == expected:
        return
    row, column = _locate_edit(res.get("fingerprint", {}), header, body)
    where = f"{shown}, row {row}, column {column!r}" if row else shown
    raise DataError(
        f"{where}: the file differs from the version recorded in {PACKAGE_FILE} (sha256 mismatch). "
        "If the data were corrected on purpose, rebuild the package with `make data` and record the source."
    )


def _locate_edit(fingerprint: dict[str, Any], header: list[str], body: list[list[str]]) -> tuple[int | None, str]:
    """Find the first row and column that differ from the fingerprints stored at build time."""
    rows = fingerprint.get("rows", [])
    cols = fingerprint.get("columns", {})
    row = None
    for index, cells in enumerate(body):
        if index >= len(rows) or row_fingerprint(cells) != rows[index]:
            row = index + 2
            break
    if row is None and len(body) < len(rows):
        row = len(body) + 2
        return row, f"(all columns: the file ends {len(rows) - len(body)} row(s) early)"
    column = "(unknown)"
    for position, name in enumerate(header):
        values = [cells[position] if position < len(cells) else "" for cells in body]
        if cols.get(name) != column_fingerprint(values):
            column = name
            break
    return row, column


def _show(path: Path) -> str:
    """Show data paths as ``data/<file>`` so messages read the same on every machine."""
    try:
        return f"data/{path.relative_to(data_dir()).as_posix()}"
    except ValueError:
        return str(path)


# What kind of publication each source is (the `kind` of a source entry in a descriptor). A row whose every source
# is a copy elsewhere, a code or data file in a repository, or an encyclopedia rests only on weak sources.
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
    frame = load(name)
    kinds = source_kinds(name)
    if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
        raise DataError(f"columns must be a tuple of column names, such as {VALUE_SOURCE_COLUMNS}.")
    id_columns = [c for c in frame.columns if c.endswith("source_id")]
    unknown = [c for c in columns if c not in id_columns and c not in VALUE_SOURCE_COLUMNS]
    if unknown:
        raise DataError(f"{name} has no source-id column {unknown[0]!r}; its source-id columns are "
                        f"{', '.join(id_columns) or 'none'}.")
    present = [c for c in columns if c in frame.columns]

    def weak(row) -> bool:
        ids = [sid for column in present for sid in source_ids(row[column])]
        return bool(ids) and all(kinds.get(sid) in WEAK_KINDS for sid in ids)

    mask = frame.apply(weak, axis=1) if len(frame) else pd.Series([], dtype=bool)
    return frame[mask.astype(bool)]
