"""Notebook 08 plumbing. Expected values are worked by hand from data/qianhai_expanded_gdp.csv, whose
full-year rows are: 2021 = 175.57, 2024 = 300.88 (reported growth 8.6 %), 2025 = 331.81 bn yuan; the partial
rows are 2022 H1 = 82.11 (+2.6 %) and 2024 Q1-Q3 = 186.4 (+8.2 %); 2023 has no row at all."""

from __future__ import annotations

import html
import math

import pandas as pd
import pytest

from qianhai.data import load
from qianhai.inputs import InputProblem
from qianhai.scenarios import (HORIZONS, ScenarioExplorer, base_year_options, comparability_table, evidence_map,
                               evidence_note, full_year_figure, full_year_series, gdp_targets, implied_growth,
                               ledger_chart, ledger_table, project, scenario, target_note,
                               verdict_counts, verdict_sentence)


@pytest.fixture(scope="module")
def gdp():
    return load("qianhai_expanded_gdp")


@pytest.fixture(scope="module")
def targets():
    return load("qianhai_targets")


# --- projection arithmetic, by hand -------------------------------------------------------------------

def test_projection_by_hand():
    # 100 × 1.05 × 1.05 = 105 × 1.05 = 110.25
    assert project(100, 5, 2) == pytest.approx(110.25)
    # zero years: the base itself; zero growth: the base forever
    assert project(100, 5, 0) == pytest.approx(100)
    assert project(175.57, 0, 14) == pytest.approx(175.57)
    # 200 × 0.9 × 0.9 = 162 (a shrinking economy is allowed)
    assert project(200, -10, 2) == pytest.approx(162)
    # typed text is read as a number: "100" × 1.1 = 110
    assert project("100", "10", "1") == pytest.approx(110)


def test_projection_from_2021_at_the_reported_2024_rate():
    # 1.086² = 1.179396; 1.086³ = 1.280824; 175.57 × 1.280824 = 224.874 (2024 on the path)
    assert project(175.57, 8.6, 3) == pytest.approx(224.874, abs=1e-3)


@pytest.mark.parametrize("args, words", [
    ((100, -150, 2), "above -100% a year"),
    ((100, -100, 2), "above -100% a year"),
    ((100, float("nan"), 2), "not a finite number"),
    ((100, "nan", 2), "not a finite number"),
    ((100, math.inf, 2), "not a finite number"),
    ((100, "five", 2), "'five' is not a number"),
    ((100, "", 2), "the box is empty"),
    ((100, None, 2), "expected a number, not NoneType"),
    ((100, [5], 2), "expected a number, not list"),
    ((100, True, 2), "expected a number, not bool"),
    ((100, 1e308, 5), "too large to compute"),
    ((0, 5, 2), "must be above zero"),
    ((-3, 5, 2), "must be above zero"),
    ((1e308, 50, 10), "too large to compute"),
    ((100, 5, -1), "Years ahead: -1 is below 0"),
    ((100, 5, 2.5), "not a whole number"),
])
def test_projection_bad_input_gives_a_message(args, words):
    with pytest.raises(InputProblem, match=words):
        project(*args)


# --- the reported figures and the implied growth puzzle -------------------------------------------------

def test_only_full_year_figures_are_levels(gdp):
    series = full_year_series(gdp)
    assert series.to_dict() == {2021: 175.57, 2024: 300.88, 2025: 331.81}
    table = comparability_table(gdp)
    assert (table["a yearly level?"] == "yes: a full year").sum() == 3 and len(table) == 5
    # the column holds the level's source (2024 full year: E18), not the growth rate's (E06): its name says so
    assert table.loc[table["period covered"] == "full year", "level source"].loc[2024] == "E18"


def test_comparability_table_shows_each_levels_second_source(gdp):
    # qianhai_expanded_gdp.csv, column second_source_id: 2021 full year "E18;E24", 2022 H1 empty,
    # 2024 Jan-Sep empty (E04 confirms only its growth rate), 2024 full year "E24;E06", 2025 full year empty
    second = comparability_table(gdp)["second source"]
    assert list(second) == ["E18, E24", "none", "none", "E24, E06", "none"]


def test_implied_growth_2021_2024_by_hand(gdp):
    # 300.88 / 175.57 = 1.713732; ln = 0.538673; / 3 = 0.179558; e^0.179558 = 1.196688 -> 19.67 % a year,
    # far above the reported 2.6 % (H1 2022), 8.2 % (Q1-Q3 2024) and 8.6 % (2024).
    result = implied_growth(gdp, 2021, 2024)
    assert result.ratio == pytest.approx(1.713732, abs=1e-6)
    assert result.rate == pytest.approx(0.196688, abs=1e-5)
    assert "19.7% a year" in result.sentence()


