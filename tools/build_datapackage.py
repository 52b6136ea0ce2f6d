"""Assemble ``data/datapackage.json`` from ``data/descriptors/*.json``.

Checks each file against its schema and sources first (``validation.check_file``: a file that is not valid,
cites a source id its descriptor does not list, or whose path leaves ``data/``, is never recorded), then adds its
size, sha256 and a fingerprint (a short hash per row and per column) so that the loader can say *where* a valid
file was edited. Run it with ``make data``; ``--check`` exits 1 if the committed package is stale.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from qianhai.data import DATA_DIR, PACKAGE_FILE, SOURCE_KINDS, column_fingerprint, row_fingerprint
from qianhai.validation import DataError, check_file, read_json

PACKAGE_HEADER: dict[str, Any] = {
    "name": "qianhai-model-course-data",
    "title": "The Qianhai Model: data for an interactive course",
    "description": (
        "Tidy tables of every fact the course shows: Shenzhen and comparison macro series in every "
        "vintage found, Qianhai timeline, zones, policies and indicators (with geographic scope), tax "
        "schedules, published evaluation results, the article's claims and a glossary. Each resource "
        "names its sources; each row carries a source id."
    ),
    "version": "1.0.0",
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "title": "Creative Commons Attribution 4.0 (the course's own compilation and text)",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ],
    "contributors": [{"title": "The Qianhai Model course authors", "role": "author"}],
}


class DescriptorError(ValueError):
    """A descriptor breaks a rule of data/README.md."""


def check_source_kinds(descriptor: dict[str, Any], shown: str) -> None:
    """Every source entry says what kind of publication it is (data/README.md, "Kinds of source")."""
    for number, source in enumerate(descriptor.get("sources", []), start=1):
        kind = source.get("kind")
        if kind not in SOURCE_KINDS:
            found = "no kind" if kind is None else f"kind {kind!r}"
            raise DescriptorError(f"{shown}, source {number} ({source.get('id', 'no id')}): {found}; "
                                  f"expected one of {', '.join(SOURCE_KINDS)}.")


def build(folder: Path = DATA_DIR) -> dict[str, Any]:
    resources = []
    for descriptor_path in sorted((folder / "descriptors").glob("*.json")):
        described_in = f"data/descriptors/{descriptor_path.name}"
        descriptor = read_json(descriptor_path.read_bytes(), described_in)
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("path"), str):
            raise DescriptorError(f"{described_in}: expected a JSON object describing one resource, with its "
                                  "file name in \"path\".")
        check_source_kinds(descriptor, described_in)
        path = folder / descriptor["path"]
        shown = f"data/{descriptor['path']}"
        if not path.resolve().is_relative_to(folder.resolve()):
            raise DataError(f"{shown}: the path leads outside the data folder (a symlink or '..'); "
                            "data files must be inside data/.")
        if not path.is_file():
            raise DataError(f"{shown}: {'file is missing' if not path.exists() else 'not a file (a folder?)'} "
                            f"(named by {descriptor_path.name}).")
        raw = path.read_bytes()
        rows = check_file(raw, descriptor, shown, described_in)
        header, body = rows[0], rows[1:]
        descriptor["bytes"] = len(raw)
        descriptor["hash"] = "sha256:" + hashlib.sha256(raw).hexdigest()
        descriptor["fingerprint"] = {
            "rows": [row_fingerprint(cells) for cells in body],
            "columns": {
                name: column_fingerprint([cells[i] if i < len(cells) else "" for cells in body])
                for i, name in enumerate(header)
            },
        }
        resources.append(descriptor)
    return {**PACKAGE_HEADER, "resources": resources}


def render(package: dict[str, Any]) -> str:
    return json.dumps(package, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> int:
    target = DATA_DIR / PACKAGE_FILE
    try:
        text = render(build())
    except (DescriptorError, DataError) as err:
        print(f"make data: nothing written. {err}", file=sys.stderr)
        return 1
    if "--check" in argv:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is stale: run `make data`.")
            return 1
        print(f"{target} is up to date.")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
