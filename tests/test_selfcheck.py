"""Self-checks: a total score, unit slips recognised, fractions accepted, whole numbers only for counts.
Every expected value is worked by hand in the comment beside it."""

from __future__ import annotations

import pytest

from qianhai.selfcheck import MultipleChoice, NumericAnswer, quiz


def numeric(answer, tolerance, unit, count=False):
    return NumericAnswer("?", answer=answer, tolerance=tolerance, unit=unit, why="Because.", count=count)


def test_score_updates_as_answers_are_checked():
    q1 = MultipleChoice("Which?", ["a", "b"], answer="b", why=".")
    q2 = numeric(10, 0.5, "years")
    q3 = numeric(2, 0, "times")
    panel = quiz(q1, q2, q3)
    assert "0 of 3 right" in panel.score.value and "3 not checked yet" in panel.score.value
    q1.choice.value = "b"
    q1.check()
    assert "1 of 3 right" in panel.score.value
    q2.entry.value = "12"  # wrong: counted as checked, not right
    q2.check()
    assert "1 of 3 right" in panel.score.value and "1 not checked yet" in panel.score.value
    q2.entry.value = "10"  # corrected: the score follows the last check
    q2.check()
    q3.entry.value = "2"
    q3.check()
    assert "Score: 3 of 3 right." in panel.score.value


@pytest.mark.parametrize("typed, meant", [
    ("4,195,000", "4.195 million people"),  # 4,195,000 / 1,000,000 = 4.195, the answer in millions
    ("4195", "4.195 million people"),  # 4,195 thousand = 4.195 million
])
def test_a_number_typed_in_full_gets_a_unit_hint(typed, meant):
    result = numeric(4.195, 0.01, "million people").judge(typed)
    assert result.correct is None and f"Did you mean {meant}?" in result.text
    assert "too high" not in result.text and "e+06" not in result.text


def test_a_number_typed_in_millions_where_the_answer_is_in_full():
    result = numeric(4_195_000, 1_000, "people").judge("4.195")  # 4.195 × 1,000,000 = 4,195,000
    assert result.correct is None and "Did you mean 4,195,000 people?" in result.text


@pytest.mark.parametrize("typed", ["0.33", "0.333"])
def test_a_fraction_typed_for_a_percent_gets_a_hint(typed):
    result = numeric(33.3, 0.5, "%").judge(typed)  # 0.333 × 100 = 33.3%
    assert result.correct is None and "looks like a fraction" in result.text and "too low" not in result.text


def test_a_percent_typed_for_a_fraction_gets_a_hint():
    result = numeric(1 / 3, 0.01, "share of 1").judge("33.3")  # 33.3 / 100 = 0.333, within 0.01 of 1/3
    assert result.correct is None and "looks like a percent" in result.text and "too high" not in result.text


@pytest.mark.parametrize("answer, unit, typed", [
    (1 / 3, "share of 1", "1/3"),  # the share itself
    (100 / 3, "%", "1/3"),  # in a percent question 1/3 is read as 33.33%
    (200 / 3, "%", "2 / 3"),
])
def test_fractions_are_accepted_where_the_answer_is_a_share(answer, unit, typed):
    assert numeric(answer, 0.05, unit).judge(typed).correct is True


def test_a_decimal_comma_is_still_refused():
    result = numeric(2.5, 0.05, "%").judge("2,5")
    assert result.correct is None and "use a point for decimals" in result.text


def test_whole_numbers_only_where_the_answer_is_a_count():
    # 2000 / 26 = 76.92...: an average, not a count, so 76.9 is judged, not refused
    assert numeric(2000 / 26, 0.05, "million CNY").judge("76.9").correct is True
    count = numeric(77, 0, "claims", count=True)
    result = count.judge("76.9")
    assert result.correct is None and "count" in result.text and "whole number" in result.text
    assert count.judge("77").correct is True


def test_percent_a_year_answers_get_the_same_hints():
    q = numeric(10.3, 0.3, "% a year")
    assert "looks like a fraction" in q.judge("0.103").text  # 0.103 × 100 = 10.3
    assert q.judge("10.3").correct is True


