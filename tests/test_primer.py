"""Notebook 00's primer, "The Python you need": the skill tags exercises refer to are taught there, one heading
each, and the primer's own exercise and self-check give the answers worked by hand from data/shenzhen_gdp.csv."""

from __future__ import annotations

import contextlib
import io
import json
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
PRIMER = "## The Python you need"
EXERCISE = "### Exercise · Your turn"
TAG = re.compile(r"\[([a-z][a-z-]*)\]")
SKILL_LINE = re.compile(r"^\*Level: (warm-up|core|stretch) · Skills: (.+)\*$", flags=re.M)


def text(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def primer_markdown() -> str:
    """The markdown from the primer's heading up to the next level-2 heading."""
    md = "\n".join(text(c) for c in cells() if c["cell_type"] == "markdown")
    assert PRIMER in md, f"notebook 00 lacks {PRIMER!r}"
    after = md.split(PRIMER, 1)[1]
    return re.split(r"^## ", after, maxsplit=1, flags=re.M)[0]


def taught_tags() -> set[str]:
    headings = re.findall(r"^### .*$", primer_markdown(), flags=re.M)
    return {tag for heading in headings for tag in re.findall(r"\*\*\[([a-z][a-z-]*)\]\*\*", heading)}


def test_every_skill_tag_in_contributing_is_taught_in_a_primer_heading():
    documented = set(re.findall(r"\*\*\[([a-z][a-z-]*)\]\*\*", CONTRIBUTING))
    taught = taught_tags()
    assert {"look", "select", "filter", "loc", "mean", "format", "help"} <= documented
    assert documented <= taught, f"CONTRIBUTING names skills no primer heading teaches: {documented - taught}"
    assert taught <= documented, f"the primer teaches skills CONTRIBUTING does not list: {taught - documented}"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_skill_lines_use_only_taught_tags(path):
    md = "\n".join(text(c) for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown")
    taught = taught_tags()
    for _, skills in SKILL_LINE.findall(md):
        unknown = set(TAG.findall(skills)) - taught
        assert not unknown, f"{path.name}: skills {unknown} are not taught in 00's primer ({skills!r})"


def test_every_exercise_in_00_states_its_level_and_skills():
    md = "\n".join(text(c) for c in cells() if c["cell_type"] == "markdown")
    headings = re.findall(r"^### Exercise.*\n+(.*)$", md, flags=re.M)
    assert len(headings) >= 4  # the primer's exercise and Exercises 1-3 in Going further
    for line in headings:
        assert SKILL_LINE.match(line), f"an exercise of notebook 00 lacks its level and skills line: {line!r}"


def primer_exercise() -> tuple[int, str]:
    """The index of the cell holding the primer exercise, and its solution's code."""
    for index, cell in enumerate(cells()):
        source = text(cell)
        if cell["cell_type"] == "markdown" and EXERCISE in source:
            details = source.split(EXERCISE, 1)[1].split("<details><summary>Solution</summary>", 1)[1]
            code = re.search(r"```python\n(.*?)```", details.split("</details>", 1)[0], flags=re.S)
            assert code, "the primer exercise's solution has no fenced python block"
            return index, code.group(1)
    raise AssertionError(f"notebook 00 lacks {EXERCISE!r}")


@contextlib.contextmanager
def display_options_restored():
    """The notebook's setup() changes pandas, numpy and matplotlib options; put them back for later tests."""
    try:
        with matplotlib.rc_context(), np.printoptions(**np.get_printoptions()):
            yield
    finally:
        pd.reset_option("^display")
        plt.close("all")


def namespace_above(index: int) -> dict:
    """Run notebook 00's code cells above ``index`` in order, as a student who ran them all would have."""
    namespace: dict = {}
    with display_options_restored(), contextlib.redirect_stdout(io.StringIO()):
        for cell in cells()[:index]:
            if cell["cell_type"] == "code":
                exec(compile(text(cell), f"00_start_here:{cell.get('id')}", "exec"), namespace)
    return namespace


def printed(code: str, namespace: dict) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "primer solution", "exec"), dict(namespace))
    return out.getvalue()


