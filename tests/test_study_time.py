"""The study-time estimate (tools/study_time.py, CONTRIBUTING.md "How a time is estimated"), worked by hand on a
small notebook."""

import json
import sys
from pathlib import Path

import pytest

import study_time  # noqa: E402


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text, outputs=(), hidden=False):
    meta = {"jupyter": {"source_hidden": True}} if hidden else {}
    return {"cell_type": "code", "metadata": meta, "source": text, "outputs": list(outputs)}


WORDS_160 = " ".join(["word"] * 159)  # with the heading's one word "A": 160 words


def test_a_small_notebook_worked_by_hand():
    notebook = {"cells": [
        md("## A\n\n" + WORDS_160),  # 160 words / 80 per minute = 2.0 min reading
        # 0.4 to run + 5 code lines x 0.05 = 0.65 (the comment line is not counted); 90 output words / 90 = 1.0
        code("# a comment\n" + "x = 1\n" * 5, [{"output_type": "stream", "text": " ".join(["n"] * 90)}]),
        # hidden input: 0.4 to run, its lines not read; one chart 3.0
        code("y = 2\n" * 10, [{"output_type": "display_data", "data": {"image/png": "..."}}], hidden=True),
        # a widget (8.0) and a table (3.0)
        code("w", [{"output_type": "display_data", "data": {study_time.WIDGET: {}}},
                   {"output_type": "execute_result", "data": {"text/html": "<table></table>"}}]),
        # one core exercise (12.0) and one stretch (18.0, optional); two Questions (2 x 3.0)
        md("### Exercise 1\n*Level: core*\n\n### Exercise 2\n*Level: stretch*\n\n**Question.** a\n\n**Question.** b"),
        # self-check: two items at 2.0; its widget output is the quiz, not a teaching widget
        code("quiz(NumericAnswer(1), MultipleChoice(2))",
             [{"output_type": "display_data", "data": {study_time.WIDGET: {}}}]),
        md("## Going further (optional)\n\n" + WORDS_160),  # 162 words / 80 = 2.025 optional reading
        code("z = 3", [{"output_type": "display_data", "data": {"image/png": "..."}}]),  # optional 0.45 + 3.0
    ]}
    t = study_time.estimate(notebook)
    p = t.parts
    # + "Exercise 1 Level core Exercise 2 Level stretch Question a Question b": 12 words in the exercise cell
    assert p["core reading"] == pytest.approx(2.0 + 12 / 80)
    # cells: 0.4 + 5 x 0.05; hidden 0.4; "w" 0.4 + 0.05; the quiz line 0.4 + 0.05
    assert p["core code"] == pytest.approx(0.65 + 0.4 + 0.45 + 0.45)
    assert p["optional code"] == pytest.approx(0.45)
    assert p["core output"] == pytest.approx(1.0)
    assert p["core charts"] == pytest.approx(3.0)
    assert p["core widgets"] == pytest.approx(8.0)
    assert p["core tables"] == pytest.approx(3.0)
    assert p["core exercises"] == pytest.approx(12.0)
    assert p["optional exercises"] == pytest.approx(18.0)
    assert p["core questions"] == pytest.approx(6.0)
    assert p["core self-check"] == pytest.approx(4.0)
    assert p["optional reading"] == pytest.approx(162 / 80)
    assert p["optional charts"] == pytest.approx(3.0)
    assert p["core getting started"] == pytest.approx(8.0)  # open, start the kernel, find one's way back
    assert t.core == pytest.approx(sum(v for k, v in p.items() if k.startswith("core")))
    assert study_time.rounded(t.core) % 5 == 0 and study_time.rounded(t.core) >= t.core


