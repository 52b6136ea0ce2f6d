"""Notebook 03 plumbing: the CIT eligibility checker and the talent tax calculator.

Two kinds of expected values:
* the research pack's worked examples (data/tax_worked_examples.csv, tax_schedules.md section 6), pivoted by
  example_id and compared within the tolerance the data give;
* our own examples, worked by hand from the rows of data/tax_iit_brackets.csv, data/tax_hk_salaries.csv,
  data/tax_rules.csv and data/cny_hkd.csv. The arithmetic is written in each comment; nothing is copied from
  the code's output.
"""

from __future__ import annotations

import doctest
import math

import pandas as pd
import pytest

from qianhai.data import load
from qianhai.inputs import InputProblem
from qianhai.tax import (NOT_IN_CATALOGUE, cap_binds_from, CITChecker, TalentTaxCalculator, TaxTables, amount, boundary_table,
                         cit_check, cit_rules, cit_sectors, compare_talent, effective_rates, fx_for_year,
                         gba_subsidy, hk_profits_tax, hk_salaries_tax, hk_year, hk_years, iit_schedule, mainland_iit,
                         share_passes, subsidy_rule, subsidy_threshold)


@pytest.fixture(scope="module")
def tables():
    return TaxTables(load("tax_iit_brackets"), load("tax_hk_salaries"), load("tax_rules"), load("cny_hkd"))


@pytest.fixture(scope="module")
def rules(tables):
    return tables.rules


@pytest.fixture(scope="module")
def examples():
    frame = load("tax_worked_examples")
    return {eid: group.set_index("quantity") for eid, group in frame.groupby("example_id")}


def expect(examples, example_id, quantity):
    row = examples[example_id].loc[quantity]
    return float(row["value"]), float(row["tolerance"])


def close(actual, examples, example_id, quantity):
    value, tolerance = expect(examples, example_id, quantity)
    assert abs(actual - value) <= tolerance + 1e-6, f"{example_id}.{quantity}: {actual} vs {value} ± {tolerance}"


# ------------------------------------------------------------------ the research pack's worked examples

def test_worked_mainland_300k(tables, examples):
    annual = tables.annual()
    salary, _ = expect(examples, "cn_iit_annual_300k", "annual_gross_income")
    assert annual.basic_deduction == expect(examples, "cn_iit_annual_300k", "basic_deduction")[0]
    result = mainland_iit(salary, annual)
    close(result.taxable, examples, "cn_iit_annual_300k", "taxable_income")
    close(result.bracket, examples, "cn_iit_annual_300k", "bracket")
    close(result.iit, examples, "cn_iit_annual_300k", "iit")
    close(result.rate_on_income, examples, "cn_iit_annual_300k", "effective_rate_on_gross")
    close(result.rate_on_taxable, examples, "cn_iit_annual_300k", "effective_rate_on_taxable")
    rule = subsidy_rule(tables.rules, 2019)
    close(rule.ceiling * result.taxable, examples, "cn_iit_annual_300k", "tax_at_15pct_of_taxable_income")
    close(gba_subsidy(result.iit, result.taxable, rule), examples, "cn_iit_annual_300k", "gba_subsidy")


def test_worked_mainland_1m(tables, examples):
    result = mainland_iit(expect(examples, "cn_iit_annual_1m", "annual_gross_income")[0], tables.annual())
    close(result.taxable, examples, "cn_iit_annual_1m", "taxable_income")
    close(result.bracket, examples, "cn_iit_annual_1m", "bracket")
    close(result.iit, examples, "cn_iit_annual_1m", "iit")
    for year in (2019, 2023):  # under the cap either way
        subsidy = gba_subsidy(result.iit, result.taxable, subsidy_rule(tables.rules, year))
        close(subsidy, examples, "cn_iit_annual_1m", "gba_subsidy")
        close(result.iit - subsidy, examples, "cn_iit_annual_1m", "iit_net_of_subsidy")
        close((result.iit - subsidy) / result.income, examples, "cn_iit_annual_1m", "net_burden_rate_on_gross")


def test_worked_subsidy_threshold(tables, examples):
    threshold = subsidy_threshold(tables.annual(), 0.15)
    close(threshold, examples, "gba_subsidy_threshold", "subsidy_threshold_taxable_income")
    close(tables.annual().tax(threshold), examples, "gba_subsidy_threshold", "iit_at_threshold")
    close(threshold + tables.annual().basic_deduction, examples, "gba_subsidy_threshold",
          "subsidy_threshold_gross_income")


