"""Fuzz every widget of every notebook the way a class would: each notebook's code runs in-process, then
every typed box gets hostile text, every dropdown every option, every slider its extremes, every button a
click. Nothing may raise, and nothing typed may come back as live HTML. The count of inputs tried per widget
is printed in the test summary."""

from __future__ import annotations

import json
import os
import re

import ipywidgets as w
import pytest
from ipywidgets.widgets.widget import _instances
from IPython.core.interactiveshell import InteractiveShell

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HOSTILE_TEXT = ["-1", "0", "-0", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e-320", "", "   ", "abc",
                "12abc", "1,2,3", "[1, 2]", "None", "True", "１２", "٣", "0x10", "1_000", "😀",
                "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "' OR 1=1 --", "a" * 500]
LIVE_HTML = re.compile(r"<script|<img[^>]*onerror|<img src=x", re.I)
REPORT_DIR = ROOT / "artifacts" / "fuzz"  # one line per notebook; conftest prints them in the summary


def run_notebook(path):
    shell = InteractiveShell.instance()
    shell.reset(new_session=True)
    before = set(_instances)
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            result = shell.run_cell("".join(cell["source"]), silent=True)
            assert result.success, f"{path.name}: cell failed in-process: {result.error_in_exec!r}"
    finally:
        os.chdir(cwd)
    return [_instances[k] for k in _instances if k not in before]


def label(widget):
    return f"{type(widget).__name__}({getattr(widget, 'description', '') or getattr(widget, 'placeholder', '')!r})"


def no_live_html(created, context):
    for widget in created:
        if isinstance(widget, w.HTML):
            assert not LIVE_HTML.search(widget.value), f"{context}: unescaped input echoed in {widget.value[:120]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_widget_survives_hostile_input(path):
    created = run_notebook(path)
    tried = {}
    for widget in created:
        name = label(widget)
        try:
            if isinstance(widget, w.Text) and not isinstance(widget, w.Password):
                original = widget.value
                for value in HOSTILE_TEXT:
                    widget.value = value
                    no_live_html(created, f"{name} <- {value[:30]!r}")
                widget.value = original
                tried[name] = tried.get(name, 0) + len(HOSTILE_TEXT) + 1
            elif isinstance(widget, (w.Dropdown, w.RadioButtons, w.ToggleButtons, w.Select)):
                original = widget.value
                for option in widget.options:
                    widget.value = option[1] if isinstance(option, tuple) else option
                widget.value = original
                tried[name] = tried.get(name, 0) + len(widget.options) + 1
            elif isinstance(widget, (w.IntSlider, w.FloatSlider)):
                original = widget.value
                for value in (widget.min, widget.max, original):
                    widget.value = value
                tried[name] = tried.get(name, 0) + 3
            elif isinstance(widget, (w.IntRangeSlider, w.FloatRangeSlider)):
                original = widget.value
                for value in ((widget.min, widget.max), (widget.min, widget.min), (widget.max, widget.max), original):
                    widget.value = value
                tried[name] = tried.get(name, 0) + 4
            elif isinstance(widget, w.Button):
                widget.click()
                tried[name] = tried.get(name, 0) + 1
        except Exception as err:  # noqa: BLE001 - the point is that nothing escapes to the student
            pytest.fail(f"{path.name}: {name} raised {type(err).__name__}: {err}")
    assert tried, f"{path.name}: no interactive widget found"
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"{path.stem}.txt").write_text(
        f"{path.stem}: {sum(tried.values())} inputs over {len(tried)} widgets — "
        + ", ".join(f"{k}: {v}" for k, v in sorted(tried.items())) + "\n", encoding="utf-8")
