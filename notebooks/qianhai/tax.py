"""Notebook 03: Qianhai's tax tools as calculators, from tax_iit_brackets, tax_hk_salaries, tax_rules and cny_hkd.

A corporate-income-tax checker (sector, main-business share, income earned in the zone -> 15 % or 25 %) and a talent
tax calculator (salary -> mainland IIT, the Guangdong 15 % subsidy, Hong Kong salaries tax). Public functions turn
bad input into an ``InputProblem`` whose text can be shown to a student.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as w
import numpy as np
import pandas as pd

from qianhai.display import escape
from qianhai.inputs import InputProblem, need_kind, need_table, parse_number, parse_year
from qianhai.widgets import LABEL_STYLE, Explorer, Panel, TwinSlider

MAX_SALARY = 1_000_000_000  # CNY a year; larger typed amounts are refused as typos (not a tax rule)
MAX_PROFIT = 10_000_000_000_000  # CNY; same purpose
NOT_IN_CATALOGUE = "another sector (not in the catalogue)"
ANNUAL_TABLE = "cn_iit_annual_2019"
TABLES_EXAMPLE = ("the tax tables, TaxTables(brackets=load('tax_iit_brackets'), hk=load('tax_hk_salaries'), "
                  "rules=load('tax_rules'), fx=load('cny_hkd'))")


def amount(raw: object, label: str, unit: str = "CNY", maximum: float = MAX_SALARY) -> float:
    """A money amount a student typed: a finite number from 1 to ``maximum``."""
    value = parse_number(raw, label=label, unit=unit)
    hint = f"Type an amount from 1 to {maximum:,.0f} {unit}."
    if value < 0:
        raise InputProblem(f"{label}: {value:,.0f} is negative. {hint}")
    if value == 0:
        raise InputProblem(f"{label}: zero leaves nothing to tax. {hint}")
    if value < 1:
        raise InputProblem(f"{label}: {value:.3g} is less than 1 {unit}. {hint}")
    if value > maximum:
        raise InputProblem(f"{label}: {value:,.3g} is above this calculator's limit. {hint}")
    return float(value)


def _deduction(raw: object, label: str) -> float:
    value = parse_number(raw, label=label, unit="CNY")
    if value < 0:
        raise InputProblem(f"{label}: {value:,.0f} is negative. Type 0 or a positive amount in CNY.")
    if value > MAX_SALARY:
        raise InputProblem(f"{label}: {value:,.3g} is above this calculator's limit of {MAX_SALARY:,.0f} CNY.")
    return float(value)


# ------------------------------------------------------------------------------- rate tables (IIT, HK)

@dataclass(frozen=True)
class Bracket:
    """One band of a progressive table: it covers lower < x <= upper (upper None = no limit)."""

    number: int
    lower: float
    upper: float | None
    rate: float
    quick_deduction: float

    def holds(self, x: float) -> bool:
        return x > self.lower and (self.upper is None or x <= self.upper)


@dataclass(frozen=True)
class RateTable:
    """A progressive table: its brackets in order, lowest first."""

    brackets: tuple[Bracket, ...]

    def bracket_for(self, x: float) -> Bracket:
        """The bracket whose rate applies to x (bracket 1 for 0 or less)."""
        if x <= 0:
            return self.brackets[0]
        found = next((b for b in self.brackets if b.holds(x)), None)
        if found is None:  # a gap between brackets in the data would otherwise give a wrong tax without a word
            raise InputProblem(f"No bracket of this rate table covers {x:,.2f}: the table's brackets leave a gap.")
        return found

    def tax(self, x: float) -> float:
        """The quick-deduction method: x * rate - quick deduction of the bracket that holds x (0 for x <= 0)."""
        bracket = self.bracket_for(x)
        return x * bracket.rate - bracket.quick_deduction if x > 0 else 0.0

    def bands(self, x: float) -> list[tuple[Bracket, float, float]]:
        """The band-by-band method: (bracket, part of x inside it, tax on that part)."""
        parts = [(b, (x if b.upper is None else min(x, b.upper)) - b.lower) for b in self.brackets]
        return [(b, part, part * b.rate) for b, part in parts if part > 0]


def _rate_table(rows: pd.DataFrame, number: str) -> RateTable:
    """The rows of a rate table as Brackets, numbered by column ``number`` (an empty quick deduction is 0)."""
    return RateTable(tuple(Bracket(int(getattr(r, number)), float(r.lower),
                                   None if pd.isna(r.upper) else float(r.upper), float(r.rate),
                                   0.0 if pd.isna(r.quick_deduction) else float(r.quick_deduction))
                           for r in rows.sort_values(number).itertuples()))


@dataclass(frozen=True)
class IITSchedule(RateTable):
    schedule_id: str
    period_unit: str
    basic_deduction: float

    def table(self) -> pd.DataFrame:
        """The brackets to show a student: whole yuan, the rate in percent, a blank upper bound for "no limit"."""
        return pd.DataFrame(
            [{"bracket": b.number, "lower": int(b.lower), "upper": "" if b.upper is None else f"{b.upper:.0f}",
              "rate, %": round(100 * b.rate), "quick_deduction": int(b.quick_deduction)} for b in self.brackets]
        ).set_index("bracket")


def _one(rows: pd.DataFrame, what: str) -> pd.Series:
    """The first of ``rows``, or a message naming what the data lack."""
    if rows.empty:
        raise InputProblem(f"No rule in the data for {what}.")
    return rows.iloc[0]


def iit_schedule(brackets: pd.DataFrame, schedule_id: str = ANNUAL_TABLE) -> IITSchedule:
    """One mainland IIT table from ``tax_iit_brackets``."""
    known = sorted(brackets["schedule_id"].unique())
    if schedule_id not in known:
        raise InputProblem(f"Unknown IIT table {str(schedule_id)[:40]!r}. Pick one of: {', '.join(known)}.")
    rows = brackets[brackets["schedule_id"] == schedule_id]
    first = rows.iloc[0]
    return IITSchedule(_rate_table(rows, "bracket").brackets, schedule_id, first["period_unit"],
                       float(first["basic_deduction"]))


@dataclass(frozen=True)
class MainlandIIT:
    income: float
    basic_deduction: float
    other_deductions: float
    taxable: float
    bracket: int
    marginal_rate: float
    iit: float

    @property
    def rate_on_income(self) -> float:
        return self.iit / self.income

    @property
    def rate_on_taxable(self) -> float | None:
        return self.iit / self.taxable if self.taxable > 0 else None


def mainland_iit(income: object, schedule: IITSchedule, other_deductions: object = 0) -> MainlandIIT:
    """IIT on income for one period of ``schedule``: taxable = income - basic - other deductions (not below 0);
    tax = taxable x rate - quick deduction."""
    _need_schedule(schedule)
    value = amount(income, "Annual salary" if schedule.period_unit == "year" else "Monthly salary")
    other = _deduction(other_deductions, "Other deductions")
    taxable = max(0.0, value - schedule.basic_deduction - other)
    tax, bracket = schedule.tax(taxable), schedule.bracket_for(taxable)
    return MainlandIIT(value, schedule.basic_deduction, other, taxable, bracket.number,
                       bracket.rate if taxable > 0 else 0.0, tax)


def _need_schedule(schedule: object) -> None:
    need_kind(schedule, IITSchedule, "schedule", "an IIT schedule such as tables.annual()")


# ----------------------------------------------------------------------------------------- tax_rules

RULE_COLUMNS = ["rule_id", "parameter", "jurisdiction", "value", "valid_from", "valid_to", "instrument", "text"]


def rules_in_force(rules: pd.DataFrame, parameter: str, jurisdiction: str, year: int) -> pd.DataFrame:
    """Rows of ``tax_rules`` for a parameter and jurisdiction in force on 31 December of a year (no date: open)."""
    day = pd.Timestamp(year, 12, 31)
    started = rules["valid_from"].isna() | (rules["valid_from"] <= day)
    not_ended = rules["valid_to"].isna() | (day <= rules["valid_to"])
    mask = (rules["parameter"] == parameter) & (rules["jurisdiction"] == jurisdiction) & started & not_ended
    return rules[mask].sort_values("rule_id")


def rule_years(rules: pd.DataFrame, parameter: str, jurisdiction: str) -> list[int]:
    """Calendar years that the validity period of some row for a parameter and jurisdiction touches."""
    rows = rules[(rules["parameter"] == parameter) & (rules["jurisdiction"] == jurisdiction)]
    return sorted({year for r in rows.itertuples() for year in range(r.valid_from.year, r.valid_to.year + 1)})


# ---------------------------------------------------------------------------- the 15 % talent subsidy

@dataclass(frozen=True)
class SubsidyRule:
    tax_year: int
    ceiling: float
    cap: float | None
    ceiling_rule: str
    instrument: str


def subsidy_rule(rules: pd.DataFrame, tax_year: object) -> SubsidyRule:
    """The GBA ceiling (``.ceiling``, a fraction) and yearly cap (``.cap`` in CNY, None before 2023) in force at the
    end of a tax year. The research applies the cap from the 2023 notice on (an inference, stated in the notebook).

    >>> rate = subsidy_rule(rules, 2019).ceiling
    >>> print(f"{rate:.0%} × 100,000 = {rate * 100_000:,.0f} CNY")
    15% × 100,000 = 15,000 CNY
    """
    need_table(rules, "tax_rules", RULE_COLUMNS)
    year = parse_year(tax_year, "Tax year", rule_years(rules, "iit_burden_ceiling", "CN-GBA"))
    ceiling = _one(rules_in_force(rules, "iit_burden_ceiling", "CN-GBA", year), f"the 15% ceiling in {year}")
    caps = rules_in_force(rules, "iit_subsidy_cap", "CN-GBA", year)
    return SubsidyRule(year, float(ceiling["value"]), None if caps.empty else float(caps.iloc[0]["value"]),
                       ceiling["rule_id"], ceiling["instrument"])


def cap_binds_from(schedule: IITSchedule, rule: SubsidyRule) -> float | None:
    """The salary (basic deduction only) above which the subsidy cap binds, or None if the rule has no cap.
    In the top bracket the uncapped subsidy is (top rate - ceiling) x taxable - top quick deduction."""
    _need_schedule(schedule)
    need_kind(rule, SubsidyRule, "rule", "a subsidy rule such as subsidy_rule(rules, 2023)")
    if rule.cap is None:
        return None
    top = schedule.brackets[-1]
    taxable = (rule.cap + top.quick_deduction) / (top.rate - rule.ceiling)
    if taxable < top.lower:
        raise InputProblem("The subsidy cap binds below the top bracket; this shortcut does not apply.")
    return taxable + schedule.basic_deduction


def gba_subsidy(iit: float, taxable: float, rule: SubsidyRule) -> float:
    """subsidy = max(0, IIT paid - ceiling x taxable income), then at most the cap (if any)."""
    subsidy = max(0.0, iit - rule.ceiling * taxable)
    return subsidy if rule.cap is None else min(rule.cap, subsidy)


def subsidy_threshold(schedule: IITSchedule, ceiling: float) -> float:
    """Taxable income T where tax(T) = ceiling x T: above it the subsidy is positive. In the bracket that
    holds T: rate x T - QD = ceiling x T, so T = QD / (rate - ceiling)."""
    _need_schedule(schedule)
    ceiling = float(parse_number(ceiling, label="Ceiling (a fraction, 0.15 for 15%)", minimum=0, maximum=1))
    for bracket in schedule.brackets:
        if bracket.rate > ceiling:
            t = bracket.quick_deduction / (bracket.rate - ceiling)
            if bracket.holds(t):
                return t
    raise InputProblem(f"The tax never reaches {ceiling:.0%} of taxable income on this table.")


# ------------------------------------------------------------------------------ Hong Kong salaries tax

HK_COLUMNS = ["year_of_assessment", "year_start", "item", "tier", "lower", "upper", "rate", "amount"]
HK_NEEDS = {"progressive_band", "standard_rate_tier", "basic_allowance_single"}  # items the lower-of rule needs


@dataclass(frozen=True)
class HKYear:
    year_of_assessment: str
    year_start: int
    bands: RateTable
    standard_tiers: RateTable
    basic_allowance: float
    reduction_rate: float | None
    reduction_cap: float | None


def hk_years(hk: pd.DataFrame) -> list[str]:
    """Years of assessment with everything the lower-of rule needs (bands, standard rate, allowance)."""
    return sorted(year for year, group in hk.groupby("year_of_assessment") if HK_NEEDS <= set(group["item"]))


def hk_year(hk: pd.DataFrame, year_of_assessment: object) -> HKYear:
    """Parameters of one year of assessment; a clear message when the research left a gap."""
    need_table(hk, "tax_hk_salaries", HK_COLUMNS)
    if not isinstance(year_of_assessment, str):
        raise InputProblem(f"Year of assessment: expected text like '2023/24', "
                           f"not {type(year_of_assessment).__name__}.")
    rows = hk[hk["year_of_assessment"] == year_of_assessment]
    complete = hk_years(hk)
    if rows.empty:
        raise InputProblem(f"Year of assessment {year_of_assessment[:20]!r} is not in the data. "
                           f"Pick one of {', '.join(complete)}.")
    if year_of_assessment not in complete:
        missing = sorted(HK_NEEDS - set(rows["item"]))
        raise InputProblem(f"{year_of_assessment}: the data lack {', '.join(missing)} for this year (a gap in the "
                           f"research, not a zero), so the tax cannot be computed. Pick one of {', '.join(complete)}.")
    items = {item: part for item, part in rows.groupby("item")}
    reduction = items.get("one_off_reduction")
    allowance = float(items["basic_allowance_single"]["amount"].iloc[0])
    return HKYear(year_of_assessment, int(rows["year_start"].iloc[0]), _rate_table(items["progressive_band"], "tier"),
                  _rate_table(items["standard_rate_tier"], "tier"), allowance,
                  None if reduction is None else float(reduction["rate"].iloc[0]),
                  None if reduction is None else float(reduction["amount"].iloc[0]))


@dataclass(frozen=True)
class HKSalariesTax:
    year_of_assessment: str
    net_income: float
    basic_allowance: float
    net_chargeable_income: float
    progressive: float
    standard: float
    before_reduction: float
    method: str
    reduction: float
    payable: float
    reduction_known: bool


def hk_salaries_tax(net_income: object, year: HKYear) -> HKSalariesTax:
    """Lower of (progressive rates on net income - allowance) and (standard rate on net income), then the
    year's one-off reduction: min(rate x tax, cap)."""
    need_kind(year, HKYear, "year", "a year of assessment such as hk_year(tables.hk, '2023/24')")
    income = amount(net_income, "Net income", unit="HKD", maximum=MAX_SALARY * 2)
    nci = max(0.0, income - year.basic_allowance)
    progressive = year.bands.tax(nci)
    standard = sum(tax for _, _, tax in year.standard_tiers.bands(income))
    before = min(progressive, standard)
    method = "progressive rates" if progressive <= standard else "standard rate"
    reduction = 0.0 if year.reduction_rate is None else min(year.reduction_rate * before, year.reduction_cap)
    return HKSalariesTax(year.year_of_assessment, income, year.basic_allowance, nci, progressive, standard, before,
                         method, reduction, before - reduction, year.reduction_rate is not None)