def test_the_sources_and_readings_lists_are_reference_not_reading():
    listing = [{"output_type": "display_data", "data": {"text/markdown": " ".join(["w"] * 3000)}}]
    t = study_time.estimate({"cells": [code('sources_note(["claims"])', listing),
                                       code('readings_for("01_shenzhen_sez")', listing)]})
    assert t.core == study_time.MINUTES_PER_NOTEBOOK and t.optional == 0  # getting started only
    assert t.reference == pytest.approx(2 * 0.4)


def test_folded_solutions_are_read_at_half_the_time():
    t = study_time.estimate({"cells": [md("<details>" + WORDS_160 + " word</details>")]})
    assert t.parts["core solutions read"] == pytest.approx(160 / 160)  # 160 words at 2 x 80 per minute
    assert t.parts["core reading"] == 0


@pytest.mark.parametrize("minutes,stated", [(0.1, 5), (5.0, 5), (5.01, 10), (73.2, 75)])
def test_a_stated_time_is_rounded_up_to_five_minutes(minutes, stated):
    assert study_time.rounded(minutes) == stated


NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def lessons():
    from qianhai.course import LESSONS

    return LESSONS


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson.slug)
def test_the_stated_time_is_the_estimate_or_a_longer_walk_and_the_core_fits_a_session(lesson):
    """Issue 13: the stated time is the estimate from the content, or the last timed walk where that took longer
    (`python tools/study_time.py --sync` writes it), and the core path fits a 75-minute slot of a 90-minute class."""
    notebook = json.loads((NOTEBOOKS / lesson.file).read_text(encoding="utf-8"))
    t = study_time.estimate(notebook)
    core, optional = study_time.stated(notebook)
    walked = study_time.latest_walk(lesson.slug)
    due = study_time.stated_core(t.core, lesson.slug)
    assert core == lesson.minutes == due, (
        f"{lesson.slug}: states {core} (course.py {lesson.minutes}), computed {t.core:.1f}, last walk {walked} -> "
        f"{due}; run python tools/study_time.py --sync notebooks/{lesson.file}")
    assert t.core <= 75, f"{lesson.slug}: the core path takes {t.core:.0f} minutes; move parts to Going further"
    assert walked is None or walked <= 75, f"{lesson.slug}: a student took {walked:.0f} minutes; move parts out"
    if t.optional >= 2.5:
        assert optional == study_time.rounded(t.optional), f"{lesson.slug}: state the optional time ({t.optional:.0f} min)"


def test_the_command_line_says_how_to_use_it_instead_of_a_traceback(tmp_path):
    import subprocess

    tool = Path(study_time.__file__)
    shown = subprocess.run([sys.executable, str(tool), "--help"], capture_output=True, text=True)
    assert shown.returncode == 0 and "usage:" in shown.stdout
    missing = subprocess.run([sys.executable, str(tool), str(tmp_path / "nope.ipynb")], capture_output=True, text=True)
    assert missing.returncode == 2 and "no such notebook" in missing.stderr and "Traceback" not in missing.stderr


