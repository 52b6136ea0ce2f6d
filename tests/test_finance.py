"""Notebook 05 plumbing. Expected values are worked by hand (the arithmetic is in each comment) from the claim's
fractions and from data/qianhai_finance_facts.csv and data/crossborder_rmb_loans.csv (rows quoted)."""

from __future__ import annotations

import html
import math

import pytest

from qianhai.data import load
from qianhai.finance import (LoanSavingCalculator, ShareExplorer, batch_value, implied_ratio, interest_saving,
                             loan_table, simplifications, value_share_for_ratio)
from qianhai.inputs import InputProblem
from qianhai.widgets import TwinSlider


@pytest.fixture(scope="module")
def loans():
    return load("crossborder_rmb_loans")


@pytest.fixture(scope="module")
def facts():
    return load("qianhai_finance_facts").set_index("fact_id")


# ------------------------------------------------------------------------------------------- shares

def test_the_claim_implies_four():
    # one-third of firms, two-thirds of value added:
    # financial vs average = (2/3) / (1/3) = 2; others vs average = (1/3) / (2/3) = 0.5; R = 2 / 0.5 = 4.
    result = implied_ratio(100 / 3, 200 / 3)
    assert result.finance_vs_average == pytest.approx(2.0)
    assert result.others_vs_average == pytest.approx(0.5)
    assert result.ratio == pytest.approx(4.0)
    assert "4.00 times the value added of a non-financial firm" in result.sentence()
    assert result.arithmetic() == "(66.7 / 33.3) / (33.3 / 66.7) = 2.000 / 0.500 = 4.00"


def test_2016_firm_share_with_two_thirds(facts):
    # fin_2016_share_financial = 47 (% of registered companies). With 2/3 of value added:
    # (0.6667 / 0.47) / (0.3333 / 0.53) = 1.41844 / 0.62893 = 2.2553  (exactly 2 × 53 / 47 = 106 / 47).
    share = facts.loc["fin_2016_share_financial", "value"]
    assert share == 47
    assert implied_ratio(share, 200 / 3).ratio == pytest.approx(106 / 47, rel=1e-9)
    assert implied_ratio(share, 200 / 3).ratio == pytest.approx(2.2553, abs=1e-4)


@pytest.mark.parametrize("firms, value, expected", [
    (20, 50, 4.0),        # (0.5 / 0.2) / (0.5 / 0.8) = 2.5 / 0.625 = 4
    (25, 50, 3.0),        # (0.5 / 0.25) / (0.5 / 0.75) = 2 / 0.6667 = 3
    (50, 80, 4.0),        # (0.8 / 0.5) / (0.2 / 0.5) = 1.6 / 0.4 = 4
    (40, 40, 1.0),        # equal shares: 1 / 1 = 1
    (60, 30, 0.285714),   # (0.3 / 0.6) / (0.7 / 0.4) = 0.5 / 1.75 = 0.285714
])
def test_ratio_by_hand(firms, value, expected):
    assert implied_ratio(firms, value).ratio == pytest.approx(expected, abs=1e-6)


def test_ratio_below_one_and_equal_are_worded():
    assert "only 0.29 times" in implied_ratio(60, 30).sentence()
    assert "no concentration" in implied_ratio(40, 40).sentence()


def test_value_share_for_ratio_by_hand():
    # v = R f / (1 - f + R f). At 47% and R = 4: 1.88 / (0.53 + 1.88) = 1.88 / 2.41 = 0.780083.
    assert value_share_for_ratio(47, 4) == pytest.approx(78.0083, abs=1e-4)
    # At 50% and R = 4: 2 / 2.5 = 0.8. At R = 1 the value share equals the firm share.
    assert value_share_for_ratio(50, 4) == pytest.approx(80.0)
    assert value_share_for_ratio(30, 1) == pytest.approx(30.0)


