"""Notebook 02 plumbing. Expected values are worked by hand from data/qianhai_timeline.csv,
data/qianhai_zones.csv, data/ftz_count.csv and data/qianhai_indicators.csv (rows quoted in comments)."""

from __future__ import annotations

import datetime as dt
import math

import matplotlib.dates as mdates
import pandas as pd
import pytest

from qianhai.data import load
from qianhai.inputs import InputProblem
from qianhai.timeline import (DateExplorer, DateQuery, DateTwinSlider, events_on, ftz_total, in_words, in_words_whole,
                              indicator_value, layers_chart, output_rows, parse_date, period_ends, qianhai_layers,
                              scope_breaks, scope_table, snapshot, timeline_bounds)
from qianhai.timeline import _with_periods, _zone_status  # the status rule behind every layer the notebooks show

D = dt.date


@pytest.fixture(scope="module")
def timeline():
    return load("qianhai_timeline")


@pytest.fixture(scope="module")
def zones():
    return load("qianhai_zones")


@pytest.fixture(scope="module")
def ftz():
    return load("ftz_count")


@pytest.fixture(scope="module")
def indicators():
    return load("qianhai_indicators")


@pytest.fixture(scope="module")
def bounds(timeline):
    return timeline_bounds(timeline)


def zone_status(zones, zone_id, day):
    statuses = _zone_status(_with_periods(zones), day)
    return statuses[zones["zone_id"].to_numpy() == zone_id][0]


def event_status(timeline, event_id, day):
    return events_on(timeline, day).set_index("event_id").loc[event_id, "status"]


# ---------------------------------------------------------------- dates


def test_bounds_are_whole_months(bounds):
    # First row bonded_harbour_2008 has sort_date 2008-01-01; last row qianhai_iit_implementing_2025 is 2025-06-18,
    # so the timeline runs from 2008-01-01 to the end of June 2025.
    assert bounds == (D(2008, 1, 1), D(2025, 6, 30))


@pytest.mark.parametrize("typed, day, precision", [
    ("2015-04", D(2015, 4, 30), "month"),        # a month means its last day
    ("2016-02", D(2016, 2, 29), "month"),        # leap year
    ("2015-04-27", D(2015, 4, 27), "day"),
    (" 2015/4/27 ", D(2015, 4, 27), "day"),
    ("2025-06", D(2025, 6, 30), "month"),        # the last month is inside
    ("2008-01-01", D(2008, 1, 1), "day"),
])
def test_parse_good_dates(bounds, typed, day, precision):
    query = parse_date(typed, first=bounds[0], last=bounds[1])
    assert (query.day, query.precision) == (day, precision)


def test_full_width_digits_read_and_other_scripts_refused_as_in_number_boxes(bounds):
    assert parse_date("\uff12\uff10\uff11\uff15-\uff10\uff14", first=bounds[0], last=bounds[1]) == \
        DateQuery(D(2015, 4, 30), "month")  # full-width 2015-04, read as number boxes read full-width digits
    with pytest.raises(InputProblem, match="not a date"):
        parse_date("\u0662\u0660\u0661\u0665-04", first=bounds[0], last=bounds[1])  # Arabic-Indic: refused, as in number boxes


def test_parse_date_object(bounds):
    assert parse_date(D(2019, 2, 18), first=bounds[0], last=bounds[1]) == DateQuery(D(2019, 2, 18), "day")


@pytest.mark.parametrize("raw, words", [
    ("", "the box is empty"),
    ("   ", "the box is empty"),
    ("abc", "'abc' is not a date"),
    ("2015", "only a year; add a month, e.g. 2015-06"),
    ("2015-13", "not a real date (month 13 does not exist)"),
    ("2015-02-30", "not a real date (February 2015 has 28 days)"),  # 2015 is not a leap year
    ("0000-01", "not a real date (year 0 is outside 1 to 9999)"),
    ("2007-12", "outside the timeline, which runs from 2008-01 to 2025-06"),
    ("2025-07", "outside the timeline"),
    ("2030-01-01", "outside the timeline"),
    ("-2015-04", "not a date"),
    ("nan", "'nan' is not a date"),
    ("inf", "'inf' is not a date"),
    ("1e308", "'1e308' is not a date"),
    ("15/04/2015", "not a date"),
    (None, "expected a date typed as text, not NoneType"),
    (2015, "not int"),
    (0, "not int"),
    (-1, "not int"),
    (math.nan, "not float"),
    (math.inf, "not float"),
    (1e308, "not float"),
    (True, "not bool"),
    (["2015-04"], "not list"),
])
def test_parse_bad_dates_explain(bounds, raw, words):
    with pytest.raises(InputProblem) as err:
        parse_date(raw, first=bounds[0], last=bounds[1])
    assert words in str(err.value)
    assert "Type a date as YYYY-MM" in str(err.value)


