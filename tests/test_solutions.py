"""Every folded solution of notebooks 01-08 runs, on the notebook's own data, with only the names a cell above
has shown, and never reads a widget's state; every "Question." prompt has a folded model answer whose numbers
were printed by a cell above.

Each notebook's code cells run in order in one namespace (as a student who ran them all would have them). At each
markdown cell that holds ``<details><summary>Solution</summary>`` blocks, the fenced python code of each block
runs in a copy of the namespace built so far: a name defined only further down is a NameError here, as it is for
the student."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from functools import lru_cache

import pytest

from conftest import ROOT
from test_primer import SKILL_LINE, display_options_restored, text

NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-8]_*.ipynb"))
SOLUTION = re.compile(r"<details><summary>Solution</summary>(.*?)</details>", flags=re.S)
ANSWER = "<details><summary>A model answer</summary>"
CODE = re.compile(r"```python\n(.*?)```", flags=re.S)
# A solution that reads what a control shows depends on what the student last did with it.
WIDGET_STATE = re.compile(r"\.(last|value|children|selected_index)\b")
# What pandas prints for a missing number where the solution meant to print one.
MISSING = re.compile(r"<NA>|\bnan\b|\bNaN\b|\bNaT\b")


def run(code: str, namespace: dict, label: str) -> str:
    """Execute ``code`` like a notebook cell (a last expression is shown) and return what it printed."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, label, "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), label, "eval"), namespace)
            if value is not None:
                repr(value)  # a table that cannot be shown fails too
    return out.getvalue()