def test_annual_table_and_bracket_lookup_as_the_statute_prints_them(tables):
    # The 2019 annual table (IIT Law, table 1): 0-36,000 at 3% (quick deduction 0); 36,000-144,000 at 10% (2,520);
    # ... ; above 960,000 at 45% (181,920). 319,200 lies in 300,000-420,000: bracket 4.
    annual = tables.annual()
    table = annual.table()
    assert table.loc[1].tolist() == [0, "36000", 3, 0]
    assert table.loc[2].tolist() == [36000, "144000", 10, 2520]
    assert table.loc[7].tolist() == [960000, "", 45, 181920]  # no upper limit: a blank, not NaN
    assert list(table.columns) == ["lower", "upper", "rate, %", "quick_deduction"]
    assert annual.bracket_for(319_200).number == 4
    assert annual.bracket_for(36_000).number == 1 and annual.bracket_for(36_001).number == 2  # lower < x <= upper
    assert annual.bracket_for(0).number == 1


@pytest.mark.parametrize("example_id, schedule_id", [("cn_iit_monthly_10k_2011", "cn_iit_monthly_2011"),
                                                     ("cn_iit_monthly_10k_2018", "cn_iit_monthly_2018")])
def test_worked_monthly_tables(tables, examples, example_id, schedule_id):
    schedule = iit_schedule(tables.brackets, schedule_id)
    assert schedule.period_unit == "month"
    close(schedule.basic_deduction, examples, example_id, "basic_deduction")
    result = mainland_iit(expect(examples, example_id, "monthly_income_after_social_insurance")[0], schedule)
    close(result.taxable, examples, example_id, "taxable_income")
    close(result.iit, examples, example_id, "iit")


def test_worked_hk_600k(tables, examples):
    income = expect(examples, "hk_salaries_600k", "net_income")[0]
    for year, after in (("2023/24", "tax_after_reduction_2023_24"), ("2022/23", "tax_after_reduction_2022_23")):
        tax = hk_salaries_tax(income, hk_year(tables.hk, year))
        close(tax.basic_allowance, examples, "hk_salaries_600k", "basic_allowance")
        close(tax.net_chargeable_income, examples, "hk_salaries_600k", "net_chargeable_income")
        close(tax.progressive, examples, "hk_salaries_600k", "tax_progressive")
        close(tax.standard, examples, "hk_salaries_600k", "tax_standard_rate")
        close(tax.before_reduction, examples, "hk_salaries_600k", "tax_before_reduction")
        close(tax.payable, examples, "hk_salaries_600k", after)


def test_worked_hk_crossover_and_3m(tables, examples):
    # At the research's crossover net income the two methods give the same tax (the worked example's value).
    year = hk_year(tables.hk, "2023/24")
    tax = hk_salaries_tax(expect(examples, "hk_salaries_crossover", "crossover_net_income")[0], year)
    close(tax.progressive, examples, "hk_salaries_crossover", "tax_at_crossover")
    close(tax.standard, examples, "hk_salaries_crossover", "tax_at_crossover")
    big = hk_salaries_tax(expect(examples, "hk_salaries_3m", "net_income")[0], year)
    close(big.progressive, examples, "hk_salaries_3m", "tax_progressive")
    close(big.standard, examples, "hk_salaries_3m", "tax_standard_rate")
    close(big.before_reduction, examples, "hk_salaries_3m", "tax_before_reduction")
    assert big.method == "standard rate"


def test_worked_hk_10m_two_tier(tables, examples):
    tax = hk_salaries_tax(expect(examples, "hk_salaries_10m_2024", "net_income")[0], hk_year(tables.hk, "2024/25"))
    close(tax.standard, examples, "hk_salaries_10m_2024", "tax_standard_rate_two_tier")
    close(tax.progressive, examples, "hk_salaries_10m_2024", "tax_progressive")
    close(tax.before_reduction, examples, "hk_salaries_10m_2024", "tax_before_reduction")
    flat = hk_salaries_tax(expect(examples, "hk_salaries_10m_2024", "net_income")[0], hk_year(tables.hk, "2023/24"))
    close(flat.standard, examples, "hk_salaries_10m_2024", "tax_flat_15pct_comparison")


def test_worked_cit_10m(rules, examples):
    profit = expect(examples, "cn_cit_10m", "taxable_profit")[0]
    check = cit_check(rules, 2022, "information services", 100, 100, profit)
    close(check.tax_standard, examples, "cn_cit_10m", "cit_standard_25pct")
    close(check.tax, examples, "cn_cit_10m", "cit_qianhai_15pct")


def test_worked_hk_profits_tax(rules, examples):
    profits = expect(examples, "hk_profits_tax_10m", "assessable_profits")[0]
    tax = hk_profits_tax(profits, rules)
    close(tax, examples, "hk_profits_tax_10m", "profits_tax")
    close(tax / profits, examples, "hk_profits_tax_10m", "effective_rate")


