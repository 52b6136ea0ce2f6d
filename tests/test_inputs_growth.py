"""Typed input parsing and growth arithmetic. Expected values worked by hand in the comments."""

from __future__ import annotations

import math

import pytest

from qianhai.growth import cagr, doubling_time
from qianhai.inputs import InputProblem, parse_number


@pytest.mark.parametrize(
    "raw, expected",
    [("1990", 1990), (" 2000 ", 2000), (1995, 1995), ("1,998", 1998), (2001.0, 2001)],
)
def test_parse_good_years(raw, expected):
    assert parse_number(raw, label="Year", minimum=1979, maximum=2023, integer=True) == expected


@pytest.mark.parametrize(
    "raw, words",
    [
        ("", "the box is empty"),
        ("abc", "'abc' is not a number"),
        ("nan", "not a finite number"),
        ("inf", "not a finite number"),
        ("-inf", "not a finite number"),
        ("1e308", "above 2023"),
        ("1978", "1978 is below 1979"),
        ("2024", "2024 is above 2023"),
        ("1990.5", "not a whole number"),
        (None, "expected a number, not NoneType"),
        ([1990], "expected a number, not list"),
        (True, "expected a number, not bool"),
    ],
)
def test_parse_bad_years(raw, words):
    with pytest.raises(InputProblem) as err:
        parse_number(raw, label="Year", minimum=1979, maximum=2023, integer=True)
    assert words in str(err.value)
    assert "Type a whole number from 1979 to 2023" in str(err.value)


@pytest.mark.parametrize("raw, expected", [("4,195,000", 4195000), ("1,998", 1998), ("-12,000.5", -12000.5),
                                           ("1,000,000.25", 1000000.25)])
def test_commas_between_groups_of_three_digits_are_thousands(raw, expected):
    assert parse_number(raw, label="Amount") == expected


@pytest.mark.parametrize("raw", ["2,5", "0,5", "1,0,0", "5,5", "12,34", "1,0000", ",5", "1,234,5", "1,5e3"])
def test_other_commas_ask_for_a_decimal_point(raw):
    """'2,5' is 2.5 where the comma is the decimal mark: reading it as 25 would be a silent tenfold error."""
    with pytest.raises(InputProblem, match="use a point for decimals"):
        parse_number(raw, label="Growth", unit="%")


def test_cagr_by_hand():
    # 100 -> 121 over 2 years: 1.21 ** 0.5 = 1.1, so 10% a year.
    assert cagr(100, 121, 2) == pytest.approx(0.10)
    # Halving over one year is -50%.
    assert cagr(200, 100, 1) == pytest.approx(-0.5)


def test_doubling_time_by_hand():
    # At 100% a year a quantity doubles in exactly one year; at 10%, ln2/ln1.1 = 0.693147/0.0953102 = 7.2725.
    assert doubling_time(1.0) == pytest.approx(1.0)
    assert doubling_time(0.10) == pytest.approx(7.2725, abs=1e-4)


@pytest.mark.parametrize(
    "args, words",
    [((0, 10, 5), "start value must be above zero"), ((10, -1, 5), "end value must be above zero"),
     ((10, 20, 0), "years must be above zero"), ((math.nan, 1, 1), "finite"), ((1, 2, math.inf), "years")],
)
def test_cagr_bad_input(args, words):
    with pytest.raises(InputProblem, match=words):
        cagr(*args)


@pytest.mark.parametrize("rate", [0, -0.1, math.nan, "x"])
def test_doubling_time_bad_input(rate):
    with pytest.raises(InputProblem):
        doubling_time(rate)


@pytest.mark.parametrize("raw, unit, expected", [
    ("1/3", "", 1 / 3), (" 2 / 3 ", "", 2 / 3), ("-1/4", "", -0.25), ("1.5/3", "", 0.5),
    ("1/3", "%", 100 / 3),  # in a percent box a fraction is a share of the whole: 1/3 = 33.33%
    ("1/4", "% a year", 25), ("1/4", "years", 0.25),  # every box whose unit starts with '%' reads it as a share
])
def test_fractions_are_read_as_their_value(raw, unit, expected):
    assert parse_number(raw, label="Share", unit=unit) == pytest.approx(expected)


@pytest.mark.parametrize("raw, words", [("1/0", "divides by zero"), ("1/3/4", "is not a number"),
                                        ("1,5/3", "use a point for decimals"), ("/3", "is not a number")])
def test_bad_fractions_give_a_message(raw, words):
    with pytest.raises(InputProblem, match=words):
        parse_number(raw, label="Share")


@pytest.mark.parametrize("typed", ["328%", "328 %", " 328% "])
def test_a_percent_sign_is_accepted_in_a_percent_box(typed):
    """A student answering "how much larger, in %?" types 328% (student walkthrough of 02): it is 328, not an error."""
    assert parse_number(typed, label="Your answer", unit="%") == 328
    assert parse_number(typed, label="Rate", unit="% a year") == 328


def test_a_percent_sign_is_still_refused_where_the_box_is_not_in_percent():
    with pytest.raises(InputProblem, match="not a number"):
        parse_number("328%", label="Loan amount", unit="million CNY")