@pytest.mark.parametrize("answer, typed", [
    (21.6, "-21.6"),  # a fall of 21.6% a year typed as the change, -21.6: |-21.6| = 21.6
    (-21.6, "21.6"),  # the change asked for, the size of the fall typed
])
def test_the_right_size_with_the_wrong_sign_gets_a_sign_hint(answer, typed):
    result = numeric(answer, 0.5, "%").judge(typed)
    assert result.correct is None and "opposite sign" in result.text
    assert "too low" not in result.text and "too high" not in result.text


def test_a_wrong_number_of_either_sign_is_still_wrong():
    assert numeric(21.6, 0.5, "%").judge("-30").correct is False  # |-30| = 30, not within 0.5 of 21.6
    assert numeric(21.6, 0.5, "%").judge("21.4").correct is True  # |21.4 - 21.6| = 0.2 <= 0.5


@pytest.mark.parametrize("typed", ["-0,144", "−0,144"])
def test_decimal_comma_gets_a_hint_when_the_point_reading_is_right(typed):
    # '-0,144' reads as -144 (comma before three digits = thousands); read with a point it is -0.144,
    # within 0.005 of the answer -0.144: a decimal-comma slip, not "a thousand times as much".
    result = numeric(-0.144, 0.005, "thousand USD").judge(typed)
    assert result.correct is None
    assert "-0.144" in result.text.replace("−", "-") and "point for decimals" in result.text
    assert "thousand times" not in result.text


def test_thousands_comma_still_read_as_thousands():
    # '1,500' = 1500 (thousands separator), the answer itself: right, no decimal-comma hint.
    assert numeric(1500, 1, "people").judge("1,500").correct is True
    # '1,500' = 1500, but 1.5 is not within 0.01 of 2: an ordinary wrong answer, not a decimal-comma hint.
    assert "point for decimals" not in numeric(2, 0.01, "times").judge("1,500").text


def test_the_static_view_labels_each_answer_box_with_one_colon():
    """The static view writes "label: value"; a label ending in ':' showed "Your answer::" in every notebook."""
    panel = quiz(NumericAnswer("How much?", answer=1, tolerance=0, unit="%", why="w"),
                 MultipleChoice("Which?", ["a", "b"], answer="a", why="w"))
    static = panel.snapshot_html()
    assert "Your answer (%): <b>" in static and "Your answer: <b>" in static
    assert "::" not in static


def test_an_answer_with_a_typographic_minus_is_judged_as_a_number():
    # '−0.144' (U+2212) is -0.144, within 0.005 of the answer -0.144.
    assert numeric(-0.144, 0.005, "thousand USD").judge("−0.144").correct is True


def test_a_decimal_comma_after_zero_is_not_read_as_thousands():
    result = numeric(12.5, 0.5, "%").judge("0,125")
    assert result.correct is None and "use a point for decimals" in result.text and "125 is" not in result.text


def test_a_count_typed_in_millions_gets_the_scale_hint():
    result = numeric(4_195_000, 0, "firms", count=True).judge("4.195")
    assert result.correct is None and "Did you mean 4,195,000 firms?" in result.text
    assert "whole number" in numeric(77, 0, "claims", count=True).judge("7.5").text  # no scale fits: as before


def test_a_fraction_in_a_percent_a_year_answer_is_a_share_of_100():
    assert numeric(25, 0.1, "% a year").judge("1/4").correct is True  # 1/4 is 25%, as in a '%' answer


def test_a_wrong_number_gets_a_second_try_before_the_working():
    question = numeric(42, 0.5, "years")
    question.entry.value = "40"
    first = question.check()
    assert first.correct is False and "40 is too low" in first.text and "Because." not in first.text
    assert "Try once more" in first.text
    question.entry.value = "abc"  # not judged, so not a try
    assert question.check().correct is None
    question.entry.value = "50"
    second = question.check()
    assert second.correct is False and "50 is too high" in second.text and "Because." in second.text
    question.entry.value = "42"
    assert question.check().text == "Right. Because."
