"""Self-check questions that say right or wrong, and why."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import ipywidgets as w

from qianhai.display import escape, message_html
from qianhai.inputs import PERCENT, InputProblem, parse_number
from qianhai.widgets import LABEL_STYLE, Panel


@dataclass
class Result:
    correct: bool | None  # None: no answer to judge yet
    text: str
    working: str = ""  # for a wrong answer: the explanation, shown from the second wrong try on


TRY_AGAIN = "Try once more: the explanation appears after a second try."


class _Checked:
    """What both kinds of question share: a Check button and its feedback, the last result, listeners told
    after each check (the score), and a count of wrong answers: the first one gets a hint and another try, so that
    a student thinks again before reading the working (unless the question has only two options)."""

    second_try = True

    def _build(self, answer: w.Widget, beside: bool = False) -> None:
        """The question's box: its text, the ``answer`` widget with the button below (or ``beside``) it, feedback."""
        self.last: Result | None = None
        self.wrong_tries = 0
        self.listeners: list = []
        self.button = w.Button(description="Check", tooltip="Check your answer", button_style="primary")
        self.feedback = w.HTML(value="")
        self.button.on_click(lambda _: self.check())
        self.answer_widget = answer
        parts = [w.HBox([answer, self.button])] if beside else [answer, self.button]
        self.box = w.VBox([w.HTML(f"<b>{escape(self.question)}</b>"), *parts, self.feedback])

    def check(self) -> Result:
        """Judge the answer in the widget, show the feedback and tell the listeners."""
        result = self.judge(self.answer_widget.value)
        if result.correct is False:
            later = self.wrong_tries or not self.second_try
            result = Result(False, f"{result.text} {result.working if later else TRY_AGAIN}")
            self.wrong_tries += 1
        self.last = result
        kind = {True: "ok", False: "error", None: "info"}[result.correct]
        self.feedback.value = message_html(result.text, kind)
        for listener in self.listeners:
            listener()
        return result


@dataclass
class MultipleChoice(_Checked):
    """Pick one option. ``why`` explains the right answer; ``hints`` may explain each wrong option."""

    question: str
    options: list[str]
    answer: str
    why: str
    hints: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.answer not in self.options:
            raise ValueError(f"The answer {self.answer!r} is not among the options.")
        self.second_try = len(self.options) > 2  # with two options, a wrong pick already shows the right one
        self.choice = w.RadioButtons(options=self.options, value=None, description="Your answer",
                                     style=LABEL_STYLE, layout=w.Layout(width="auto"))
        self._build(self.choice)

    def judge(self, picked: object) -> Result:
        if picked is None or picked == "":
            return Result(None, "Pick an answer first.")
        if picked not in self.options:
            return Result(None, f"{str(picked)[:40]!r} is not one of the options.")
        if picked == self.answer:
            return Result(True, f"Right. {self.why}")
        hint = self.hints.get(picked, "")
        return Result(False, f"Not quite.{' ' + hint if hint else ''}", working=self.why)


# Unit slips a typed answer is checked for: the same number written in full instead of in thousands, millions
# or billions (or the reverse), and a fraction typed for a percent (or the reverse).
SCALES = [(1e3, "thousand"), (1e6, "million"), (1e9, "billion")]


