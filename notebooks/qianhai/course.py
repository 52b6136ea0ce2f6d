"""The course map: one place for each notebook's file, title, time to learn and article sections (notebook 00
shows it, the README's tables are built from it, tests use it to find notebooks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qianhai.display import WholeText

NOTEBOOK_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    minutes: int
    sections: str  # article sections (COURSE.md "The source narrative") the notebook covers
    question: str

    @property
    def file(self) -> str:
        return f"{self.slug}.ipynb"

    @property
    def exists(self) -> bool:
        return (NOTEBOOK_DIR / self.file).exists()


LESSONS = [
    Lesson("00_start_here", "Start here: how this course works, and the claims we will test", 75, "1",
           "What does the article claim, and how will we test it?"),
    Lesson("01_shenzhen_sez", "Forty years of the Shenzhen SEZ", 70, "1",
           "How fast did Shenzhen grow, and how sure are the numbers?"),
    Lesson("02_blank_sheet", "A blank sheet of paper: Qianhai 2010–2021", 70, "2",
           "What was built in Qianhai, when, and on which territory?"),
    Lesson("03_industrial_policy", "Industrial policy: three bright spots", 75, "3",
           "What do the tax incentives actually give a firm or a worker?"),
    Lesson("04_system_innovation", "System innovation: negative lists and 'replicable' reform", 75, "4",
           "What does 'replicable and extendable' reform look like in numbers?"),
    Lesson("05_finance", "Finance: one-third of firms, two-thirds of value added?", 70, "6",
           "What would the finance claim imply, and can we check it?"),
    Lesson("06_governance", "Governing differently: statutory bodies, credit and services", 75, "5",
           "How might a statutory body and credit-based supervision change outcomes?"),
    Lesson("07_evaluation", "Does it work? How economists evaluate zones", 70, "4, 6",
           "How do economists tell a zone's effect from what would have happened anyway?"),
    Lesson("08_golden_decade", "The golden decade: scenarios and judgement", 70, "7",
           "Is the 'golden decade' on track, and what is our verdict on each claim?"),
]


def course_map() -> WholeText:
    """The nine notebooks as a table, every cell in full."""
    return WholeText([{"notebook": x.file, "title": x.title, "time to learn (min)": x.minutes,
                       "article sections": x.sections, "question": x.question} for x in LESSONS])