def test_long_input_is_shortened(bounds):
    with pytest.raises(InputProblem) as err:
        parse_date("x" * 500, first=bounds[0], last=bounds[1])
    assert len(str(err.value)) < 200


def test_period_ends():
    starts = pd.Series(pd.to_datetime(["2010-01-01", "2012-12-01", "2013-01-07", "2016-02-01"]))
    ends = period_ends(starts, pd.Series(["year", "month", "day", "month"]))
    assert list(ends.dt.date) == [D(2010, 12, 31), D(2012, 12, 31), D(2013, 1, 7), D(2016, 2, 29)]  # 2016: leap year


# ---------------------------------------------------------------- events and zones on a date


def test_event_status_respects_precision(timeline):
    # plan_approved_2010: 2010-08-26, day precision.
    assert event_status(timeline, "plan_approved_2010", D(2010, 8, 25)) == "not yet"
    assert event_status(timeline, "plan_approved_2010", D(2010, 8, 26)) == "happened"
    # bonded_harbour_2008: year precision (sort_date 2008-01-01): unknown inside 2008.
    assert event_status(timeline, "bonded_harbour_2008", D(2007, 12, 31)) == "not yet"
    assert event_status(timeline, "bonded_harbour_2008", D(2008, 6, 30)) == "uncertain"
    assert event_status(timeline, "bonded_harbour_2008", D(2008, 12, 31)) == "happened"
    # hk_gd_framework_2010: 2010-04, month precision.
    assert event_status(timeline, "hk_gd_framework_2010", D(2010, 4, 15)) == "uncertain"
    assert event_status(timeline, "hk_gd_framework_2010", D(2010, 4, 30)) == "happened"


def test_zone_end_is_exclusive(zones):
    # qianhai_coop_zone_2010: valid_from 2010-08-26, valid_to 2021-09-06 (exclusive);
    # qianhai_coop_zone_2021 from 2021-09-06.
    old, new = "qianhai_coop_zone_2010", "qianhai_coop_zone_2021"
    assert zone_status(zones, old, D(2010, 8, 25)) == "not yet"
    assert zone_status(zones, old, D(2010, 8, 26)) == "in force"
    assert zone_status(zones, old, D(2021, 9, 5)) == "in force"
    assert zone_status(zones, old, D(2021, 9, 6)) == "ended"
    assert zone_status(zones, new, D(2021, 9, 5)) == "not yet"
    assert zone_status(zones, new, D(2021, 9, 6)) == "in force"


def test_sez_became_city_wide_on_1_july_2010(timeline, zones):
    # QS01 (Xinhua, 2 Jun 2010, on a PRC consulate's site): "Starting on July 1, Baoan and Longgang districts
    # will be officially incorporated into the SEZ". The day is known, so nothing is uncertain around it.
    assert event_status(timeline, "sez_citywide_2010", D(2010, 6, 30)) == "not yet"
    assert event_status(timeline, "sez_citywide_2010", D(2010, 7, 1)) == "happened"
    assert zone_status(zones, "shenzhen_sez_1980", D(2010, 6, 30)) == "in force"
    assert zone_status(zones, "shenzhen_sez_1980", D(2010, 7, 1)) == "ended"
    assert zone_status(zones, "shenzhen_sez_2010", D(2010, 6, 30)) == "not yet"
    assert zone_status(zones, "shenzhen_sez_2010", D(2010, 7, 1)) == "in force"


def test_zone_with_year_precision_is_uncertain_inside_that_year(zones):
    # qianhai_bay_bonded_port: valid_from 2008-01-01, year precision.
    port = "qianhai_bay_bonded_port"
    assert zone_status(zones, port, D(2007, 12, 31)) == "not yet"
    assert zone_status(zones, port, D(2008, 6, 30)) == "uncertain"
    assert zone_status(zones, port, D(2009, 1, 1)) == "in force"


