"""Test-wide set-up, loaded before any test or notebook runs.

Every process started from here on (nbval's kernels included) loads tests/offline/sitecustomize.py, which
refuses connections beyond this machine: each test run proves the notebooks work offline."""

import os
from pathlib import Path

OFFLINE = Path(__file__).resolve().parent / "tests" / "offline"
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE), os.environ.get("PYTHONPATH", "")]))
os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_terminal_summary(terminalreporter):
    """Print how many inputs the fuzz test tried per widget (issue: report the count in the test output)."""
    try:
        from test_fuzz_widgets import REPORT
    except ImportError:
        return
    if REPORT:
        terminalreporter.section("fuzzed widget inputs")
        for line in REPORT:
            terminalreporter.write_line(line)
