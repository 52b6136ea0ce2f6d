"""Notebook 05: what a pair of shares implies, what a cheaper loan saves, and the finance tables in words.

Shares ``f`` of firms and ``v`` of value added imply R = (v / f) / ((1 - v) / (1 - f)), value added per financial
firm over value added per other firm; a loan at a lower rate saves amount * (onshore - offshore) a year.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qianhai.charts import PALETTE, finish, new_figure, nice_ceiling
from qianhai.dates import as_known
from qianhai.display import UNIT_WORDS, Note, escape, message_html, plural, whole_text
from qianhai.inputs import (InputProblem, fraction_as_percent, fraction_slip_note, parse_number,
                            by_key, need_table, refuse_fraction_lookalikes)
from qianhai.widgets import Explorer, Panel, TwinSlider

MAX_RATE_PCT = 100.0

SIMPLIFICATIONS = [
    ("Simple annual interest", "Interest each year = principal × rate; no compounding within or across years."),
    ("Bullet loan", "The whole principal is outstanding for the whole term and repaid at the end (no instalments)."),
    ("Fixed rates", "Both rates stay the same for the whole term."),
    ("No other costs", "No fees, taxes, currency hedging or collateral costs on either loan."),
    ("No discounting", "A yuan saved in year 4 counts the same as a yuan saved in year 1."),
]

# (label, why a share of 0%, why a share of 100% leaves the ratio undefined)
FIRM_SHARE = ("Financial firms, share of all firms", "with no financial firms there is no value added per "
              "financial firm", "with no other firms there is nothing to compare them with")
VALUE_SHARE = ("Financial firms, share of value added", "financial firms producing nothing have no productivity "
               "to compare", "the other firms would produce nothing, and the ratio divides by zero")


def _share(raw: object, label: str, at_zero: str, at_hundred: str) -> float:
    """A percentage strictly between 0 and 100, as a fraction; 0 and 100 explained, not computed."""
    pct = float(parse_number(raw, label=label, minimum=0, maximum=100, unit="%"))
    if pct in (0, 100):
        raise InputProblem(f"{label}: {pct:.0f}% makes the ratio undefined: {at_hundred if pct else at_zero}. "
                           "Type a share above 0 and below 100.")
    return pct / 100


def _positive(raw: object, label: str, unit: str, maximum: float, zero: str) -> float:
    """A number above 0 and at most ``maximum`` (larger typed values are refused as typos)."""
    value = float(parse_number(raw, label=label, maximum=maximum, unit=unit))
    hint = f"Type a number above 0 and up to {maximum:,.0f} {unit}."
    if value < 0:
        raise InputProblem(f"{label}: {value:,.4g} is negative. {hint}")
    if value == 0:
        raise InputProblem(f"{label}: zero {zero}. {hint}")
    return value


def _check_unit(unit: str) -> None:
    if unit not in ("percent", "fraction"):
        raise InputProblem(f"unit must be 'percent' or 'fraction', not {str(unit)[:20]!r}.")


# ------------------------------------------------------------------------------------ share arithmetic

@dataclass(frozen=True)
class ShareRatio:
    """What a share of firms and a share of value added imply about value added per firm."""

    firms: float  # fraction of all firms that are financial (0 < firms < 1)
    value: float  # fraction of all value added they produce (0 < value < 1)

    @property
    def finance_vs_average(self) -> float:
        """Value added per financial firm, relative to the average firm: v / f."""
        return self.value / self.firms

    @property
    def others_vs_average(self) -> float:
        """Value added per other firm, relative to the average firm: (1 - v) / (1 - f)."""
        return (1 - self.value) / (1 - self.firms)

    @property
    def ratio(self) -> float:
        """Value added per financial firm / value added per other firm."""
        return self.finance_vs_average / self.others_vs_average

    def arithmetic(self) -> str:
        f, v = 100 * self.firms, 100 * self.value
        return (f"({v:.1f} / {f:.1f}) / ({100 - v:.1f} / {100 - f:.1f}) = {self.finance_vs_average:.3f} / "
                f"{self.others_vs_average:.3f} = {self.ratio:.2f}")

    def sentence(self) -> str:
        compare = f"{self.ratio:.2f} times the value added of a non-financial firm"
        if abs(self.ratio - 1) < 5e-3:
            compare = "the same value added as a non-financial firm: no concentration"
        elif self.ratio < 1:
            compare = f"only {compare}"
        return (f"If {100 * self.firms:.1f}% of firms produce {100 * self.value:.1f}% of value added, the average "
                f"financial firm produces {compare} (financial firms {self.finance_vs_average:.2f}× the average "
                f"firm, others {self.others_vs_average:.2f}×).")


def implied_ratio(firms: object, value: object, *, unit: str = "percent") -> ShareRatio:
    """Two shares in percent (20 is 20%; 0.2 with ``unit="fraction"``) -> ShareRatio: ``implied_ratio(20, 50).ratio``
    is R, ``.arithmetic()`` the working and ``.sentence()`` it in words. Two percents both below 1 (0.2 and 0.5)
    are refused: they almost always mean fractions were typed."""
    _check_unit(unit)
    if unit == "fraction":
        firms = fraction_as_percent(firms, label=f"{FIRM_SHARE[0]} (fraction)")
        value = fraction_as_percent(value, label=f"{VALUE_SHARE[0]} (fraction)")
    ratio = ShareRatio(_share(firms, *FIRM_SHARE), _share(value, *VALUE_SHARE))
    if unit == "percent":
        refuse_fraction_lookalikes((100 * ratio.firms, 100 * ratio.value), what="shares")
    return ratio


def value_share_for_ratio(firms_pct: object, ratio: object) -> float:
    """The value-added share (%) at which a firm share (%) implies ``ratio``: v = R * f / (1 - f + R * f)."""
    firms = _share(firms_pct, *FIRM_SHARE)
    r = _positive(ratio, "Ratio of value added per firm", "times", 1e6,
                  zero="would mean financial firms produce nothing")
    return 100 * r * firms / (1 - firms + r * firms)


# ------------------------------------------------------------------------------------ loan arithmetic

@dataclass(frozen=True)
class Saving:
    """Interest on the same loan at two rates, simple annual interest (amounts in million CNY)."""

    amount_m: float
    years: int
    offshore_pct: float
    onshore_pct: float

    @property
    def gap_pct(self) -> float:
        return self.onshore_pct - self.offshore_pct

    @property
    def interest_offshore(self) -> float:
        return self.amount_m * self.offshore_pct / 100

    @property
    def interest_onshore(self) -> float:
        return self.amount_m * self.onshore_pct / 100

    @property
    def annual(self) -> float:
        """Saving a year (negative when the offshore loan is dearer)."""
        return self.amount_m * self.gap_pct / 100

    @property
    def total(self) -> float:
        return self.annual * self.years

    def arithmetic(self) -> str:
        return (f"Each year: {self.amount_m:,.6g} × ({self.onshore_pct:.2f}% − {self.offshore_pct:.2f}%) = "
                f"{self.amount_m:,.6g} × {self.gap_pct:.2f}% (the gap) = {self.annual:,.4f} million CNY; "
                f"over {plural(self.years, 'year')}: {self.years} × {self.annual:,.4f} = "
                f"{self.total:,.4f} million CNY.")

    def sentence(self) -> str:
        if self.gap_pct == 0:
            return "The two rates are equal: borrowing offshore saves nothing."
        if self.gap_pct < 0:
            return (f"The offshore rate is higher: the offshore loan costs {-self.annual:,.3f} million CNY more a "
                    f"year, {-self.total:,.3f} million CNY more over {self.years} years.")
        return (f"Borrowing offshore saves {self.annual:,.3f} million CNY a year and {self.total:,.3f} million CNY "
                f"over {self.years} years: {round(100 * self.gap_pct / self.onshore_pct, 1):g}% of the onshore "
                "interest bill.")


def interest_saving(amount_m: object, years: object, offshore_pct: object, onshore_pct: object, *,
                    unit: str = "percent") -> Saving:
    """Amount in MILLION CNY (``interest_saving(2, 1, 4.5, 6)`` is a loan of 2 million; a figure in billions, like
    the notebook's ``batch_bn``, times 1000), term in whole years and two rates in % a year (0.045 for 4.5% with
    ``unit="fraction"``) -> Saving. Two percents both below 1 are refused: they almost always mean fractions."""
    _check_unit(unit)
    if unit == "fraction":
        offshore_pct, onshore_pct = (fraction_as_percent(rate, label=f"{name} rate (fraction a year)",
                                                         maximum=MAX_RATE_PCT / 100)
                                     for name, rate in (("Offshore", offshore_pct), ("Onshore", onshore_pct)))
    amount = _positive(amount_m, "Loan amount", "million CNY", 1_000_000, zero="borrowed saves nothing")  # 1 tn yuan
    term = parse_number(years, label="Term", minimum=1, maximum=50, integer=True, unit="years")
    offshore, onshore = (float(parse_number(rate, label=f"{name} rate", minimum=0, maximum=MAX_RATE_PCT,
                                            unit="% a year"))
                         for name, rate in (("Offshore", offshore_pct), ("Onshore", onshore_pct)))
    if unit == "percent":
        refuse_fraction_lookalikes((offshore, onshore), what="rates", per=" a year")
    return Saving(amount, int(term), offshore, onshore)


def simplifications() -> Note:
    """The calculator's assumptions as a table, to show beside it (Markdown, and plain text for other readers)."""
    rows = "\n".join(f"| {name} | {meaning} |" for name, meaning in SIMPLIFICATIONS)
    plain = "\n".join(f"- {name}: {meaning}" for name, meaning in SIMPLIFICATIONS)
    return Note(f"| simplification | what it means |\n|---|---|\n{rows}", f"Simplifications:\n{plain}")