@pytest.mark.parametrize("firms, ratio", [(5, 0.5), (33.3, 4), (47, 2.25), (90, 8)])
def test_value_share_round_trip(firms, ratio):
    assert implied_ratio(firms, value_share_for_ratio(firms, ratio)).ratio == pytest.approx(ratio, rel=1e-9)


def test_ratio_is_monotonic():
    # more value added for the same firms -> higher ratio; more firms for the same value added -> lower ratio.
    by_value = [implied_ratio(30, v).ratio for v in (10, 30, 50, 70, 90)]
    by_firms = [implied_ratio(f, 60).ratio for f in (10, 30, 50, 70, 90)]
    assert by_value == sorted(by_value) and by_firms == sorted(by_firms, reverse=True)


@pytest.mark.parametrize("firms, value, words", [
    (0, 50, "0% makes the ratio undefined"), (100, 50, "100% makes the ratio undefined"),
    (50, 0, "0% makes the ratio undefined"), (50, 100, "divides by zero"),
    (-1, 50, "below 0"), (150, 50, "above 100"), (1e308, 50, "above 100"),
    (float("nan"), 50, "not a finite number"), (float("inf"), 50, "not a finite number"),
    ("", 50, "the box is empty"), ("abc", 50, "'abc' is not a number"), (None, 50, "not NoneType"),
    ([1], 50, "not list"), (True, 50, "not bool"),
])
def test_shares_bad_input_gives_message(firms, value, words):
    with pytest.raises(InputProblem, match=words):
        implied_ratio(firms, value)


@pytest.mark.parametrize("ratio, words", [(0, "zero would mean"), (-2, "negative"), (float("nan"), "not a finite"),
                                          (1e308, "above"), ("x", "not a number"), (None, "not NoneType")])
def test_value_share_bad_ratio(ratio, words):
    with pytest.raises(InputProblem, match=words):
        value_share_for_ratio(40, ratio)


def test_typed_text_is_accepted():
    assert implied_ratio(" 25 ", "50").ratio == pytest.approx(3.0)


def test_fractions_looking_percents_are_refused():
    """implied_ratio(0.2, 0.5) used to return 2.51, the ratio for 0.2% and 0.5%, silently."""
    with pytest.raises(InputProblem, match=r"look like fractions \(meaning 20% and 50%\)"):
        implied_ratio(0.2, 0.5)
    # (0.5 / 0.2) / (0.5 / 0.8) = 2.5 / 0.625 = 4: the same shares given as fractions, explicitly
    assert implied_ratio(0.2, 0.5, unit="fraction").ratio == pytest.approx(4.0)
    assert implied_ratio(20, 50).ratio == pytest.approx(4.0)
    with pytest.raises(InputProblem, match="unit must be"):
        implied_ratio(20, 50, unit="per mille")
    with pytest.raises(InputProblem, match="above 1"):
        implied_ratio(20, 50, unit="fraction")


def test_thirds_typed_as_fractions():
    # the notebook's thirds: 1/3 of firms, 2/3 of value added -> (2/3 / 1/3) / (1/3 / 2/3) = 2 / 0.5 = 4
    assert implied_ratio("1/3", "2/3").ratio == pytest.approx(4.0)
    ex = ShareExplorer(firms_pct=30, value_pct=60)
    ex.firms.text.value = "1/3"
    assert ex.firms.value == pytest.approx(100 / 3) and ex.messages.last in ("", None)


def test_a_fraction_in_a_percent_box_gets_a_warning():
    ex = ShareExplorer(firms_pct=30, value_pct=60)
    ex.firms.text.value = "0.33"  # 0.33% of firms: kept (it is a possible share) but flagged
    assert ex.firms.value == pytest.approx(0.33)
    assert "If you meant the fraction 0.33, that is 33%" in html.unescape(ex.result.value)
    ex.firms.text.value = "33"
    assert "If you meant" not in ex.result.value