def test_worked_cross_border_1m_2023(tables, examples):
    c = compare_talent(expect(examples, "cross_border_1m_2023", "annual_gross_income_cny")[0], "2023/24", tables)
    close(c.fx.cny_per_hkd, examples, "cross_border_1m_2023", "fx_cny_per_hkd")
    close(c.hk.net_income, examples, "cross_border_1m_2023", "income_hkd")
    close(c.hk.basic_allowance, examples, "cross_border_1m_2023", "basic_allowance")
    close(c.hk.net_chargeable_income, examples, "cross_border_1m_2023", "net_chargeable_income")
    close(c.hk.progressive, examples, "cross_border_1m_2023", "hk_tax_progressive")
    close(c.hk.standard, examples, "cross_border_1m_2023", "hk_tax_standard_rate")
    close(c.hk.before_reduction, examples, "cross_border_1m_2023", "hk_tax_hkd")  # research: before any reduction
    close(c.hk_before_reduction_cny, examples, "cross_border_1m_2023", "hk_tax_cny")
    close(c.net_iit, examples, "cross_border_1m_2023", "mainland_iit_net_of_gba_subsidy")


def test_every_expected_row_is_covered(examples):
    """A new expected row in the data must get a test (the list above is explicit on purpose)."""
    covered = {"cn_iit_annual_300k", "cn_iit_annual_1m", "gba_subsidy_threshold", "cn_iit_monthly_10k_2011",
               "cn_iit_monthly_10k_2018", "hk_salaries_600k", "hk_salaries_crossover", "hk_salaries_3m",
               "hk_salaries_10m_2024", "cn_cit_10m", "hk_profits_tax_10m", "cross_border_1m_2023"}
    assert set(examples) == covered


# ----------------------------------------------------------------------- our own hand-worked examples

def test_own_mainland_500k_both_methods(tables):
    # tax_iit_brackets cn_iit_annual_2019: basic deduction 60,000. 500,000 - 60,000 = 440,000 taxable,
    # bracket 5 (420,000 < x <= 660,000; 30%; QD 52,920): 440,000 x 0.30 - 52,920 = 132,000 - 52,920 = 79,080.
    # Bands: 36,000 x 3% = 1,080; 108,000 x 10% = 10,800; 156,000 x 20% = 31,200; 120,000 x 25% = 30,000;
    # 20,000 x 30% = 6,000; sum 79,080.
    annual = tables.annual()
    result = mainland_iit(500_000, annual)
    assert (result.taxable, result.bracket, result.marginal_rate) == (440_000, 5, 0.30)
    assert result.iit == pytest.approx(79_080)
    bands = annual.bands(result.taxable)
    assert [round(part) for _, part, _ in bands] == [36_000, 108_000, 156_000, 120_000, 20_000]
    assert [round(tax) for _, _, tax in bands] == [1_080, 10_800, 31_200, 30_000, 6_000]
    # tax_rules gba_iit_subsidy_ceiling_2020 (valid 2020-2023): 15% x 440,000 = 66,000; 79,080 - 66,000 = 13,080.
    assert gba_subsidy(result.iit, result.taxable, subsidy_rule(tables.rules, 2021)) == pytest.approx(13_080)


def test_own_mainland_bracket_edge_and_below_deduction(tables):
    annual = tables.annual()
    # 96,000 - 60,000 = 36,000: the top of bracket 1 (upper is inclusive) -> 36,000 x 3% = 1,080.
    edge = mainland_iit(96_000, annual)
    assert (edge.bracket, edge.iit) == (1, pytest.approx(1_080))
    # 96,001 -> 36,001 in bracket 2: 36,001 x 10% - 2,520 = 3,600.1 - 2,520 = 1,080.1 (the table is continuous).
    above = mainland_iit(96_001, annual)
    assert (above.bracket, above.iit) == (2, pytest.approx(1_080.1))
    # 50,000 is below the 60,000 basic deduction: taxable 0, tax 0, no rate on taxable income.
    low = mainland_iit(50_000, annual)
    assert (low.taxable, low.iit, low.rate_on_taxable, low.marginal_rate) == (0, 0, None, 0)
    # Other deductions: 500,000 - 60,000 - 40,000 = 400,000 -> bracket 4 (25%, QD 31,920): 100,000 - 31,920 = 68,080.
    assert mainland_iit(500_000, annual, other_deductions="40,000").iit == pytest.approx(68_080)