def hk_profits_tax(profits: object, rules: pd.DataFrame) -> float:
    """Two-tiered profits tax for a corporation (from 2018/19): tier-1 rate on the first tranche, tier-2 above."""
    need_table(rules, "tax_rules", RULE_COLUMNS)
    value = amount(profits, "Assessable profits", unit="HKD", maximum=MAX_PROFIT)

    def param(name: str) -> float:  # a parameter may have several rows, one per validity period
        return float(_one(rules[rules["parameter"] == name], name)["value"])

    limit = param("hk_profits_tax_tier1_limit")
    return (param("hk_profits_tax_rate_corporation_tier1") * min(value, limit)
            + param("hk_profits_tax_rate_corporation_tier2") * max(0.0, value - limit))


# ------------------------------------------------------------------------------------------ exchange

@dataclass(frozen=True)
class FxRate:
    cny_per_hkd: float
    year: int
    requested_year: int
    source_id: str

    def note(self) -> str:
        text = (f"{self.cny_per_hkd} CNY per HKD, calendar-year {self.year} average (FRED cross rate via USD, "
                f"source {self.source_id})")
        if self.year != self.requested_year:
            text += f"; the data have no {self.requested_year} rate, so the latest year ({self.year}) is used"
        return text


def fx_for_year(fx: pd.DataFrame, year: int) -> FxRate:
    """CNY per HKD (FRED cross rate) for a calendar year; the latest earlier year if that one is missing."""
    rows = fx[fx["basis"] == "fred_cross_via_usd"].sort_values("year")
    earlier = rows[rows["year"] <= year]
    if earlier.empty:
        first = int(rows["year"].min())
        raise InputProblem(f"No CNY/HKD rate in the data for {year} or earlier (first year: {first}).")
    row = earlier.iloc[-1]
    return FxRate(float(row["cny_per_hkd"]), int(row["year"]), int(year), row["source_id"])