@lru_cache(maxsize=None)
def solutions_run(path) -> tuple[tuple[str, str, str], ...]:
    """(exercise heading, solution code, what it printed, or the exception's text) for every solution."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {}
    results = []
    with display_options_restored():
        for cell in cells:
            source = text(cell)
            if cell["cell_type"] == "code":
                run(source, namespace, f"{path.stem}:{cell.get('id')}")
                continue
            parts = re.split(r"^(### Exercise .*)$", source, flags=re.M)
            blocks = [(heading, block) for heading, body in zip(parts[1::2], parts[2::2]) for block in SOLUTION.findall(body)]
            blocks += [(f"model answer to {prompt[:50]!r}", answer) for prompt, answer in model_answers(source)]
            for heading, block in blocks:
                for code in CODE.findall(block):
                    try:
                        output = run(code, dict(namespace), f"{path.stem}:{heading}")
                    except Exception as error:  # reported by the test, with the exercise's name
                        output = f"RAISED {type(error).__name__}: {error}"
                    results.append((heading, code, output))
    return tuple(results)


def model_answers(markdown: str) -> list[tuple[str, str]]:
    """(prompt, the model answer's text) for every "**Question.**" of a markdown cell that has one."""
    found = []
    for part in markdown.split("**Question.**")[1:]:
        prompt, _, after = part.partition("\n\n")
        if after.lstrip().startswith(ANSWER):
            found.append((prompt.strip(), after.split(ANSWER, 1)[1].split("</details>", 1)[0]))
    return found


def exercises(path) -> list[tuple[str, str]]:
    """(heading, the markdown up to the next heading) for every exercise of the notebook."""
    md = "\n".join(text(c) for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown")
    parts = re.split(r"^(### Exercise .*)$", md, flags=re.M)
    return [(heading, re.split(r"^#{1,3} ", body, maxsplit=1, flags=re.M)[0]) for heading, body in zip(parts[1::2], parts[2::2])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_solution_runs_on_the_cells_above(path):
    results = [r for r in solutions_run(path) if r[0].startswith("###")]
    assert results, f"{path.name}: no solution with python code found"
    results = solutions_run(path)
    failed = [f"{heading}: {output}" for heading, _, output in results if output.startswith("RAISED")]
    assert not failed, f"{path.name}: " + "\n".join(failed)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_solution_prints_a_missing_number(path):
    bad = [f"{heading}: {output!r}" for heading, _, output in solutions_run(path) if MISSING.search(output)]
    assert not bad, f"{path.name}: a solution prints a missing value where it means a number:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_solution_reads_widget_state(path):
    bad = [f"{heading}: {line.strip()}" for heading, code, _ in solutions_run(path)
           for line in code.splitlines() if WIDGET_STATE.search(line)]
    assert not bad, f"{path.name}: a solution reads what a widget last showed:\n" + "\n".join(bad)


def test_the_missing_number_check_catches_pandas_na():
    """The check above can fail: a lookup in a Series that stops earlier prints <NA> or nan."""
    import pandas as pd

    series = pd.Series([1.0, 2.0], index=[2006, 2007], dtype="Float64")
    namespace = {"series": series, "pd": pd}
    assert MISSING.search(run("print(series.reindex([2008])[2008])", namespace, "probe"))
    assert MISSING.search(run("print(float('nan'))", namespace, "probe"))
    assert not MISSING.search(run("print(f'{series[2007]:,.1f} financial')", namespace, "probe"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_states_its_level_and_skills(path):
    for heading, body in exercises(path):
        first = body.strip().splitlines()[0] if body.strip() else ""
        assert SKILL_LINE.match(first), f"{path.name}: {heading!r} lacks its level and skills line, found {first!r}"
        level = SKILL_LINE.match(first).group(1)
        assert ("(stretch)" in heading) == (level == "stretch"), f"{path.name}: {heading!r} and level {level} disagree"


def questions(path) -> list[tuple[int, str, str]]:
    """(cell index, the prompt, the markdown after it in the same cell) for every "**Question.**"."""
    found = []
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] == "markdown":
            for part in text(cell).split("**Question.**")[1:]:
                prompt, _, after = part.partition("\n\n")
                found.append((index, prompt.strip(), after))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_question_has_a_folded_model_answer_right_after_it(path):
    found = questions(path)
    assert found, f"{path.name}: no Question prompts"
    for _, prompt, after in found:
        assert after.lstrip().startswith(ANSWER), f"{path.name}: no model answer right after {prompt[:60]!r}…"
        assert "</details>" in after, f"{path.name}: the model answer after {prompt[:60]!r} is not closed"


NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?")
# Numbers that name something rather than state a fact: sections, notebooks, exercises, claim ids, small counts.
NAMING = re.compile(r"(section|notebook|exercise|question|C|E|step|steps|row|rows)\s*$", flags=re.I)


def printed_above(cells, index) -> str:
    outputs = []
    for cell in cells[:index]:
        for output in cell.get("outputs", []):
            outputs.append("".join(output.get("text", "")))
            for value in output.get("data", {}).values():
                outputs.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_model_answers_state_only_numbers_printed_above(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    computed = {heading: output for heading, _, output in solutions_run(path)}
    for index, prompt, after in questions(path):
        answer = after.split(ANSWER, 1)[-1].split("</details>", 1)[0]
        # numbers the answer's own code prints (run above, with the solutions) count as shown
        shown = printed_above(cells, index) + computed.get(f"model answer to {prompt[:50]!r}", "")
        answer = re.sub(r"```python\n.*?```", "", answer, flags=re.S)
        answer = re.sub(r"`[^`]*`", "", answer)  # code names such as fin_2016_share are not facts
        # a year the notebook's text above names (a date, not a figure) may be repeated, and so may the prompt's numbers
        years = set(re.findall(r"\b(?:19|20)\d\d\b", "\n".join(text(c) for c in cells[:index + 1])))
        for match in NUMBER.finditer(answer):
            number = match.group().rstrip(",")
            if NAMING.search(answer[:match.start()]) or (number.isdigit() and int(number) <= 10) or number in years or number in prompt:
                continue
            assert number in shown, f"{path.name}: the model answer to {prompt[:50]!r}… states {number}, which no cell above prints"


def keywords(code: str) -> set[str]:
    return {kw.arg for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Call) for kw in node.keywords if kw.arg}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_solutions_use_only_keyword_arguments_a_cell_above_has_shown(path):
    """An exercise needs only what a cell above has shown: a keyword argument first seen in a solution is not."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    shown: set[str] = set()
    for cell in cells:
        source = text(cell)
        if cell["cell_type"] == "code":
            shown |= keywords(source)
            continue
        for heading, body in zip(*[iter(re.split(r"^(### Exercise .*)$", source, flags=re.M)[1:])] * 2):
            for block in SOLUTION.findall(body):
                for code in CODE.findall(block):
                    unseen = keywords(code) - shown
                    assert not unseen, f"{path.name}: {heading!r} needs {sorted(unseen)}, which no code cell above shows"
