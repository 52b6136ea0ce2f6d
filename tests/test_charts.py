"""Chart style: palette, labels, source line from the data package, text alternative, no leaks."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest

from qianhai.charts import CYCLE, Chart, alt_text, finish, new_figure
from qianhai.sources import source_line, sources_note


def test_finish_labels_and_source_line(tiny_package):
    fig, ax = new_figure()
    ax.plot([2020, 2021], [1, 2])
    chart = finish(fig, ax, title="T", xlabel="Year", ylabel="People (thousands)", resources=["towns"], alt="Rises.")
    assert isinstance(chart, Chart)
    assert ax.get_title(loc="left") == "T" and ax.get_xlabel() == "Year" and ax.get_ylabel() == "People (thousands)"
    assert fig.get_supxlabel().startswith("Source: One [X1]; Two [X2]. Data: towns")
    assert "towns" in fig.get_supxlabel()
    assert not plt.get_fignums(), "finished figures are closed so they show once"


def test_chart_needs_alt_text(tiny_package):
    fig, ax = new_figure()
    with pytest.raises(ValueError, match="text alternative"):
        finish(fig, ax, title="T", xlabel="x", ylabel="y", resources=["towns"], alt="  ")


def test_alt_text_plain_form():
    assert repr(alt_text("A line rising.")) == "Text alternative: A line rising."


def test_palette_is_okabe_ito():
    assert CYCLE[:4] == ["#0072B2", "#E69F00", "#009E73", "#D55E00"]


def test_source_line_needs_resources(tiny_package):
    from qianhai.data import DataError

    with pytest.raises(DataError):
        source_line([])


def test_sources_note_lists_each_source(tiny_package):
    note = sources_note(["towns"])
    assert "`X1` One" in note.markdown and "`X2` Two" in note.markdown
    assert repr(note).startswith("Sources: 2 entries for towns")


def test_model_charts_say_they_are_not_data():
    fig, ax = new_figure()
    finish(fig, ax, title="T", xlabel="x", ylabel="y", alt="A model path.", model=True)
    assert "teaching model" in fig.get_supxlabel() and fig.get_supxlabel().endswith("Not data.")


def test_notes_escape_dollar_signs_outside_code():
    # Two dollar signs in one Markdown output would be typeset as mathematics between them.
    from qianhai.display import Note, escape_dollars

    assert escape_dollars("HK$5m, then HK$6,000") == r"HK\$5m, then HK\$6,000"
    assert escape_dollars(r"already \$1 and `code $x$`") == r"already \$1 and `code $x$`"
    note = Note("US$3.53bn or US$4.1bn", "plain US$")
    assert note._repr_markdown_() == r"US\$3.53bn or US\$4.1bn" and repr(note) == "plain US$"


def test_sources_with_dollars_render_as_money():
    # TX19 and TX20 (Hong Kong tax sources) have HK$ amounts in their titles. JupyterLab typesets text between two
    # dollar signs as maths even when they are escaped, so the Markdown shows a full-width dollar sign instead.
    note = sources_note(["tax_hk_salaries"])
    markdown = note._repr_markdown_()
    assert "$" not in markdown and "capped \uff046,000" in markdown


def test_tables_are_not_typeset_as_mathematics():
    import pandas as pd

    from qianhai.display import setup

    setup()
    html = pd.DataFrame({"note": ["HK$132,000 from 2016/17", "HK$10,000"]})._repr_html_()
    assert "mathjax_ignore" in html


def test_the_course_package_uses_no_private_names_of_other_libraries():
    # An attribute "_name" reached on anything but the course's own objects (self) is another library's
    # private API, which may change in any release. IPython's display protocol (_repr_*_, _ipython_display_)
    # is public despite its underscores.
    from conftest import ROOT

    found = []
    for path in sorted([*(ROOT / "notebooks" / "qianhai").glob("*.py"), *(ROOT / "tools").glob("*.py")]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in re.findall(r"(?<!\bself)(?<!\bcls)\.(_[a-z]\w*)", line):
                if not re.fullmatch(r"_repr_\w+_|_ipython_display_", name):
                    found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_no_text_is_set_below_10_pt():
    """Issue 15: fonts of at least 10 pt, readable on a projector; a `fontsize=7` slipped into a chart once."""
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sources = [(p.name, p.read_text(encoding="utf-8")) for p in (root / "notebooks" / "qianhai").glob("*.py")]
    for path in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources += [(path.name, "".join(c["source"])) for c in cells if c["cell_type"] == "code"]
    small = [(name, m.group(0)) for name, text in sources
             for m in re.finditer(r"fontsize\s*=\s*(\d+(?:\.\d+)?)", text) if float(m.group(1)) < 10]
    assert not small, f"text below 10 pt: {small}"