def test_layers_on_dates(zones):
    # 2015-04-30: SEZ city-wide (2010), Guangdong FTZ + Qianhai & Shekou area (2015-04-21), cooperation zone
    # 14.92 (2010-08-26), bonded port (2008) -> 4 distinct statuses; the GBA (2019-02-18) is not there yet.
    layers = qianhai_layers(zones, D(2015, 4, 30))
    assert list(layers["zone_id"]) == ["shenzhen_sez_2010", "guangdong_ftz", "qianhai_shekou_ftz_area",
                                       "qianhai_coop_zone_2010", "qianhai_bay_bonded_port"]
    assert layers["special_status"].nunique() == 4
    # Zones that do not contain Qianhai (Shanghai FTZ, Nansha, Hengqin, the 1980 SEZ) never appear.
    later = qianhai_layers(zones, D(2022, 1, 1))
    assert not set(later["zone_id"]) & {"shanghai_ftz_2013", "nansha_ftz_area", "hengqin_ftz_area", "shenzhen_sez_1980"}
    assert "gba" in set(later["zone_id"]) and "qianhai_coop_zone_2021" in set(later["zone_id"])


def test_layers_show_dates_only_as_precisely_as_known(zones, timeline, ftz):
    # qianhai_zones: the city-wide SEZ starts 2010-07-01 (day, QS01), the bonded port "2008-01-01"
    # (year); showing that as a day would put it on the 1st. The original cooperation zone is known to the
    # day (2010-08-26 to 2021-09-06). On Xi Jinping's first visit (2012-12-07) all three are layers.
    layers = snapshot(timeline, zones, ftz, "2012-12-07").layers.set_index("zone_id")
    assert layers.loc["shenzhen_sez_2010", "valid_from"] == "2010-07-01"
    assert layers.loc["qianhai_bay_bonded_port", "valid_from"] == "2008 (year only)"
    assert layers.loc["qianhai_coop_zone_2010", "valid_from"] == "2010-08-26"
    assert layers.loc["qianhai_coop_zone_2010", "valid_to"] == "2021-09-06"
    assert layers.loc["shenzhen_sez_2010", "valid_to"] == "still valid"
    assert list(in_words(layers)["valid from"]) == list(layers["valid_from"])  # shown in words as they are


def test_ftz_total(ftz):
    # ftz_count: 2013-09-29 -> 1; 2015-04-21 -> 4; 2019-08-26 -> 18; 2020-09-21 -> 21.
    assert ftz_total(ftz, D(2013, 9, 28)) == 0
    assert ftz_total(ftz, D(2013, 9, 29)) == 1
    assert ftz_total(ftz, D(2015, 4, 30)) == 4
    assert ftz_total(ftz, D(2020, 8, 24)) == 18


def test_snapshot_counts_by_hand(timeline, zones, ftz):
    # Rows with sort_date up to 2015-04-30: bonded_harbour_2008, sez_citywide_2010, hk_gd_framework_2010,
    # plan_approved_2010, hk_briefing_targets_2010, regulations_2011, authority_statutory_body_2011,
    # advisory_committee_2012, state_council_reply_2012, cepa_ix_2012, pboc_loan_rules_2012_12, xi_first_visit_2012,
    # qianhai_iit_measures_2012, pboc_loan_rules_2013_01_07, first_rmb_loans_2013, qianhai_tribunal_2013,
    # shanghai_ftz_2013, cit_caishui_2014_26, qianhai_court_2014 (approval), gd_ftz_approved_2014,
    # qianhai_court_2015 (opening), cepa_gd_agreement_2015, ftz_plans_negative_list_2015, gd_ftz_launched_2015,
    # qianhai_shekou_area_2015 = 25. 53 rows, none rejected since issue 14 = 53 counted.
    snap = snapshot(timeline, zones, ftz, "2015-04")
    assert len(snap.happened) == 25 and snap.total_events == 53 and snap.uncertain.empty
    assert snap.statuses == (4, 0) and snap.ftzs == 4
    assert "25 of 53 milestones" in snap.sentence() and "4 special statuses" in snap.sentence()
    assert snap.rejected == []


