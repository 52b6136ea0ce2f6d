"""Property-based tests (hypothesis) for the public functions that take numbers."""

from __future__ import annotations

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qianhai.growth import cagr, doubling_time
from qianhai.inputs import InputProblem, parse_number

anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=30), st.lists(st.integers(), max_size=3), st.binary(max_size=5))
positive = st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_parse_number_returns_a_bounded_number_or_a_message(raw):
    try:
        value = parse_number(raw, label="Year", minimum=1979, maximum=2023, integer=True)
    except InputProblem as problem:
        assert str(problem).startswith("Year: ") and "Type a whole number from 1979 to 2023." in str(problem)
    else:
        assert isinstance(value, int) and 1979 <= value <= 2023


@settings(max_examples=300, deadline=None)
@given(positive, positive, st.integers(min_value=1, max_value=60))
def test_cagr_reproduces_the_end_value(start, end, years):
    assume(1e-3 <= end / start <= 1e6)  # beyond that, 1 + rate loses the digits the check needs
    rate = cagr(start, end, years)
    assert math.isclose(start * (1 + rate) ** years, end, rel_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1e-6, max_value=10, allow_nan=False))
def test_doubling_time_doubles(rate):
    years = doubling_time(rate)
    assert math.isclose((1 + rate) ** years, 2.0, rel_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(anything, anything, anything)
def test_cagr_never_raises_anything_but_a_message(a, b, n):
    try:
        cagr(a, b, n)
    except InputProblem:
        pass
    except OverflowError:
        raise AssertionError("overflow escaped as a traceback")