def test_numpy_numbers_read_from_a_table_are_numbers():
    import numpy as np

    assert parse_number(np.int64(2024), label="Year", integer=True) == 2024
    assert parse_number(np.float64(8.6), label="Growth", unit="%") == 8.6
    with pytest.raises(InputProblem, match="expected a number, not bool"):
        parse_number(np.bool_(True), label="Year")


@pytest.mark.parametrize("typed, expected", [("−0.144", -0.144), (" −3 ", -3), ("−1,500", -1500), ("−1/4", -0.25),
                                             ("－0.144", -0.144)])
def test_a_minus_sign_pasted_from_the_text_reads_as_minus(typed, expected):
    """The notebooks print "−0.144" (U+2212, the typographic minus); a student who pastes it (student walkthrough
    of 07), or types a Chinese keyboard's full-width minus (U+FF0D), means -0.144, not "not a number"."""
    assert parse_number(typed, label="Your answer") == pytest.approx(expected)


def test_a_comma_after_a_leading_zero_is_a_decimal_comma():
    for typed in ("0,125", "0,5", "-0,125"):
        with pytest.raises(InputProblem, match="use a point for decimals"):
            parse_number(typed, label="x")


def test_underscores_are_refused_not_dropped():
    with pytest.raises(InputProblem, match="'_'"):
        parse_number("12_5", label="x")  # float() alone reads it as 125


@pytest.mark.parametrize("typed, bound, shown", [
    ("100.04", {"maximum": 100}, "100.04 is above 100"),
    ("1,000.5", {"maximum": 1000}, "1,000.5 is above 1000"),
    ("-0.00001", {"minimum": 0}, "-1e-05 is below 0"),
    ("101", {"maximum": 100}, "101 is above 100"),  # unchanged where the short form already differs
    ("99999.5", {"maximum": 99999}, "99,999.5 is above 99,999"),  # the short form, 1e+05, looked like another number
])
def test_a_value_out_of_range_is_shown_apart_from_its_bound(typed, bound, shown):
    with pytest.raises(InputProblem, match=shown):
        parse_number(typed, label="x", **bound)


@pytest.mark.parametrize("unit", ["%", "% a year", "% of budget"])
def test_a_fraction_in_any_percent_box_is_a_share_of_100(unit):
    assert parse_number("1/4", label="x", unit=unit) == 25  # 1/4 of 100% is 25%
    assert parse_number("1/4", label="x", unit="years") == 0.25


@pytest.mark.parametrize("typed", ["1e-400", "5e-324", "1e-310", "-1e-12"])
def test_a_tiny_or_underflowing_value_is_refused(typed):
    with pytest.raises(InputProblem, match="too small to tell from 0"):
        parse_number(typed, label="x", minimum=-1, maximum=100, unit="%")


def test_zero_written_any_way_is_still_zero():
    assert [parse_number(t, label="x") for t in ("0", "0.000", "0e5", "-0")] == [0, 0, 0, 0]


def test_digits_of_other_scripts_are_refused_and_full_width_ones_read():
    with pytest.raises(InputProblem, match="0-9"):
        parse_number("\u0663", label="x")  # Arabic-Indic three, refused by the data validator too
    assert parse_number("\uff13\uff0e\uff15", label="x") == 3.5  # full-width 3.5


@pytest.mark.parametrize("typed, unit, value", [("50％", "%", 50), ("１／４", "%", 25), ("１２．５", "", 12.5)])
def test_a_chinese_keyboards_percent_sign_and_slash_are_read(typed, unit, value):
    assert parse_number(typed, label="x", unit=unit) == value


def test_parse_year_with_and_without_a_list_of_years():
    from qianhai.inputs import parse_year

    assert parse_year("2,020", "Base year") == 2020
    assert parse_year(2021, "Tax year", [2019, 2020, 2021, 2023]) == 2021
    # a review found the message offering 2019-2023, the span that holds the refused 2022
    with pytest.raises(InputProblem, match=r"Tax year: no rule in the data for 2022\. Pick one of 2019-2021, 2023\."):
        parse_year("2022", "Tax year", [2019, 2020, 2021, 2023])  # inside the span, but no rule for that year
    with pytest.raises(InputProblem, match="from 2019 to 2023"):
        parse_year("2030", "Tax year", [2019, 2020, 2021, 2023])
    with pytest.raises(InputProblem, match="no rule for any year"):
        parse_year("2020", "Tax year", [])


def test_shorten_and_plural():
    from qianhai.display import plural
    from qianhai.inputs import shorten

    assert shorten("abcdef", 6) == "abcdef"
    assert shorten("ab   cdefgh", 8) == "ab   ..."  # 5 characters kept, then the mark
    assert shorten("ab   cdefgh", 8, trim=True) == "ab..."
    assert shorten("abcd efgh", 6, mark="…", trim=True) == "abcd…"  # 5 kept, 'abcd ', less its space
    assert [plural(n, "year") for n in (0, 1, 2)] == ["0 years", "1 year", "2 years"]
    assert plural(1000, "inspection") == "1,000 inspections"
