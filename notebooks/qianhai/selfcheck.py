"""Self-check questions that say right or wrong, and why."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import ipywidgets as w

from qianhai.display import escape, message_html
from qianhai.inputs import InputProblem, parse_number
from qianhai.widgets import LABEL_STYLE, Panel


@dataclass
class Result:
    correct: bool | None  # None: no answer to judge yet
    text: str


@dataclass
class MultipleChoice:
    """Pick one option. ``why`` explains the right answer; ``hints`` may explain each wrong option."""

    question: str
    options: list[str]
    answer: str
    why: str
    hints: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.answer not in self.options:
            raise ValueError(f"The answer {self.answer!r} is not among the options.")
        self.choice = w.RadioButtons(options=self.options, value=None, description="Your answer:",
                                     style=LABEL_STYLE, layout=w.Layout(width="auto"))
        self.button = w.Button(description="Check", tooltip="Check your answer", button_style="primary")
        self.feedback = w.HTML(value="")
        self.button.on_click(lambda _: self.check())
        self.box = w.VBox([w.HTML(f"<b>{escape(self.question)}</b>"), self.choice, self.button, self.feedback])

    def judge(self, picked: object) -> Result:
        if picked is None or picked == "":
            return Result(None, "Pick an answer first.")
        if picked not in self.options:
            return Result(None, f"{str(picked)[:40]!r} is not one of the options.")
        if picked == self.answer:
            return Result(True, f"Right. {self.why}")
        hint = self.hints.get(picked, "")
        return Result(False, f"Not quite. {hint + ' ' if hint else ''}{self.why}")

    def check(self) -> Result:
        result = self.judge(self.choice.value)
        self.feedback.value = _html(result)
        return result


@dataclass
class NumericAnswer:
    """Type a number; right if within ``tolerance`` (absolute, in the answer's unit) of ``answer``."""

    question: str
    answer: float
    tolerance: float
    unit: str
    why: str

    def __post_init__(self):
        if not (math.isfinite(self.answer) and self.tolerance >= 0):
            raise ValueError("A numeric self-check needs a finite answer and a non-negative tolerance.")
        self.entry = w.Text(value="", description=f"Your answer ({self.unit}):", style=LABEL_STYLE,
                            placeholder="type a number", continuous_update=False)
        self.button = w.Button(description="Check", tooltip="Check your answer", button_style="primary")
        self.feedback = w.HTML(value="")
        self.button.on_click(lambda _: self.check())
        self.box = w.VBox([w.HTML(f"<b>{escape(self.question)}</b>"), w.HBox([self.entry, self.button]),
                           self.feedback])

    def judge(self, typed: object) -> Result:
        try:
            value = parse_number(typed, label="Your answer")
        except InputProblem as problem:
            return Result(None, str(problem))
        if abs(value - self.answer) <= self.tolerance:
            return Result(True, f"Right. {self.why}")
        direction = "too high" if value > self.answer else "too low"
        return Result(False, f"Not quite: {value:g} is {direction}. {self.why}")

    def check(self) -> Result:
        result = self.judge(self.entry.value)
        self.feedback.value = _html(result)
        return result


def _html(result: Result) -> str:
    kind = {True: "ok", False: "error", None: "info"}[result.correct]
    return message_html(result.text, kind)


def quiz(*questions, title: str = "Self-check") -> Panel:
    """Stack questions into one panel."""
    parts = [w.HTML(f"<h4>{escape(title)}</h4>")]
    for number, question in enumerate(questions, start=1):
        parts.append(w.HTML(f"<i>Question {number} of {len(questions)}</i>"))
        parts.append(question.box)
    panel = Panel(parts, summary=f"{title}: {len(questions)} questions with Check buttons")
    panel.questions = list(questions)
    return panel
