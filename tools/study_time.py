"""How long a notebook takes a non-programmer: the rule CONTRIBUTING.md ("How a time is estimated") states,
computed from the notebook itself, so that the estimate follows the content it describes.

The rates are calibrated on timed walkthroughs by students new to the course, the latest round weighing most.
At commit 376e543, notebooks 02, 03, 04, 05, 06 and 07 took about 92, 91, 78, 84, 79 and 82 minutes for their core
paths; these rates give 84, 90, 79, 84, 84 and 85 (the rates before gave 72, 73, 63, 71, 71 and 70). Students read
printed lines of figures as slowly as prose (tables turned into printed lines saved them no time), and every
notebook costs a few minutes to open, start and find one's way back in. At commit 0ee01ea (longer notebooks), 01-06
and 08 took 72-93 minutes and these rates overestimate them by 14 on average: the estimate errs on the long side.

The stated core time is the estimate, or the notebook's last timed walkthrough (its last row in study_walks.csv)
where that took longer: a measured walk can raise a notebook's stated time, never lower it below the estimate.

    python tools/study_time.py notebooks/05_finance.ipynb   # prints core and optional minutes, with the parts
    python tools/study_time.py --sync notebooks/0*.ipynb    # writes them into each notebook, course.py and guide
"""

from __future__ import annotations

import csv
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Minutes per unit (CONTRIBUTING.md, "How a time is estimated").
PROSE_WORDS_PER_MINUTE = 80  # dense text in a second language, read to be understood
OUTPUT_WORDS_PER_MINUTE = 90  # printed facts and figures, read line by line like prose
MINUTES_PER_NOTEBOOK = 8.0  # open it, start the kernel, scroll back to find an earlier result
MINUTES_PER_CODE_LINE = 0.05  # a visible line of code, read before running it
MINUTES_PER_CODE_CELL = 0.4  # run it, look at what changed
MINUTES_PER_TABLE = 3.0  # read row by row to find what the text points at
MINUTES_PER_CHART = 3.0
MINUTES_PER_WIDGET = 8.0  # move it until its question is answered
MINUTES_PER_QUESTION = 3.0  # a "**Question.**" prompt, thought through before opening its answer
MINUTES_PER_EXERCISE = {"warm-up": 6.0, "core": 12.0, "stretch": 18.0}
MINUTES_PER_SELF_CHECK_ITEM = 2.0

OPTIONAL_HEADING = re.compile(r"^##\s+Going further", re.M)
LEVEL = re.compile(r"\*Level:\s*(warm-up|core|stretch)", re.I)
WIDGET = "application/vnd.jupyter.widget-view+json"
# Generated lists a student consults rather than reads through: the Sources note and the readings list.
REFERENCE_CALLS = re.compile(r"\b(sources_note|readings_for)\(")


@dataclass
class StudyTime:
    core: float = 0.0
    optional: float = 0.0
    reference: float = 0.0  # opening the Sources and readings lists; neither core nor optional
    parts: dict[str, float] = field(default_factory=dict)

    def add(self, part: str, minutes: float, optional: bool) -> None:
        if optional:
            self.optional += minutes
        else:
            self.core += minutes
        key = f"{'optional' if optional else 'core'} {part}"
        self.parts[key] = self.parts.get(key, 0.0) + minutes


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _words(text: str) -> int:
    return len(re.findall(r"[\w’'-]+", text))


def _without_details(markdown: str) -> tuple[str, str]:
    """Prose a student reads first, and what is folded (solutions, model answers: read after trying)."""
    folded = " ".join(re.findall(r"<details>(.*?)</details>", markdown, flags=re.S))
    return re.sub(r"<details>.*?</details>", " ", markdown, flags=re.S), folded


def _exercises(markdown: str) -> list[str]:
    """The level of each '### Exercise' in a cell ('core' where none is stated)."""
    levels = []
    for block in re.split(r"(?m)^###\s+Exercise", markdown)[1:]:
        found = LEVEL.search(block)
        levels.append(found.group(1).lower() if found else "core")
    return levels