def test_the_court_exists_only_from_its_opening(timeline, zones, ftz):
    # People's Court Daily, 29 Jan 2015 (source FX01): the Supreme People's Court approved the Qianhai Court on
    # 2 Dec 2014; it opened on 28 Jan 2015 and took cases from 2 Feb 2015. Between approval and opening the
    # explorer shows the approval, not a working court.
    rows = timeline.set_index("event_id")
    assert rows.loc["qianhai_court_2014", "date"] == "2014-12-02" and "approves" in rows.loc["qianhai_court_2014", "event"]
    assert rows.loc["qianhai_court_2015", "date"] == "2015-01-28" and "inaugurated" in rows.loc["qianhai_court_2015", "event"]
    before = set(snapshot(timeline, zones, ftz, "2015-01-27").happened["event_id"])
    assert "qianhai_court_2014" in before and "qianhai_court_2015" not in before
    assert "qianhai_court_2015" in set(snapshot(timeline, zones, ftz, "2015-01-28").happened["event_id"])
    # The 13 Sep 2013 date (The Standard via a blog repost) is the predecessor tribunal's: an earlier step of the
    # same story, not a rejected date for the court.
    assert rows.loc["qianhai_tribunal_2013", "date_status"] == "reconciled"
    assert "前海法庭" in rows.loc["qianhai_tribunal_2013", "event"]


def test_snapshot_reports_a_rejected_date(timeline, zones, ftz):
    # The live data have no rejected row since issue 14; mark the tribunal row rejected to check the message.
    edited = timeline.copy()
    edited.loc[edited["event_id"] == "qianhai_tribunal_2013", "date_status"] = "rejected"
    snap = snapshot(edited, zones, ftz, "2015-04")
    assert len(snap.happened) == 24 and snap.total_events == 52
    assert snap.rejected == ["qianhai_court_founding: L06 gives 2013-09-13, a date the research rejects. Not counted."]


def test_snapshot_shows_disputed_date(timeline, zones, ftz):
    # pboc_loan_rules_date: 2012-12 (P06;P07) vs 2013-01-07 (P04), both 'disputed'.
    snap = snapshot(timeline, zones, ftz, "2013-01-06")
    assert len(snap.disputed) == 1 and "2012-12 per P06;P07: happened" in snap.disputed[0]
    assert "2013-01-07 per P04: not yet" in snap.disputed[0]
    assert snapshot(timeline, zones, ftz, "2013-01-07").disputed == []


def test_snapshot_uncertain_in_2008(timeline, zones, ftz):
    # End of June 2008: the bonded harbour zone was approved at an unknown date in 2008 -> uncertain event and
    # layer (0, 1); by the end of 2008 it is certain (1, 0).
    snap = snapshot(timeline, zones, ftz, "2008-06")
    assert list(snap.uncertain["event_id"]) == ["bonded_harbour_2008"]
    assert snap.statuses == (0, 1)
    assert snapshot(timeline, zones, ftz, "2008-12").statuses == (1, 0)


def test_snapshot_at_the_plan_approval(timeline, zones, ftz):
    # End of Aug 2010: city-wide SEZ (1 Jul 2010), cooperation zone (26 Aug 2010) and bonded port (2008) are all
    # certain -> (3, 0); no pilot FTZ yet (Shanghai's came in Sep 2013).
    snap = snapshot(timeline, zones, ftz, "2010-08")
    assert snap.uncertain.empty
    assert snap.statuses == (3, 0)
    assert "1 pilot free trade zone" not in snap.sentence() and "0 pilot free trade zones" in snap.sentence()


def test_snapshot_three_qianhais(timeline, zones, ftz):
    before = snapshot(timeline, zones, ftz, "2021-09-05").sentence()
    after = snapshot(timeline, zones, ftz, "2021-09-06").sentence()
    assert "14.92 km²" in before and "28.2 km²" in before and "120.56" not in before
    assert "120.56 km²" in after and "14.92" not in after
    assert "no territory called Qianhai yet" in snapshot(timeline, zones, ftz, "2009-06").sentence()


def test_snapshot_bad_text(timeline, zones, ftz):
    with pytest.raises(InputProblem, match="outside the timeline"):
        snapshot(timeline, zones, ftz, "1999-01")


def test_events_on_sorted(timeline):
    frame = events_on(timeline, D(2020, 1, 1))
    assert list(frame["sort_date"]) == sorted(frame["sort_date"])
    assert set(frame["status"]) == {"happened", "not yet"}


# ---------------------------------------------------------------- widgets


def test_date_twin_slider_typed_and_back(bounds):
    seen = []
    twin = DateTwinSlider("Month", first=bounds[0], last=bounds[1], value="2015-04")
    twin.observe(seen.append)
    twin.text.value = "2019-02-18"
    assert twin.slider.value == "2019-02" and twin.value == DateQuery(D(2019, 2, 18), "day")
    twin.slider.value = "2021-09"
    assert twin.text.value == "2021-09" and twin.value.day == D(2021, 9, 30)
    twin.text.value = "2021-09-05"  # same month as the slider: the callback must still fire
    assert twin.value.day == D(2021, 9, 5) and seen[-1].day == D(2021, 9, 5)
    assert len(seen) == 3