# ------------------------------------------------------------------------------- talent comparison

@dataclass
class TaxTables:
    """The four tables the calculators use, as loaded by ``qianhai.data.load``."""

    brackets: pd.DataFrame
    hk: pd.DataFrame
    rules: pd.DataFrame
    fx: pd.DataFrame

    def __post_init__(self):
        need_table(self.brackets, "tax_iit_brackets", ["schedule_id", "bracket", "lower", "upper", "rate",
                                                       "quick_deduction", "basic_deduction", "period_unit"])
        need_table(self.hk, "tax_hk_salaries", HK_COLUMNS)
        need_table(self.rules, "tax_rules", RULE_COLUMNS)
        need_table(self.fx, "cny_hkd", ["year", "basis", "cny_per_hkd", "source_id"])

    def annual(self) -> IITSchedule:
        return iit_schedule(self.brackets, ANNUAL_TABLE)

    def comparison_years(self) -> list[str]:
        """HK years of assessment whose first calendar year has a mainland subsidy rule."""
        mainland = set(rule_years(self.rules, "iit_burden_ceiling", "CN-GBA"))
        return [y for y in hk_years(self.hk) if int(y[:4]) in mainland]


@dataclass(frozen=True)
class TalentComparison:
    salary: float
    year_of_assessment: str
    mainland: MainlandIIT
    rule: SubsidyRule
    subsidy: float
    fx: FxRate
    hk: HKSalariesTax
    exemption: float | None  # illustration of Caishui [2024] No. 12, not the official method

    @property
    def net_iit(self) -> float:
        return self.mainland.iit - self.subsidy

    @property
    def hk_payable_cny(self) -> float:
        return self.hk.payable * self.fx.cny_per_hkd

    @property
    def hk_before_reduction_cny(self) -> float:
        return self.hk.before_reduction * self.fx.cny_per_hkd

    def headline(self) -> str:
        s, taxable = self.salary, self.mainland.taxable
        of_taxable = f" ({self.net_iit / taxable:.1%} of taxable income)" if taxable > 0 else ""
        return (f"Tax as a share of a {s:,.0f} CNY salary: mainland IIT {self.mainland.iit / s:.1%}; after the 15% "
                f"subsidy {self.net_iit / s:.1%}{of_taxable}; Hong Kong salaries tax ({self.year_of_assessment}) "
                f"{self.hk_payable_cny / s:.1%}.")

    def lines(self) -> list[str]:
        m, h, s = self.mainland, self.hk, self.salary
        # The cap is introduced once in the notebook; name it here only where it changes the result.
        capped = self.rule.cap is not None and self.subsidy == self.rule.cap
        cap = f", at most the {self.rule.cap:,.0f}-yuan cap" if capped else ""
        out = [
            f"Mainland, tax year {self.rule.tax_year}: taxable income = {s:,.0f} - {m.basic_deduction:,.0f}"
            + (f" - {m.other_deductions:,.0f}" if m.other_deductions else "")
            + f" = {m.taxable:,.0f}; bracket {m.bracket} ({m.marginal_rate:.0%}); IIT {m.iit:,.0f} CNY "
            f"({m.rate_on_income:.1%} of the salary).",
            f"15% ceiling: {self.rule.ceiling:.0%} × {m.taxable:,.0f} = {self.rule.ceiling * m.taxable:,.0f}; "
            f"subsidy = max(0, {m.iit:,.0f} - {self.rule.ceiling * m.taxable:,.0f}){cap} = {self.subsidy:,.0f}; "
            f"IIT after the subsidy {self.net_iit:,.0f} CNY ({self.net_iit / s:.1%} of the salary).",
            f"Hong Kong, {h.year_of_assessment}: {s:,.0f} CNY / {self.fx.cny_per_hkd} = HK${h.net_income:,.0f}; "
            f"net chargeable income {h.net_chargeable_income:,.0f}; progressive {h.progressive:,.0f} vs standard "
            f"{h.standard:,.0f} -> {h.method}: HK${h.before_reduction:,.0f}.",
        ]
        paid = f"{self.hk_payable_cny:,.0f} CNY ({self.hk_payable_cny / s:.1%} of the salary)."
        if h.reduction_known:
            out.append(f"One-off reduction for {h.year_of_assessment}: -HK${h.reduction:,.0f} -> HK${h.payable:,.0f} "
                       f"payable = {paid}")
        else:
            out.append(f"No one-off reduction for {h.year_of_assessment} in the data, so none is applied: "
                       f"HK${h.payable:,.0f} = {paid}")
        if self.exemption is not None:
            out.append(f"Illustration only (not the official method): the Hong Kong-resident exemption (Caishui "
                       f"[2024] No. 12) removes IIT above the Hong Kong burden. On our HK figure before the one-off "
                       f"reduction ({self.hk_before_reduction_cny:,.0f} CNY) that is {self.exemption:,.0f} CNY, "
                       f"leaving {self.mainland.iit - self.exemption:,.0f}; the taxpayer uses this or the subsidy, "
                       "not both.")
        return out

    def assumptions(self) -> list[str]:
        m = self.mainland
        other = (f"other deductions of {m.other_deductions:,.0f} CNY as typed" if m.other_deductions else
                 "no social insurance, housing fund or special additional deductions")
        cap = (f"the {self.rule.cap:,.0f}-yuan cap applied (the research infers it covers tax years from the 2023 "
               f"notice on)" if self.rule.cap is not None else "no cap in the data for this year")
        return [
            f"Mainland: a resident taxed on the {ANNUAL_TABLE} table; the whole salary is wages; only the "
            f"{m.basic_deduction:,.0f}-yuan basic deduction, {other}.",
            f"Subsidy: the person is eligible talent working in Qianhai (identity and city criteria met); "
            f"{self.rule.instrument}, base = taxable income; {cap}.",
            f"Hong Kong: single person, basic allowance only, no MPF or other deductions; year of assessment "
            f"{self.year_of_assessment} set beside mainland tax year {self.rule.tax_year} (not the same 12 months).",
            f"Exchange rate: {self.fx.note()}. Official mainland conversions use the PBoC central parity, "
            f"which is not in the data.",
        ]


