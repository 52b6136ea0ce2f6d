"""Every data file keeps LF line endings in any checkout (.gitattributes), so its recorded sha256 holds
even for Git for Windows users, whose core.autocrlf=true would otherwise check CSVs out with CRLF."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest

from conftest import DATA, ROOT

PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
CHECKSUMMED = sorted(f"data/{resource['path']}" for resource in PACKAGE["resources"])

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="needs git and a git checkout")


def git(*args: str, cwd=ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def attributes(paths: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for line in git("check-attr", "text", "eol", "--", *paths).splitlines():
        path, name, value = line.rsplit(": ", 2)
        found.setdefault(path, {})[name] = value
    return found


def test_every_checksummed_file_is_text_with_lf_endings():
    assert len(CHECKSUMMED) >= 30  # every CSV resource of the package
    for path, attrs in attributes(CHECKSUMMED).items():
        assert attrs == {"text": "set", "eol": "lf"}, f"{path}: {attrs} (add it to .gitattributes)"


def test_every_tracked_data_file_is_covered():
    """A CSV added to data/ later is covered too, and so are the generated package files."""
    tracked = [p for p in git("ls-files", "data").splitlines() if p.endswith((".csv", ".json"))]
    assert set(CHECKSUMMED) <= set(tracked)
    for path, attrs in attributes(tracked).items():
        assert attrs["eol"] == "lf", f"{path}: {attrs}"


def test_a_checkout_with_autocrlf_keeps_every_recorded_checksum(tmp_path):
    """What Git for Windows does by default, done here: clone the committed course with core.autocrlf=true."""
    clone = tmp_path / "clone"
    git("-c", "core.autocrlf=true", "clone", "-q", "-c", "core.autocrlf=true", str(ROOT), str(clone), cwd=tmp_path)
    for resource in PACKAGE["resources"]:
        raw = (clone / "data" / resource["path"]).read_bytes()
        assert b"\r\n" not in raw, f"{resource['path']} was checked out with CRLF line endings"
        assert "sha256:" + hashlib.sha256(raw).hexdigest() == resource["hash"], resource["path"]