def test_own_quick_deductions_rederived(tables):
    # The data's quick deductions agree with the rates: QD_k = QD_k-1 + (r_k - r_k-1) x lower_k: 36,000 x 0.07 =
    # 2,520; + 144,000 x 0.10 = 16,920; + 300,000 x 0.05 = 31,920; + 420,000 x 0.05 = 52,920; + 660,000 x 0.05 =
    # 85,920; + 960,000 x 0.10 = 181,920.
    brackets = tables.annual().brackets
    derived = [0.0]
    for before, now in zip(brackets, brackets[1:]):
        derived.append(derived[-1] + (now.rate - before.rate) * now.lower)
    assert derived == pytest.approx([0, 2_520, 16_920, 31_920, 52_920, 85_920, 181_920])
    assert derived == pytest.approx([b.quick_deduction for b in brackets])


def test_the_cap_shortcut_refuses_a_cap_below_the_top_bracket(tables, rules):
    # An invented cap of 10,000 CNY binds long before the top bracket (45% above 960,000 taxable): the shortcut
    # formula, valid only in the top bracket, would give a salary of about 700,000 where the subsidy is far above it.
    import dataclasses

    rule = dataclasses.replace(subsidy_rule(rules, 2024), cap=10_000.0)
    with pytest.raises(InputProblem, match="binds below the top bracket"):
        cap_binds_from(tables.annual(), rule)


def test_own_hk_2019_20_300k_fully_reduced(tables):
    # tax_hk_salaries 2019/20: allowance 132,000 -> NCI 168,000, band 4 (150,000-200,000; 14%; QD 12,000):
    # 168,000 x 0.14 - 12,000 = 23,520 - 12,000 = 11,520 (bands: 1,000 + 3,000 + 5,000 + 18,000 x 14% = 11,520).
    # Standard 300,000 x 15% = 45,000 -> progressive. Reduction 100% capped at 20,000 -> min(11,520, 20,000) -> 0.
    tax = hk_salaries_tax(300_000, hk_year(tables.hk, "2019/20"))
    assert tax.progressive == pytest.approx(11_520) and tax.standard == pytest.approx(45_000)
    assert tax.reduction == pytest.approx(11_520) and tax.payable == pytest.approx(0)


def test_own_hk_2020_21_400k(tables):
    # NCI 400,000 - 132,000 = 268,000 -> 268,000 x 0.17 - 18,000 = 45,560 - 18,000 = 27,560 (IRD: 16,000 +
    # 68,000 x 17% = 27,560). Standard 60,000. Reduction 2020/21: cap 10,000 -> 17,560.
    tax = hk_salaries_tax("400000", hk_year(tables.hk, "2020/21"))
    assert tax.before_reduction == pytest.approx(27_560) and tax.payable == pytest.approx(17_560)


def test_own_hk_2024_25_6m_two_tier_with_reduction(tables):
    # Standard tiers 2024/25: 5,000,000 x 15% + 1,000,000 x 16% = 750,000 + 160,000 = 910,000.
    # Progressive: (6,000,000 - 132,000) x 0.17 - 18,000 = 997,560 - 18,000 = 979,560. Lower: 910,000.
    # 2024/25 one-off reduction: 100% capped at HK$1,500 (news.gov.hk, 30 Apr 2025, source FX04):
    # min(1.0 x 910,000, 1,500) = 1,500 -> 908,500 payable.
    tax = hk_salaries_tax(6_000_000, hk_year(tables.hk, "2024/25"))
    assert tax.standard == pytest.approx(910_000) and tax.progressive == pytest.approx(979_560)
    assert tax.reduction_known and tax.reduction == pytest.approx(1_500)
    assert tax.payable == pytest.approx(908_500)


def test_own_hk_2024_25_small_tax_wiped_out(tables):
    # HK$200,000 net income, 2024/25: NCI 200,000 - 132,000 = 68,000; progressive 50,000 x 2% + 18,000 x 6%
    # = 1,000 + 1,080 = 2,080; standard 200,000 x 15% = 30,000 -> 2,080. Reduction min(2,080, 1,500) = 1,500
    # -> 580 payable. At HK$150,000: NCI 18,000 x 2% = 360 < 1,500 -> reduced to 0.
    year = hk_year(tables.hk, "2024/25")
    assert hk_salaries_tax(200_000, year).payable == pytest.approx(580)
    assert hk_salaries_tax(150_000, year).payable == pytest.approx(0)


def test_own_cross_border_500k_2021(tables):
    # cny_hkd 2021 (FRED cross): 0.82993 -> 500,000 / 0.82993 = HK$602,460.45; NCI 470,460.45;
    # progressive 470,460.45 x 0.17 - 18,000 = 61,978.28; standard 602,460.45 x 0.15 = 90,369.07 -> 61,978.28;
    # 2021/22 reduction cap 10,000 -> 51,978.28 HKD x 0.82993 = 43,138.33 CNY.
    # Mainland: 79,080 IIT, subsidy 13,080 (see the 500k test). No HK-resident exemption before tax year 2023.
    c = compare_talent(500_000, "2021/22", tables)
    assert c.hk.net_income == pytest.approx(602_460.45, abs=0.01)
    assert c.hk.before_reduction == pytest.approx(61_978.28, abs=0.01)
    assert c.hk_payable_cny == pytest.approx(43_138.33, abs=0.01)
    assert c.subsidy == pytest.approx(13_080) and c.net_iit == pytest.approx(66_000)
    assert c.exemption is None and c.fx.year == 2021


