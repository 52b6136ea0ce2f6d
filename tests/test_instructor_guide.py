"""Every notebook has an instructor guide with a 90-minute plan and the sections a teacher needs."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

GUIDES = ROOT / "notebooks" / "instructor"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SECTIONS = ["## Lesson plan (90 minutes)", "## What to project and which widget to move", "## Discussion prompts",
            "## Common student mistakes", "## Answer keys"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_guide_exists_with_every_section(path):
    guide = GUIDES / f"{path.stem}.md"
    assert guide.exists(), f"no instructor guide for {path.name}"
    text = guide.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in text, f"{guide.name} lacks {section!r}"
    assert f"({path.stem}.md)" in (GUIDES / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_lesson_plan_covers_ninety_minutes_without_gaps(path):
    text = (GUIDES / f"{path.stem}.md").read_text(encoding="utf-8")
    plan = text.split("## Lesson plan (90 minutes)", 1)[1].split("\n## ", 1)[0]
    spans = [(int(a), int(b)) for a, b in re.findall(r"^\|\s*(\d+)[–-](\d+)\s*\|", plan, flags=re.M)]
    assert spans and spans[0][0] == 0 and spans[-1][1] == 90
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start == end, f"{path.stem}: the plan jumps from {end} to {start} minutes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_answer_key_for_every_exercise(path):
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    count = len(re.findall(r"^### Exercise \d+", md, flags=re.M))
    keys = (GUIDES / f"{path.stem}.md").read_text(encoding="utf-8").split("## Answer keys", 1)[1]
    for number in range(1, count + 1):
        assert f"**Exercise {number}.**" in keys, f"{path.stem}: no answer key for exercise {number}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_answer_key_for_every_question_prompt(path):
    """Each "**Question.**" prompt, numbered in the order it appears, has a key: "**Question N.**"."""
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    count = md.count("**Question.**")
    keys = (GUIDES / f"{path.stem}.md").read_text(encoding="utf-8").split("## Answer keys", 1)[1]
    for number in range(1, count + 1):
        assert f"**Question {number}.**" in keys, f"{path.stem}: no answer key for Question prompt {number}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_lesson_plan_states_the_notebooks_core_time(path):
    """The guide's core time is the one the notebook and the course map state (`python tools/study_time.py --sync`
    writes all three), so a teacher plans with the same number a student reads."""
    from qianhai.course import LESSONS

    minutes = {lesson.slug: lesson.minutes for lesson in LESSONS}[path.stem]
    plan = (GUIDES / f"{path.stem}.md").read_text(encoding="utf-8").split("## Lesson plan (90 minutes)", 1)[1]
    plan = plan.split("\n## ", 1)[0]
    stated = re.findall(r"core path[^.]*?stated at (\d+) minutes", plan, flags=re.S)
    assert stated and int(stated[0]) == minutes, f"{path.stem}: the guide states {stated}, the notebook {minutes}"
