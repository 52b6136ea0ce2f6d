"""Parse what a student types into a number, with a clear message for anything else."""

from __future__ import annotations

import math
import numbers
import re

import pandas as pd


THOUSANDS = re.compile(r"[-+]?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]*)?")  # '0,125' is a decimal comma, not 125
MINUS_SIGNS = {0x2212: "-", 0xFF0D: "-"}  # the minus the notebooks print; a Chinese keyboard's full-width minus
FRACTION = re.compile(r"([-+]?[0-9]+(?:\.[0-9]+)?)\s*/\s*([0-9]+(?:\.[0-9]+)?)")
PERCENT = "%"
# a Chinese keyboard's ０-９, ．, ％ and ／ (not its full-width comma, which may be a decimal comma)
FULL_WIDTH_DIGITS = {0xFF10 + d: str(d) for d in range(10)} | {0xFF0E: ".", 0xFF05: "%", 0xFF0F: "/"}
TINY = 1e-9  # no box in the course means a size this small: a nonzero value below it is a slip (or underflows to 0)


class InputProblem(ValueError):
    """The student's input cannot be used; ``str(err)`` is a message fit to show them."""


def need_table(frame: object, name: str, columns: list[str], *, example: str | None = None) -> None:
    """Refuse, with a message, what is not the course table a public function expects. ``example`` says how to
    make the table (default ``load(name)``); a needed column found as the index gets the hint ``.reset_index()``."""
    example = example or f"load({name!r})"
    if not isinstance(frame, pd.DataFrame):
        raise InputProblem(f"{name} must be a table such as {example}, not {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        in_index = [c for c in missing if c in frame.index.names]
        hint = (f" ({', '.join(in_index)} is its index: pass the table as loaded, with {in_index[0]!r} as a column, "
                f"or add .reset_index())") if in_index else ""
        raise InputProblem(f"{name} lacks the column(s) {', '.join(missing)}{hint}. Pass {example}.")


def shorten(text: object, limit: int, *, mark: str = "...", trim: bool = False) -> str:
    """``text`` in at most ``limit`` characters: cut, and ended with ``mark``, when longer; ``trim`` drops the
    spaces left before the mark."""
    text = str(text)
    if len(text) <= limit:
        return text
    cut = text[:limit - len(mark)]
    return (cut.rstrip() if trim else cut) + mark


def by_key(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """A course table labelled by its key column: as loaded (``key`` a column) or already indexed by it."""
    return frame.set_index(key) if key in frame.columns else frame


def need_kind(value: object, kind: type, name: str, example: str) -> None:
    """Refuse, with a message, what is not the course object (a tax schedule, a firm population...) expected."""
    if not isinstance(value, kind):
        raise InputProblem(f"{name} must be {example}, not {type(value).__name__}.")


def parse_number(
    raw: object,
    *,
    label: str,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    unit: str = "",
) -> float | int:
    """Turn typed text (or a number) into a finite number within [minimum, maximum].

    Commas are read only as thousands separators ('4,195,000'); any other comma ('2,5') is refused with a hint
    to use a point for decimals. A fraction ('1/3') is its value; in a box whose unit starts with '%' it is a share of
    the whole ('1/3' is 33.33%), and a trailing '%' is accepted ('328%' is 328). Raises InputProblem with a
    message that says what was wrong and what to type instead.
    """
    span = _span(minimum, maximum, unit)
    hint = f"Type {'a whole number' if integer else 'a number'}{span}."
    if isinstance(raw, numbers.Real) and not isinstance(raw, (bool, int, float)):
        raw = int(raw) if isinstance(raw, numbers.Integral) else float(raw)  # a numpy number, read from a table
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise InputProblem(f"{label}: expected a number, not {type(raw).__name__}. {hint}")
    text = raw
    if isinstance(raw, str):
        text = raw.strip().translate(MINUS_SIGNS).translate(FULL_WIDTH_DIGITS)
        if "_" in text:  # float() would read '12_5' as 125
            raise InputProblem(f"{label}: {shorten(raw, 40)!r} has '_' in it; type the digits alone (125, or 12.5 "
                               f"with a point for decimals). {hint}")
        if any(ch.isdigit() and not ch.isascii() for ch in text):  # float() reads '٣' as 3; the data files may not
            raise InputProblem(f"{label}: {shorten(raw, 40)!r} has digits other than 0-9; type it with 0-9. {hint}")
        if unit.startswith(PERCENT) and text.endswith(PERCENT):
            text = text[:-1].rstrip()  # '328%' in a box already in percent: the sign the student would write anyway
        if text == "":
            raise InputProblem(f"{label}: the box is empty. {hint}")
        if "," in text and not THOUSANDS.fullmatch(text):  # '2,5' is two and a half to much of the world, not 25
            raise InputProblem(f"{label}: in {shorten(raw, 40)!r}, use a point for decimals (2.5); a comma may only "
                               f"separate groups of three digits (4,195,000). {hint}")
        text = text.replace(",", "")
        fraction = FRACTION.fullmatch(text)
        if fraction:  # '1/3': a share typed as a fraction; in a percent box it is read as a share of 100%
            numerator, denominator = (float(part) for part in fraction.groups())
            if denominator == 0:
                raise InputProblem(f"{label}: {shorten(raw, 40)!r} divides by zero. {hint}")
            text = numerator / denominator * (100 if unit.startswith(PERCENT) else 1)
    try:
        value = float(text)
    except (TypeError, ValueError, OverflowError):
        raise InputProblem(f"{label}: {shorten(raw, 40)!r} is not a number. {hint}") from None
    if not math.isfinite(value):
        raise InputProblem(f"{label}: {shorten(raw, 40)!r} is not a finite number. {hint}")
    underflow = value == 0 and isinstance(text, str) and re.search("[1-9]", text.lower().split("e")[0])  # '1e-400'
    if underflow or minimum is not None and 0 < abs(value) < TINY:  # without a minimum the caller sets its own
        raise InputProblem(f"{label}: {shorten(raw, 40)!r} is too small to tell from 0; type 0, or a number of "
                           f"at least {TINY:g} in size. {hint}")
    if integer and value != int(value):
        raise InputProblem(f"{label}: {shorten(raw, 40)!r} is not a whole number. {hint}")
    if minimum is not None and value < minimum:
        raise InputProblem(f"{label}: {_fmt_beside(value, minimum)} is below {_fmt(minimum)}{_unit(unit)}. {hint}")
    if maximum is not None and value > maximum:
        raise InputProblem(f"{label}: {_fmt_beside(value, maximum)} is above {_fmt(maximum)}{_unit(unit)}. {hint}")
    return int(value) if integer else value


def parse_year(raw: object, label: str, allowed: list[int] | None = None) -> int:
    """A whole year, typed or passed in code; with ``allowed`` (sorted: the years the data have a rule for), only one
    of those."""
    if allowed is None:
        return parse_number(raw, label=label, integer=True)
    if not allowed:
        raise InputProblem(f"{label}: the data hold no rule for any year.")
    year = parse_number(raw, label=label, integer=True, minimum=allowed[0], maximum=allowed[-1])
    if year not in allowed:
        runs: list[list[int]] = []  # [first, last] of each run of consecutive years
        for y in allowed:
            if runs and y == runs[-1][1] + 1:
                runs[-1][1] = y
            else:
                runs.append([y, y])
        spans = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
        raise InputProblem(f"{label}: no rule in the data for {year}. Pick one of {spans}.")
    return year


def fraction_as_percent(raw: object, *, label: str, maximum: float = 1.0) -> float:
    """A fraction typed on purpose (0.2, '1/3') -> percent (20.0, 33.3); refused outside [0, maximum]."""
    return 100 * float(parse_number(raw, label=label, minimum=0, maximum=maximum))


def refuse_fraction_lookalikes(values: tuple[float, float], *, what: str, per: str = "") -> None:
    """Two values typed in % boxes that are both below 1 (0.2 and 0.5) almost always mean fractions were typed:
    refuse them, saying what was probably meant. A single small value is allowed (a slider's 0.5% is 0.5%)."""
    a, b = values
    if 0 < a < 1 and 0 < b < 1:
        raise InputProblem(f"Both {what} are below 1%{per}: {a:g} and {b:g} look like fractions (meaning "
                           f"{100 * a:g}% and {100 * b:g}%). Type percents ({100 * a:g}, {100 * b:g}), or pass "
                           "unit='fraction'.")


def fraction_slip_note(named: dict[str, float], *, per: str = "", also: str = "") -> str:
    """A note for each value kept in a % box that looks like a fraction (0 < value < 1): what was probably meant.
    ``named`` maps a subject ("The share of firms") to its value in percent."""
    return " ".join(f"{subject} is {pct:g}%{per}. If you meant the fraction {pct:g}, that is {100 * pct:g}%: "
                    f"type {100 * pct:g}{also}." for subject, pct in named.items() if 0 < pct < 1)


def _span(minimum, maximum, unit) -> str:
    if minimum is not None and maximum is not None:
        return f" from {_fmt(minimum)} to {_fmt(maximum)}{_unit(unit)}"
    if minimum is not None:
        return f" of at least {_fmt(minimum)}{_unit(unit)}"
    if maximum is not None:
        return f" of at most {_fmt(maximum)}{_unit(unit)}"
    return ""


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def _fmt(value: float) -> str:
    if abs(value) >= 1e15:
        return f"{value:.3g}"
    if float(value).is_integer():
        return f"{value:.0f}" if abs(value) < 10000 else f"{value:,.0f}"
    return f"{value:,.4g}"


def _fmt_beside(value: float, bound: float) -> str:
    """``value`` as _fmt shows it, or with every digit when the short form is not the value itself (100.04, not 100;
    99,999.5, not 1e+05), so that a value is never shown looking like its bound."""
    shown = _fmt(value)
    return shown if float(shown.replace(",", "")) == value else f"{value:,}"
