"""Notebook 04 plumbing. Expected values are worked by hand from data/ftz_negative_list.csv,
data/qianhai_innovations.csv and the teaching model's formula (the arithmetic is in each comment)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qianhai.data import load
from qianhai.inputs import InputProblem
from qianhai.innovation import (COOPERATION_FIELDS, counts_by_source, DiffusionExplorer, EditionPicker, assumptions_table,
                                edition_summary, edition_table, editions_by_year, expected_share, field_evidence, fields_in_place,
                                qianhai_counts, replication_ratios, simulate_diffusion, years_to_half)


@pytest.fixture(scope="module")
def lists():
    return load("ftz_negative_list")


@pytest.fixture(scope="module")
def table(lists):
    return edition_table(lists)


@pytest.fixture(scope="module")
def innov():
    return load("qianhai_innovations")


# --- negative lists ---------------------------------------------------------------------------

def test_change_2018_ftz_list_by_hand(table):
    # ftz_pilot 2018: 45 measures, previous edition (2017) 95 -> 45 - 95 = -50; -50 / 95 = -52.63 %.
    s = edition_summary(table, "ftz_pilot 2018")
    assert (s.measures, s.previous_measures, s.change) == (45, 95, -50)
    assert s.change_pct == pytest.approx(-52.63, abs=0.01)
    assert s.years_since_previous == 1 and s.pilot_ftzs_covered == 11
    assert "50 fewer than the previous edition's 95 (2017 edition), a change of -52.6% over 1 year" in s.sentence()


def test_gap_between_editions_is_counted(table):
    # ftz_pilot 2017: 95 vs 2015's 122 -> -27 (-22.13 %) over 2017 - 2015 = 2 years (no 2016 edition).
    s = edition_summary(table, "ftz_pilot 2017")
    assert s.change == -27 and s.years_since_previous == 2
    assert s.change_pct == pytest.approx(-22.13, abs=0.01)
    # nationwide 2024: 29 vs 2021's 31 -> -2 (-6.45 %) over 3 years.
    n = edition_summary(table, "nationwide 2024")
    assert (n.change, n.years_since_previous) == (-2, 3)
    assert n.change_pct == pytest.approx(-6.45, abs=0.01)


def test_first_edition_and_baseline(table):
    first = edition_summary(table, "ftz_pilot 2013")
    assert first.change is None and "first edition" in first.sentence() and "190 measures" in first.sentence()
    baseline = edition_summary(table, "nationwide 2017")  # 63 restrictive measures of the 2017 Catalogue
    assert baseline.measures == 63 and not baseline.is_negative_list
    assert "not a negative list of its own" in baseline.sentence()
    # the picker's menu names it as a baseline, not as a "Nationwide list, 2017 edition" (a student took it for one)
    assert baseline.label == "Nationwide: 2017 Catalogue baseline (not a list)"
    assert edition_summary(table, "nationwide 2018").previous_measures == 63


def test_table_order_and_every_reported_previous_matches_the_data(table):
    assert list(table.index[:3]) == ["ftz_pilot 2013", "ftz_pilot 2014", "ftz_pilot 2015"]
    assert table.index[-1] == "hainan_ftp 2020"
    agree = table["sources_agree_on_previous"].dropna()
    assert len(agree) == 12 and agree.all()  # 7 FTZ + 5 nationwide editions have a previous edition


def test_editions_by_year_side_by_side(table):
    wide = editions_by_year(table)
    assert list(wide.index) == [2013, 2014, 2015, 2017, 2018, 2019, 2020, 2021, 2024]  # no 2016, 2022 or 2023 edition
    # 2018: FTZ 45 (-50), nationwide 48 (-15); 2024: nationwide 29 (-2 over 3 years), no FTZ edition
    assert wide.loc[2018, ["FTZ list", "FTZ list change", "nationwide list", "nationwide list change"]].tolist() \
        == [45, -50, 48, -15]
    # a list with no edition that year shows a blank cell, not "<NA>" (a student did not know what <NA> meant)
    assert wide.loc[2024, "FTZ list"] == "" and wide.loc[2024, "nationwide list"] == 29
    assert wide.loc[2013, "FTZ list change"] == "" and "<NA>" not in wide.to_string() + wide.to_html()
    assert wide.loc[2024, "nationwide list gap (years)"] == 3 and wide.loc[2017, "FTZ list gap (years)"] == 2
    # nationwide 2017 is the 2017 Catalogue's 63 restrictive measures, a baseline and not a list: marked in the cell
    # (a student read "63 (Catalogue)" as a nationwide edition: the cell says it is not a list)
    assert wide.loc[2017, "nationwide list"] == "63 (Catalogue, not a list)" and wide.loc[2018, "nationwide list"] == 48


def test_disagreeing_previous_count_is_flagged(lists):
    edited = lists.copy()
    edited.loc[(edited["list_type"] == "ftz_pilot") & (edited["edition_year"] == 2014),
               "previous_edition_measures"] = 180
    s = edition_summary(edition_table(edited), "ftz_pilot 2014")
    assert s.sources_agree_on_previous is False
    assert "Caution: the previous row in the data says 190, not 180" in s.sentence()


@pytest.mark.parametrize("key", ["ftz_pilot 2016", "", None, 2018, "x" * 200])
def test_unknown_edition_gives_a_message(table, key):
    with pytest.raises(InputProblem, match="No edition called"):
        edition_summary(table, key)


def test_edition_picker_callback(lists):
    picker = EditionPicker(lists)
    assert picker.last.key == "ftz_pilot 2018"
    assert [list(a) for a in picker.ring.get_data()] == [[2018], [45]]
    assert len(picker.output.outputs) == 2  # chart and its text alternative
    picker.edition.value = "nationwide 2024"
    assert picker.last.measures == 29
    assert [list(a) for a in picker.ring.get_data()] == [[2024], [29]]
    assert "2 fewer than the previous edition&#x27;s 31" in picker.result.value
    assert "Nationwide list, 2024 edition" in picker.ax.get_title(loc="left")
    alt = picker.output.outputs[1]["data"]["text/plain"]
    assert alt.startswith("Text alternative:") and "from 190 measures (2013) to 27 (2021)" in alt
    picker.edition.value = "hainan_ftp 2020"
    assert "nothing to compare with" in picker.result.value


# --- innovation counts ----------------------------------------------------------------------

def test_qianhai_counts_keep_sources_apart(innov):
    counts = qianhai_counts(innov)
    # 4 rows E15 + 2 E16 + 2 E19 + 2 S09 + 2 S25 + 1 E04 + 1 E23 = 14; the 5 all-FTZ rows are left out.
    assert len(counts) == 14
    totals_2022 = counts[(counts["measure"] == "cumulative_achievements") & counts["as_of"].str.startswith("2022")]
    assert sorted(totals_2022["value"].tolist()) == [685, 725]  # the disagreement stays visible


def test_counts_by_source_in_words(innov):
    rows = counts_by_source(innov).set_index("source_id")
    assert len(rows) == 7  # E15, E16, E19, S09, S25, E04, E23
    # E15 (2016-11): about 181 results; 35 national firsts; 14 city-wide; 37 province-wide
    assert rows.loc["E15", "counts"] == ("cumulative results about 181; national firsts 35; replicated city-wide 14; "
                                         "replicated province-wide 37")
    assert rows.loc["E23", "counts"] == "replicated nationwide 105"


def test_replication_ratios_by_hand(innov):
    ratios = replication_ratios(innov).set_index("source_id")
    # Only where one source gives both numbers: E19 65/645 = 10.08 %; S25 65/685 = 9.49 %; S09 65/725 = 8.97 %.
    assert sorted(ratios.index) == ["E19", "S09", "S25"]
    assert ratios.loc["E19", "share_pct"] == pytest.approx(10.078, abs=0.001)
    assert ratios.loc["S25", "share_pct"] == pytest.approx(9.489, abs=0.001)
    assert ratios.loc["S09", "share_pct"] == pytest.approx(8.966, abs=0.001)
    assert ratios.loc["S25", "counting_basis"] == "since 2010"


# --- cooperation fields ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def evidence():
    return field_evidence({n: load(n) for n in ("qianhai_legal_facts", "crossborder_rmb_loans", "pilot_reform_concepts")})


def test_every_field_has_a_row_and_technology_is_only_an_aim(evidence):
    assert list(dict.fromkeys(evidence["field"])) == list(COOPERATION_FIELDS)
    tech = evidence[evidence["field"] == "technological innovation"]
    assert set(tech["kind"]) == {"aim in a plan"}
    assert fields_in_place(evidence) == ["service trade", "financial opening", "talent flow", "legal cooperation"]
    # The court opened on 28 Jan 2015 (People's Court Daily, 29 Jan 2015: FX01); 2 Dec 2014 was the SPC's approval.
    assert evidence.loc[evidence["data"] == "qianhai_legal_facts: court_established", "source_id"].item() == "FX01"
    assert evidence.loc[evidence["data"] == "qianhai_legal_facts: court_established", "date"].item() == "2015-01-28"


def test_field_evidence_names_missing_resources():
    with pytest.raises(InputProblem, match="needs the resources"):
        field_evidence({"qianhai_policies": load("qianhai_policies")})


# --- teaching model -------------------------------------------------------------------------

def test_expected_share_by_hand():
    # a (1 - (1 - e)^T): 0.25 x (1 - 0.5^2) = 0.25 x 0.75 = 0.1875
    assert expected_share(0.5, 0.25, 2) == pytest.approx(0.1875)
    # 0.3 x (1 - 0.7^6) = 0.3 x (1 - 0.117649) = 0.2647053
    assert expected_share(0.3, 0.3, 6) == pytest.approx(0.2647053, abs=1e-7)


def test_extreme_rates_by_hand():
    # e = 1: every reform is evaluated in year 1; a = 1: every evaluated reform is adopted.
    run = simulate_diffusion(pilots=40, years=3, evaluation_share=1, adoption_rate=1, seed=1)
    assert run.replicated.tolist() == [0, 40, 40, 40] and run.piloting.tolist() == [40, 0, 0, 0]
    none = simulate_diffusion(pilots=40, years=3, evaluation_share=1, adoption_rate=0, seed=1)
    assert none.replicated.tolist() == [0, 0, 0, 0] and none.kept_local.tolist() == [0, 40, 40, 40]
    idle = simulate_diffusion(pilots=40, years=3, evaluation_share=0, adoption_rate=1, seed=1)
    assert idle.piloting.tolist() == [40, 40, 40, 40]


def test_seeded_output_is_stable():
    a = simulate_diffusion(100, 6, 0.3, 0.3, seed=2020)
    b = simulate_diffusion(100, 6, 0.3, 0.3, seed=2020)
    assert np.array_equal(a.replicated, b.replicated) and np.array_equal(a.kept_local, b.kept_local)
    assert a.replicated_ids == b.replicated_ids
    others = {simulate_diffusion(100, 6, 0.3, 0.3, seed=s).replicated_ids for s in range(5)}
    assert len(others) > 1  # different seeds, different runs


def test_counts_add_up_and_average_matches_formula():
    run = simulate_diffusion(pilots=1000, years=5, evaluation_share=0.4, adoption_rate=0.3, seed=7)
    assert np.all(run.replicated + run.kept_local + run.piloting == 1000)
    # expected 1000 x 0.3 x (1 - 0.6^5) = 1000 x 0.3 x 0.92224 = 276.67; binomial sd = sqrt(1000 p (1-p)) = 14.2
    assert run.expected_replicated[-1] == pytest.approx(276.672)
    assert abs(run.final_replicated - 276.672) < 45


@pytest.mark.parametrize("seed", range(0, 60, 3))
def test_higher_adoption_rate_never_fewer_replicated(seed):
    previous_ids, previous = frozenset(), -1
    for rate in np.linspace(0, 1, 21):
        run = simulate_diffusion(pilots=150, years=6, evaluation_share=0.3, adoption_rate=float(rate), seed=seed)
        assert run.final_replicated >= previous
        assert previous_ids <= run.replicated_ids  # the same reforms, plus more
        previous, previous_ids = run.final_replicated, run.replicated_ids


@pytest.mark.parametrize("seed", [0, 11, 2020])
def test_monotonic_in_evaluation_share_years_and_pilots(seed):
    finals = [simulate_diffusion(150, 6, float(e), 0.4, seed).final_replicated for e in np.linspace(0, 1, 11)]
    assert finals == sorted(finals)
    short, long = simulate_diffusion(150, 4, 0.3, 0.4, seed), simulate_diffusion(150, 9, 0.3, 0.4, seed)
    assert np.array_equal(short.replicated, long.replicated[:5])  # the first years do not change
    small, large = simulate_diffusion(50, 6, 0.3, 0.4, seed), simulate_diffusion(300, 6, 0.3, 0.4, seed)
    assert small.replicated_ids <= large.replicated_ids


BAD = [(-5, "below"), (float("nan"), "not a finite number"), (float("inf"), "not a finite number"),
       (1e308, "above"), ("", "the box is empty"), ("abc", "is not a number"), (None, "expected a number"),
       (True, "expected a number"), ([1], "expected a number")]


@pytest.mark.parametrize("value, words", BAD)
@pytest.mark.parametrize("name, label", [("pilots", "Reforms piloted"), ("years", "Years"),
                                         ("evaluation_share", "Share evaluated each year"),
                                         ("adoption_rate", "Adoption rate"), ("seed", "Random seed")])
def test_bad_model_inputs_give_messages(name, label, value, words):
    with pytest.raises(InputProblem, match=words) as err:
        simulate_diffusion(**{name: value})
    assert str(err.value).startswith(label)


@pytest.mark.parametrize("name, value, words", [("pilots", 0, "below 1"), ("years", 0, "below 1"),
                                                ("pilots", 2.5, "not a whole number"), ("years", 21, "above 20"),
                                                ("adoption_rate", 1.5, "above 1"),
                                                ("evaluation_share", -0.1, "below 0")])
def test_out_of_range_inputs(name, value, words):
    with pytest.raises(InputProblem, match=words):
        simulate_diffusion(**{name: value})
    assert math.isfinite(expected_share(0.2, 0.2, 3))


def test_assumptions_table_is_complete():
    table = assumptions_table()
    assert {"Evaluation", "Adoption", "Randomness", "Units"} <= set(table.index)
    assert "Nothing here is data" in table.loc["Units", "what it leaves out"]
    # plain words for a non-programmer: no library call names in the table
    assert not table.apply(lambda column: column.str.contains("numpy|default_rng|seed\\)")).any().any()


def test_diffusion_explorer_callbacks():
    ex = DiffusionExplorer()
    start = ex.last
    assert (start.pilots, start.years, start.adoption_rate, start.seed) == (100, 6, 0.3, 2020)
    assert len(ex.output.outputs) == 2
    assert "not data" in ex.output.outputs[1]["data"]["text/plain"]
    assert "Model output (seed 2020)" in ex.result.value
    ex.adoption.slider.value = 60  # same seed, higher adoption rate: never fewer replicated
    assert ex.last.adoption_rate == 0.6 and ex.last.final_replicated >= start.final_replicated
    ex.adoption.text.value = "abc"  # typed twin: message, nothing else changes
    assert "'abc' is not a number" in ex.messages.last and ex.last.adoption_rate == 0.6
    ex.evaluation.text.value = "150"
    assert "above 100" in ex.messages.last
    ex.years.text.value = "10"
    assert ex.last.years == 10 and len(ex.rep_line.get_xdata()) == 11
    ex.seed.value = "-1"
    assert "below 0" in ex.messages.last and ex.last.seed == 2020
    ex.seed.value = "nan"
    assert "not a finite number" in ex.messages.last
    ex.seed.value = "7"  # the seed's message goes; the two boxes still showing bad text keep theirs
    assert ex.last.seed == 7 and "Random seed" not in ex.messages.widget.value
    assert "above 100" in ex.messages.widget.value and "&#x27;abc&#x27;" in ex.messages.widget.value
    ex.adoption.text.value = "60"
    ex.evaluation.text.value = "30"
    assert ex.messages.last == ""
    assert ex.last.replicated_ids == simulate_diffusion(100, 10, 0.3, 0.6, 7).replicated_ids
    assert ex.ax.get_ylim()[1] == pytest.approx(105)  # 100 pilots x 1.05


def test_diffusion_explorer_axis_covers_the_model_in_steady_steps_of_five_years():
    # The axis covers every modelled year and moves only in steps of 5 years (12 -> 15, 11 -> still 15, 7 -> 10),
    # so dragging the slider within a step redraws only the lines: a student saw the axis run to 15 for a 12-year
    # model, but an axis that followed every year made each step a full redraw (kernel median 9 -> 66 ms).
    ex = DiffusionExplorer(years=12)
    assert ex.ax.get_xlim() == pytest.approx((0, 15)) and max(ex.half_line.get_xdata()) == 15
    ex.years.text.value = "11"
    assert ex.ax.get_xlim() == pytest.approx((0, 15))
    ex.years.text.value = "7"
    assert ex.ax.get_xlim() == pytest.approx((0, 10))


def test_diffusion_explorer_with_bad_pilots_in_code():
    ex = DiffusionExplorer(pilots=0)
    assert ex.last is None and "Reforms piloted: 0 is below 1" in ex.messages.last


def test_fields_in_place_by_the_date_of_the_claim(evidence):
    # C15 was reported on 2020-08-25 (claims.json, source ART). By then: service trade (CEPA IX, 2012-06-29),
    # financial opening (rules Dec 2012; first loans 2013-01-28), legal cooperation (court, 2015-01-28).
    # Talent flow has only an undated row (Q01) and one from 2025-08 (E24); HK law choice is 2020-10 (after).
    assert fields_in_place(evidence, by="2020-08-25") == ["service trade", "financial opening", "legal cooperation"]
    assert fields_in_place(evidence, by="2020-10") == ["service trade", "financial opening", "legal cooperation"]
    assert fields_in_place(evidence, by="2012-11") == ["service trade"]
    for bad in ("25 Aug 2020", 2020, "2020/08/25"):
        with pytest.raises(InputProblem, match="2020-08-25"):
            fields_in_place(evidence, by=bad)


def test_cepa_is_spelled_out_in_the_service_trade_row(evidence):
    service = evidence[evidence["field"] == "service trade"].iloc[0]
    assert service["evidence"].startswith("Supplement IX to CEPA (Closer Economic Partnership Arrangement, the "
                                          "mainland–Hong Kong trade agreement)")


def test_field_evidence_text_from_the_rows(evidence):
    lenders = evidence[evidence["data"] == "crossborder_rmb_loans: first_batch_lenders"].iloc[0]
    # crossborder_rmb_loans.csv: first_batch_lenders, 2013-01-28, value 15, unit banks, value_text Hong Kong banks
    assert lenders["evidence"] == "first batch of cross-border RMB loans, lenders count: 15 banks (Hong Kong banks)"
    assert lenders["date"] == "2013-01-28" and lenders["field"] == "financial opening"


def test_financial_opening_rule_is_the_pboc_rules_not_the_request_to_study(evidence):
    # crossborder_rmb_loans.csv: authorisation_2012_reply (S04) only asks for the loans "to be studied" (an aim);
    # rules_released_dec_2012 (P06;P07, dated 2012-12) allowed them, and its note: "DATE CONFLICT: P04 dates the
    # rules 7 Jan 2013".
    finance = evidence[evidence["field"] == "financial opening"]
    assert not finance["evidence"].str.contains("studied").any()
    rules = finance[finance["data"] == "crossborder_rmb_loans: rules_released_dec_2012"].iloc[0]
    assert rules["kind"] == "rule or institution in place" and rules["date"] == "2012-12"
    assert rules["source_id"] == "P06;P07"
    assert rules["evidence"].endswith("released in December 2012; date conflict: P04 dates the rules 7 Jan 2013")


def test_field_evidence_says_when_a_row_has_no_date(evidence):
    # qianhai_legal_facts.csv row construction_filing (Q01; Q04) has an empty date column: the notebook's
    # "{date}" must read "date not stated", not "()" that looks like a bug.
    filing = evidence[evidence["data"] == "qianhai_legal_facts: construction_filing"].iloc[0]
    assert filing["date"] == "date not stated" and filing["field"] == "talent flow"


# --- properties (hypothesis): any input gives a run or a message, never a traceback --------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=12), st.lists(st.integers(), max_size=2))


@settings(max_examples=200, deadline=None)
@given(anything, anything, anything, anything, anything)
def test_model_gives_a_run_or_a_message(pilots, years, e, a, seed):
    try:
        run = simulate_diffusion(pilots, years, e, a, seed)
    except InputProblem as problem:
        assert str(problem).split(":")[0] in {"Reforms piloted", "Years", "Share evaluated each year",
                                              "Adoption rate", "Random seed"}
    else:
        assert np.all(run.replicated + run.kept_local + run.piloting == run.pilots)
        assert np.all(np.diff(run.replicated) >= 0) and 0 <= run.share <= 1


share = st.one_of(st.just(0.0), st.floats(1e-9, 1))  # a nonzero share below 1e-9 is refused as a slip


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 99999), share, share, share, st.integers(1, 20))
def test_adoption_rate_monotonic_for_any_seed(seed, e, a1, a2, years):
    low, high = sorted((a1, a2))
    assert (simulate_diffusion(80, years, e, low, seed).replicated_ids
            <= simulate_diffusion(80, years, e, high, seed).replicated_ids)


def test_years_to_half_worked_by_hand():
    # a(1 - (1 - e)^T) = 1/2  =>  T = ln(1 - 1/(2a)) / ln(1 - e); e = 0.3: ln 0.7 = -0.35667
    # a = 0.9: ln(1 - 0.5556) = ln 0.4444 = -0.81093 -> 2.274 years
    # a = 0.6: ln(1/6) = -1.79176 -> 5.024 years;  a = 0.55: ln(0.0909) = -2.39790 -> 6.723 years
    assert years_to_half(0.3, 0.9) == pytest.approx(2.274, abs=0.001)
    assert years_to_half(0.3, 0.6) == pytest.approx(5.024, abs=0.001)
    assert years_to_half(0.3, 0.55) == pytest.approx(6.723, abs=0.001)
    assert years_to_half(0.3, 0.5) is None and years_to_half(0.3, 0.2) is None  # at most a share a is copied
    assert years_to_half(0.0, 0.9) is None  # nothing is ever judged
    assert years_to_half(1.0, 0.9) == 1.0  # all judged in year 1
    # the average path crosses half the pilots at that time: 100 x 0.6 x (1 - 0.7^5.024) = 50
    assert expected_share(0.3, 0.6, 5) < 0.5 < expected_share(0.3, 0.6, 6)
    with pytest.raises(InputProblem):
        years_to_half(0.3, 1.5)


def test_years_to_half_with_a_tiny_share_is_finite_or_refused():
    # e = 1e-6: ln(1 - e) is about -1e-6, so T = ln(1/3) / -1e-6 = 1.0986e6 years (a = 0.75: 1 - 1/1.5 = 1/3)
    assert years_to_half(1e-6, 0.75) == pytest.approx(1.0986e6, rel=1e-4)
    with pytest.raises(InputProblem, match="too small"):
        years_to_half(1e-300, 0.75)  # ln(1 - e) rounded to 0: this divided by zero


def test_diffusion_explorer_says_when_half_is_reached():
    ex = DiffusionExplorer(years=12, evaluation_pct=30, adoption_pct=30)
    assert "the average never gets there" in ex.result.value and list(ex.half_line.get_ydata()) == [50, 50]
    assert "never on average" not in ex.result.value  # a run can still get there by chance: say so
    ex.adoption.slider.value = 50
    # seed 2020, e = 30%, a = 50%: the run replicates 57 of 100 after 12 years (instructor guide), so it reaches 50
    assert "the average never gets there" in ex.result.value and "by chance: this run does, by the end of year" in ex.result.value
    ex.adoption.slider.value = 10  # each reform is ever copied with chance 10% at most: 50 of 100 (P < 1e-20) is out
    assert "by chance: this run does not, within 12 years" in ex.result.value
    ex.adoption.slider.value = 0  # nothing is ever copied: no run can reach half, so no "by chance"
    assert "never, because the adoption rate is 0%" in ex.result.value and "by chance" not in ex.result.value
    ex.adoption.slider.value = 90
    ex.evaluation.slider.value = 0  # nothing is ever judged, so nothing is copied whatever the adoption rate
    assert "never, because the evaluation share is 0%" in ex.result.value and "by chance" not in ex.result.value
    ex.evaluation.slider.value = 30
    ex.adoption.slider.value = 60
    assert "on average after 5.0 years" in ex.result.value  # T = 5.024, worked above
    assert "ln(" not in ex.result.value  # the widget says in words where the years come from
    run = ex.last
    first = next(year for year, count in enumerate(run.replicated) if count >= 50)
    assert f"by the end of year {first}" in ex.result.value
    ex.seed.value = "x"
    assert "last good seed, 2020" in ex.messages.last


def test_a_table_without_some_lists_draws_no_empty_legend_entries():
    import matplotlib.pyplot as plt

    from qianhai.innovation import LIST_LABELS, draw_lists, edition_table

    table = edition_table(load("ftz_negative_list"))
    only_ftz = table[table["list_type"] == "ftz_pilot"]
    fig, ax = plt.subplots()
    draw_lists(ax, only_ftz)
    labels = [line.get_label() for line in ax.lines if not line.get_label().startswith("_")]
    assert LIST_LABELS["ftz_pilot"] in labels and LIST_LABELS["nationwide"] not in labels
    plt.close(fig)
