"""Test-wide set-up, loaded before any test or notebook runs.

Every process started from here on (nbval's kernels included) loads tests/offline/sitecustomize.py, which
refuses connections beyond this machine: each test run proves the notebooks work offline."""

import importlib.util
import os
import sys
import types
from pathlib import Path


def _defer_iri_grammar() -> None:
    """nbformat, which nbval reads notebooks with, imports jsonschema, which imports rfc3987-syntax to check
    the "iri" format; importing that compiles an Earley grammar, over 2 s of every pytest start (the notebook
    tests included). No test checks that format: a stand-in builds the grammar the first time one would."""
    if "rfc3987_syntax" in sys.modules or importlib.util.find_spec("rfc3987_syntax") is None:
        return
    stand_in = types.ModuleType("rfc3987_syntax", "Stand-in until is_valid_syntax is first called (conftest.py).")
    real = []

    def is_valid_syntax(term: str, value: str) -> bool:
        if not real:
            if sys.modules.get("rfc3987_syntax") is stand_in:
                del sys.modules["rfc3987_syntax"]
            from rfc3987_syntax import is_valid_syntax as checker

            real.append(checker)
        return real[0](term, value)

    stand_in.is_valid_syntax = is_valid_syntax
    sys.modules["rfc3987_syntax"] = stand_in


# nbval is loaded here, after the stand-in, rather than by pytest before any conftest (pytest.ini: -p no:nbval).
_defer_iri_grammar()
pytest_plugins = ["nbval.plugin"]

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