@dataclass
class NumericAnswer(_Checked):
    """Type a number; right if within ``tolerance`` (absolute, in the answer's unit) of ``answer``.

    ``count=True`` accepts whole numbers only (for an answer that is a count). A fraction such as ``1/3`` is
    accepted (in a question whose unit starts with '%' it is read as 33.3%). A typed value that would be right in
    another scale (4,195,000 for 4.195 million, 0.33 for 33%) gets a hint about the unit, and a value of the right size
    but the wrong sign (−21.6 for a fall of 21.6%) a hint about the sign, not a verdict."""

    question: str
    answer: float
    tolerance: float
    unit: str
    why: str
    count: bool = False

    def __post_init__(self):
        if not (math.isfinite(self.answer) and self.tolerance >= 0):
            raise ValueError("A numeric self-check needs a finite answer and a non-negative tolerance.")
        self.entry = w.Text(value="", description=f"Your answer ({self.unit})", style=LABEL_STYLE,
                            placeholder="type a whole number" if self.count else "type a number",
                            continuous_update=False)
        self._build(self.entry, beside=True)

    def judge(self, typed: object) -> Result:
        percent = self.unit.strip().startswith(PERCENT)  # "%" or "% a year"
        try:
            value = parse_number(typed, label="Your answer", unit=PERCENT if percent else "")
        except InputProblem as problem:
            return Result(None, self._decimal_comma(typed) or str(problem))
        if self.count and not float(value).is_integer():
            slip = self._slip(value, percent)  # 4.195 for 4,195,000: the scale is the slip, not the decimals
            if slip:
                return Result(None, slip)
            return Result(None, f"This answer is a count, so it is a whole number; {_show(value)} is not. "
                                "Type a whole number.")
        if self._close(value):
            return Result(True, f"Right. {self.why}")
        slip = self._decimal_comma(typed) or self._slip(value, percent)
        if slip:
            return Result(None, slip)
        direction = "too high" if value > self.answer else "too low"
        return Result(False, f"Not quite: {_show(value)} is {direction}.", working=self.why)

    def _close(self, value: float) -> bool:
        return abs(value - self.answer) <= self.tolerance

    def _decimal_comma(self, typed: object) -> str:
        """A hint when the typed comma, read as a decimal point, gives the answer ('-0,144' reads as -144)."""
        text = str(typed).strip()
        if text.count(",") != 1:
            return ""
        try:
            value = parse_number(text.replace(",", "."), label="Your answer")
        except InputProblem:
            return ""
        if not self._close(value):
            return ""
        return (f"Did you mean {_show(value)}? You typed {text}: use a point for decimals (a comma is read only as "
                f"a thousands separator, so {text} is not {_show(value)}).")

    def _slip(self, value: float, percent: bool) -> str:
        """A hint when ``value`` is right in another scale; empty otherwise."""
        if value == 0:
            return ""
        if self._close(-value):
            return (f"You typed {_show(value)}: the right size, but the opposite sign. Read what the question asks "
                    f"for (a fall as a positive number, or a change that is negative for a fall) and type "
                    f"{_show(-value)}.")
        if percent and self._close(value * 100):
            return (f"You typed {_show(value)}, which looks like a fraction; this answer is in percent. As a percent, "
                    f"{_show(value)} is {_show(value * 100)}%. Type {_show(value * 100)}.")
        if not percent and abs(self.answer) <= 1 and self._close(value / 100):
            return (f"You typed {_show(value)}, which looks like a percent; this answer is a fraction of 1, so "
                    f"{_show(value)}% is {_show(value / 100)}. Type {_show(value / 100)}.")
        for factor, name in SCALES:
            if self._close(value / factor):
                return (f"Did you mean {_show(value / factor)} {self.unit}? You typed {_show(value)}, a {name} times as "
                        f"much: perhaps the number in full, but this answer is asked in {self.unit}.")
            if self._close(value * factor):
                return (f"Did you mean {_show(value * factor)} {self.unit}? You typed {_show(value)}, perhaps in "
                        f"{name}s, but this answer is asked in {self.unit}.")
        return ""


def _show(value: float) -> str:
    """A typed or computed number as a student writes it: 4,195,000 or 4.195, never 4.195e+06."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.4g}"


def score_text(questions) -> str:
    """'Score: 3 of 4 right', from each question's last check."""
    right = sum(1 for q in questions if q.last is not None and q.last.correct)
    checked = sum(1 for q in questions if q.last is not None and q.last.correct is not None)
    rest = "" if checked == len(questions) else f" ({len(questions) - checked} not checked yet)"
    return f"Score: {right} of {len(questions)} right{rest}."


def quiz(*questions, title: str = "Self-check") -> Panel:
    """Stack questions into one panel, under a heading whose total score updates as answers are checked."""
    header = w.HTML()

    def update_score() -> None:
        header.value = f"<h4>{escape(title)}</h4><b>{escape(score_text(questions))}</b>"

    update_score()
    parts = [header]
    for number, question in enumerate(questions, start=1):
        parts += [w.HTML(f"<i>Question {number} of {len(questions)}</i>"), question.box]
        question.listeners.append(update_score)
    panel = Panel(parts, summary=f"{title}: {len(questions)} questions with Check buttons and a total score")
    panel.questions = list(questions)
    panel.score = header
    return panel