def test_a_tiny_share_gets_a_message_not_an_error():
    ex = ShareExplorer(firms_pct=10., value_pct=50.)
    ex.firms.text.value = "5e-324"  # divided by zero in the observer
    assert "too small to tell from 0" in ex.messages.last and ex.firms.value == 10
    with pytest.raises(InputProblem, match="too small"):
        implied_ratio(1e-310, 50)  # was 'inf times'


def test_one_fraction_rule_in_every_percent_a_year_box():
    calc = LoanSavingCalculator(amount_m=100, years=2, offshore_pct=4.5, onshore_pct=6)
    calc.onshore.text.value = "1/10"  # 1/10 of 100% is 10% a year, as '1/10' in a '%' box
    assert calc.onshore.value == pytest.approx(10)
    assert interest_saving(100, 2, "1/25", 6).offshore_pct == pytest.approx(4)


# --------------------------------------------------------------------------------------------- loans

def test_first_batch_rows(loans):
    # first_batch_amount_cny = 2 (bn yuan, 'about'); projects 26; rates 4.3-4.5; onshore 6; tenor 1-4 years.
    assert batch_value(loans, "first_batch_amount_cny") == 2
    assert batch_value(loans, "first_batch_projects") == 26
    assert (batch_value(loans, "first_batch_rate_min"), batch_value(loans, "first_batch_rate_max")) == (4.3, 4.5)
    assert batch_value(loans, "onshore_comparison_rate") == 6
    assert batch_value(loans, "first_batch_tenor_max") == 4


def test_batch_value_problems(loans):
    with pytest.raises(InputProblem, match="no number"):
        batch_value(loans, "named_lender_hsbc")
    with pytest.raises(InputProblem, match="No single row"):
        batch_value(loans, "no_such_row")


def test_whole_batch_one_year_by_hand(loans):
    # 2 bn yuan = 2000 million; at 4.3% vs 6%: 2000 × 1.7% = 34 million; at 4.5%: 2000 × 1.5% = 30 million.
    amount = batch_value(loans, "first_batch_amount_cny") * 1000
    low = interest_saving(amount, 1, batch_value(loans, "first_batch_rate_min"), 6)
    high = interest_saving(amount, 1, batch_value(loans, "first_batch_rate_max"), 6)
    assert low.total == pytest.approx(34.0) and high.total == pytest.approx(30.0)
    assert low.arithmetic() == ("Each year: 2,000 × (6.00% − 4.30%) = 2,000 × 1.70% (the gap) = 34.0000 million CNY; "
                                "over 1 year: 1 × 34.0000 = 34.0000 million CNY.")


def test_average_loan_over_four_years_by_hand():
    # 77 million (2000 / 26 = 76.9, rounded) at 4.5% vs 6% for 4 years:
    # offshore 77 × 0.045 = 3.465, onshore 77 × 0.06 = 4.62 a year; saving 1.155 a year;
    # cumulative 1.155, 2.31, 3.465, 4.62 (the calculator's bars); that is 1.5 / 6 = 25% of the onshore interest.
    saving = interest_saving(77, 4, 4.5, 6.0)
    assert saving.interest_offshore == pytest.approx(3.465) and saving.interest_onshore == pytest.approx(4.62)
    bars = LoanSavingCalculator(amount_m=77, years=4, offshore_pct=4.5, onshore_pct=6.0).bars
    assert [bar.get_height() for bar in bars[:4]] == pytest.approx([1.155, 2.31, 3.465, 4.62])
    assert "25% of the onshore interest bill" in saving.sentence()


def test_share_of_the_onshore_bill_keeps_a_half_point():
    # Question 2 (c) of notebook 05: 77 million at 5.25% vs 6% (gap 0.75 point) for 8 years;
    # 0.75 / 6 = 0.125, so 12.5% of the onshore interest bill (a whole-percent format printed "12%").
    assert "12.5% of the onshore interest bill" in interest_saving(77, 8, 5.25, 6.0).sentence()
    # 1 / 6 = 0.1667: one decimal, 16.7%
    assert "16.7% of the onshore interest bill" in interest_saving(77, 8, 5, 6.0).sentence()