@pytest.mark.parametrize("typed", ["", "abc", "2015", "2015-02-30", "2031-01", "nan", "1e308",
                                   "<script>alert(1)</script>"])
def test_date_twin_slider_bad_text_keeps_state(bounds, typed):
    twin = DateTwinSlider("Month", first=bounds[0], last=bounds[1], value="2015-04")
    twin.text.value = typed
    assert twin.slider.value == "2015-04" and twin.value.day == D(2015, 4, 30)
    assert "Type a date as YYYY-MM" in twin.messages.last
    assert "<script>" not in twin.messages.widget.value


def test_date_explorer_callbacks(timeline, zones, ftz):
    ex = DateExplorer(timeline, zones, ftz, "2015-04")
    assert ex.last_snapshot.statuses == (4, 0) and len(ex.shown) == 53
    assert len(ex.output.outputs) == 2  # the chart and its text alternative
    assert "Text alternative" in ex.output.outputs[1]["data"]["text/plain"]
    # 25 rows dated on or before 2015-04-30: those counted in test_snapshot_counts_by_hand (none is rejected).
    assert "25 of them dated on or before 2015-04-30" in ex.chart.alt
    # Disputed: the two PBOC rows; reconciled: the court's three steps and the two GBA outline steps = 5.
    assert "Disputed and rejected dates (2 rows shown)" in ex.chart.alt
    assert "reconciled steps of one event (5 rows shown)" in ex.chart.alt
    ex.date.text.value = "2021-09-06"
    assert "120.56 km²" in ex.summary.value and ex.date.slider.value == "2021-09"
    line = [a for a in ex.ax.lines if a.get_linewidth() == 2][0]  # the orange-red date line
    assert line.get_xdata()[0] == pytest.approx(mdates.date2num(dt.datetime(2021, 9, 6)))
    assert "2021-09-06" in ex.ax.get_title(loc="left") and "2021-09-06" in ex.chart.alt
    ex.date.slider.value = "2013-01"
    assert ex.last_snapshot.query.day == D(2013, 1, 31) and "Where sources disagree" not in ex.details.value
    ex.date.text.value = "2012-12-31"
    assert "sources disagree on the date" in ex.details.value
    ex.date.text.value = "2030-01"
    assert "outside the timeline" in ex.messages.last and ex.last_snapshot.query.day == D(2012, 12, 31)
    ex.date.slider.value = "2019-03"
    assert ex.messages.last == "" and ex.last_snapshot.statuses == (5, 0)
    assert "Greater Bay Area" in ex.details.value
    assert repr(ex.panel).startswith("[Interactive: date slider")


def test_date_explorer_filter(timeline, zones, ftz):
    ex = DateExplorer(timeline, zones, ftz, "2025-06")
    # finance rows: pboc_loan_rules_2012_12, pboc_loan_rules_2013_01_07, first_rmb_loans_2013,
    # ifc_construction_2021, fstb_joint_package_2022 = 5
    ex.categories.value = ("finance",)  # the options are the words a student reads
    assert len(ex.shown) == 5 and "5 milestones (finance 5)" in ex.chart.alt
    assert [t.get_text() for t in ex.ax.get_yticklabels()] == ["finance"]
    assert "[finance]" in ex.details.value and "[tax]" not in ex.details.value
    # legal rows: qianhai_tribunal_2013, qianhai_court_2014, qianhai_court_2015, regulations_revised_2020,
    # legal_services_district_2022, investor_protection_regs_2023 = 6; none rejected, so 6 either way.
    ex.categories.value = ("legal",)
    assert len(ex.shown) == 6
    ex.rejected.value = False
    assert len(ex.shown) == 6 and "rejected" not in set(ex.shown["date_status"])
    ex.categories.value = ()
    assert ex.shown is None and "Pick at least one policy area" in ex.messages.last
    assert "Special statuses around Qianhai" in ex.details.value  # the date answer still shows
    ex.date.slider.value = "2020-08"  # a new date does not hide the missing choice
    assert "Pick at least one policy area" in ex.messages.last
    ex.categories.value = ("tax", "zone / area")
    assert ex.messages.last == "" and len(ex.shown) == 22  # 12 tax + 10 zone_area
    assert "22 milestones" in ex.chart.alt