def test_implied_growth_2021_2025_and_2024_2025_by_hand(gdp):
    # 331.81 / 175.57 = 1.889901; ln = 0.636524; / 4 = 0.159131; e^ = 1.172493 -> 17.25 % a year
    assert implied_growth(gdp, 2021, 2025).rate == pytest.approx(0.172493, abs=1e-5)
    # 331.81 / 300.88 - 1 = 30.93 / 300.88 = 0.102798 (one year)
    assert implied_growth(gdp, "2024", "2025").rate == pytest.approx(0.102798, abs=1e-6)


@pytest.mark.parametrize("start, end, words", [
    (2021, 2022, "2022 has only a first-half .Jan–Jun. figure .82.11 bn yuan."),
    (2021, 2023, "no GDP figure at all was found for 2023"),
    (2020, 2024, "dates from September 2021"),
    (2021, 2026, "the data end in 2025"),
    (2024, 2021, "must come before"),
    (2024, 2024, "must come before"),
    ("abc", 2024, "First year: 'abc' is not a number"),
    (2021.5, 2024, "not a whole number"),
    (float("nan"), 2024, "not a finite number"),
])
def test_implied_growth_bad_years(gdp, start, end, words):
    with pytest.raises(InputProblem, match=words):
        implied_growth(gdp, start, end)


def test_wrong_table_gives_a_message():
    with pytest.raises(InputProblem, match="qianhai_expanded_gdp (must be a table|lacks the column)"):
        full_year_series("not a table")
    with pytest.raises(InputProblem, match="qianhai_expanded_gdp (must be a table|lacks the column)"):
        scenario(pd.DataFrame({"x": [1]}), 2021, 5)


# --- scenarios --------------------------------------------------------------------------------------------

def test_scenario_from_2021_at_8_6_percent(gdp):
    # path 2024 = 224.874 (above); 2025 = 224.874 × 1.086 = 244.213.
    # gaps: 300.88 / 224.874 − 1 = +33.80 %; 331.81 / 244.213 − 1 = +35.87 %.
    # 2030 = 175.57 × 1.086⁹: 1.086⁶ = 1.280824² = 1.640510; × 1.280824 = 2.101204; × 175.57 = 368.908
    s = scenario(gdp, 2021, 8.6)
    assert s.at(2024) == pytest.approx(224.874, abs=1e-3)
    assert [c.year for c in s.comparisons] == [2024, 2025]
    assert s.comparisons[0].gap == pytest.approx(0.33800, abs=1e-4)
    assert s.comparisons[1].gap == pytest.approx(0.35866, abs=1e-4)
    assert s.at(2030) == pytest.approx(368.908, abs=1e-2)
    assert list(s.path) == list(range(2021, HORIZONS[-1] + 1))
    assert "33.80% above this path" in " ".join(s.lines())


def test_scenario_from_2024_and_a_path_that_passes_through(gdp):
    # 2025 path = 300.88 × 1.086 = 326.756; 331.81 / 326.756 − 1 = +1.55 %
    s = scenario(gdp, 2024, 8.6)
    assert s.comparisons[0].path == pytest.approx(326.756, abs=1e-3)
    assert s.comparisons[0].gap == pytest.approx(0.01547, abs=1e-4)
    # at the implied 2024→2025 rate (10.2798 %) the path hits the 2025 figure: "on this path"
    exact = scenario(gdp, 2024, 10.2798)
    assert "on this path" in exact.comparisons[0].sentence()
    # at 0 % the 2025 figure is above the flat path: 331.81 / 300.88 − 1 = +10.28 %
    assert "10.28% above" in scenario(gdp, 2024, 0).comparisons[0].sentence()


def test_scenario_from_the_last_year_has_nothing_to_check(gdp):
    s = scenario(gdp, 2025, 5)
    assert s.comparisons == [] and "nothing to check" in " ".join(s.lines())


def test_below_the_path(gdp):
    # from 2021 at the implied 19.6688 %, 2025 on the path = 175.57 × 1.196688⁴ = 300.88 × 1.196688 = 360.06;
    # 331.81 / 360.06 − 1 = −7.85 %: the 2025 figure falls below the path that fits 2024.
    s = scenario(gdp, 2021, 19.6688)
    assert s.comparisons[1].gap == pytest.approx(-0.0785, abs=1e-3)
    assert "below this path" in s.comparisons[1].sentence()