def test_help_on_implied_ratio_names_ratio_and_arithmetic():
    # Exercise 2 of notebook 05: a student who prints implied_ratio(20, 50) sees ShareRatio(firms=0.2, value=0.5);
    # help() must say where the ratio and its working are.
    doc = implied_ratio.__doc__
    assert ".ratio" in doc and ".arithmetic()" in doc


def test_self_check_example_by_hand():
    # 100 million for 2 years at 4.5% vs 6%: 100 × 1.5% × 2 = 3 million.
    assert interest_saving(100, 2, 4.5, 6).total == pytest.approx(3.0)


def test_equal_and_reversed_rates():
    assert interest_saving(100, 3, 5, 5).total == 0
    assert "saves nothing" in interest_saving(100, 3, 5, 5).sentence()
    # 100 × (5% − 7%) = −2 a year; over 3 years −6.
    dearer = interest_saving(100, 3, 7, 5)
    assert dearer.total == pytest.approx(-6.0) and "costs 2.000 million CNY more a year" in dearer.sentence()


def test_saving_is_monotonic():
    assert interest_saving(100, 2, 4, 6).total > interest_saving(100, 2, 5, 6).total  # lower offshore rate
    assert interest_saving(200, 2, 4, 6).total > interest_saving(100, 2, 4, 6).total  # more money
    assert interest_saving(100, 3, 4, 6).total > interest_saving(100, 2, 4, 6).total  # longer term


@pytest.mark.parametrize("args, words", [
    ((0, 1, 4, 6), "zero borrowed saves nothing"), ((-5, 1, 4, 6), "negative"), ((1e308, 1, 4, 6), "above"),
    ((float("nan"), 1, 4, 6), "not a finite"), ((float("inf"), 1, 4, 6), "not a finite"),
    (("", 1, 4, 6), "empty"), (("lots", 1, 4, 6), "not a number"), ((None, 1, 4, 6), "not NoneType"),
    ((100, 0, 4, 6), "below 1"), ((100, 2.5, 4, 6), "not a whole number"), ((100, 51, 4, 6), "above 50"),
    ((100, "x", 4, 6), "not a number"), ((100, 2, -1, 6), "below 0"), ((100, 2, 4, 1e308), "above 100"),
    ((100, 2, float("nan"), 6), "not a finite"), ((100, 2, 4, ""), "empty"), ((100, 2, [4], 6), "not list"),
])
def test_saving_bad_input_gives_message(args, words):
    with pytest.raises(InputProblem, match=words):
        interest_saving(*args)


def test_loan_table_keeps_both_rule_dates(loans):
    rules = loan_table(loans, ["authorisation", "rules"])
    assert rules.loc["rules_released_dec_2012", "date"] == "2012-12"
    assert rules.loc["rules_released_7_jan_2013", "date"] == "2013-01-07"
    assert list(rules.index) == ["authorisation_2012_reply", "rules_released_dec_2012", "rules_released_7_jan_2013"]
    batch = loan_table(loans, ["first_batch"])
    assert batch.loc["first_batch_amount_cny", "what"] == "about 2 bn yuan"
    assert batch.loc["first_batch_lenders", "what"] == "15 banks"
    assert batch.loc["named_lender_hsbc", "what"] == "HSBC"


def test_loan_table_says_one_year_not_one_years(loans):
    # crossborder_rmb_loans.csv: first_batch_tenor_min is 1 "years", first_batch_tenor_max is 4 "years".
    batch = loan_table(loans, ["first_batch"])
    assert batch.loc["first_batch_tenor_min", "what"] == "1 year"
    assert batch.loc["first_batch_tenor_max", "what"] == "4 years"


def test_simplifications_are_stated():
    note = simplifications()
    assert "Simple annual interest" in note.markdown and "| simplification |" in note.markdown
    assert repr(note).startswith("Simplifications:")


# ------------------------------------------------------------------------------------------- widgets