def test_layers_chart_marks_the_day(zones):
    chart = layers_chart(zones, D(2008, 1, 1), D(2025, 6, 30), D(2020, 8, 24), "the panel")
    # On 2020-08-24: GBA (2019-02-18), SEZ (2010-07-01), Guangdong FTZ and its Qianhai & Shekou area (2015-04-21),
    # the original cooperation zone (to 2021-09-06) and the bonded port area (2008); not the expanded zone.
    assert "crosses: Guangdong-Hong Kong-Macao Greater Bay Area" in chart.alt
    assert "(original)" in chart.alt and "(expanded)" not in chart.alt.split("crosses:")[1]
    assert "from 2008 (known only to the year)" in chart.alt  # the bonded port area
    assert "Shenzhen SEZ (whole city): from 2010-07-01;" in chart.alt  # QS01 gives the day
    assert chart.figure.axes[0].get_title(loc="left") == "Layers of special status around Qianhai"


def test_layers_chart_day_line_does_not_cross_an_area_label(zones):
    # The panel day (2020-08-24) falls 553 days after the GBA's start (2019-02-18), inside the "56000 km²"
    # label that began 40 days after the start: the line must not run through any area label.
    chart = layers_chart(zones, D(2008, 1, 1), D(2025, 6, 30), D(2020, 8, 24), "the panel")
    ax = chart.figure.axes[0]
    chart.figure.canvas.draw()
    day_x = ax.transData.transform((mdates.date2num(D(2020, 8, 24)), 0))[0]
    labels = [t for t in ax.texts if t.get_text().endswith("km²")]
    assert "56000 km²" in [t.get_text() for t in labels]
    for label in labels:
        box = label.get_window_extent()
        assert not box.x0 - 2 <= day_x <= box.x1 + 2, label.get_text()


# ---------------------------------------------------------------- scope breaks in indicators


def test_output_rows_keep_every_scope(indicators):
    rows = output_rows(indicators)
    assert list(rows["year"]) == [2013, 2016, 2017, 2018, 2019, 2021, 2024, 2025]
    assert rows["scope"].nunique() == 4
    assert "guangdong_ftz" not in set(rows["scope"])


def test_scope_breaks_by_hand(indicators):
    breaks = scope_breaks(output_rows(indicators))
    # Every step up to 2021 changes the territory; 2021 -> 2024 -> 2025 (all 120.56 km2 GDP) do not.
    assert list(zip(breaks["from_year"], breaks["to_year"])) == [(2013, 2016), (2016, 2017), (2017, 2018),
                                                                 (2018, 2019), (2019, 2021)]
    last = breaks.iloc[-1]
    # 2019: 256 (E09, territory not stated) -> 2021: 175.57 (E23, 120.56 km2 GDP): 175.57 / 256 - 1 = -0.3142
    assert last["naive_change_pct"] == pytest.approx(-31.4)
    assert last["what changes"] == "territory and measure"
    # 2017: about 150 (E16) -> 2018: 254.95 (E13, FTZ area): 254.95 / 150 - 1 = +0.6997
    assert breaks.iloc[2]["naive_change_pct"] == pytest.approx(70.0)


def test_scope_table(indicators):
    # hk_share_of_fdi: 88.3 (2020, unstated), 92.4 (2021 cumulative, 14.92 km2), 93.8 (2021, unstated)
    table = scope_table(indicators, "hk_share_of_fdi")
    assert sorted(table["value"]) == [88.3, 92.4, 93.8]
    assert table["territory"].nunique() == 2
    for bad in ["gdpp", "", None, 3.5]:
        with pytest.raises(InputProblem, match="No indicator called"):
            scope_table(indicators, bad)


def test_scope_table_shows_each_rows_note(indicators):
    # Exercise 5 asks for reasons "from the table's own columns": the notes are among them.
    # qianhai_indicators.csv, hk_funded_enterprises: 2014 300 (S19) "anecdotal"; 2015 2313 (E09) "sponsored
    # content"; 2020 end 11300 (S19) has no note, shown as an empty cell rather than None.
    table = scope_table(indicators, "hk_funded_enterprises").set_index(["year", "value"])
    assert table.loc[(2014, 300), "note"] == "anecdotal"
    assert table.loc[(2015, 2313), "note"] == "sponsored content"
    assert table.loc[(2020, 11300), "note"] == ""
    # Shown whole, not cut at the course's 60 characters: the 2021 note is longer than that.
    with pd.option_context("display.max_colwidth", 60):
        shown = scope_table(indicators, "hk_funded_enterprises")._repr_html_()
    long_note = max(table["note"], key=len)
    assert len(long_note) > 60
    assert long_note.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in shown  # as HTML escapes it