@pytest.mark.parametrize("base, words", [(2022, "only a first-half"), (2023, "no GDP figure at all"),
                                         (2019, "dates from September 2021"), ("x", "'x' is not a number")])
def test_scenario_bad_base_year(gdp, base, words):
    with pytest.raises(InputProblem, match=words):
        scenario(gdp, base, 5)


# --- targets ------------------------------------------------------------------------------------------------

def test_no_numeric_gdp_target_for_the_expanded_zone(targets):
    # The only bn-yuan target (output_150bn_by_2020) is for the 14.92 km² zone; the expanded zone's rows give
    # no number for output.
    assert gdp_targets(targets).empty
    note = target_note(targets)
    assert note.startswith("No numeric GDP target") and "2025, 2030 and 2035" in note


def test_a_numeric_target_would_be_shown(targets):
    extra = pd.DataFrame([{"target_id": "made_up", "kind": "target", "target_year": 2035, "target_value": 1000.0,
                           "unit": "bn yuan", "scope_code": "expanded_zone_120_56", "target_text": "test"}])
    with_target = pd.concat([targets, extra], ignore_index=True)
    assert gdp_targets(with_target)["target_id"].tolist() == ["made_up"]
    assert "2035: 1,000.0 bn yuan (made_up)" in target_note(with_target)


# --- the widget --------------------------------------------------------------------------------------------------

def test_base_year_options_show_gaps(gdp):
    labels = dict((year, label) for label, year in base_year_options(gdp))
    assert labels == {2021: "2021 · full-year figure", 2022: "2022 · part of the year only",
                      2023: "2023 · no figure found", 2024: "2024 · full-year figure", 2025: "2025 · full-year figure"}


def test_explorer_callbacks(gdp, targets):
    ex = ScenarioExplorer(gdp, targets, base_year=2021, rate_pct=8.6)
    assert ex.last.comparisons[0].gap == pytest.approx(0.33800, abs=1e-4)
    assert "33.80% above this path" in ex.result.value and "No numeric GDP target" in ex.target_line.value
    assert len(ex.output.outputs) == 2 and "Text alternative" in ex.output.outputs[1]["data"]["text/plain"]
    assert len(ex.line.get_xdata()) == HORIZONS[-1] - 2021 + 1

    ex.rate.text.value = "5"  # typed twin: 175.57 × 1.05³ = 175.57 × 1.157625 = 203.244
    assert ex.rate.value == pytest.approx(5) and ex.last.at(2024) == pytest.approx(203.244, abs=1e-3)
    ex.rate.slider.value = 30.0  # the steepest path stays inside the chart: 175.57 × 1.3¹⁴ ≈ 6,913 bn yuan in 2035
    assert ex.ax.get_ylim()[1] > ex.last.at(2035) > 6900
    ex.rate.slider.value = 0.0  # slider: a flat path, 2024 is +71.4 % above it
    assert ex.rate.text.value == "0" and "71.37% above" in ex.result.value

    ex.base.value = 2024  # base 2024 at 0 %: 2030 = 300.88
    assert ex.last.base_year == 2024 and ex.last.at(2030) == pytest.approx(300.88)
    assert ex.line.get_xdata()[0] == 2024

    ex.base.value = 2022  # a base year with only a half-year figure: message, no path, no traceback
    assert ex.last is None and "only a first-half" in ex.messages.last
    assert len(ex.line.get_xdata()) == 0 and "no scenario path" in ex.chart.alt
    ex.base.value = 2023
    assert ex.last is None and "no GDP figure at all" in ex.messages.last
    ex.base.value = 2025
    assert ex.last.comparisons == [] and ex.messages.last == ""


@pytest.mark.parametrize("typed, words", [("-150", "below -10"), ("nan", "not a finite number"),
                                          ("abc", "'abc' is not a number"), ("", "the box is empty"),
                                          ("1e308", "above 30"), ("inf", "not a finite number")])
def test_explorer_typed_rate_bad_input(gdp, targets, typed, words):
    ex = ScenarioExplorer(gdp, targets, base_year=2021, rate_pct=8.6)
    ex.rate.text.value = typed
    assert words in ex.messages.last
    assert ex.rate.value == pytest.approx(8.6) and ex.last.rate_pct == pytest.approx(8.6)  # nothing moved


def test_explorer_escapes_messages(gdp, targets):
    ex = ScenarioExplorer(gdp, targets, base_year=2021, rate_pct=8.6)
    ex.rate.text.value = "<script>alert(1)</script>"
    assert "<script>" not in ex.messages.widget.value and "&lt;script&gt;" in ex.messages.widget.value