@dataclass(frozen=True)
class YearContext:
    """What a comparison in one year of assessment needs besides the salary."""

    hk: HKYear
    schedule: IITSchedule
    rule: SubsidyRule
    fx: FxRate
    exemption_in_force: bool

    def compare(self, salary: float, other_deductions: object = 0) -> TalentComparison:
        mainland = mainland_iit(salary, self.schedule, other_deductions)
        hk = hk_salaries_tax(salary / self.fx.cny_per_hkd, self.hk)
        exemption = max(0.0, mainland.iit - hk.before_reduction * self.fx.cny_per_hkd)
        return TalentComparison(salary, self.hk.year_of_assessment, mainland, self.rule,
                                gba_subsidy(mainland.iit, mainland.taxable, self.rule), self.fx, hk,
                                exemption if self.exemption_in_force else None)


def year_context(year_of_assessment: object, tables: TaxTables) -> YearContext:
    """Everything one Hong Kong year of assessment (and its first calendar year on the mainland) needs."""
    need_kind(tables, TaxTables, "tables", TABLES_EXAMPLE)
    allowed = tables.comparison_years()
    year = hk_year(tables.hk, year_of_assessment)  # a specific message for gaps and unknown years
    if year_of_assessment not in allowed:
        raise InputProblem(f"{year_of_assessment}: no mainland subsidy rule for its first calendar year. "
                           f"Pick one of {', '.join(allowed)}.")
    exemption = rules_in_force(tables.rules, "iit_exemption_above_hk_burden", "CN-Qianhai", year.year_start)
    return YearContext(year, tables.annual(), subsidy_rule(tables.rules, year.year_start),
                       fx_for_year(tables.fx, year.year_start), not exemption.empty)