def test_indicator_value(indicators):
    # tax_revenue 2018, full year: 44.594 bn yuan, Qianhai & Shekou FTZ area (E13)
    row = indicator_value(indicators, "tax_revenue", 2018)
    assert row["value"] == pytest.approx(44.594) and row["scope"] == "qianhai_shekou_ftz_area"
    with pytest.raises(InputProblem, match="has 2 rows for 2016"):
        indicator_value(indicators, "tax_revenue", 2016)
    assert indicator_value(indicators, "tax_revenue", 2016, "full year")["value"] == pytest.approx(27)
    with pytest.raises(InputProblem, match="No row for 'tax_revenue' in 2030"):
        indicator_value(indicators, "tax_revenue", 2030)


@pytest.mark.parametrize("bad", [None, "soon", "2015-13-01", 2015, math.nan, math.inf, 1e308, -1, 0, True, [2015]])
def test_functions_reject_bad_days(timeline, zones, ftz, bad):
    for call in (lambda: events_on(timeline, bad), lambda: qianhai_layers(zones, bad), lambda: ftz_total(ftz, bad),
                 lambda: layers_chart(zones, D(2008, 1, 1), D(2025, 6, 30), bad, "x")):
        with pytest.raises(InputProblem, match="must be a date"):
            call()


def test_functions_reject_bad_tables(indicators):
    for bad in (None, "qianhai_indicators", 3.5, indicators[["year"]]):
        with pytest.raises(InputProblem, match="qianhai_indicators|output rows"):
            output_rows(bad)
        with pytest.raises(InputProblem):
            scope_table(bad, "gdp")


def test_layers_follow_the_zones_table_not_a_stale_copy(zones):
    """The layers around Qianhai are worked out once per zones table; a caller changing what it got back, or
    passing an edited table, must still get the answer for the table it passes."""
    day = dt.date(2022, 6, 30)
    first = qianhai_layers(zones, day)
    first.loc[:, "name"] = "changed by a caller"
    again = qianhai_layers(zones, day)
    assert "changed by a caller" not in set(again["name"])
    edited = zones.copy()
    row = edited.index[edited["zone_id"] == "qianhai_coop_zone_2021"][0]
    edited.loc[row, "name"] = "renamed in a copy"
    assert "renamed in a copy" in set(qianhai_layers(edited, day)["name"])
    assert "renamed in a copy" not in set(qianhai_layers(zones, day)["name"])


def _panel_widgets(widget):
    children = getattr(widget, "children", ())
    return [widget] + [w for child in children for w in _panel_widgets(child)]


def test_the_rejected_dates_box_is_shown_only_when_the_data_hold_one(timeline, zones, ftz):
    # data/qianhai_timeline.csv has no row with date_status 'rejected' since the 2013-09-13 row was reconciled
    # (issue 14): a box that changes nothing is not shown. A copy with one rejected row shows it again.
    assert not (timeline["date_status"] == "rejected").any()
    ex = DateExplorer(timeline, zones, ftz, "2015-04")
    assert ex.rejected not in _panel_widgets(ex.panel)
    altered = timeline.copy()
    altered.loc[altered.index[0], "date_status"] = "rejected"
    ex = DateExplorer(altered, zones, ftz, "2015-04")
    assert ex.rejected in _panel_widgets(ex.panel)


def test_in_words_replaces_codes_with_labels(timeline, indicators, zones):
    # The conflict rows of the timeline: 2 PBOC, 3 court, 2 GBA rows (qianhai_timeline.csv, conflict_group column).
    shown = in_words(timeline[timeline["conflict_group"].notna()][["conflict_group", "date", "date_status"]])
    assert list(shown.columns) == ["what", "date", "date status"]
    assert shown["what"].value_counts().to_dict() == {"Qianhai Court": 3, "PBOC rules for cross-border loans": 2,
                                                      "Greater Bay Area outline": 2}
    out = in_words(output_rows(indicators))
    assert "ftz" not in " ".join(out["territory"]) and "_" not in " ".join(out["measure"])
    assert "scope" in output_rows(indicators).columns  # the original keeps its codes
    # qianhai_zones: the 2010 zone ends on 2021-09-06 (exclusive); the FTZ area (2015) has no end yet.
    two = zones.set_index("zone_id").loc[["qianhai_coop_zone_2010", "qianhai_shekou_ftz_area"], ["valid_to"]]
    three = in_words(two)
    assert list(three.index) == ["cooperation zone, 14.92 km²", "Qianhai & Shekou FTZ area, 28.2 km²"]
    assert list(three["valid to (exclusive)"].astype(str)) == ["2021-09-06", "still valid"]