# --- evidence map and ledger -------------------------------------------------------------------------------------

def test_evidence_map_reads_the_rows():
    frame = evidence_map(load("qianhai_indicators"), load("qianhai_zones"))
    assert len(frame) == 9
    rows = frame.set_index("aim")["evidence in the course data"]
    assert rows["ecological"] == []  # no source found
    assert any("120.56 km²" in x for x in rows["space"]) and any("14.92 km²" in x for x in rows["space"])
    assert any("882" in x and "E04" in x for x in rows["institutional"])
    # only full-year GDP rows: 175.57 (2021), 300.88 (2024), 331.81 (2025)
    assert [x.split(":")[1].split(" bn")[0].strip() for x in rows["power source of high-quality development"]] == [
        "175.57", "300.88", "331.81"]
    note = evidence_note(frame)
    assert "no source found" in repr(note) and "**none: no source found**" in note.markdown


LEDGER = pd.DataFrame({  # the columns notebook 08 reads; evidence_resource may be empty
    "claim_id": ["C02", "C01", "C03", "C04"],
    "speaker": ["Tan", "Wang", "Tan", "Wang"],
    "claim_type": ["factual", "factual", "forward-looking", "evaluative"],
    "notebook": ["05_finance", "02_blank_sheet", "08_golden_decade", "02_blank_sheet"],
    "verdict": ["not verifiable", "supported", "not yet examined", "supported"],
    "evidence_resource": [None, "qianhai_timeline", None, None],
})


def test_ledger_table_and_counts():
    table = ledger_table(LEDGER)
    assert table.index.tolist() == ["C01", "C02", "C03", "C04"] and table.loc["C02", "verdict"] == "not verifiable"
    assert table.columns.tolist() == ["speaker", "claim_type", "notebook", "verdict"]
    counts = verdict_counts(LEDGER)
    # factual: 1 supported + 1 not verifiable; evaluative: 1 supported; forward-looking: 1 not yet examined
    assert counts.columns.tolist() == ["supported", "not verifiable", "not yet examined"]
    assert counts.loc["factual"].tolist() == [1, 1, 0] and counts.loc["evaluative"].tolist() == [1, 0, 0]
    assert verdict_sentence(LEDGER) == "4 claims: 2 supported, 1 not verifiable, 1 not yet examined."
    assert verdict_counts(LEDGER, "speaker").loc["Tan"].sum() == 2
    with pytest.raises(InputProblem, match="no column 'colour'"):
        verdict_counts(LEDGER, "colour")
    with pytest.raises(InputProblem, match="claims must be a table such as load"):
        ledger_table(None)


def test_ledger_chart_alt_from_data():
    chart = ledger_chart(LEDGER)
    assert "factual: 1 supported, 1 not verifiable" in chart.alt and "forward-looking: 1 not yet examined" in chart.alt


def test_ledger_on_the_real_claims():
    claims = load("claims")
    counts = verdict_counts(claims)
    assert counts.to_numpy().sum() == len(claims)
    assert set(ledger_table(claims).loc[["C26", "C27", "C28"], "notebook"]) == {"08_golden_decade"}


def test_the_widget_lets_the_student_find_the_fitting_rates(gdp, targets):
    """The explorer poses "which rate from 2021 hits 2024, which hits 2025?": it must not print the answer,
    and a rate on the slider's 0.1 grid must count as "on the path"."""
    ex = ScenarioExplorer(gdp, targets, base_year=2021, rate_pct=8.6)
    assert "To pass exactly" not in ex.result.value and "19.7%" not in ex.result.value
    # 175.57 × 1.197³ = 175.57 × 1.715150 = 301.129; 300.88 / 301.129 − 1 = −0.08 %: on the path at 19.7
    ex.rate.text.value = "19.7"
    assert "reported 2024 figure (300.88) is on this path" in ex.result.value
    # 175.57 × 1.197⁴ = 301.129 × 1.197 = 360.451; 331.81 / 360.451 − 1 = −7.94 %: 2025 falls below
    assert "7.94% below this path" in ex.result.value
    # 175.57 × 1.172⁴ = 175.57 × 1.886748 = 331.256; 331.81 / 331.256 − 1 = +0.17 %: 2025 on the path at 17.2;
    # 175.57 × 1.172³ = 282.642; 300.88 / 282.642 − 1 = +6.45 %: 2024 above it
    ex.rate.text.value = "17.2"
    assert "reported 2025 figure (331.81) is on this path" in ex.result.value
    assert "6.45% above this path" in ex.result.value