# ------------------------------------------------------------------------------------- data in words

# Plain words for the code names in the finance tables: a student reads words, not code names.
TERRITORY_WORDS = {
    "qianhai_coop_zone_2010": "original cooperation zone", "cooperation_zone_14_92": "original cooperation zone",
    "qianhai_shekou_ftz_area": "FTZ area (Qianhai & Shekou)", "ftz_area_28_2": "FTZ area (Qianhai & Shekou)",
    "ftz_area_28_2_probable": "probably the FTZ area", "qianhai_coop_zone_2021": "expanded cooperation zone",
    "expanded_zone_120_56": "expanded cooperation zone", "qianhai_ifc": "International Financial City",
    "financial_city_2_3": "International Financial City", "not_stated": "not stated",
    "qianhai_unstated": "'Qianhai', territory not stated",
    "qianhai_unstated_likely_ftz": "not stated, probably the FTZ area",
}
COUNTED_WORDS = {
    "enterprises_with_operations_as_printed": "firms with operations (as printed)",
    "registered_enterprises": "registered firms", "institutions_settled_or_signed": "institutions settled or signed",
    "institutions_attracted": "institutions attracted", "sector_value_added": "value added of the sector",
    "licensed_institutions": "licensed institutions", "monitored_by_risk_system": "firms watched by a risk system",
}
LOAN_ITEM_WORDS = {
    "rate_max": "highest offshore rate", "rate_min": "lowest offshore rate", "tenor_max": "longest tenor",
    "tenor_min": "shortest tenor", "lenders_count": "lenders", "projects_count": "projects",
}


