"""Test-wide set-up, loaded before any test or notebook runs.

Every process started from here on (nbval's kernels included) loads tests/offline/sitecustomize.py, which
refuses connections beyond this machine: each test run proves the notebooks work offline."""

import os
from pathlib import Path

OFFLINE = Path(__file__).resolve().parent / "tests" / "offline"
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE), os.environ.get("PYTHONPATH", "")]))
os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controlling process, not an xdist worker
        for old in (Path(__file__).resolve().parent / "artifacts" / "fuzz").glob("*.txt"):
            old.unlink()


def pytest_terminal_summary(terminalreporter):
    """Print how many inputs the fuzz test tried per widget, collected from every worker."""
    lines = sorted((Path(__file__).resolve().parent / "artifacts" / "fuzz").glob("*.txt"))
    if lines:
        terminalreporter.section("fuzzed widget inputs")
        for path in lines:
            terminalreporter.write_line(path.read_text(encoding="utf-8").rstrip())