def test_gaps_near_the_on_path_edge_are_not_rounded_onto_it(gdp, targets):
    """At 17.1% and 17.4% the 2025 figure used to read "0.5% above/below this path" yet was not "on this path"
    (within 0.5%): gaps are given to two decimals, so the edge is visible."""
    ex = ScenarioExplorer(gdp, targets, base_year=2021, rate_pct=8.6)
    # 175.57 × 1.171³ = 281.917; × 1.171 = 330.124; 331.81 / 330.124 − 1 = +0.51 %
    ex.rate.text.value = "17.1"
    assert "reported 2025 figure (331.81) is 0.51% above this path" in ex.result.value
    # 1.174² = 1.378276; 1.174⁴ = 1.899645; × 175.57 = 333.521; 331.81 / 333.521 − 1 = −0.51 %
    ex.rate.text.value = "17.4"
    assert "reported 2025 figure (331.81) is 0.51% below this path" in ex.result.value
    assert "less than 0.5%" in scenario(gdp, 2021, 17.2).comparisons[1].sentence()


def test_a_fraction_typed_in_the_rate_box_gets_a_warning(gdp, targets):
    """0.1725 typed for 17.25% drew a path at 0.1725% a year (331.81 × 1.001725¹⁰ ≈ 337.6 in 2035) with no word."""
    ex = ScenarioExplorer(gdp, targets, base_year=2025, rate_pct=8.6)
    ex.rate.text.value = "0.1725"
    assert ex.last.rate_pct == pytest.approx(0.1725)  # kept: a small rate is a possible rate
    assert "If you meant the fraction 0.1725, that is 17.25%: type 17.25" in html.unescape(ex.result.value)
    ex.rate.text.value = "17.25"
    assert "If you meant" not in html.unescape(ex.result.value)


def test_the_target_note_is_shown_once_not_on_every_move(gdp, targets):
    """The long target sentence was reprinted in the result on every slider move, pushing the useful lines down:
    it now sits once under the chart, and the result holds only the scenario's own lines."""
    ex = ScenarioExplorer(gdp, targets, base_year=2021, rate_pct=8.6)
    ex.rate.text.value = "12"
    assert "No numeric GDP target" not in ex.result.value and "target" not in ex.result.value
    assert ex.panel.children[-1] is ex.target_line and "No numeric GDP target" in ex.target_line.value


def test_project_notes_a_fraction_typed_for_a_percent(capsys):
    """Exercise 1: project(331.81, 0.17, 10) silently grew at 0.17% a year. The rate is kept (0.5% a year is a
    possible rate), as in the widget, with a printed note saying what was probably meant."""
    # 331.81 × 1.0017¹⁰: ln 1.0017 = 0.0016986, × 10 = 0.016986, e^0.016986 = 1.017131; 331.81 × 1.017131 = 337.494
    assert project(331.81, 0.17, 10) == pytest.approx(337.494, abs=1e-3)
    out = capsys.readouterr().out
    assert "If you meant the fraction 0.17, that is 17%: type 17" in out and "Traceback" not in out
    assert "multiply a fraction by 100" in out  # in code the rate is often a computed fraction, e.g. to_2025.rate
    project(331.81, 17, 10)  # a percent: no note
    project(331.81, 1, 10)   # 1% a year: not a fraction, no note
    assert capsys.readouterr().out == ""


def test_a_base_year_read_from_the_table_is_accepted(gdp):
    # gdp["year"].max() is a numpy integer; the 2025 full-year row holds 331.81 (qianhai_expanded_gdp.csv)
    assert full_year_figure(gdp, gdp["year"].max()) == 331.81


def test_a_fraction_in_the_growth_rate_box_is_a_share_of_100(gdp, targets):
    ex = ScenarioExplorer(gdp, targets, base_year=2021, rate_pct=8.6)
    ex.rate.text.value = "1/20"  # 1/20 of 100% is 5% a year, as in every '%' box (not 0.05%)
    assert ex.rate.value == pytest.approx(5)


def test_implied_growth_works_out_rate_from_its_own_values():
    # a review found rate and ratio stored as fields, which dataclasses.replace could leave disagreeing with the values
    import dataclasses
    from qianhai.scenarios import ImpliedGrowth
    growth = dataclasses.replace(ImpliedGrowth(2021, 2024, 100.0, 100.0), end_value=133.1)
    assert growth.ratio == pytest.approx(1.331) and growth.rate == pytest.approx(0.1)  # 1.1 ** 3 = 1.331