def test_headline_gives_the_subsidised_iit_as_a_share_of_taxable_income(tables):
    # A student had to divide by hand. 500,000 - 60,000 = 440,000 taxable; IIT after the subsidy 66,000 (above):
    # 66,000 / 440,000 = 15.0%. At 50,000 CNY taxable income is 0: no share of it to give.
    headline = compare_talent(500_000, "2021/22", tables).headline()
    assert "after the 15% subsidy 13.2% (15.0% of taxable income)" in headline
    assert "of taxable income" not in compare_talent(50_000, "2021/22", tables).headline()


def test_own_cit_exactly_at_threshold_qualifies(rules):
    # Caishui [2014] No. 26: '70%以上'. Civil Code Art. 1259: 以上 includes the stated number, so a firm at
    # exactly 70% passes. Profit 2,000,000 all in zone: 15% -> 300,000 instead of 25% -> 500,000; saving 200,000.
    assert rules.set_index("rule_id").loc["qianhai_cit_share_2014", "comparison"] == ">="
    check = cit_check(rules, 2019, "information services", 70, 100, "2,000,000")
    assert check.passes_share and check.eligible
    assert check.tax == pytest.approx(300_000) and check.saving == pytest.approx(200_000)
    assert "The firm is eligible" in check.sentence()
    assert not cit_check(rules, 2019, "information services", 69.9, 100, "2,000,000").eligible
    # 0.7 * 100 is 70.00000000000001 in floating point: the threshold must still be exactly 70.
    assert cit_rules(rules, 2019).threshold_pct == 70


def test_own_cit_2021_catalogue_and_in_zone_share(rules):
    # 2022: qianhai_cit_share_2021 = 0.6; commercial services are in the 2021 catalogue (qianhai_cit_sector_2021_5).
    # Share 65% passes either reading. 60% of 1,000,000 in zone: 600,000 x 15% + 400,000 x 25% = 90,000 + 100,000
    # = 190,000; standard 250,000; saving 60,000.
    sector = cit_sectors(rules)[4]
    assert sector.startswith("commercial services")
    check = cit_check(rules, 2022, sector, 65, 60, 1_000_000)
    assert check.eligible
    assert check.tax == pytest.approx(190_000) and check.saving == pytest.approx(60_000)
    # The same firm in 2019: commercial services are not in the 2014 catalogue -> 25% on everything = 250,000.
    old = cit_check(rules, 2019, sector, 65, 60, 1_000_000)
    assert not old.in_catalogue and old.tax == pytest.approx(250_000)
    assert not cit_check(rules, 2022, NOT_IN_CATALOGUE, 90, 100, 1_000_000).eligible


def test_own_cit_in_zone_share_is_scope_not_a_test(rules):
    # qianhai_cit_income_scope_2014/2021: only in-zone establishments' income gets 15%. Two tests (sector, share)
    # decide eligibility; the in-zone share only says how much of the profit gets 15%. A student read a 'third test'
    # as pass/fail and expected a firm at 50% in zone to save nothing.
    # 2022, modern logistics, 90%: eligible. 50% of 1,000,000 in zone: 500,000 x 15% + 500,000 x 25% = 200,000;
    # standard 1,000,000 x 25% = 250,000; saving 50,000, half the 100,000 saved at 100% in zone.
    half = cit_check(rules, 2022, "modern logistics", 90, 50, 1_000_000)
    assert half.eligible and half.tax == pytest.approx(200_000) and half.saving == pytest.approx(50_000)
    assert "50% of the profit earned inside the zone" in half.sentence()
    # The table under the headers 'test' and 'passes?' holds only the two tests; the scope is said beside it.
    assert [row[0] for row in half.tests()] == ["sector in the catalogue", "main business share"]
    assert "50% of the profit, 500,000 CNY at 15%" in half.scope()
    # No profit in the zone: still eligible, but nothing gets 15% -> 1,000,000 x 25% = 250,000, saving 0.
    none = cit_check(rules, 2022, "modern logistics", 90, 0, 1_000_000)
    assert none.eligible and none.tax == pytest.approx(250_000) and none.saving == 0
    assert "0% of the profit, 0 CNY at 15%" in none.scope()
    assert "none of the profit is earned inside the zone" in none.sentence() and "on the 0%" not in none.sentence()
    # Not eligible (sector outside the catalogue): the scope line says no profit gets 15%.
    assert "not eligible, so none" in cit_check(rules, 2022, NOT_IN_CATALOGUE, 90, 100, 1_000_000).scope()