def test_share_explorer_callbacks():
    ex = ShareExplorer()
    assert ex.last.ratio == pytest.approx(4.0) and "4.00 times" in ex.result.value
    assert len(ex.output.outputs) == 2  # the chart and its text alternative
    assert "Text alternative" in ex.output.outputs[1]["data"]["text/plain"]
    ex.firms.slider.value = 50
    ex.value.slider.value = 80  # (0.8 / 0.5) / (0.2 / 0.5) = 4
    assert ex.last.ratio == pytest.approx(4.0)
    assert ex.fin[1].get_width() == 50 and ex.other[0].get_x() == 80 and ex.other[0].get_width() == 20
    ex.firms.text.value = "25"
    ex.value.text.value = "50"  # (0.5 / 0.25) / (0.5 / 0.75) = 3
    assert ex.firms.value == 25 and ex.last.ratio == pytest.approx(3.0)
    assert "finance 3.00 × others" in ex.ax.get_title(loc="left")
    ex.firms.slider.value = 0
    assert ex.last is None and "undefined" in ex.problem and "Implied ratio undefined" in ex.result.value
    assert "undefined" in ex.chart.alt
    ex.firms.slider.value = 100
    assert ex.last is None and "no other firms" in ex.problem
    ex.firms.text.value = "40"
    # (0.5 / 0.4) / (0.5 / 0.6) = 1.25 / 0.8333 = 1.5
    assert ex.last.ratio == pytest.approx(1.5) and ex.problem == "" and "1.50 times" in ex.result.value


@pytest.mark.parametrize("typed", ["150", "-3", "abc", "", "nan", "1e308", "<script>alert(1)</script>"])
def test_share_explorer_bad_typing_keeps_slider(typed):
    ex = ShareExplorer(firms_pct=30, value_pct=60)
    before = ex.last.ratio
    ex.value.text.value = typed
    assert ex.value.value == 60 and ex.last.ratio == before
    assert "Type a number from 0 to 100 %" in ex.messages.last
    assert "<script>" not in ex.messages.widget.value


def test_loan_calculator_callbacks():
    calc = LoanSavingCalculator(amount_m=2000 / 26, years=4, offshore_pct=4.5, onshore_pct=6)
    assert calc.amount.value == 77  # 76.9 rounded to a whole million to start with
    assert calc.last.total == pytest.approx(4.62)  # 77 × 1.5% × 4
    assert [bar.get_visible() for bar in calc.bars].count(True) == 4
    assert calc.bars[3].get_height() == pytest.approx(4.62)
    assert len(calc.output.outputs) == 2 and "year 4: 4.620" in calc.chart.alt
    assert "of a 4-year loan" in calc.chart.alt
    calc.years.slider.value = 8
    assert "of an 8-year loan" in calc.chart.alt
    calc.years.slider.value = 2
    assert calc.last.total == pytest.approx(2.31) and [b.get_visible() for b in calc.bars].count(True) == 2
    calc.amount.text.value = "2000"  # 2000 × 1.5% × 2 = 60
    assert calc.last.total == pytest.approx(60.0) and "60.000 million CNY" in calc.result.value
    calc.offshore.text.value = "6"
    assert calc.last.total == 0 and "saves nothing" in calc.problem and "saves nothing" in calc.result.value
    calc.offshore.text.value = "7"  # 2000 × (6% − 7%) = −20 a year; −40 over 2 years
    assert calc.last.total == pytest.approx(-40.0) and "costs" in calc.problem
    assert calc.bars[1].get_height() == pytest.approx(-40.0) and calc.ax.get_ylim()[0] < -40
    calc.offshore.text.value = "4.3"  # 2000 × 1.7% × 2 = 68
    assert calc.last.total == pytest.approx(68.0) and calc.problem == ""


