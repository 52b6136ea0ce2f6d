"""Widget wiring and self-checks, driven by setting .value as a student's browser would."""

from __future__ import annotations

import pytest

from qianhai.display import escape, message_html
from qianhai.selfcheck import MultipleChoice, NumericAnswer, quiz
from qianhai.widgets import Messages, Panel, TwinRange, TwinSlider


def test_twin_slider_follows_typed_number_and_back():
    twin = TwinSlider("Year", minimum=1979, maximum=2023, value=2000)
    twin.text.value = "1990"
    assert twin.slider.value == 1990
    twin.slider.value = 2010
    assert twin.text.value == "2010"


@pytest.mark.parametrize("typed", ["abc", "", "1900", "nan", "1e308", "<script>alert(1)</script>"])
def test_twin_slider_bad_typed_value_keeps_slider_and_explains(typed):
    twin = TwinSlider("Year", minimum=1979, maximum=2023, value=2000)
    twin.text.value = typed
    assert twin.slider.value == 2000
    assert "Type a whole number from 1979 to 2023" in twin.messages.last
    assert "<script>" not in twin.messages.widget.value


def test_float_twin():
    twin = TwinSlider("Rate", minimum=0, maximum=0.2, value=0.05, step=0.005, integer=False, unit="per year")
    twin.text.value = "0.1"
    assert twin.slider.value == pytest.approx(0.1)
    assert twin.text.description == "or type (per year)"


def test_twin_range_typed_and_inverted():
    rng = TwinRange("Years", minimum=1979, maximum=2023, value=(1980, 2020))
    rng.start.value = "1990"
    assert rng.value == (1990, 2020)
    rng.start.value = "2021"
    rng.end.value = "2000"
    assert rng.value == (1990, 2020)
    assert "must come before" in rng.messages.last
    rng.slider.value = (1985, 1995)
    assert (rng.start.value, rng.end.value) == ("1985", "1995")
    assert rng.messages.last == ""  # the slider move answered the inverted boxes


def test_twin_range_keeps_a_slider_range_of_one_year():
    # Both handles dragged onto 2010: the boxes show it and the slider stays there (the explorer says why it has no
    # answer); before, copying the first box sent (2010, 2020) back to the slider.
    rng = TwinRange("Years", minimum=1979, maximum=2023, value=(1980, 2020))
    rng.slider.value = (2010, 2010)
    assert rng.value == (2010, 2010) and (rng.start.value, rng.end.value) == ("2010", "2010")


def test_messages_escape_html():
    msgs = Messages()
    msgs.error('<img src=x onerror="alert(1)">')
    assert "<img" not in msgs.widget.value and "&lt;img" in msgs.widget.value
    msgs.clear()
    assert msgs.widget.value == ""
    assert escape("<b>") == "&lt;b&gt;"
    assert "&lt;script&gt;" in message_html("<script>", "info")


def test_panel_plain_text_describes_itself():
    assert repr(Panel([], summary="growth explorer")) == "[Interactive: growth explorer. Run the notebook to use it.]"


def test_multiple_choice_right_wrong_and_empty():
    q = MultipleChoice("Which?", ["a", "b", "c"], answer="b", why="Because b.", hints={"a": "a is a trap."})
    assert q.check().correct is None and "Pick an answer" in q.feedback.value
    q.choice.value = "a"
    q.button.click()  # a first wrong answer gets its hint and another try, not the working
    assert "Not quite" in q.feedback.value and "a is a trap." in q.feedback.value and "Because b." not in q.feedback.value
    assert "Try once more" in q.feedback.value
    q.choice.value = "c"
    q.button.click()  # the second wrong try shows the explanation
    assert "Not quite" in q.feedback.value and "Because b." in q.feedback.value
    q.choice.value = "b"
    assert q.check().correct is True


def test_two_option_question_explains_at_the_first_wrong_pick():
    # with two options a wrong pick already tells which one is right: another try would teach nothing
    q = MultipleChoice("Which?", ["a", "b"], answer="b", why="Because b.", hints={"a": "a is a trap."})
    q.choice.value = "a"
    assert q.check().text == "Not quite. a is a trap. Because b."


def test_judging_an_answer_does_not_depend_on_earlier_checks():
    q = MultipleChoice("Which?", ["a", "b", "c"], answer="b", why="Because b.")
    q.choice.value = "a"
    q.check()
    q.check()
    assert q.judge("a") == q.judge("a") and q.judge("a").working == "Because b."