def test_cit_rule_periods(rules):
    assert list(CITChecker(rules).year.options) == list(range(2014, 2026))  # the tax years a student can pick
    assert cit_rules(rules, 2020).share_min == 0.7 and cit_rules(rules, 2021).share_min == 0.6
    assert len(cit_rules(rules, 2020).sectors) == 4 and len(cit_rules(rules, 2021).sectors) == 5
    table = boundary_table(rules, 2022)
    assert table["main-business share (%)"].tolist() == [59.9, 60.0, 60.1]
    assert table["passes?"].tolist() == [False, True, True]  # 60%以上: 60.0 itself passes (Civil Code Art. 1259)
    assert share_passes(60.0, cit_rules(rules, 2022)) is True


def test_subsidy_rules_by_year(rules):
    # tax_rules: ceiling 2019 rule for 2019; the 2020 rule for 2020-2023; the 2024 rule from 2024; cap from 2023.
    assert subsidy_rule(rules, 2019).ceiling_rule == "gba_iit_subsidy_ceiling_2019"
    assert subsidy_rule(rules, 2022).ceiling_rule == "gba_iit_subsidy_ceiling_2020"
    assert subsidy_rule(rules, 2022).cap is None
    assert subsidy_rule(rules, 2023).cap == 5_000_000
    assert subsidy_rule(rules, 2025).ceiling_rule == "gba_iit_subsidy_ceiling_2024"
    # The cap binds only for huge salaries: IIT - 0.15 T > 5,000,000 needs 0.30 T > 5,181,920 (top bracket,
    # 0.45 T - 181,920 - 0.15 T), i.e. T > 17,273,066.67; at T = 20,000,000 the uncapped subsidy is
    # 0.30 x 20,000,000 - 181,920 = 5,818,080 -> capped at 5,000,000.
    rule = subsidy_rule(rules, 2024)
    assert gba_subsidy(0.45 * 20_000_000 - 181_920, 20_000_000, rule) == 5_000_000


