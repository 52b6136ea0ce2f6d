"""Growth arithmetic for notebook 01: compound annual growth rate (CAGR) and doubling time."""

from __future__ import annotations

import math

from qianhai.inputs import InputProblem


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate: the constant yearly rate g with start * (1 + g) ** years = end."""
    for label, value in (("start value", start_value), ("end value", end_value)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise InputProblem(f"The {label} must be a finite number, not {value!r}.")
        if value <= 0:
            raise InputProblem(f"The {label} must be above zero to compute a growth rate (got {value:g}).")
    if not isinstance(years, (int, float)) or isinstance(years, bool) or not math.isfinite(years) or years <= 0:
        raise InputProblem(f"The number of years must be above zero (got {years!r}); pick two different years.")
    try:
        return (end_value / start_value) ** (1 / years) - 1
    except OverflowError:
        raise InputProblem("The growth rate is too large to compute; choose years further apart.") from None


def doubling_time(rate: float) -> float:
    """Years for a quantity growing at ``rate`` per year to double: ln 2 / ln(1 + rate)."""
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not math.isfinite(rate):
        raise InputProblem(f"The growth rate must be a finite number, not {rate!r}.")
    if rate <= 0:
        raise InputProblem("A series that does not grow never doubles; the doubling time is undefined.")
    return math.log(2) / math.log1p(rate)