def compare_talent(salary: object, year_of_assessment: object, tables: TaxTables,
                   other_deductions: object = 0) -> TalentComparison:
    """Mainland IIT, the 15 % subsidy and Hong Kong salaries tax for one annual salary in CNY."""
    value = amount(salary, "Annual salary")
    return year_context(year_of_assessment, tables).compare(value, other_deductions)


def effective_rates(tables: TaxTables, year_of_assessment: str, salaries) -> pd.DataFrame:
    """For each annual salary (CNY): mainland IIT, IIT after the subsidy and Hong Kong tax, as % of the salary."""
    context = year_context(year_of_assessment, tables)
    if isinstance(salaries, (str, dict)) or np.ndim(salaries) != 1:  # np.array(5) has __iter__ but no items
        raise InputProblem("salaries must be several annual salaries, e.g. np.arange(20_000, 4_000_001, 20_000), "
                           f"not {type(salaries).__name__}.")
    comparisons = [context.compare(amount(salary, "Annual salary")) for salary in salaries]
    taxes = pd.DataFrame([(c.salary, c.mainland.iit, c.net_iit, c.hk_payable_cny) for c in comparisons],
                         columns=["salary_cny", "mainland_iit_pct", "mainland_after_subsidy_pct", "hong_kong_pct"])
    taxes.iloc[:, 1:] = (100 * taxes.iloc[:, 1:]).div(taxes["salary_cny"], axis=0)  # each as a % of the salary
    return taxes