def gives_the_2018_revision(output: str) -> bool:
    # data/shenzhen_gdp.csv, year 2018: first_release 24221.98, yearbook_revised 25266.08.
    # change = 25266.08 - 24221.98 = 1044.10 -> "1,044.1";
    # 1044.10 / 24221.98: 24221.98 x 0.0431 = 1043.97, so the share is 0.04311 -> "4.3%".
    return "1,044.1" in output and "4.3%" in output


@pytest.fixture(scope="module")
def exercise():
    index, solution = primer_exercise()
    return solution, namespace_above(index)


def test_primer_solution_runs_on_the_cells_above_and_prints_the_hand_worked_answer(exercise):
    solution, namespace = exercise
    output = printed(solution, namespace)
    assert gives_the_2018_revision(output), f"the primer solution printed {output!r}"


def test_the_answer_check_rejects_a_solution_that_reads_the_wrong_year(exercise):
    """The check above can fail: the same solution for 2017 prints 790.2 and 3.5%."""
    solution, namespace = exercise
    wrong = solution.replace("2018", "2017")
    assert wrong != solution
    assert not gives_the_2018_revision(printed(wrong, namespace))


def test_primer_self_check_answers_match_the_hand_worked_values():
    index = next(i for i, c in enumerate(cells()) if c["cell_type"] == "code" and "Self-check: the Python you need" in text(c))
    namespace = namespace_above(index + 1)
    # first_release 2017-2020: (22438.39 + 24221.98 + 26927.09 + 27670.24) / 4 = 101257.70 / 4 = 25314.425
    assert namespace["first_average"] == pytest.approx(25314.425)
    # 2019 has a first_release and a yearbook_revised row (data/shenzhen_gdp.csv lines 10 and 77)
    assert sorted(namespace["rows_2019"]["vintage"]) == ["first_release", "yearbook_revised"]


def final_self_check() -> list:
    index = next(i for i, c in enumerate(cells()) if c.get("id") == "cell-018")
    namespace = namespace_above(index)
    captured: list = []
    namespace["quiz"] = lambda *questions, **_: captured.extend(questions)
    with display_options_restored(), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(text(cells()[index]), "00 self-check", "exec"), namespace)
    return captured


def test_final_self_check_applies_the_rubric_as_data_readme_states_it():
    own_figures, causal = final_self_check()
    # data/README.md, the rubric: `self_reported` (only the claimant's own side) -> "partly supported";
    # `not_publicly_verifiable`: "a judgement, a causal statement no study isolates, or a statement about the future".
    assert own_figures.judge("partly supported").correct is True
    assert own_figures.judge("supported").correct is False
    assert causal.judge("not publicly verifiable").correct is True
    assert causal.judge("not found in the sources we hold").correct is False


def fenced_solutions() -> list[tuple[int, str]]:
    """(cell index, code) of every fenced python block in a folded solution of notebook 00."""
    found = []
    for index, cell in enumerate(cells()):
        if cell["cell_type"] == "markdown":
            for details in re.findall(r"<details><summary>Solution</summary>(.*?)</details>", text(cell), flags=re.S):
                found += [(index, code) for code in re.findall(r"```python\n(.*?)```", details, flags=re.S)]
    return found


def test_the_counting_exercise_runs_on_the_cells_above_and_finds_factual_claims_most_common():
    solution = next((index, code) for index, code in fenced_solutions() if "claim_type" in code)
    index, code = solution
    namespace = namespace_above(index)
    with display_options_restored():
        counts = eval(compile(code.strip(), "exercise 3 solution", "eval"), namespace)
    # data/claims.csv, column claim_type: evaluative C02 C07 C09 C13 C16 C25 (6), forward-looking C26-C28 (3),
    # factual the other 28 - 6 - 3 = 19.
    assert counts.to_dict() == {"factual": 19, "evaluative": 6, "forward-looking": 3}