@pytest.mark.parametrize("box, typed, words", [
    ("amount", "0", "below 1"), ("amount", "-100", "below 1"), ("amount", "1e308", "above 10,000"),
    ("years", "2.5", "not a whole number"), ("years", "0", "below 1"), ("onshore", "nan", "not a finite"),
    ("offshore", "-1", "below 0"), ("offshore", "", "empty"), ("onshore", "six", "not a number"),
])
def test_loan_calculator_bad_typing_keeps_result(box, typed, words):
    calc = LoanSavingCalculator(amount_m=100, years=2, offshore_pct=4.5, onshore_pct=6)
    twin: TwinSlider = getattr(calc, box)
    twin.text.value = typed
    assert words in calc.messages.last
    assert calc.last.total == pytest.approx(3.0)  # 100 × 1.5% × 2, unchanged


def shown(calc):
    return html.unescape(calc.messages.widget.value)


def test_a_bad_box_keeps_its_message_and_says_which_value_is_used():
    """A bad amount's message stays while another box is edited, and names the amount the result uses."""
    calc = LoanSavingCalculator(amount_m=100, years=2, offshore_pct=4.5, onshore_pct=6)
    calc.amount.text.value = "abc"
    calc.offshore.text.value = "4"  # valid: 100 × (6% − 4%) × 2 = 4
    assert calc.last.total == pytest.approx(4.0)
    assert "'abc' is not a number" in shown(calc)
    assert "the result uses the last good value, 100 million CNY" in shown(calc)
    calc.onshore.text.value = "x"  # a second bad box: both messages are shown
    assert "'abc'" in shown(calc) and "'x'" in shown(calc)
    calc.amount.text.value = "100"  # corrected: only the amount's message goes
    assert "'abc'" not in shown(calc) and "'x'" in shown(calc)


def test_fraction_looking_rates_are_refused():
    """interest_saving(100, 2, 0.045, 0.06) used to give 0.03 million, the saving at 0.045% and 0.06%."""
    with pytest.raises(InputProblem, match=r"look like fractions \(meaning 4.5% and 6%\)"):
        interest_saving(100, 2, 0.045, 0.06)
    # 100 × (6% − 4.5%) × 2 = 3 million CNY, whichever way the rates are given
    assert interest_saving(100, 2, 0.045, 0.06, unit="fraction").total == pytest.approx(3.0)
    assert interest_saving(100, 2, 0.5, 6).total == pytest.approx(11.0)  # one low rate is a rate: 100 × 5.5% × 2
    with pytest.raises(InputProblem, match="unit must be"):
        interest_saving(100, 2, 4.5, 6, unit="bp")


def test_loan_calculator_warns_about_a_fraction_typed_as_a_rate():
    calc = LoanSavingCalculator(amount_m=100, years=2, offshore_pct=4.5, onshore_pct=6)
    calc.offshore.text.value = "0.045"
    assert calc.last.offshore_pct == pytest.approx(0.045)  # kept: 0.045% is a possible rate, but flagged
    assert "If you meant the fraction 0.045, that is 4.5%" in html.unescape(calc.result.value)
    calc.offshore.text.value = "4.5"
    assert "If you meant" not in calc.result.value and calc.problem == ""


def test_loan_calculator_takes_the_average_loan_typed():
    """The notebook computes 2000 / 26 = 76.9 million as the average loan; typing it was refused as 'not a
    whole number'."""
    calc = LoanSavingCalculator(amount_m=100, years=4, offshore_pct=4.5, onshore_pct=6)
    calc.amount.text.value = "76.9"
    assert not calc.messages.last
    assert calc.last.amount_m == pytest.approx(76.9)
    assert calc.last.total == pytest.approx(4.614)  # 76.9 × 1.5% × 4 = 1.1535 × 4 = 4.614


def test_loan_calculator_extremes_do_not_raise():
    calc = LoanSavingCalculator()
    for twin in (calc.amount, calc.years, calc.offshore, calc.onshore):
        for value in (twin.slider.min, twin.slider.max):
            twin.slider.value = value
            assert calc.last is not None and math.isfinite(calc.last.total)