def test_in_words_whole_wraps_long_text_instead_of_cutting(timeline):
    # qianhai_timeline.csv, plan_approved_2010: the event text is 191 characters, longer than the course's
    # 60-character display cut; shown whole it ends with "planning period to 2020", with no "...".
    rows = timeline[timeline["event_id"] == "plan_approved_2010"][["date", "category", "event"]]
    html = in_words_whole(rows)._repr_html_()
    assert "planning period to 2020</td>" in html and "..." not in html
    assert "zone / area" in html and "white-space: normal" in html


def test_date_explorer_saved_view_shows_words_not_codes(timeline, zones, ftz):
    ex = DateExplorer(timeline, zones, ftz, "2020-08")
    saved = ex.panel.snapshot_html()
    assert "zone / area" in saved and "trade &amp; investment" in saved
    assert "zone_area" not in saved and "trade_investment" not in saved


def test_comparison_lists_statuses_added_by_hand(timeline, zones, ftz):
    # qianhai_zones: end of 2010-08 -> city-wide SEZ (2010-07-01), bonded port (2008) and cooperation zone
    # (2010-08-26) in force = 3. 2020-08-24: + pilot FTZ (2015-04-21), GBA (2019-02-18) = 5.
    # Days: 2010-08-31 -> 2020-08-24 = 3,646 (10 years incl. 3 leap days = 3,653, minus 7).
    ex = DateExplorer(timeline, zones, ftz, "2020-08-24", compare_with="2010-08")
    said = ex.comparison.value
    assert said.startswith("From 2010-08-31 to 2020-08-24 (3,646 days): 3 → 5 special statuses")
    # listed by start, earliest first: pilot FTZ (2015-04-21), GBA (2019-02-18)
    assert "added, earliest first: pilot free trade zone, Greater Bay Area; gone: none" in said
    swapped = DateExplorer(timeline, zones, ftz, "2010-08", compare_with="2020-08-24")
    assert swapped.comparison.value == said  # the order does not matter


def test_date_explorer_compares_and_marks_a_refused_date_stale(timeline, zones, ftz):
    ex = DateExplorer(timeline, zones, ftz, "2015-04")
    # end of 2010-08: 3 statuses (above); end of 2015-04: + pilot FTZ = 4.
    assert "3 → 4 special statuses" in ex.comparison.value
    ex.since.text.value = "2014-12-02"  # the court's approval; 2015-04-30 - 2014-12-02 = 29 + 31 + 28 + 31 + 30 = 149
    assert "(149 days)" in ex.comparison.value and "first: pilot free trade zone;" in ex.comparison.value
    ex.date.text.value = "2015-02-30"
    assert "Not updated" in ex.summary.value and "Not updated" in ex.details.value
    ex.date.text.value = "2015-01-28"
    assert "Not updated" not in ex.summary.value and "(57 days)" in ex.comparison.value


def test_date_explorer_alt_text_flags_vague_dates_and_names_the_colour(timeline, zones, ftz):
    """At 2008-06 the summary says 0 milestones had happened and 1 may have; the text alternative must not read
    as if that 1 had happened, and it must name the legend's colour (vermillion, orange-red), not "red"."""
    ex = DateExplorer(timeline, zones, ftz, "2008-06")
    # By hand from qianhai_timeline.csv: the only row dated before 2008-06-30 is the bonded harbour zone, dated
    # "2008" (precision: year); every other row is dated 2010 or later.
    assert "1 of them dated on or before 2008-06-30 (1 known only to the month or year)" in ex.chart.alt
    assert "are orange-red" in ex.chart.alt and "are red" not in ex.chart.alt


def test_fixing_a_refused_date_back_to_the_shown_one_clears_the_warning(timeline, zones, ftz):
    # a review found "Not updated: fix the date above" left on screen when the student typed the date already shown
    ex = DateExplorer(timeline, zones, ftz, "2015-04")
    ex.date.text.value = "2015-4x"
    assert ex.summary.value.startswith(ex.STALE)
    ex.date.text.value = "2015-04"
    assert not ex.summary.value.startswith(ex.STALE) and ex.messages.last == ""