# -------------------------------------------------------------------------------------- CIT checker

@dataclass(frozen=True)
class CITRules:
    year: int
    standard_rate: float
    preferential_rate: float
    share_min: float
    sectors: tuple[str, ...]
    instrument: str

    @property
    def threshold_pct(self) -> float:
        # 0.7 * 100 is 70.00000000000001 in binary floating point: round, or a firm at exactly 70 % fails.
        return round(self.share_min * 100, 9)


def cit_sectors(rules: pd.DataFrame) -> list[str]:
    """Every catalogue sector named in the data (any edition), in the data's order, then 'another sector'."""
    rows = rules[rules["parameter"] == "cit_catalogue_sector"].sort_values("rule_id")
    return [*dict.fromkeys(rows["text"]), NOT_IN_CATALOGUE]


def cit_rules(rules: pd.DataFrame, year: object) -> CITRules:
    """The standard rate and the Qianhai rule (rate, share test, sectors) in force in a year."""
    need_table(rules, "tax_rules", RULE_COLUMNS)
    value = parse_year(year, "Tax year", rule_years(rules, "cit_rate_qianhai_preferential", "CN-Qianhai"))
    standard = _one(rules_in_force(rules, "cit_rate_standard", "CN", value), f"the standard CIT rate in {value}")
    rate = _one(rules_in_force(rules, "cit_rate_qianhai_preferential", "CN-Qianhai", value),
                f"the Qianhai rate in {value}")
    share = _one(rules_in_force(rules, "cit_main_business_share_min", "CN-Qianhai", value),
                 f"the share test in {value}")
    sectors = rules_in_force(rules, "cit_catalogue_sector", "CN-Qianhai", value)
    return CITRules(value, float(standard["value"]), float(rate["value"]), float(share["value"]),
                    tuple(sectors["text"]), rate["instrument"])


