"""Dates, read one way everywhere (the loader's checks, the timeline's boxes and functions): days are written
``YYYY-MM-DD`` in ASCII digits and must exist, so "2020-02-30" is "not a real date" and "19800826" no date at all."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import numpy as np
import pandas as pd

ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # [0-9], not \d: \d also matches '２' and '٢'


def real_day(year: int, month: int, day: int) -> dt.date:
    """The date, or ValueError saying why it is not a real one (e.g. 'February 2020 has 29 days')."""
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is outside 1 to 9999")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} does not exist")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"{calendar.month_name[month]} {year} has {days} days")
    return dt.date(year, month, day)


def iso_day(text: str) -> dt.date:
    """A day written ``YYYY-MM-DD``; ValueError with the reason otherwise."""
    match = ISO_DAY.fullmatch(text)
    if not match:
        raise ValueError("not written YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    try:
        return real_day(year, month, day)
    except ValueError as err:
        raise ValueError(f"not a real date: {err}") from None


def as_date(value) -> dt.date:
    """A date, datetime, pandas Timestamp, numpy datetime or ``YYYY-MM-DD`` text as a plain date;
    ValueError for anything else (an empty cell included)."""
    if isinstance(value, str):
        return iso_day(value.strip())
    if isinstance(value, dt.datetime):  # pandas Timestamps too
        if pd.isna(value):
            raise ValueError("no date")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64) and not np.isnat(value):
        return pd.Timestamp(value).date()
    raise ValueError("not a date")


def month_end(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def as_known(value, precision: str) -> str:
    """A date only as precisely as it is known: '2010 (year only)', '2015-04 (month only)', '2010-08-26';
    'still valid' for an open end."""
    if pd.isna(value):
        return "still valid"
    day = as_date(value)
    return {"year": f"{day.year} (year only)", "month": f"{day:%Y-%m} (month only)"}.get(precision, day.isoformat())