def estimate(notebook: dict) -> StudyTime:
    time = StudyTime()
    time.add("getting started", MINUTES_PER_NOTEBOOK, optional=False)
    optional = False
    for cell in notebook["cells"]:
        text = _text(cell)
        if cell["cell_type"] == "markdown":
            if re.search(r"(?m)^##\s", text):
                optional = bool(OPTIONAL_HEADING.search(text))
            read, folded = _without_details(text)
            for level in _exercises(read):
                time.add("exercises", MINUTES_PER_EXERCISE[level], optional or level == "stretch")
            time.add("reading", _words(read) / PROSE_WORDS_PER_MINUTE, optional)
            time.add("solutions read", _words(folded) / (2 * PROSE_WORDS_PER_MINUTE), optional)
            time.add("questions", MINUTES_PER_QUESTION * text.count("**Question.**"), optional)
            continue
        if cell["cell_type"] != "code":
            continue
        hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
        if REFERENCE_CALLS.search(text):
            time.reference += MINUTES_PER_CODE_CELL
            continue
        lines = [line for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
        time.add("code", MINUTES_PER_CODE_CELL + (0 if hidden else MINUTES_PER_CODE_LINE * len(lines)), optional)
        checks = len(re.findall(r"\b(NumericAnswer|MultipleChoice)\(", text))
        time.add("self-check", MINUTES_PER_SELF_CHECK_ITEM * checks, optional)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") == "stream":
                time.add("output", _words(output.get("text", "") if isinstance(output.get("text"), str)
                                          else "".join(output.get("text", []))) / OUTPUT_WORDS_PER_MINUTE, optional)
            elif WIDGET in data:
                if not checks:
                    time.add("widgets", MINUTES_PER_WIDGET, optional)
            elif "image/png" in data or "image/svg+xml" in data:
                time.add("charts", MINUTES_PER_CHART, optional)
            elif "text/html" in data and "<table" in "".join(data["text/html"]):
                time.add("tables", MINUTES_PER_TABLE, optional)
            elif "text/markdown" in data:
                md = data["text/markdown"]
                time.add("output", _words(md if isinstance(md, str) else "".join(md)) / PROSE_WORDS_PER_MINUTE / 3,
                         optional)
    return time


def estimate_file(path: Path | str) -> StudyTime:
    return estimate(json.loads(Path(path).read_text(encoding="utf-8")))


def rounded(minutes: float) -> int:
    """A stated time: to the next 5 minutes."""
    return int(-(-minutes // 5) * 5)


WALKS = Path(__file__).with_name("study_walks.csv")


def latest_walk(stem: str, walks: Path = WALKS) -> float | None:
    """The core minutes of the last timed walkthrough of notebook ``stem`` recorded in ``walks`` (None if none)."""
    with walks.open(encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row["notebook"] == stem]
    return float(rows[-1]["core_minutes"]) if rows else None


def stated_core(estimate_minutes: float, stem: str, walks: Path = WALKS) -> int:
    """The core time to state: the estimate, or the last timed walkthrough where that took longer, rounded up."""
    return rounded(max(estimate_minutes, latest_walk(stem, walks) or 0.0))


STATED = re.compile(r"\*\*Time to learn:\*\* (\d+) minutes")
STATED_OPTIONAL = re.compile(r"Going further \(optional\)(?:\*\*)?:(?:\*\*)? about (\d+) more minutes")
OPTIONAL_HEADING_TIME = re.compile(r"^(##\s+Going further \(optional, about )\d+( minutes\))", re.M)
# e.g. "Going further* part (about 50 minutes" in a guide
GUIDE_OPTIONAL_TIME = re.compile(r"(Going further[^(]{0,40}\(about )\d+( minutes)")


def stated(notebook: dict) -> tuple[int | None, int | None]:
    """The core and optional minutes the notebook's first cell states (None where it states none)."""
    top = _text(notebook["cells"][0])
    core, optional = STATED.search(top), STATED_OPTIONAL.search(top)
    return (int(core.group(1)) if core else None, int(optional.group(1)) if optional else None)


def sync(path: Path, walks: Path = WALKS) -> tuple[int, int]:
    """Write the times to state into the notebook's first cell and its "Going further" heading, into
    qianhai/course.py (LESSONS) and into the instructor guide's "stated at N minutes" and "Going further ... (about N
    minutes" (notebooks/instructor/<stem>.md, where it exists)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    t = estimate(notebook)
    core, optional = stated_core(t.core, path.stem, walks), rounded(t.optional) if t.optional else 0
    top = _text(notebook["cells"][0])
    top = STATED.sub(lambda m: m.group(0).replace(m.group(1), str(core)), top)
    top = STATED_OPTIONAL.sub(lambda m: m.group(0).replace(m.group(1), str(optional)), top)
    notebook["cells"][0]["source"] = top.splitlines(keepends=True)  # as nbformat stores it: a small diff
    for cell in notebook["cells"][1:]:
        text = _text(cell)
        if cell["cell_type"] == "markdown" and OPTIONAL_HEADING_TIME.search(text):
            cell["source"] = OPTIONAL_HEADING_TIME.sub(rf"\g<1>{optional}\2", text).splitlines(keepends=True)
    path.write_text(json.dumps(notebook, sort_keys=True, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    course = path.parent / "qianhai" / "course.py"
    code = course.read_text(encoding="utf-8")
    code = re.sub(rf'(Lesson\("{path.stem}", "[^"]*", )\d+', rf"\g<1>{core}", code)
    course.write_text(code, encoding="utf-8")
    guide = path.parent / "instructor" / f"{path.stem}.md"
    if guide.exists():
        text = re.sub(r"(core path[^.]*?stated at )\d+( minutes)", rf"\g<1>{core}\2",
                      guide.read_text(encoding="utf-8"), count=1, flags=re.S)
        text = GUIDE_OPTIONAL_TIME.sub(rf"\g<1>{optional}\2", text, count=1)
        guide.write_text(text, encoding="utf-8")
    return core, optional


USAGE = """usage: python tools/study_time.py NOTEBOOK.ipynb ...         print core and optional minutes, with the parts
       python tools/study_time.py --sync NOTEBOOK.ipynb ...  write them into each notebook, course.py and guide"""


if __name__ == "__main__":
    names = [a for a in sys.argv[1:] if not a.startswith("-")]
    missing = [n for n in names if not Path(n).is_file()]
    if not names or {"-h", "--help"} & set(sys.argv[1:]) or missing:
        print(USAGE if not missing else f"study_time: no such notebook: {', '.join(missing)}\n{USAGE}",
              file=sys.stderr if missing else sys.stdout)
        sys.exit(0 if {"-h", "--help"} & set(sys.argv[1:]) and not missing else 2)
    if sys.argv[1:2] == ["--sync"]:
        for name in sys.argv[2:]:
            print(name, "core %d, optional %d minutes" % sync(Path(name)))
        sys.exit(0)
    for name in sys.argv[1:]:
        t = estimate_file(name)
        walked = latest_walk(Path(name).stem)
        print(f"{name}: core {t.core:.0f} min, last walk {'none' if walked is None else f'{walked:.0f} min'} "
              f"(state {stated_core(t.core, Path(name).stem)}), optional {t.optional:.0f} min")
        for part, minutes in sorted(t.parts.items()):
            print(f"  {part:<24} {minutes:5.1f}")