def test_multiple_choice_rejects_answer_not_in_options():
    with pytest.raises(ValueError):
        MultipleChoice("?", ["a"], answer="z", why="")


@pytest.mark.parametrize(
    "typed, correct, words",
    [("10", True, "Right"), ("10.4", True, "Right"), ("11", False, "too high"), ("9", False, "too low"),
     ("ten", None, "not a number"), ("", None, "empty"), ("inf", None, "finite"), ("<b>", None, "not a number"),
     ("5,5", None, "use a point for decimals"), ("1,0", None, "use a point for decimals")],
)
def test_numeric_answer(typed, correct, words):
    q = NumericAnswer("How many?", answer=10, tolerance=0.5, unit="years", why="Because ten.")
    q.entry.value = typed
    result = q.check()
    assert result.correct is correct and words in result.text
    assert "<b>" not in q.feedback.value


def test_a_decimal_comma_in_a_typed_box_is_refused_not_read_as_thousands():
    """'2,5' typed for a growth rate of 2.5% must not become 25%: the slider stays, a message explains."""
    twin = TwinSlider("Growth", minimum=0, maximum=30, value=5, integer=False, unit="%")
    twin.text.value = "2,5"
    assert twin.value == 5
    assert "use a point for decimals" in twin.messages.widget.value


def test_quiz_panel():
    q1 = MultipleChoice("Which?", ["a", "b"], answer="b", why=".")
    q2 = NumericAnswer("How many?", answer=1, tolerance=0, unit="x", why=".")
    panel = quiz(q1, q2)
    assert panel.questions == [q1, q2]
    assert "2 questions" in repr(panel)


def test_explorer_pattern_compute_draw_describe_or_refuse():
    import ipywidgets as w

    from qianhai.inputs import parse_number
    from qianhai.widgets import Explorer

    class Doubler(Explorer):
        def __init__(self):
            super().__init__()
            self.number = w.Text(value="2")
            self.drawn = []
            self.watch(self.number)
            self.update()

        def compute(self):
            return 2 * parse_number(self.number.value, label="Number", minimum=0, maximum=10, integer=True)

        def draw(self, result):
            self.drawn.append(result)

        def describe(self, result):
            self.messages.clear()
            self.result.value = f"twice that is {result}"

    ex = Doubler()
    assert (ex.last, ex.drawn, ex.result.value) == (4, [4], "twice that is 4")
    ex.number.value = "12"  # out of range: the message replaces the result, nothing is drawn
    assert ex.last is None and ex.drawn == [4] and ex.result.value == ""
    assert "Type a whole number from 0 to 10" in ex.messages.last
    ex.number.value = "3"
    assert (ex.last, ex.drawn[-1], ex.messages.last) == (6, 6, "")


def test_every_explorer_follows_the_pattern():
    from qianhai import evaluation, finance, governance, innovation, scenarios, sez, tax, timeline
    from qianhai.widgets import Explorer

    explorers = [sez.GrowthExplorer, sez.OvertakeExplorer, timeline.DateExplorer, tax.CITChecker,
                 tax.TalentTaxCalculator, innovation.EditionPicker, innovation.DiffusionExplorer,
                 finance.ShareExplorer, finance.LoanSavingCalculator, governance.InspectionExplorer,
                 governance.ServiceExplorer, scenarios.ScenarioExplorer, evaluation.DidExplorer,
                 evaluation.SynthExplorer]
    for cls in explorers:
        assert issubclass(cls, Explorer) and "update" not in vars(cls), cls.__name__


def test_the_static_view_of_an_unanswered_question_does_not_say_none():
    """A static page (no kernel) showed 'Your answer: None' for a multiple-choice item nobody had answered."""
    import ipywidgets as w

    from qianhai.widgets import Panel

    html = Panel([w.RadioButtons(options=["a", "b"], value=None, description="Your answer"),
                  w.Text(value="", description="Typed")], summary="a question").snapshot_html()
    assert "None" not in html
    assert "Your answer: <b>(not answered)</b>" in html and "Typed: <b>(empty)</b>" in html


def test_twin_redraws_only_when_the_value_changes():
    # a review found that retyping the current value (or its own rounding) ran the explorer's whole update again
    twin = TwinSlider("Rate", minimum=0, maximum=100, value=100 / 3, step=0.1, integer=False, unit="%")
    seen = []
    twin.observe(seen.append)
    twin.text.value = twin.text.value + " "  # the shown value typed again
    twin.text.value = "50"
    twin.text.value = "50.0"
    assert seen == [50]