def small_notebook(tmp_path) -> Path:
    """notebooks/09_x.ipynb stating 5 minutes, six words long (X, Time, to, learn, 5, minutes), with a course.py and an
    instructor guide that state 5 minutes too."""
    folder = tmp_path / "notebooks"
    (folder / "qianhai").mkdir(parents=True)
    (folder / "qianhai" / "course.py").write_text('Lesson("09_x", "X", 5)\n', encoding="utf-8")
    path = folder / "09_x.ipynb"
    path.write_text(json.dumps({"cells": [md("# X\n\n**Time to learn:** 5 minutes\n")], "metadata": {},
                                "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    (folder / "instructor").mkdir()
    (folder / "instructor" / "09_x.md").write_text("The core path is stated at 5 minutes; a walk took 5 minutes.\n",
                                                   encoding="utf-8")
    return path


def test_sync_keeps_the_top_cell_as_lines(tmp_path):
    """nbformat stores a cell's source as a list of lines; --sync writes the same, so its diff is one line."""
    path = small_notebook(tmp_path)
    study_time.sync(path)
    top = json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"]
    assert top == ["# X\n", "\n", "**Time to learn:** 10 minutes\n"]  # 8 getting started + 6 words / 80 = 8.075 -> 10
    assert 'Lesson("09_x", "X", 10)' in (path.parent / "qianhai" / "course.py").read_text(encoding="utf-8")


def test_sync_writes_the_going_further_heading_as_the_top_cell_states_it(tmp_path):
    """06's heading said 100 minutes while its top cell said 105 (7 Dec 2026): --sync now writes both."""
    path = small_notebook(tmp_path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"][0]["source"] = ["# X\n", "\n", "**Time to learn:** 5 minutes · Going further (optional): about 1 more "
                                      "minutes\n"]
    notebook["cells"].append(md("## Going further (optional, about 1 minutes)\n\n" + "word " * 800))
    path.write_text(json.dumps(notebook), encoding="utf-8")
    core, optional = study_time.sync(path)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    # about 806 words (800 + the heading's) at 80 words a minute: just over 10 minutes of reading -> 15 (rounded up to 5)
    assert optional == 15
    assert "about 15 more minutes" in "".join(cells[0]["source"])
    assert cells[1]["source"][0] == "## Going further (optional, about 15 minutes)\n"
    # the guide says it too (06's guide said 100 while the notebook said 105, found by a fact-check on 7 Dec 2026)
    guide = path.parent / "instructor" / "09_x.md"
    guide.write_text("Set the *Going further* part (about 1 minutes) as homework.\n", encoding="utf-8")
    study_time.sync(path)
    assert guide.read_text(encoding="utf-8") == "Set the *Going further* part (about 15 minutes) as homework.\n"


WALKS_HEADER = "notebook,date,core_minutes,stated_then,walker,note\n"


@pytest.mark.parametrize("walked,due", [(None, 10), (7, 10), (4, 10), (12, 15), (10, 10)])
def test_a_longer_timed_walk_raises_the_stated_time_and_a_shorter_one_never_lowers_it(tmp_path, walked, due):
    # The small notebook: 8 getting started + 6 words / 80 = 8.075 -> 10. A walk of 12 minutes is longer: 12 -> 15.
    # A walk of 7 or of 4 is shorter than 8.075: still 10 (had the walk replaced the estimate, 4 would state 5).
    # No walk: 10. The other notebook's walk (08_y, 70) does not count for 09_x.
    path = small_notebook(tmp_path)
    walks = tmp_path / "walks.csv"
    rows = [] if walked is None else [f"09_x,2026-12-07,{walked},5,a student,", "08_y,2026-12-07,70,5,a student,"]
    walks.write_text(WALKS_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    assert study_time.sync(path, walks)[0] == due
    assert f'Lesson("09_x", "X", {due})' in (path.parent / "qianhai" / "course.py").read_text(encoding="utf-8")
    guide = (path.parent / "instructor" / "09_x.md").read_text(encoding="utf-8")
    assert f"The core path is stated at {due} minutes; a walk took 5 minutes." in guide  # only the stated time changes


def test_the_last_recorded_walk_of_a_notebook_counts(tmp_path):
    walks = tmp_path / "walks.csv"
    walks.write_text(WALKS_HEADER + "09_x,2026-12-06,80,75,a student,\n09_x,2026-12-07,66,75,a student,after cuts\n",
                     encoding="utf-8")
    assert study_time.latest_walk("09_x", walks) == 66.0
    assert study_time.latest_walk("08_y", walks) is None
    assert study_time.stated_core(63.2, "09_x", walks) == 70  # 66 > 63.2 -> 70


def test_every_recorded_walk_names_a_notebook_of_the_course():
    import csv

    stems = {lesson.slug for lesson in lessons()}
    with study_time.WALKS.open(encoding="utf-8") as f:
        unknown = [row["notebook"] for row in csv.DictReader(f) if row["notebook"] not in stems]
    assert not unknown, unknown
