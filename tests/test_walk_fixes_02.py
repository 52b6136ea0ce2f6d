"""Fixes from a student's walk of notebook 02 (what a non-programmer could not follow)."""
from pathlib import Path

import nbformat

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02_blank_sheet.ipynb"


def _cells():
    return {c.get("id"): c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells}


def test_02_objective_names_what_the_core_does():
    # The milestones table with policy areas is in Going further (section 6); the core reads the layers chart.
    assert "policy area" not in _cells()["cell-000"].split("**Time to learn")[0]


def test_02_output_breaks_are_label_changes_and_the_jump_is_printed_not_typed():
    cells = _cells()
    code, text = cells["cell-032"], cells["cell-036"]
    assert "territory label or the measure" in code
    # the growth rate is a data row now, not text split out of a note (which needed a "you need not follow this")
    assert "registered_enterprise_value_added_growth" in code and ".split(" not in code
    assert "ftz_area / old" in code and "by_year[2016] / by_year[2013]" in code
    assert "28" not in text.split("**Question.**")[0] and "not a typo" in text
    assert "need not be the same territory" in text


def test_02_verdicts_say_some_evidence_is_in_going_further_and_gloss_two_rules():
    text = _cells()["verdicts-02-title"]
    assert "Going further" in text and "*qualified*" in text and "*partly confirmed*" in text
