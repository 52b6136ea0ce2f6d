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


def test_08s_answers_on_speakers_follow_the_ledger():
    """08's Question 5 answer and the guide's keys once said Luan Qun had 3 of 4 claims not verifiable after C10 had
    become partly supported (fact-check, 7 Dec 2026): the numbers they state must be the ledger's."""
    import json

    from qianhai.data import load

    claims = load("claims")
    def counts(speaker):
        theirs = claims[claims["speaker"] == speaker]
        return int((theirs["verdict"] == "not verifiable").sum()), int(theirs["verdict"].isin(
            ["supported", "partly supported"]).sum()), len(theirs)
    (tan_nv, tan_ok, tan_n), (luan_nv, luan_ok, luan_n) = counts("Tan Gang"), counts("Luan Qun")
    notebook = json.loads((ROOT / "notebooks" / "08_golden_decade.ipynb").read_text(encoding="utf-8"))
    answer = next("".join(c["source"]) for c in notebook["cells"] if "Which speaker's claims are easiest to check"
                  in "".join(c["source"]))
    assert f"{tan_nv} of his {tan_n} are judged not verifiable" in " ".join(answer.split())
    assert f"Luan Qun's ({luan_nv} of {luan_n})" in answer
    guide = " ".join((ROOT / "notebooks" / "instructor" / "08_golden_decade.md").read_text(encoding="utf-8").split())
    assert f"Luan Qun {luan_ok} of {luan_n} = {100 * luan_ok / luan_n:.0f}%" in guide
    assert f"Tan Gang {tan_ok} of {tan_n} = {100 * tan_ok / tan_n:.0f}%" in guide


def test_guide_00_names_every_claim_the_ledger_caps_as_self_reported():
    """A fact-check found guide 00's list of claims 'confirmed only by the zone's own figures' one short (C19)."""
    from qianhai.data import load

    claims = load("claims")
    expected = sorted(claims.loc[claims["rubric_rule"] == "self_reported", "claim_id"])
    guide = " ".join((ROOT / "notebooks" / "instructor" / "00_start_here.md").read_text(encoding="utf-8").split())
    listed = re.search(r"confirmed only by the zone's own figures \(([^)]*)\)", guide).group(1)
    assert sorted(listed.split(", ")) == expected