def share_passes(share: float, rules: CITRules) -> bool:
    """Whether a main-business share (in %) meets the year's test: '以上' includes the number (the drafting
    convention of Civil Code Art. 1259 and its predecessors), recorded as '>=' in tax_rules."""
    return share >= rules.threshold_pct


@dataclass(frozen=True)
class CITCheck:
    rules: CITRules
    sector: str
    in_catalogue: bool
    share: float
    passes_share: bool
    in_zone: float
    profit: float

    @property
    def eligible(self) -> bool:
        """Two tests decide eligibility; the in-zone share is a scope rule (how much of the profit gets 15 %)."""
        return self.in_catalogue and self.passes_share

    @property
    def profit_at_preferential_rate(self) -> float:
        return self.profit * self.in_zone / 100 if self.eligible else 0.0

    @property
    def tax(self) -> float:
        """15 % on the in-zone part of the profit if eligible, 25 % on the rest."""
        preferential = self.profit_at_preferential_rate
        return preferential * self.rules.preferential_rate + (self.profit - preferential) * self.rules.standard_rate

    @property
    def tax_standard(self) -> float:
        return self.profit * self.rules.standard_rate

    @property
    def saving(self) -> float:
        return self.tax_standard - self.tax

    def tests(self) -> list[tuple[str, str, str, str]]:
        """The two tests that decide eligibility: (test, rule, this firm, passes?)."""
        r = self.rules
        return [
            ("sector in the catalogue", f"one of the {len(r.sectors)} sectors of the {r.year} catalogue",
             self.sector, "yes" if self.in_catalogue else "no"),
            ("main business share", f"'{r.threshold_pct:g}%以上' of total revenue, i.e. {r.threshold_pct:g}% or "
             "more (the drafting convention: Civil Code Art. 1259, Criminal Law Art. 99)", f"{self.share:g}%",
             "yes" if self.passes_share else "no"),
        ]

    def scope(self) -> str:
        """The scope rule, which is not a test: how much of the profit gets the lower rate."""
        rate = f"{self.rules.preferential_rate:.0%}"
        rule = f"Only profit earned inside the zone (by in-zone establishments) gets {rate}"
        if not self.eligible:
            return f"{rule}; this firm is not eligible, so none of its profit does."
        return (f"{rule}: here {self.in_zone:g}% of the profit, {self.profit_at_preferential_rate:,.0f} CNY "
                f"at {rate}.")

    def sentence(self) -> str:
        r = self.rules
        base = (f"{r.year}, standard rate {r.standard_rate:.0%}, Qianhai rate {r.preferential_rate:.0%} "
                f"({r.instrument}); taxable profit {self.profit:,.0f} CNY.")
        word = "eligible" if self.eligible else "not eligible"
        if self.eligible and self.in_zone == 0:
            word += f", but none of the profit is earned inside the zone, so none gets {r.preferential_rate:.0%}"
        elif self.eligible and self.in_zone < 100:
            word += (f" ({r.preferential_rate:.0%} on the {self.in_zone:g}% of the profit earned inside the zone, "
                     f"{r.standard_rate:.0%} on the rest)")
        return (f"{base} The firm is {word}: tax {self.tax:,.0f} CNY, saving {self.saving:,.0f} CNY against "
                f"{self.tax_standard:,.0f} at the standard rate.")


def cit_check(rules: pd.DataFrame, year: object, sector: object, share: object, in_zone: object,
              profit: object) -> CITCheck:
    """Check one firm against the Qianhai 15 % CIT rule of a year."""
    year_rules = cit_rules(rules, year)
    known = cit_sectors(rules)
    if sector not in known:
        raise InputProblem(f"Sector {str(sector)[:40]!r} is not one of the choices: {', '.join(known)}.")
    share_value = parse_number(share, label="Main-business share", minimum=0, maximum=100, unit="%")
    zone_value = parse_number(in_zone, label="Profit earned inside the zone", minimum=0, maximum=100, unit="%")
    profit_value = amount(profit, "Taxable profit", maximum=MAX_PROFIT)
    return CITCheck(year_rules, str(sector), sector in year_rules.sectors, share_value,
                    share_passes(share_value, year_rules), zone_value, profit_value)


def boundary_table(rules: pd.DataFrame, year: int, offsets=(-0.1, 0.0, 0.1)) -> pd.DataFrame:
    """Shares just below, at and just above the threshold of a year, and whether each passes the share test."""
    r = cit_rules(rules, year)
    shares = [round(r.threshold_pct + offset, 6) for offset in offsets]
    return pd.DataFrame({"year": r.year, "main-business share (%)": shares, "test": f"{r.threshold_pct:g}%以上",
                         "passes?": [share_passes(share, r) for share in shares]})


