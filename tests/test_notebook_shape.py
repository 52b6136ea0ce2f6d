"""Every notebook meets the course's shape and accessibility bar, read from its stored JSON.

Covers: objectives, time to learn (agreeing with the course map), prerequisites, exercises with folded
solutions, a self-check, key points, what's next, sources generated from the data package; a text
alternative after every chart image; headings in order; every slider with a typed twin and every input
labelled (from the saved widget state); no errors; executed in order; at most 600 KB; every stored chart
sharp on a HiDPI screen or a projector (a PNG at least 800 pixels wide, or an SVG)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from qianhai.course import LESSONS

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CONTROLS = {"IntSliderModel", "FloatSliderModel", "IntRangeSliderModel", "FloatRangeSliderModel", "TextModel",
            "DropdownModel", "RadioButtonsModel", "ToggleButtonsModel", "SelectModel", "CheckboxModel",
            "FloatTextModel", "IntTextModel", "SelectMultipleModel", "ComboboxModel"}
SLIDERS = {"IntSliderModel", "FloatSliderModel", "IntRangeSliderModel", "FloatRangeSliderModel", "SelectionSliderModel"}


def load_nb(path):
    return json.loads(path.read_text(encoding="utf-8"))


def text(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def markdown(nb):
    return "\n".join(text(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def ids(paths):
    return [p.stem for p in paths]


def test_every_lesson_file_is_in_the_course_map():
    slugs = {lesson.slug for lesson in LESSONS}
    assert {p.stem for p in NOTEBOOKS} <= slugs
    assert "00_start_here" in {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_front_matter(path):
    md = markdown(load_nb(path))
    lesson = next(x for x in LESSONS if x.slug == path.stem)
    assert md.startswith(f"# {path.stem[:2]} · "), "title line '# NN · Title'"
    assert "Learning objectives" in md
    minutes = re.search(r"Time to learn:\*\*\s*(\d+) minutes", md)
    assert minutes and int(minutes.group(1)) == lesson.minutes, "time to learn must match qianhai/course.py"
    assert "Prerequisites:" in md


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_back_matter(path):
    nb = load_nb(path)
    md = markdown(nb)
    for heading in ("## Exercises", "## Self-check", "## Key points", "## What's next", "## Sources"):
        assert re.search(rf"^{re.escape(heading)}\b", md, flags=re.M), f"missing {heading}"
    exercises = re.findall(r"^### Exercise \d+", md, flags=re.M)
    assert len(exercises) >= 3 and md.count("<details><summary>Solution</summary>") >= 3
    code = [text(c) for c in nb["cells"] if c["cell_type"] == "code"]
    assert "quiz(" in "\n".join(code), "a self-check built with quiz()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_the_core_path_ends_at_sources_and_going_further_follows(path):
    """A student on the core path reads from the top and stops at Sources: the optional Going further part
    comes after it (nothing optional sits between the verdicts and the Key points), so nobody scrolls past it,
    or relies on a link into cells not yet rendered, to reach the Key points."""
    cells = load_nb(path)["cells"]
    sections = [(i, line) for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                for line in text(c).splitlines() if line.startswith("## ")]
    titles = [title for _, title in sections]
    back = ["## Key points", "## What's next", "## Sources"]
    order = [next(n for n, t in enumerate(titles) if t.startswith(h)) for h in back]
    assert order == sorted(order), f"the back matter is out of order: {titles}"
    later = titles[order[-1] + 1:]
    assert len(later) == 1 and later[0].startswith("## Going further (optional"), \
        f"only the optional Going further part follows Sources: {later}"
    before_cell, before = sections[order[0] - 1]
    assert before in ("## Verdicts", "## Self-check"), f"the Key points follow {before!r}, not the verdicts"
    between = cells[before_cell + 1:sections[order[0]][0]]
    assert all(re.search(r"\b(verdicts_note|quiz)\(", text(c)) if c["cell_type"] == "code"
               else not re.search(r"(?m)^#", text(c)) for c in between), \
        f"only the {before[3:]} cells (and prose without a heading) come between {before!r} and the Key points"
    in_sources = cells[sections[order[-1]][0] + 1:sections[order[-1] + 1][0]]
    assert any(c["cell_type"] == "code" and "sources_note(" in text(c) for c in in_sources), \
        "the Sources section renders them from the data package"
    assert "(#Key-points)" not in markdown(load_nb(path)), "the Key points follow the verdicts: no link to them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_latex_math(path):
    """Formulas are written in plain Unicode so that every viewer, the static site included, shows them
    without loading a maths renderer from the internet."""
    md = markdown(load_nb(path)).replace("\\$", "")  # an escaped dollar (HK\$1,500) is money, not maths
    assert not re.search(r"\$[^$\n]*[\\^_{}][^$\n]*\$", md), "LaTeX maths found; write the formula in Unicode"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_headings_do_not_skip_levels(path):
    levels = []
    in_fence = False
    for cell in load_nb(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in text(cell).splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            match = re.match(r"^(#{1,6}) ", line)
            if match and not in_fence:
                levels.append(len(match.group(1)))
    assert levels and levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"heading jumps from level {before} to {after}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_every_chart_has_a_text_alternative(path):
    nb = load_nb(path)
    charts = 0
    for cell in nb["cells"]:
        outputs = cell.get("outputs", [])
        for i, out in enumerate(outputs):
            if "image/png" in out.get("data", {}):
                charts += 1
                following = outputs[i + 1]["data"].get("text/plain", "") if i + 1 < len(outputs) else ""
                following = "".join(following) if isinstance(following, list) else following
                assert following.startswith("Text alternative: ") and len(following) > 40, (
                    f"cell {text(cell)[:60]!r}: image without a text alternative")
    assert charts >= 2, "at least two charts"
    for model in _widget_models(nb):
        if model["model_name"] == "OutputModel":
            outs = model["state"].get("outputs", [])
            for i, out in enumerate(outs):
                if "image/png" in out.get("data", {}):
                    alt = outs[i + 1]["data"].get("text/plain", "") if i + 1 < len(outs) else ""
                    assert alt.startswith("Text alternative: "), "widget chart without a text alternative"


def _stored_images(nb):
    """(where, kind, base64 data) of every image the notebook stores: cell outputs, the static snapshot
    (HTML) of a widget panel, and the outputs kept in the saved widget state."""
    outputs = [(f"cell {i + 1}", out) for i, cell in enumerate(nb["cells"]) for out in cell.get("outputs", [])]
    outputs += [(f"widget {m['id'][:8]}", out) for m in _widget_models(nb) if m["model_name"] == "OutputModel"
                for out in m["state"].get("outputs", [])]
    for where, out in outputs:
        data = out.get("data", {})
        for kind in ("image/png", "image/svg+xml"):
            if kind in data:
                yield where, kind, "".join(data[kind]) if isinstance(data[kind], list) else data[kind]
        html = data.get("text/html", "")
        for found in re.finditer(r'src="data:image/png;base64,([^"]+)"', "".join(html) if isinstance(html, list) else html):
            yield where + " (static view)", "image/png", found.group(1)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_every_stored_chart_is_crisp(path):
    import base64
    import io

    from PIL import Image

    images = list(_stored_images(load_nb(path)))
    assert images, "the notebook stores its charts"
    for where, kind, data in images:
        if kind == "image/png":
            width = Image.open(io.BytesIO(base64.b64decode(data))).width
            assert width >= 800, f"{where}: a PNG {width} pixels wide (at least 800: twice the on-screen size)"


def _widget_models(nb):
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return [dict(m, id=k) for k, m in state.items()]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_widgets_are_labelled_and_sliders_have_typed_twins(path):
    models = {m["id"]: m for m in _widget_models(path and load_nb(path))}
    assert models, "the notebook stores its widget state (executed with nbconvert)"
    for model in models.values():
        if model["model_name"] in CONTROLS:
            assert model["state"].get("description", "").strip(), f"{model['model_name']} without a label"
        if model["model_name"] == "ButtonModel":
            assert model["state"].get("description", "").strip() or model["state"].get("tooltip", "").strip()
    for model in models.values():
        if model["model_name"] not in SLIDERS:
            continue
        ref = f"IPY_MODEL_{model['id']}"
        parents = [m for m in models.values() if ref in m["state"].get("children", [])]
        siblings = [c.replace("IPY_MODEL_", "") for p in parents for c in p["state"]["children"]]
        assert any(models[s]["model_name"] in ("TextModel", "FloatTextModel", "IntTextModel", "BoundedFloatTextModel",
                                                "BoundedIntTextModel") for s in siblings if s in models), (
            f"slider {model['state'].get('description')!r} has no typed-number twin beside it")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_executed_cleanly_in_order_and_small(path):
    nb = load_nb(path)
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c is not None for c in counts), "every code cell executed"
    assert counts == sorted(counts) and len(set(counts)) == len(counts), "executed top to bottom"
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"error output in {text(cell)[:60]!r}"
            assert "Traceback" not in "".join(out.get("text", "")), f"traceback printed in {text(cell)[:60]!r}"
    assert path.stat().st_size <= 600 * 1024, f"{path.name} is {path.stat().st_size // 1024} KB (> 600 KB)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_data_only_through_the_loader(path):
    code = "\n".join(text(c) for c in load_nb(path)["cells"] if c["cell_type"] == "code")
    assert "read_csv" not in code and ".csv\"" not in code and ".csv'" not in code
    assert not re.search(r"\b(eval|exec)\(", code)


VERDICT_WORDS = ("supported", "not verifiable", "contradicted")  # "partly supported" contains "supported"
LESSONS_WITH_CLAIMS = [p for p in NOTEBOOKS if p.stem != "00_start_here"]


def outputs_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        for value in [output.get("text", ""), *output.get("data", {}).values()]:
            parts.append(value if isinstance(value, str) else "".join(value) if isinstance(value, list) else "")
    return "\n".join(parts)


@pytest.mark.parametrize("path", LESSONS_WITH_CLAIMS, ids=ids(LESSONS_WITH_CLAIMS))
def test_claims_first_verdicts_after_the_evidence(path):
    """No spoilers: the claims cell at the top shows no verdict; a Verdicts section near the end does, after the
    self-check and before the key points."""
    cells = load_nb(path)["cells"]
    top = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and "claims_for(" in text(c))
    shown = outputs_text(cells[top]).lower()
    assert shown and not any(word in shown for word in VERDICT_WORDS), "the top claims cell shows a verdict"
    verdicts = next(i for i, c in enumerate(cells) if c.get("id") == f"verdicts-{path.stem[:2]}")
    quiz_cell = max(i for i, c in enumerate(cells) if c["cell_type"] == "code" and "quiz(" in text(c))
    key_points = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                      and text(c).lstrip().startswith("## Key points"))
    assert top < quiz_cell < verdicts < key_points
    assert "verdicts_note(" in text(cells[verdicts]) and "verdict" in outputs_text(cells[verdicts])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_self_check_answers_are_not_on_show(path):
    """A student who scrolls sees the questions, not the answers in the code that builds them."""
    for cell in load_nb(path)["cells"]:
        if cell["cell_type"] == "code" and "quiz(" in text(cell):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, cell.get("id")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_dollar_sign_in_prose(path):
    """JupyterLab typesets text between two dollar signs as maths, in fenced code too and, inside a folded
    <details> answer, even when they are escaped: money in a Markdown cell is written HKD 3,000 or USD 5 bn."""
    for cell in load_nb(path)["cells"]:
        if cell["cell_type"] == "markdown":
            prose = re.sub(r"`[^`\n]*`", "", text(cell).replace("```", ""))
            loose = re.findall(r".{0,20}\$.{0,20}", prose)
            assert not loose, f"{path.name}, cell {cell.get('id')}: a dollar sign in {loose[:3]}"