def test_subsidy_rule_help_example_runs_on_its_own(rules):
    # A student reads help(subsidy_rule) in notebook 03 with only `rules` and `subsidy_rule` defined; the example
    # must run there (it once used a `taxable` the student does not have). Expected: the 2019 GBA ceiling is 15%
    # of taxable income (tax_rules, gba_iit_subsidy_ceiling_2019, value 0.15), so on 100,000 CNY: 15,000.
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(subsidy_rule, globs={"rules": rules, "subsidy_rule": subsidy_rule}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0


def test_cap_binds_from_salary(rules, tables):
    # From the derivation above: T = 5,181,920 / 0.30 = 17,273,066.67 taxable, plus the 60,000 basic deduction
    # = a salary of 17,333,066.67 CNY. No cap in the data for 2022, so no such salary.
    assert cap_binds_from(tables.annual(), subsidy_rule(rules, 2023)) == pytest.approx(17_333_066.67, abs=0.01)
    assert cap_binds_from(tables.annual(), subsidy_rule(rules, 2022)) is None


def test_explanation_names_the_cap_only_where_it_binds(tables):
    # 1,000,000: subsidy 102,080 (243,080 - 141,000), far below the cap: the line does not mention it.
    assert "cap" not in compare_talent(1_000_000, "2023/24", tables).lines()[1]
    assert "ceiling_2" not in " ".join(compare_talent(1_000_000, "2023/24", tables).assumptions())


def test_fx_fallback_is_stated(tables):
    rate = fx_for_year(tables.fx, 2024)
    assert (rate.year, rate.requested_year, rate.cny_per_hkd) == (2023, 2024, 0.90442)
    assert "no 2024 rate" in rate.note()
    with pytest.raises(InputProblem, match="No CNY/HKD rate"):
        fx_for_year(tables.fx, 2010)


def test_hk_year_gaps_are_messages(tables):
    assert hk_years(tables.hk) == ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    with pytest.raises(InputProblem, match="lack standard_rate_tier"):
        hk_year(tables.hk, "2017/18")
    with pytest.raises(InputProblem, match="not in the data"):
        hk_year(tables.hk, "2030/31")
    with pytest.raises(InputProblem, match="expected text"):
        hk_year(tables.hk, 2023)
    with pytest.raises(InputProblem, match="lack"):
        compare_talent(500_000, "2016/17", tables)
    with pytest.raises(InputProblem, match="no mainland subsidy rule"):
        compare_talent(500_000, "2018/19", tables)


def test_effective_rates_monotonic_and_capped(tables):
    frame = effective_rates(tables, "2023/24", range(100_000, 5_000_001, 100_000))
    # A progressive table: the average rate never falls as the salary rises.
    assert frame["mainland_iit_pct"].is_monotonic_increasing
    assert frame["mainland_after_subsidy_pct"].is_monotonic_increasing
    # After the subsidy the IIT is at most 15% of taxable income, hence below 15% of the salary.
    assert (frame["mainland_after_subsidy_pct"] < 15).all()
    assert (frame["mainland_after_subsidy_pct"] <= frame["mainland_iit_pct"] + 1e-9).all()


# --------------------------------------------------------------------------------------- bad input

BAD = [(-5, "negative"), (0, "zero"), ("0", "zero"), (float("nan"), "not a finite"), (float("inf"), "not a finite"),
       (1e308, "above this calculator's limit"), ("1e-320", "less than 1"), ("", "empty"), ("abc", "not a number"), (None, "not NoneType"),
       ([1], "not list"), (True, "not bool")]


@pytest.mark.parametrize("raw, words", BAD)
def test_bad_salary_and_profit(tables, rules, raw, words):
    with pytest.raises(InputProblem, match=words):
        mainland_iit(raw, tables.annual())
    with pytest.raises(InputProblem, match=words):
        compare_talent(raw, "2023/24", tables)
    with pytest.raises(InputProblem, match=words):
        cit_check(rules, 2020, "modern logistics", 80, 100, raw)
    with pytest.raises(InputProblem, match=words):
        amount(raw, "Amount")


@pytest.mark.parametrize("raw, words", [(-1, "below 0"), (100.5, "above 100"), ("abc", "not a number"),
                                        ("", "empty"), (float("nan"), "not a finite")])
def test_bad_shares(rules, raw, words):
    with pytest.raises(InputProblem, match=words):
        cit_check(rules, 2020, "modern logistics", raw, 100, 1_000)
    with pytest.raises(InputProblem, match=words):
        cit_check(rules, 2020, "modern logistics", 80, raw, 1_000)


def test_bad_years_sectors_tables_deductions(tables, rules):
    with pytest.raises(InputProblem, match="below 2014"):
        cit_check(rules, 2013, "modern logistics", 80, 100, 1_000)
    with pytest.raises(InputProblem, match="above 2025"):
        cit_rules(rules, 2026)
    with pytest.raises(InputProblem, match="not one of the choices"):
        cit_check(rules, 2020, "aerospace", 80, 100, 1_000)
    with pytest.raises(InputProblem, match="negative"):
        mainland_iit(100_000, tables.annual(), other_deductions=-1)
    with pytest.raises(InputProblem, match="whole number"):
        subsidy_rule(rules, 2019.5)
    with pytest.raises(InputProblem, match="below 2019"):
        subsidy_rule(rules, 2018)
    with pytest.raises(InputProblem, match="Unknown IIT table"):
        iit_schedule(tables.brackets, "cn_iit_annual_2030")


# ----------------------------------------------------------------------------------- widget callbacks

def test_cit_checker_callbacks(rules):
    ex = CITChecker(rules)  # 2019, information services, 70%, 100% in zone, 10,000,000
    # Exactly 70% qualifies ('70%以上' includes 70): 10,000,000 x 15% = 1,500,000.
    assert ex.last.eligible and ex.last.tax == pytest.approx(1_500_000)
    assert "The firm is eligible" in ex.result.value and "Civil Code Art. 1259" in ex.result.value
    ex.share.text.value = "69.5"  # typed twin moves the slider and recomputes: below the test -> 25%
    assert ex.share.value == 69.5 and not ex.last.eligible and ex.last.tax == pytest.approx(2_500_000)
    ex.share.text.value = "80"
    assert ex.share.value == 80 and ex.last.eligible
    ex.sector.value = cit_sectors(rules)[4]  # commercial services: not in the 2014 catalogue
    assert not ex.last.in_catalogue and "not eligible" in ex.result.value
    ex.year.value = 2021  # ... but in the 2021 one
    assert ex.last.in_catalogue and ex.last.rules.share_min == 0.6
    ex.in_zone.value = "50"  # 10,000,000: 5,000,000 x 15% + 5,000,000 x 25% = 2,000,000
    assert ex.last.tax == pytest.approx(2_000_000)
    ex.in_zone.value = "150"
    assert ex.last is None and "above 100" in ex.messages.last
    ex.in_zone.value = "50"
    ex.profit.value = "-5"
    assert ex.last is None and "negative" in ex.messages.last and ex.result.value == ""
    ex.profit.value = "<b>lots</b>"
    assert "not a number" in ex.messages.last and "<b>lots" not in ex.messages.widget.value
    ex.profit.value = "1e308"
    assert "limit" in ex.messages.last
    ex.profit.value = "3,000,000"
    assert ex.messages.last == "" and ex.last.profit == 3_000_000
    ex.share.text.value = "120"  # refused by the twin: slider stays, message shown
    assert ex.share.value == 80 and "above 100" in ex.messages.last


def test_talent_calculator_callbacks(tables):
    ex = TalentTaxCalculator(tables)  # 1,000,000 CNY, 2023/24
    assert ex.last.subsidy == pytest.approx(102_080) and ex.last.rule.cap == 5_000_000
    # 243,080 / 1,000,000 = 24.3%; 141,000 / 1,000,000 = 14.1%
    assert "mainland IIT 24.3%; after the 15% subsidy 14.1%" in ex.result.value
    assert "Simplifications" in ex.result.value and "basic allowance only" in ex.result.value
    ex.salary.text.value = "300000"  # 300,000 -> IIT 31,080, no subsidy (research example 6.1)
    assert ex.salary.value == 300_000 and ex.last.mainland.iit == pytest.approx(31_080) and ex.last.subsidy == 0
    assert "300,000 CNY salary" in ex.result.value
    ex.year.value = "2024/25"  # no 2024 exchange rate in the data (said); the 2024/25 reduction is capped at 1,500
    assert ex.last.fx.year == 2023 and "no 2024 rate" in ex.result.value
    assert "One-off reduction for 2024/25: -HK$1,500" in ex.result.value and "(2024/25)" in ex.result.value
    ex.year.value = "2020/21"  # before Caishui [2024] No. 12: no exemption illustration
    assert ex.last.exemption is None and "Illustration only" not in ex.result.value
    for typed, words in [("0", "below 10,000"), ("-5", "below 10,000"), ("abc", "not a number"),
                         ("1e308", "above 5,000,000"), ("", "empty")]:
        ex.salary.text.value = typed
        assert words in ex.messages.last and ex.salary.value == 300_000
    ex.salary.slider.value = 2_000_000
    assert ex.messages.last == "" and ex.last.salary == 2_000_000


# ------------------------------------------------------------------------------------ properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=20), st.lists(st.integers(), max_size=2))


@settings(max_examples=150, deadline=None)
@given(ANYTHING, ANYTHING, ANYTHING, ANYTHING, ANYTHING)
def test_cit_check_returns_a_result_or_a_message(rules, year, sector, share, in_zone, profit):
    try:
        check = cit_check(rules, year, sector, share, in_zone, profit)
    except InputProblem as problem:
        assert str(problem)
    else:
        assert 0 <= check.tax <= check.tax_standard


@settings(max_examples=150, deadline=None)
@given(ANYTHING, ANYTHING)
def test_compare_talent_returns_a_result_or_a_message(tables, salary, other):
    try:
        c = compare_talent(salary, "2022/23", tables, other_deductions=other)
    except InputProblem as problem:
        assert str(problem)
    else:
        assert 0 <= c.net_iit <= c.mainland.iit < c.salary and 0 <= c.hk.payable


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1, max_value=1e8), st.floats(min_value=0, max_value=1e7))
def test_iit_rises_with_salary_and_never_takes_it_all(tables, salary, rise):
    annual = tables.annual()
    low, high = mainland_iit(salary, annual), mainland_iit(salary + rise, annual)
    assert high.iit >= low.iit - 1e-6
    top = max(b.rate for b in annual.brackets)  # bracket 7 of cn_iit_annual_2019: 0.45
    assert high.iit - low.iit <= top * rise + 1e-6  # a rise is never taxed above the top marginal rate


def test_a_gap_between_brackets_is_refused_not_taxed_at_the_first_rate():
    # a review found that income in no bracket fell back to bracket 1 (a wrong tax without a word)
    from qianhai.tax import Bracket, RateTable
    table = RateTable((Bracket(1, 0, 100, 0.1, 0), Bracket(2, 200, None, 0.2, 20)))
    assert table.tax(0) == 0 and table.bracket_for(-5).number == 1 and table.bracket_for(150 + 100).number == 2
    with pytest.raises(InputProblem, match="gap"):
        table.tax(150)


def test_a_worked_result_cannot_be_changed_into_an_inconsistent_one(rules):
    # a review found results made mutable with their derived amounts stored: check.profit = ... kept the old tax
    import dataclasses
    check = cit_check(rules, 2019, "information services", 70, 100, "2,000,000")
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.profit = 20_000_000
    # 15% on 2,000,000 (eligible, all in the zone) = 300,000; 25% = 500,000; saving 200,000
    assert (check.tax, check.tax_standard, check.saving) == pytest.approx((300_000, 500_000, 200_000))