def in_words(code: object, words: dict[str, str]) -> str:
    """A code name in plain words; a code the table does not know yet is shown with spaces for underscores."""
    return words.get(str(code), str(code).replace("_", " "))


def batch_value(loans: pd.DataFrame, item_id: str) -> float:
    """The numeric value of one row of ``crossborder_rmb_loans``, by ``item_id``."""
    need_table(loans, "crossborder_rmb_loans", ["item_id", "value"])
    rows = loans[loans["item_id"] == item_id]
    if len(rows) != 1:
        raise InputProblem(f"No single row {str(item_id)[:40]!r} in the loan data.")
    if pd.isna(rows["value"].iloc[0]):
        raise InputProblem(f"Row {item_id!r} has no number (it records text only).")
    return float(rows["value"].iloc[0])


def _loan_value(value: float, unit: str, qualifier: object, text: str) -> str:
    """A loan row's value as a student reads it ('about 2 bn yuan', '1 year'), or its text if it has no number."""
    if pd.isna(value):
        return text
    return f"{'about ' if qualifier == 'about' else ''}{value:g} {'year' if (unit, value) == ('years', 1) else unit}"


def loan_table(loans: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """Rows of the loan data for the given stages, in date order, in the columns a student reads."""
    need_table(loans, "crossborder_rmb_loans", ["item_id", "stage", "item", "date", "value", "unit", "value_qualifier",
                                                "value_text", "source_id", "confidence"])
    chosen = loans[loans["stage"].isin(stages)].copy()
    what = chosen[["value", "unit", "value_qualifier", "value_text"]].fillna({"value_text": ""})
    chosen["what"] = [_loan_value(*row) for row in what.itertuples(index=False)]
    chosen["item"] = [in_words(item, LOAN_ITEM_WORDS) for item in chosen["item"]]
    chosen = chosen.sort_values(["date", "item_id"], kind="stable")
    return whole_text(chosen.set_index("item_id")[["date", "item", "what", "source_id", "confidence"]])


def territories(zones: pd.DataFrame, zone_ids: list[str]) -> pd.DataFrame:
    """The named territories in plain words: area, and the dates in force only as precisely as they are known."""
    need_table(zones, "qianhai_zones", ["area_km2", "valid_from", "valid_to"])
    zones = by_key(zones, "zone_id")
    missing = [z for z in zone_ids if z not in zones.index]
    if missing:
        raise InputProblem(f"No territory {missing[0]!r} in the zones table.")
    rows = zones.loc[zone_ids]
    return pd.DataFrame({
        "area, km²": rows["area_km2"].to_numpy(),
        "valid from": [as_known(d, p) for d, p in zip(rows["valid_from"], rows["valid_from_precision"])],
        "valid to (exclusive)": [as_known(d, p) for d, p in zip(rows["valid_to"], rows["valid_to_precision"])],
    }, index=pd.Index([in_words(z, TERRITORY_WORDS) for z in zone_ids], name="territory"))


def rows_in_words(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows of ``qianhai_indicators`` in the given columns, with codes and units in words and blanks for no data."""
    shown = {"scope": lambda code: in_words(code, TERRITORY_WORDS), "unit": lambda u: UNIT_WORDS.get(u, str(u)),
             "value": lambda v: f"{v:,g}", "value_qualifier": str, "note": str}
    need_table(rows, "rows", list(columns), example="a course table from load(...)")
    table = rows[columns].copy()
    for column in table.columns.intersection(list(shown)):
        table[column] = ["" if pd.isna(x) and column != "scope" else shown[column](x) for x in table[column]]
    return table.rename(columns={"scope": "territory", "value_qualifier": "qualifier", "source_id": "source"})


def facts_in_words(facts: pd.DataFrame) -> pd.DataFrame:
    """The finance facts with their territory and what was counted in plain words, shown in full."""
    need_table(facts, "qianhai_finance_facts", ["year", "indicator", "value", "unit", "scope_code", "basis",
                                                "confidence"])
    facts = by_key(facts, "fact_id")
    table = facts[["year", "indicator", "value", "unit"]].copy()
    table["territory"] = [in_words(c, TERRITORY_WORDS) for c in facts["scope_code"]]
    table["what was counted"] = [in_words(c, COUNTED_WORDS) for c in facts["basis"]]
    table["confidence"] = facts["confidence"]
    return whole_text(table)


# ------------------------------------------------------------------------------------------ widgets

class ShareExplorer(Explorer):
    """Two shares (in percent) -> implied ratio of value added per firm, and two 100% bars of firms and value added."""

    def __init__(self, firms_pct: float = 100 / 3, value_pct: float = 200 / 3):
        super().__init__()
        self.problem = ""  # a problem with the shares themselves (0 or 100%), shown in place of the result
        self.firms, self.value = (TwinSlider(label, minimum=0, maximum=100, value=pct, step=0.5, integer=False,
                                             unit="%", messages=self.messages, readout_format=".1f")
                                  for label, pct in ((FIRM_SHARE[0], firms_pct), (VALUE_SHARE[0], value_pct)))
        self.fig, self.ax = new_figure(6.0, 2.4)
        rows = ["value added", "firms"]
        self.fin = self.ax.barh(rows, [0, 0], color=PALETTE["blue"], label="financial firms")
        self.other = self.ax.barh(rows, [0, 0], color=PALETTE["orange"], label="all other firms")
        self.labels = [self.ax.text(0, i, "", va="center", ha="center", color="white", fontweight="bold")
                       for i in range(4)]
        self.ax.set_xlim(0, 100)
        self.ax.grid(axis="y", visible=False)
        self.chart = finish(self.fig, self.ax, title="(set on update)", xlabel="share of the total, %",
                            ylabel="", resources=["claims"], alt="(set on update)")
        self.watch(self.firms, self.value)
        self.update()
        self.panel = Panel([self.firms.box, self.value.box, self.messages.widget, self.result, self.output],
                           summary="share explorer: financial firms' share of firms and of value added -> "
                                   "implied ratio of value added per firm, with a stacked-bar picture")

    def draw_bars(self, title: str) -> str:
        """Set the bars, their labels and the title; return the picture in words."""
        firms, value = float(self.firms.value), float(self.value.value)
        for i, share in enumerate([value, firms]):  # bar 0 is value added, bar 1 is firms
            self.fin[i].set_width(share)
            self.other[i].set_x(share)
            self.other[i].set_width(100 - share)
            for label, name, x, width in [(self.labels[2 * i], "finance", share / 2, share),
                                          (self.labels[2 * i + 1], "others", share + (100 - share) / 2, 100 - share)]:
                label.set_text(f"{name} {width:.1f}%" if width >= 27 else f"{width:.1f}%" if width >= 9 else "")
                label.set_position((x, i))
        self.ax.set_title(title, loc="left")
        return (f"Two 100% bars (financial firms in blue, all others in orange). Firms: financial {firms:.1f}%, "
                f"other {100 - firms:.1f}%. Value added: financial {value:.1f}%, other {100 - value:.1f}%.")

    def compute(self) -> ShareRatio:
        # percents, as the boxes say; a pair that looks like fractions is kept, with a note in describe
        return ShareRatio(_share(self.firms.value, *FIRM_SHARE), _share(self.value.value, *VALUE_SHARE))

    def draw(self, result: ShareRatio) -> None:
        self.picture = self.draw_bars(f"Value added per firm: finance {result.ratio:.2f} × others")

    def describe(self, result: ShareRatio) -> None:
        self.problem = ""
        slip = fraction_slip_note({"The share of firms": float(self.firms.value),
                                   "The share of value added": float(self.value.value)},
                                  also=", or a fraction such as 1/3 (read as 33.3%)")
        self.result.value = ((message_html(slip, "info") if slip else "") + f"<b>{escape(result.sentence())}</b><br>"
                             f"R = (v ÷ f) ÷ ((1 − v) ÷ (1 − f)) = {escape(result.arithmetic())}")
        self.chart.alt = f"{self.picture} {result.sentence()}"

    def refuse(self, problem: InputProblem) -> None:
        """A share of 0 or 100%: the bars, and why there is no ratio, in place of the result."""
        self.problem = str(problem)
        self.result.value = message_html(f"Implied ratio undefined. {problem}", "error")
        picture = self.draw_bars("Ratio undefined at a share of 0 or 100%")
        self.chart.alt = f"{picture} The implied ratio is undefined."
        self.show()


class LoanSavingCalculator(Explorer):
    """Loan amount, term and two rates -> yearly and total interest saving, with the cumulative saving by year."""

    def __init__(self, amount_m: float = 100, years: int = 4, offshore_pct: float = 4.5, onshore_pct: float = 6.0,
                 max_years: int = 10):
        super().__init__()
        self.problem = ""  # a warning about the result itself (equal rates, offshore dearer), shown above it
        # the amount starts at a whole million; a typed 76.9 is kept
        self.amount = TwinSlider("Loan amount (million CNY)", minimum=1, maximum=10_000, value=round(amount_m),
                                 step=0.1, integer=False, unit="million CNY", messages=self.messages,
                                 readout_format=",.1f")
        self.years = TwinSlider("Term (years)", minimum=1, maximum=max_years, value=years, unit="years",
                                messages=self.messages)
        self.offshore, self.onshore = (
            TwinSlider(label, minimum=0, maximum=15, value=pct, step=0.05, integer=False, unit="% a year",
                       messages=self.messages, readout_format=".2f")
            for label, pct in (("Offshore rate, Hong Kong bank (% a year)", offshore_pct),
                               ("Onshore rate, mainland (% a year)", onshore_pct)))
        self.fig, self.ax = new_figure(6.0, 2.8)
        self.bars = self.ax.bar(range(1, max_years + 1), [0] * max_years, color=PALETTE["green"], width=0.6)
        self.ax.axhline(0, color=PALETTE["black"], linewidth=0.8)
        self.ax.grid(axis="x", visible=False)
        self.start_total = self.compute().total  # the starting loan's saving, kept on the chart as a yardstick
        self.yardstick = self.ax.axhline(self.start_total, color=PALETTE["black"], linestyle="--", linewidth=1)
        self.ax.text(0.5, self.start_total, f"starting loan: {self.start_total:,.3g} in total", va="bottom",
                     ha="left")
        self.chart = finish(self.fig, self.ax, title="(set on update)", xlabel="end of loan year",
                            ylabel="million CNY", resources=["crossborder_rmb_loans"], alt="(set on update)")
        self.watch(self.amount, self.years, self.offshore, self.onshore)
        self.update()
        self.panel = Panel([self.amount.box, self.years.box, self.offshore.box, self.onshore.box,
                            self.messages.widget, self.result, self.output],
                           summary="interest-saving calculator: loan amount, term, offshore and onshore rates -> "
                                   "saving a year and in total (simple annual interest), with a chart by year")

    def compute(self) -> Saving:
        # the sliders keep every value in range; two rates that look like fractions are noted in describe
        return Saving(float(self.amount.value), int(self.years.value), float(self.offshore.value),
                      float(self.onshore.value))

    def draw(self, saving: Saving) -> None:
        colour = PALETTE["green"] if saving.gap_pct >= 0 else PALETTE["vermillion"]
        for year, bar in enumerate(self.bars, start=1):
            bar.set_height(saving.annual * year if year <= saving.years else 0.0)
            bar.set_visible(year <= saving.years)
            bar.set_color(colour)
        self.ax.set_xlim(0.4, saving.years + 0.6)  # the axis fits the term
        self.ax.set_xticks(range(1, saving.years + 1))
        low = min(0.0, saving.annual, saving.total, self.start_total)
        high = max(0.0, saving.annual, saving.total, self.start_total)
        if high == low:  # equal rates: nothing to draw, keep a visible axis
            self.ax.set_ylim(-1, 1)
        else:  # rounded-up limits: the scale stays put while a slider moves the bars a little
            bottom = -nice_ceiling(-low * 1.05) if low < 0 else 0.0
            top = nice_ceiling(high * 1.05) if high > 0 else -0.1 * bottom
            self.ax.set_ylim(bottom, top)
        self.ax.set_title(f"Cumulative saving: {saving.amount_m:,.6g} m CNY, {saving.years} yr, "
                          f"{saving.offshore_pct:.2f}% vs {saving.onshore_pct:.2f}%", loc="left")

    def describe(self, saving: Saving) -> None:
        rates = {"The offshore rate": saving.offshore_pct, "The onshore rate": saving.onshore_pct}
        self.problem = " ".join(filter(None, [fraction_slip_note(rates, per=" a year"),
                                              "" if saving.gap_pct > 0 else saving.sentence()]))
        warning = message_html(self.problem, "info") if self.problem else ""
        self.result.value = (f"{warning}<b>{escape(saving.sentence())}</b><br>Interest a year: offshore "
                             f"{saving.interest_offshore:,.3f}, onshore {saving.interest_onshore:,.3f} million CNY."
                             f"<br>{escape(saving.arithmetic())}")
        steps = ", ".join(f"year {y}: {saving.annual * y:,.3f}" for y in range(1, saving.years + 1))
        self.chart.alt = (f"Bar chart of the cumulative interest saving, in million CNY, at the end of each year of "
                          f"{'an' if str(saving.years).startswith('8') or saving.years in (11, 18) else 'a'} "
                          f"{saving.years}-year loan of {saving.amount_m:,.6g} million CNY at "
                          f"{saving.offshore_pct:.2f}% instead of {saving.onshore_pct:.2f}%: {steps}. The bars grow "
                          f"by the same amount each year because interest is simple. A dashed line marks the "
                          f"starting loan's total saving, {self.start_total:,.3f} million CNY.")
