"""Notebook 01 plumbing. Expected values are worked by hand from data/shenzhen_gdp.csv,
data/hongkong_gdp.csv and data/cny_usd.csv (the rows are quoted in each comment)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from qianhai.data import load
from qianhai.inputs import InputProblem
from qianhai.sez import (VINTAGE_LABELS, GrowthExplorer, OvertakeExplorer, key_points_from_data,
                         missing_years, no_figure_years, overtake, revision_added, share_chart, to_usd_bn, vintage_label,
                         vintage_series, vintage_table, vintages_chart, with_gaps, year_spans)


@pytest.fixture(scope="module")
def gdp():
    return load("shenzhen_gdp")


@pytest.fixture(scope="module")
def hk():
    return load("hongkong_gdp")


@pytest.fixture(scope="module")
def fx():
    return load("cny_usd")


def test_growth_2000_2020_revised_by_hand(gdp):
    # yearbook_revised: 2000 = 2219.20, 2020 = 27670.24. Ratio 12.4686; ln = 2.52322; /20 = 0.126161;
    # e^0.126161 = 1.13446 -> 13.45 % a year. Doubling: ln 2 / 0.126161 = 5.494 years.
    growth = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020)).last
    assert growth.rate == pytest.approx(0.13446, abs=1e-4)
    assert growth.doubling == pytest.approx(5.494, abs=1e-3)
    # two decimals, as notebook 01's section 3 prints the same rate (a student saw 13.45% there, 13.4% here)
    assert "CAGR 13.45% a year over 20 years" in growth.sentence()


def test_gap_year_gives_message_not_interpolation(gdp):
    # yearbook_revised has 1979, 1980, then nothing until 2000; 2009 is deliberately absent.
    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))
    ex.range.slider.value = (1990, 2010)
    assert ex.last is None and re.search("no figure for 1990 .*left as a gap.*1980, 2000", ex.messages.last)
    ex.range.slider.value = (2009, 2015)
    assert ex.last is None and "no figure for 2009" in ex.messages.last


def test_a_range_of_one_year_gives_a_message(gdp):
    # A range slider may set both ends on one year: no growth over zero years.
    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))
    ex.range.slider.value = (2010, 2010)
    assert ex.last is None and "The first year (2010) must come before the last (2010)" in ex.messages.last


def test_unknown_vintage(gdp):
    with pytest.raises(InputProblem, match="Unknown vintage 'latest'"):
        vintage_series(gdp, "latest")


def test_with_gaps_inserts_nan_rows():
    frame = pd.DataFrame({"year": [2000, 2003], "v": [1.0, 2.0]})
    series = with_gaps(frame, "v")
    assert list(series.index) == [2000, 2001, 2002, 2003]
    assert series.isna().tolist() == [False, True, True, False]


def test_usd_conversion_by_hand(gdp, fx):
    # first_release 2017 = 22438.39 (100 million CNY, '2.243839 trillion yuan' as first released, VB02); 6.7569 CNY
    # per USD -> 22438.39 / 67.569 = 332.08 bn USD
    series = vintage_series(gdp, "first_release")
    usd = to_usd_bn(series, fx.set_index("year")["cny_per_usd"])
    assert usd[2017] == pytest.approx(332.08, abs=0.01)


def test_overtake_depends_on_vintage(gdp, hk, fx):
    # Hong Kong 2016 = 320.86, 2017 = 341.273, 2018 = 361.731 bn USD.
    # revised 2016: 20685.74 / 66.40 = 311.5 (behind); 2017: 23280.27 / 67.569 = 344.5 (ahead) -> 2017.
    # first release 2017: 332.08 (behind); 2018: 24221.98 / 66.09 = 366.5 (ahead) -> 2018.
    hk_usd = hk.set_index("year")["gdp_usd_bn"]
    rate = fx.set_index("year")["cny_per_usd"]
    revised = overtake(to_usd_bn(vintage_series(gdp, "yearbook_revised"), rate), hk_usd, "r")
    first = overtake(to_usd_bn(vintage_series(gdp, "first_release"), rate), hk_usd, "f")
    assert (revised.first_year_ahead, revised.last_year_behind) == (2017, 2016)
    assert (first.first_year_ahead, first.last_year_behind) == (2018, 2017)
    assert first.sentence() == "f: Shenzhen overtakes Hong Kong in 2018."


def test_overtake_with_gap_says_between():
    sz = pd.Series({2000: 1.0, 2005: 3.0})
    hk = pd.Series({2000: 2.0, 2005: 2.0})
    result = overtake(sz, hk, "v")
    assert "between 2000 and 2005" in result.sentence()


def test_growth_explorer_callbacks(gdp):
    ex = GrowthExplorer(gdp, "yearbook_revised", (2000, 2020))
    assert ex.last.rate == pytest.approx(0.13446, abs=1e-4)
    assert len(ex.output.outputs) == 2  # the chart and its text alternative
    ex.scale.value = "log"
    assert ex.ax.get_yscale() == "log" and "log scale" in " ".join(ex.ax.get_title(loc="left").split())
    ex.range.start.value = "2010"  # typed twin: 2010 = 10069.06 -> 2020 = 27670.24
    assert ex.range.value == (2010, 2020) and ex.last.start_value == pytest.approx(10069.06)
    ex.range.start.value = "1985"  # a gap in this vintage
    assert ex.last is None and "no figure for 1985" in ex.messages.last
    ex.range.start.value = "abc"
    assert "'abc' is not a number" in ex.messages.last
    ex.vintage.value = "nbs_city_database"
    ex.range.slider.value = (2001, 2017)
    assert ex.last.start_value == pytest.approx(1954.17) and ex.last.end_value == pytest.approx(22490.06)
    assert "Text alternative" in ex.output.outputs[1]["data"]["text/plain"]


def test_overtake_explorer_callback(gdp, hk, fx):
    ex = OvertakeExplorer(gdp, hk, fx, "yearbook_revised")
    assert ex.last.first_year_ahead == 2017
    ex.vintage.value = "first_release"
    assert ex.last.first_year_ahead == 2018 and "2018" in ex.result.value
    ex.vintage.value = "first_release_contemporaneous"  # 1995-1998 only: nothing from 2000 on
    assert ex.last.first_year_ahead is None and "no year" in ex.result.value


def test_vintage_table_counts(gdp):
    table = vintage_table(gdp)
    # nbs_city_database: 2001-2017, all 17 years present.
    counts = ["years with a figure", "first", "last", "missing years inside the span"]
    assert table.loc["nbs_city_database", counts].tolist() == [17, 2001, 2017, 0]
    # Issue 13 item 6: the table maps each code to the words the charts use.
    assert table.loc["nbs_city_database", "label in charts"] == "national statistics city database, as published"
    assert set(table.index) == set(VINTAGE_LABELS)


def test_charts_and_widgets_show_words_not_codes(gdp, hk, fx):
    legend = [t.get_text() for t in vintages_chart(gdp).figure.axes[0].get_legend().get_texts()]
    assert legend and not any("_" in label for label in legend)
    ex = OvertakeExplorer(gdp, hk, fx, "first_release")
    assert "first release (announced at the time): Shenzhen overtakes Hong Kong in 2018" in ex.result.value
    assert "first_release" not in ex.result.value and ex.vintage.label == "first release (announced at the time)"
    assert vintage_label("not_a_code") == "not_a_code"


def test_revision_added_by_hand(gdp):
    # shenzhen_gdp.csv, 2000: first_release 1655.00, yearbook_revised 2219.20 -> 2219.20 / 1655.00 - 1 = 0.34091;
    # 2017: 22438.39 and 23280.27 -> 23280.27 / 22438.39 - 1 = 841.88 / 22438.39 = 0.03752.
    # Years with both: 2000, 2001, 2003, 2006, 2017-2020 (eight).
    added = revision_added(gdp)
    assert added[2000] == pytest.approx(0.34091, abs=1e-5) and added[2017] == pytest.approx(0.03752, abs=1e-5)
    assert list(added.index) == [2000, 2001, 2003, 2006, 2017, 2018, 2019, 2020]


def test_key_points_state_what_the_data_say(gdp):
    # Issue 13: the old key point said the revision "adds several percent"; for 2000 it adds 34% (above).
    # 2017-2020 add 3.8%, 4.3%, 0.0% (26927.09 both), 0.0% (27670.24 both): "0% to 4%".
    # Population, year_end_permanent: 2019 old basis 13,438,800; 2020 census basis 17,633,800: step 4,195,000
    # = 4.2 million, 4,195,000 / 13,438,800 = 31.2% -> "31%".
    text = key_points_from_data(gdp, load("shenzhen_population")).plain
    assert "added 4.2 million people in one step (31% of the 2019 estimate)" in text
    assert "adds 34% to the GDP first published for 2000" in text and "0% to 4% for 2017–2020" in text
    assert "no vintage has a Shenzhen GDP figure for 1981–1991, 1993–1994 and 2024" in text
    assert no_figure_years(gdp) == "1981–1991, 1993–1994 and 2024"


def test_share_chart_keeps_gaps_as_gaps():
    # Three known years around a gap: 1979 and 1980, then 2000. The line must break (NaN) in 1981-1999,
    # not join 1980 to 2000 with a straight segment.
    share = pd.Series({1979: 0.05, 1980: 0.06, 2000: 2.21, 2001: 2.3})
    share = share.reindex(range(1975, 2005))
    chart = share_chart(share)
    xs, ys = chart.figure.axes[0].get_lines()[0].get_data()
    assert list(xs) == list(range(1979, 2002))
    assert pd.isna(pd.Series(ys, index=xs)[1981:1999]).all()
    assert "the line breaks in 1981–1999" in chart.alt


def test_year_spans_and_missing_years_by_hand():
    assert year_spans([1990, 1981, 1982, 1983]) == "1981–1983 and 1990"
    assert year_spans([1979, 1980, 1993, 1994, 2000]) == "1979–1980, 1993–1994 and 2000"
    assert year_spans([2020]) == "2020" and year_spans([]) == "none"
    assert missing_years([1979, 1980, 1992, 1995]) == [1981, 1982, 1983, 1984, 1985, 1986, 1987, 1988, 1989, 1990,
                                                      1991, 1993, 1994]
    assert missing_years([2001]) == [] and missing_years([]) == []


def test_gdp_gaps_as_the_notebook_describes_them():
    # shenzhen_gdp.csv's year column holds 1979, 1980, 1992, 1995-2023 and 2025: no vintage has 1981-1991,
    # 1993-1994 or 2024.
    gdp = load("shenzhen_gdp")
    assert year_spans(missing_years(gdp["year"])) == "1981–1991, 1993–1994 and 2024"


def test_notebook_01_opens_with_the_city_then_the_zone():
    # Issue 14: Bao'an County became Shenzhen City in 1979 (shenzhen_facts city_founded: SZ32, SZ35), and the 1980
    # SEZ was a 327.5 km2 part of that city (sez_initial_area: SZ32) - not a county turned into a zone.
    import nbformat
    from conftest import ROOT

    facts = load("shenzhen_facts").set_index("fact_id")
    first = nbformat.read(ROOT / "notebooks" / "01_shenzhen_sez.ipynb", as_version=4).cells[0].source
    assert f"In {facts.loc['city_founded', 'value']} Bao'an County" in first and "became Shenzhen City" in first
    assert f"{facts.loc['sez_initial_area', 'value_number']:g} km²" in first
    assert "county across the border from Hong Kong became one of China's first" not in first



@pytest.mark.parametrize("vintage", sorted(VINTAGE_LABELS))
def test_the_explorers_titles_fit_the_figure_for_every_vintage(gdp, hk, fx, vintage):
    # The human vintage names are long ("national statistics city database, as published"): a title that runs
    # past the figure's right edge is cut off in the picture (a student walkthrough found two).
    for ex in (OvertakeExplorer(gdp, hk, fx, vintage), GrowthExplorer(gdp, vintage, (2000, 2020))):
        ex.chart.draw()
        fig = ex.ax.figure
        extent = ex.ax.get_tightbbox(fig.canvas.get_renderer())  # the axes with their titles and labels
        assert extent.x0 >= -1 and extent.x1 <= fig.bbox.width + 1, f"{type(ex).__name__}, {vintage}: cut off"


def _self_check_questions(notebook_path, before_self_check: str) -> list[str]:
    """Run notebook 01's code cells in order, then `before_self_check` (a student's own cell), then the self-check;
    return the self-check's question texts."""
    import contextlib
    import io

    import nbformat

    ns: dict = {}
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        if "quiz(" in cell.source:
            exec(before_self_check, ns)
            ns["quiz"] = lambda *questions, **_: ns.__setitem__("asked", questions)
            exec(cell.source, ns)
            return [question.question for question in ns["asked"]]
        with contextlib.redirect_stdout(io.StringIO()):
            exec(cell.source, ns)
    raise AssertionError("no self-check cell")


def test_notebook_01_self_check_keeps_section_3s_rate_after_exercise_1():
    # A student walkthrough of Exercise 1 copies section 3's line `rate = ...` with 1980 and 2019, which redefined
    # `rate`; the self-check then said "Section 3 found 26.63% a year for 2000-2020". Section 3's rate, by hand from
    # the revised yearbook: (27,670.24 / 2,219.20) ** (1/20) - 1 = 12.4686 ** 0.05 - 1 = 13.45% a year.
    from conftest import ROOT

    student = "rate = (revised[2019] / revised[1980]) ** (1 / 39) - 1"
    questions = _self_check_questions(ROOT / "notebooks" / "01_shenzhen_sez.ipynb", student)
    asked = next(question for question in questions if question.startswith("Section 3 found"))
    assert asked.startswith("Section 3 found 13.45% a year for 2000-2020"), asked