def test_loan_calculator_axis_fits_the_term_and_keeps_the_starting_saving():
    """The axis ran to 10 years whatever the term; now it fits the term. The starting loan's total stays drawn
    as a yardstick, so that moving a slider shows how the saving scales."""
    calc = LoanSavingCalculator(amount_m=100, years=2, offshore_pct=4.5, onshore_pct=6)
    assert calc.ax.get_xlim() == pytest.approx((0.4, 2.6))  # bars at years 1 and 2, half a bar's room each side
    assert list(calc.ax.get_xticks()) == [1, 2]
    assert calc.start_total == pytest.approx(3.0)  # 100 × (6% − 4.5%) × 2
    assert calc.yardstick.get_ydata()[0] == pytest.approx(3.0)
    calc.years.slider.value = 7
    assert calc.ax.get_xlim() == pytest.approx((0.4, 7.6))
    assert calc.last.total == pytest.approx(10.5)  # 100 × 1.5% × 7: seven bars, the line still at 3
    assert calc.yardstick.get_ydata()[0] == pytest.approx(3.0) and "3.000 million CNY" in calc.chart.alt


def test_finance_tables_show_words_not_code_names():
    """Issue 13: the facts table showed scope codes such as ftz_area_28_2_probable."""
    from qianhai.data import load
    from qianhai.finance import facts_in_words, territories
    facts = load("qianhai_finance_facts").set_index("fact_id")
    table = facts_in_words(facts)
    # data/qianhai_finance_facts.csv: fin_2016_share_financial has scope_code ftz_area_28_2_probable and basis
    # registered_enterprises
    assert table.loc["fin_2016_share_financial", "territory"] == "probably the FTZ area"
    assert table.loc["fin_2016_share_financial", "what was counted"] == "registered firms"
    assert not table.astype(str).apply(lambda col: col.str.contains(r"_\d|_enterprises|_institutions")).any().any()
    zones = load("qianhai_zones").set_index("zone_id")
    shown = territories(zones, ["qianhai_coop_zone_2010", "qianhai_coop_zone_2021"])
    # data/qianhai_zones.csv: 14.92 km² (2010) and 120.56 km² (2021)
    assert list(shown.index) == ["original cooperation zone", "expanded cooperation zone"]
    assert list(shown["area, km²"]) == [14.92, 120.56]
    with pytest.raises(InputProblem, match="No territory 'atlantis'"):
        territories(zones, ["atlantis"])


def test_loan_table_items_in_words(loans):
    """The item column showed code names (rate_max, tenor_max, projects_count)."""
    batch = loan_table(loans, ["first_batch"])
    # data/crossborder_rmb_loans.csv: first_batch_rate_max has item rate_max, 4.5 percent per year
    assert batch.loc["first_batch_rate_max", "item"] == "highest offshore rate"
    assert batch.loc["first_batch_tenor_max", "item"] == "longest tenor"
    assert batch.loc["onshore_comparison_rate", "item"] == "onshore comparison rate"
    assert not batch["item"].str.contains("_").any() and "stage" not in batch.columns


def test_indicator_rows_show_the_territory_in_words():
    import pandas as pd

    from qianhai.finance import rows_in_words
    rows = pd.DataFrame({"year": [2018, 2021], "scope": ["qianhai_shekou_ftz_area", "qianhai_coop_zone_2021"]})
    shown = rows_in_words(rows, ["year", "scope"])
    assert list(shown.columns) == ["year", "territory"]
    assert list(shown["territory"]) == ["FTZ area (Qianhai & Shekou)", "expanded cooperation zone"]


def test_calculator_sliders_name_their_units():
    # a student read a slider's readout ("76.0", "4") without a unit: each slider's label now states it, the same
    # unit as its typed box ("or type (million CNY)" and so on)
    calc = LoanSavingCalculator()
    for twin in (calc.amount, calc.years, calc.offshore, calc.onshore):
        assert f"({twin.unit})" in twin.slider.description, twin.slider.description