# ------------------------------------------------------------------------------------------ widgets

def _table_html(rows: list[tuple]) -> str:
    cells = [[f"<th style='text-align:left'>{escape(c)}</th>" for c in ("test", "rule", "this firm", "passes?")]]
    cells += [[f"<td style='text-align:left'>{escape(v)}</td>" for v in row] for row in rows]
    return "<table>" + "".join("<tr>" + "".join(row) + "</tr>" for row in cells) + "</table>"


def _list_html(title: str, items: list[str]) -> str:
    return f"<b>{escape(title)}</b><ul>" + "".join(f"<li>{escape(x)}</li>" for x in items) + "</ul>"


CIT_SIMPLIFICATIONS = [
    "The checker works at sector level; the real catalogue lists items within sectors (three are recorded in "
    "tax_rules).",
    "'Inside the zone' is entered as a share of the profit; the rules define it by establishment "
    "(in-zone headquarters and branches).",
    "Taxable profit is taken as given: no other incentives, losses carried forward or Hong Kong tax.",
]


class CITChecker(Explorer):
    """Tax year, sector, main-business share, in-zone share and profit -> the tests, rate, tax and saving."""

    def __init__(self, rules: pd.DataFrame, year: int = 2019, sector: str = "information services",
                 share: float = 70, in_zone: float = 100, profit: str = "10,000,000"):
        need_table(rules, "tax_rules", RULE_COLUMNS)
        super().__init__()
        self.rules = rules
        self.year = w.Dropdown(options=rule_years(rules, "cit_rate_qianhai_preferential", "CN-Qianhai"), value=year,
                               description="Tax year", style=LABEL_STYLE)
        self.sector = w.Dropdown(options=cit_sectors(rules), value=sector, description="Main business sector",
                                 style=LABEL_STYLE, layout=w.Layout(width="520px"))
        self.share = TwinSlider("Catalogue business, share of total revenue", minimum=0, maximum=100, value=share,
                                step=0.5, integer=False, unit="%", messages=self.messages)
        self.in_zone = w.Text(value=f"{in_zone:g}", description="Share of profit earned inside Qianhai (%)",
                              continuous_update=False, style=LABEL_STYLE)
        self.profit = w.Text(value=profit, description="Taxable profit (CNY)", continuous_update=False,
                             style=LABEL_STYLE)
        self.watch(self.year, self.sector, self.in_zone, self.profit, self.share)
        self.update()
        self.panel = Panel([self.year, self.sector, self.share.box, self.in_zone, self.profit,
                            self.messages.widget, self.result],
                           summary="CIT eligibility checker: year, sector, main-business share, in-zone share, "
                                   "profit -> 15% or 25%, tax and saving")

    def compute(self) -> CITCheck:
        return cit_check(self.rules, self.year.value, self.sector.value, self.share.value, self.in_zone.value,
                         self.profit.value)

    def describe(self, check: CITCheck) -> None:
        self.messages.clear()
        self.result.value = (_table_html(check.tests()) + f"<p>{escape(check.scope())}</p>"
                             + f"<p><b>{escape(check.sentence())}</b></p>"
                             + _list_html("Simplifications", CIT_SIMPLIFICATIONS))


class TalentTaxCalculator(Explorer):
    """Annual salary and Hong Kong year of assessment -> mainland IIT, the 15 % subsidy and Hong Kong tax, in words."""

    def __init__(self, tables: TaxTables, salary: int = 1_000_000, year_of_assessment: str = "2023/24",
                 maximum: int = 5_000_000):
        need_kind(tables, TaxTables, "tables", TABLES_EXAMPLE)
        super().__init__()
        self.contexts = {year: year_context(year, tables) for year in tables.comparison_years()}
        self.salary = TwinSlider("Annual salary", minimum=10_000, maximum=maximum, value=salary, step=10_000,
                                 unit="CNY a year", messages=self.messages)
        self.year = w.Dropdown(options=list(self.contexts), value=year_of_assessment,
                               description="Hong Kong year of assessment", style=LABEL_STYLE)
        self.watch(self.year, self.salary)
        self.update()
        self.panel = Panel([self.salary.box, self.year, self.messages.widget, self.result],
                           summary="talent tax calculator: annual salary and Hong Kong year -> mainland IIT, "
                                   "15% subsidy, Hong Kong salaries tax")

    def compute(self) -> TalentComparison:
        return self.contexts[self.year.value].compare(self.salary.value)

    def describe(self, comparison: TalentComparison) -> None:
        self.messages.clear()
        self.result.value = (f"<p><b>{escape(comparison.headline())}</b></p>"
                             + _list_html("How it is worked out", comparison.lines())
                             + _list_html("Simplifications (stated, not hidden)", comparison.assumptions()))