def test_facts_in_words_shows_full_names_under_the_course_display_settings():
    """Issue 13: `facts_in_words(facts)` cut long names ("...share of r...") at the course's 60 characters."""
    import pandas as pd

    from qianhai.data import load
    from qianhai.finance import facts_in_words
    facts = load("qianhai_finance_facts").set_index("fact_id")
    # data/qianhai_finance_facts.csv, fin_2023_ifc_institutions: the longest indicator, 108 characters
    longest = ("financial institutions settled in or signed with the Qianhai Shenzhen-Hong Kong International "
               "Financial City")
    # as qianhai.display.setup() sets them
    with pd.option_context("display.max_colwidth", 60, "display.max_columns", 12, "display.width", 110):
        table = facts_in_words(facts)
        html, text = table._repr_html_(), repr(table)
    assert longest in html and "..." not in html
    assert longest in " ".join(text.split()) and "..." not in text
    # still a table to compute with, as section 3.2 and Exercise 1 do
    assert table.loc["fin_2016_share_financial", "value"] == 47  # SCMP: 47% of registered companies


def test_indicator_rows_in_words_show_units_blanks_and_whole_numbers():
    """Issue 13: the Going-further tables showed "cny_bn", "None" and "63366.0"."""
    import pandas as pd

    from qianhai.finance import rows_in_words
    # rows as in data/qianhai_indicators.csv: operating enterprises 63366 (count, no qualifier, E26), the 2017
    # registered-enterprise value added "about" 150 bn yuan (E16) and the 2013 one, 4.99 bn yuan (E16)
    rows = pd.DataFrame({"value": [63366.0, 150.0, 4.99], "unit": ["count", "cny_bn", "cny_bn"],
                         "value_qualifier": [None, "about", None], "source_id": ["E26", "E16", "E16"]})
    shown = rows_in_words(rows, ["value", "unit", "value_qualifier", "source_id"])
    assert list(shown.columns) == ["value", "unit", "qualifier", "source"]
    assert list(shown["value"]) == ["63,366", "150", "4.99"]
    assert list(shown["unit"]) == ["", "bn yuan", "bn yuan"]
    assert list(shown["qualifier"]) == ["", "about", ""]
    text = repr(shown)
    assert "63366.0" not in text and "None" not in text and "cny_bn" not in text and "NaN" not in text


def test_loan_table_shows_long_rows_whole(loans):
    """A student found the BEA row cut off ('...to a Qianh...') under the notebooks' 60-character cell width."""
    import pandas as pd
    # crossborder_rmb_loans.csv: named_lender_bea_first_loan has no value and this 70-character value_text
    whole = "BEA (extended the first cross-border RMB loan to a Qianhai enterprise)"
    with pd.option_context("display.max_colwidth", 60):
        shown = loan_table(loans, ["first_batch"])._repr_html_()
    assert whole in shown


def test_territories_say_no_end_date_not_nat():
    """A student read 'NaT' in the 'until' column and did not know it meant no end date."""
    from qianhai.finance import territories
    zones = load("qianhai_zones").set_index("zone_id")
    shown = territories(zones, ["qianhai_coop_zone_2010", "qianhai_shekou_ftz_area"])
    # data/qianhai_zones.csv: the original zone's valid_to is 2021-09-06 (day precision, exclusive: the expanded
    # zone starts that day); the FTZ area's is empty. Worded as notebook 02's layers table words them.
    assert list(shown["valid to (exclusive)"]) == ["2021-09-06", "still valid"]
    assert list(shown["valid from"]) == ["2010-08-26", "2015-04-21"]
    assert "NaT" not in repr(shown) and "NaT" not in shown._repr_html_()


def test_a_worked_saving_cannot_be_changed_into_an_inconsistent_one():
    import dataclasses
    saving = interest_saving(100, 2, 4, 6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        saving.years = 10
    assert saving.total == pytest.approx(4.0)  # 100 × (6% − 4%) × 2 = 4 million CNY
