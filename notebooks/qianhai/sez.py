"""Notebook 01: Shenzhen's growth by vintage, and when it overtook Hong Kong. The notebook shows the arithmetic
(CAGR, currency conversion); these functions repeat it for the widgets, tested against hand-worked values."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as w
import pandas as pd

from qianhai.charts import PALETTE, finish, fitted_title, new_figure, steady_limits
from qianhai.display import Note, escape, markdown_text
from qianhai.growth import cagr, doubling_time
from qianhai.inputs import InputProblem, need_kind, need_table
from qianhai.widgets import LABEL_STYLE, Explorer, Panel, TwinRange

GDP_UNIT = "100 million CNY, current prices"
GDP_COLUMNS = ["year", "vintage", "gdp_cny_100m"]

# The `vintage` codes in words for charts and results (the full definitions: shenzhen_gdp's field `vintage`).
VINTAGE_LABELS = {
    "first_release": "first release (announced at the time)",
    "first_release_contemporaneous": "as published in 1998-99 (1995-1998)",
    "nbs_city_database": "national statistics city database, as published",
    "yearbook_older_vintage": "older yearbook series (before 2018 revisions)",
    "yearbook_revised": "revised yearbook (c. 2020-21)",
    "revised_later_vintage": "2026 restatement of 2020",
}


def vintage_label(code: str) -> str:
    """The plain words for a vintage code; an unknown code is shown as it is."""
    return VINTAGE_LABELS.get(code, str(code))


def vintage_dropdown(gdp: pd.DataFrame, value: str, description: str) -> w.Dropdown:
    """A dropdown of the vintages in words; its value is the code."""
    options = [(vintage_label(code), code) for code in sorted(gdp["vintage"].unique())]
    return w.Dropdown(options=options, value=value, description=description, style=LABEL_STYLE)


def with_gaps(frame: pd.DataFrame, value: str, year: str = "year") -> pd.Series:
    """A year-indexed series in which missing years are NaN, so a line chart breaks at a gap."""
    series = frame.set_index(year)[value].astype(float).sort_index()
    return series if series.empty else series.reindex(range(int(series.index.min()), int(series.index.max()) + 1))


def vintage_series(gdp: pd.DataFrame, vintage: str) -> pd.Series:
    """One vintage of Shenzhen GDP, gaps kept (never mixed with another vintage)."""
    need_table(gdp, "shenzhen_gdp", GDP_COLUMNS)
    known = sorted(gdp["vintage"].unique())
    if vintage not in known:
        raise InputProblem(f"Unknown vintage {str(vintage)[:40]!r}. Pick one of: {', '.join(known)}.")
    return with_gaps(gdp[gdp["vintage"] == vintage], "gdp_cny_100m")


@dataclass
class Growth:
    vintage: str
    start: int
    end: int
    start_value: float
    end_value: float
    rate: float
    doubling: float | None

    def sentence(self) -> str:
        doubling = (f"at that pace it doubles every {self.doubling:.1f} years" if self.doubling is not None
                    else "it did not grow, so it has no doubling time")
        return (f"{vintage_label(self.vintage)}, {self.start}→{self.end}: {self.start_value:,.1f} → "
                f"{self.end_value:,.1f} ({GDP_UNIT}); CAGR {self.rate:.2%} a year over {self.end - self.start} "
                f"years; {doubling}.")


def _growth(have: pd.Series, vintage: str, start: int, end: int) -> Growth:
    """Growth between two years of a vintage's figures (``have``, no gaps), or a message for a gap."""
    if start >= end:  # a range slider may set both ends on one year
        raise InputProblem(f"The first year ({start}) must come before the last ({end}).")
    for year in (start, end):
        if year not in have.index:
            near = ", ".join(str(int(y)) for y in sorted(sorted(have.index, key=lambda y: (abs(int(y) - year), y))[:3]))
            raise InputProblem(f"{vintage_label(vintage)} has no figure for {year} (a gap in the data, left as a gap). "
                               f"Years it does have near there: {near}.")
    v0, v1 = float(have[start]), float(have[end])
    rate = cagr(v0, v1, end - start)
    return Growth(vintage, int(start), int(end), v0, v1, rate, doubling_time(rate) if rate > 0 else None)


def to_usd_bn(cny_100m: pd.Series, cny_per_usd: pd.Series) -> pd.Series:
    """100 million CNY → billion USD: value × 10^8 / rate / 10^9 = value / (10 × rate)."""
    return cny_100m / (10 * cny_per_usd.reindex(cny_100m.index))


@dataclass
class Overtake:
    vintage: str
    first_year_ahead: int | None
    last_year_behind: int | None

    def sentence(self) -> str:
        name, ahead, behind = vintage_label(self.vintage), self.first_year_ahead, self.last_year_behind
        if ahead is None and behind is None:
            return f"{name}: no year in this vintage can be compared with Hong Kong in the chosen period."
        if ahead is None:
            tail = f" (last compared year behind: {behind})" if behind else ""
            return f"{name}: Shenzhen is not ahead of Hong Kong in any year this vintage covers{tail}."
        if behind is None:
            return f"{name}: Shenzhen is already ahead in {ahead}, its first compared year."
        if ahead - behind == 1:
            return f"{name}: Shenzhen overtakes Hong Kong in {ahead}."
        return (f"{name}: Shenzhen overtakes Hong Kong between {behind} and {ahead} "
                "(the years between are a gap in this vintage).")


def overtake(sz_usd: pd.Series, hk_usd: pd.Series, vintage: str) -> Overtake:
    """The first year Shenzhen's GDP exceeds Hong Kong's, and the last year before it when it did not."""
    both = pd.DataFrame({"sz": sz_usd, "hk": hk_usd}).dropna()
    ahead = both.index[both["sz"] > both["hk"]]
    if len(ahead) == 0:
        return Overtake(vintage, None, int(both.index.max()) if len(both) else None)
    behind = both.index[(both["sz"] <= both["hk"]) & (both.index < ahead.min())]
    return Overtake(vintage, int(ahead.min()), int(behind.max()) if len(behind) else None)


class GrowthExplorer(Explorer):
    """Vintage picker + year range (with typed twins) + linear/log toggle → chart, CAGR, doubling time."""

    def __init__(self, gdp: pd.DataFrame, vintage: str, years: tuple[int, int]):
        need_table(gdp, "shenzhen_gdp", GDP_COLUMNS)
        super().__init__()
        self.vintage = vintage_dropdown(gdp, vintage, "Vintage")
        self.series = {code: with_gaps(rows, "gdp_cny_100m") for code, rows in gdp.groupby("vintage")}  # once
        self.range = TwinRange("Years", minimum=int(gdp["year"].min()), maximum=int(gdp["year"].max()),
                               value=years, messages=self.messages)
        self.scale = w.ToggleButtons(options=["linear", "log"], value="linear", description="Vertical axis",
                                     style=LABEL_STYLE)
        self.fig, self.ax = new_figure(6.4, 3.4)
        (self.line,) = self.ax.plot([], [], marker="o", markersize=3, color=PALETTE["blue"], label="GDP")
        (self.ends,) = self.ax.plot([], [], "o", markersize=9, color=PALETTE["vermillion"], label="chosen years")
        self.ax.legend(loc="upper left")
        self.limits = {}  # per scale, limits that fit every vintage: switching vintage keeps the scale
        every = pd.concat(self.series.values())
        self.line.set_data(every.index, every.values)
        for scale in ("linear", "log"):
            self.ax.set_yscale(scale)
            self.ax.relim()
            self.ax.autoscale_view()
            low, high = self.ax.get_ylim()
            self.limits[scale] = (self.ax.get_xlim(), (max(low, 0.0) if scale == "linear" else low, high))
        self.chart = finish(self.fig, self.ax, title="Shenzhen GDP, one vintage", xlabel="Year", ylabel=GDP_UNIT,
                            resources=["shenzhen_gdp"], alt="(set on update)")
        self.watch(self.vintage, self.scale, self.range)
        self.update()
        self.panel = Panel([self.vintage, self.range.box, self.scale, self.messages.widget, self.result, self.output],
                           summary="growth explorer (vintage, years, linear/log) for Shenzhen GDP")

    def compute(self) -> Growth:
        start, end = self.range.value
        return _growth(self.series[self.vintage.value].dropna(), self.vintage.value, start, end)

    def draw(self, growth: Growth | None) -> None:
        vintage, scale = self.vintage.value, self.scale.value
        self.line.set_data(self.series[vintage].index, self.series[vintage].values)
        if self.ax.get_yscale() != scale:  # a new scale rebuilds the axis' ticks: only when it changes
            self.ax.set_yscale(scale)
        xlim, ylim = self.limits[scale]
        self.ax.set(xlim=xlim, ylim=ylim)
        self.ax.set_title(fitted_title(self.ax, f"Shenzhen GDP, {vintage_label(vintage)} ({scale} scale)"), loc="left")
        if growth is None:
            self.ends.set_data([], [])
        else:
            self.ends.set_data(list(self.range.value), [growth.start_value, growth.end_value])

    def describe(self, growth: Growth) -> None:
        self.messages.clear()
        self.result.value = f"<b>{escape(growth.sentence())}</b>"
        covered = self.series[self.vintage.value].dropna().index
        self.chart.alt = (f"Shenzhen GDP, {vintage_label(self.vintage.value)}, {self.scale.value} scale, from "
                          f"{int(covered.min())} to {int(covered.max())}; highlighted: {growth.sentence()}")

    def refuse(self, problem: InputProblem) -> None:
        super().refuse(problem)
        self.draw(None)  # the vintage's line, without a growth rate
        self.chart.alt = (f"Shenzhen GDP, {vintage_label(self.vintage.value)}, {self.scale.value} scale; "
                          f"no growth rate: {problem}")
        self.show()


class OvertakeExplorer(Explorer):
    """Pick a Shenzhen vintage → both economies in billion USD and the year Shenzhen passes Hong Kong."""

    def __init__(self, gdp: pd.DataFrame, hk: pd.DataFrame, fx: pd.DataFrame, vintage: str, since: int = 2000):
        need_table(gdp, "shenzhen_gdp", GDP_COLUMNS)
        need_table(hk, "hongkong_gdp", ["year", "gdp_usd_bn"])
        need_table(fx, "cny_usd", ["year", "cny_per_usd"])
        super().__init__()
        self.since = since
        self.hk = hk.set_index("year")["gdp_usd_bn"].astype(float)
        rate = fx.set_index("year")["cny_per_usd"].astype(float)
        self.vintage = vintage_dropdown(gdp, vintage, "Shenzhen vintage")
        # each vintage from `since` in billion USD, converted once
        self.usd = {code: to_usd_bn(with_gaps(rows, "gdp_cny_100m").loc[since:], rate)
                    for code, rows in gdp.groupby("vintage")}
        self.fig, self.ax = new_figure(6.4, 3.4)
        hk_recent = with_gaps(hk[hk["year"] >= since], "gdp_usd_bn")
        self.ax.plot(hk_recent.index, hk_recent.values, color=PALETTE["orange"], label="Hong Kong")
        (self.sz_line,) = self.ax.plot([], [], marker="o", markersize=3, color=PALETTE["blue"], label="Shenzhen")
        self.marker = self.ax.axvline(since, color=PALETTE["black"], linestyle=":", alpha=0)
        self.ax.legend(loc="upper left")
        every = pd.concat(self.usd.values()).dropna()
        steady_limits(self.ax, every.index, every.values)  # every vintage, and Hong Kong, on one scale
        self.chart = finish(self.fig, self.ax, title="Shenzhen and Hong Kong GDP", xlabel="Year",
                            ylabel="billion USD, current prices",
                            resources=["shenzhen_gdp", "hongkong_gdp", "cny_usd"], alt="(set on update)")
        self.watch(self.vintage)
        self.update()
        self.panel = Panel([self.vintage, self.result, self.output],
                           summary="Shenzhen vintage picker: when did Shenzhen's GDP pass Hong Kong's?")

    def compute(self) -> Overtake:
        self.sz = self.usd[self.vintage.value]
        return overtake(self.sz, self.hk, self.vintage.value)

    def draw(self, result: Overtake) -> None:
        self.sz_line.set_data(self.sz.index, self.sz.values)
        ahead = result.first_year_ahead
        if ahead is not None:
            self.marker.set_xdata([ahead, ahead])
        self.marker.set_alpha(0 if ahead is None else 0.8)
        self.ax.set_title(fitted_title(self.ax, f"Shenzhen ({vintage_label(result.vintage)}) and Hong Kong GDP"),
                          loc="left")

    def describe(self, result: Overtake) -> None:
        self.result.value = f"<b>{escape(result.sentence())}</b>"
        covered = self.sz.dropna()
        span = f"{int(covered.index.min())}–{int(covered.index.max())}" if len(covered) else "no years"
        self.chart.alt = (f"Line chart in billion US dollars from {self.since}: Hong Kong rises gently; "
                          f"Shenzhen ({vintage_label(result.vintage)}, {span}) rises faster. {result.sentence()}")


def vintage_table(gdp: pd.DataFrame) -> pd.DataFrame:
    """Each vintage: the words charts use for it, how many years, which span, and how many gaps inside the span."""
    need_table(gdp, "shenzhen_gdp", GDP_COLUMNS)
    years = gdp.groupby("vintage")["year"].agg(["count", "min", "max"]).astype(int)
    table = pd.DataFrame({"label in charts": years.index.map(vintage_label), "years with a figure": years["count"],
                          "first": years["min"], "last": years["max"],
                          "missing years inside the span": years["max"] - years["min"] + 1 - years["count"]})
    return table.rename_axis("vintage (code in the data)")


def missing_years(years) -> list[int]:
    """The years between the first and the last of ``years`` that are not among them."""
    present = {int(y) for y in years}
    return [y for y in range(min(present), max(present) + 1) if y not in present] if present else []


def year_spans(years) -> str:
    """Years as runs, for prose: [1981, 1982, 1983, 1990] → "1981–1983 and 1990"; no years → "none"."""
    ordered = pd.Series(sorted({int(y) for y in years}), dtype=int)
    runs = ordered.groupby(ordered.diff().ne(1).cumsum()).agg(["first", "last"])  # a run ends where a year is skipped
    parts = [f"{first}–{last}" if last > first else str(first) for first, last in runs.itertuples(index=False)]
    if not parts:
        return "none"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def key_number(text: str) -> Note:
    return Note(f"**{markdown_text(text)}**", text)


def no_figure_years(gdp: pd.DataFrame) -> str:
    """The years inside the data's span for which no vintage has a figure, as runs ("1981–1991 and 1993")."""
    need_table(gdp, "shenzhen_gdp", GDP_COLUMNS)
    return year_spans(missing_years(gdp["year"]))


def revision_added(gdp: pd.DataFrame) -> pd.Series:
    """By year, what the revised yearbook adds to the first release, as a fraction (years with both only)."""
    wide = gdp.pivot(index="year", columns="vintage", values="gdp_cny_100m")
    return (wide["yearbook_revised"] / wide["first_release"] - 1).dropna()


def vintages_chart(gdp: pd.DataFrame):
    """Every vintage of Shenzhen GDP on one chart, labelled in words, each series broken at its gaps."""
    need_table(gdp, "shenzhen_gdp", GDP_COLUMNS)
    fig, ax = new_figure()
    markers = {"first_release": "o", "first_release_contemporaneous": "s", "nbs_city_database": "^",
               "yearbook_older_vintage": "v", "yearbook_revised": "D", "revised_later_vintage": "*"}
    for vintage, marker in markers.items():
        series = vintage_series(gdp, vintage)
        ax.plot(series.index, series.values, marker=marker, markersize=4, linewidth=1, label=vintage_label(vintage))
    ax.legend(loc="upper left")  # one column in the empty upper left: the series rise to the right
    every = gdp[gdp["vintage"].isin(markers)].set_index("year")["gdp_cny_100m"]
    added = revision_added(gdp)
    alt = (f"{len(markers)} series of Shenzhen GDP from {every.index.min()} to {every.index.max()}, drawn with "
           f"different markers. They rise from {every.min():,.0f} hundred million yuan in {every.idxmin()} to "
           f"{every.max():,.0f} hundred million in {every.idxmax()}. No series has a point in "
           f"{no_figure_years(gdp)}. In the {len(added)} years with both a first release and a revised yearbook "
           f"figure ({year_spans(added.index)}), the revised figure is the higher one in {(added > 0).sum()}.")
    return finish(fig, ax, title="Shenzhen GDP: six vintages, gaps left as gaps", xlabel="Year", ylabel=GDP_UNIT,
                  resources=["shenzhen_gdp"], alt=alt)


def share_chart(share: pd.Series):
    """Shenzhen's share of China's GDP (percent, by year); a year missing in either series stays a gap."""
    need_kind(share, pd.Series, "share", "a Series of percent by year (section 7 builds it)")
    share = share.loc[share.first_valid_index():share.last_valid_index()]
    known = share.dropna()
    fig, ax = new_figure()
    ax.plot(share.index, share.values, marker="o", markersize=4, color=PALETTE["green"])
    alt = (f"Shenzhen's GDP as a share of China's: {known.iloc[0]:.2f}% in {known.index[0]}, "
           f"{known.loc[2000]:.2f}% in 2000 and {known.iloc[-1]:.2f}% in {known.index[-1]}; the line breaks in "
           f"{year_spans(missing_years(known.index))}, where one of the two series has no figure.")
    return finish(fig, ax, title="Shenzhen's share of China's GDP", xlabel="Year", ylabel="percent of national GDP",
                  resources=["shenzhen_gdp", "china_gdp"], alt=alt)


def population_chart(before: pd.DataFrame, after: pd.DataFrame):
    """Year-end population on the old basis and after the 2020 census, with the break marked."""
    for name, rows in (("before", before), ("after", after)):
        need_table(rows, name, ["year", "population"], example="year_end_permanent rows of load('shenzhen_population')")
    break_at = (before["year"].iloc[-1] + after["year"].iloc[0]) / 2
    fig, ax = new_figure()
    ax.plot(before["year"], before["population"] / 1e6, marker="o", markersize=3, label="yearly estimates, old basis")
    ax.plot(after["year"], after["population"] / 1e6, marker="s", markersize=4, color=PALETTE["vermillion"],
            label="after the 2020 census")
    ax.axvline(break_at, color=PALETTE["black"], linestyle=":", linewidth=1)
    ax.annotate("break: 2020 census", xy=(break_at, 8), xytext=(2003, 4), arrowprops={"arrowstyle": "->"})
    ax.legend(loc="upper left")
    first, last_old, first_new, last = before.iloc[0], before.iloc[-1], after.iloc[0], after.iloc[-1]
    alt = (f"Shenzhen's year-end permanent population rises from {first['population'] / 1e6:.1f} million in "
           f"{first['year']} to {last_old['population'] / 1e6:.1f} million in {last_old['year']} on the old basis; "
           f"the series then jumps to {first_new['population'] / 1e6:.1f} million in {first_new['year']} on the "
           f"census basis and reads {last['population'] / 1e6:.1f} million in {last['year']}. A dotted line marks "
           "the break.")
    return finish(fig, ax, title="Shenzhen's permanent population", xlabel="Year", ylabel="million people, year end",
                  resources=["shenzhen_population"], alt=alt)


def key_points_from_data(gdp: pd.DataFrame, population: pd.DataFrame) -> Note:
    """The key points that state a figure, computed from the data so that they cannot drift from it."""
    need_table(gdp, "shenzhen_gdp", GDP_COLUMNS)
    need_table(population, "shenzhen_population", ["year", "measure", "population", "census_2020_basis"])
    yearly = population[population["measure"] == "year_end_permanent"].sort_values("year")
    old, new = yearly[~yearly["census_2020_basis"]].iloc[-1], yearly[yearly["census_2020_basis"]].iloc[0]
    step = new["population"] - old["population"]
    added = revision_added(gdp)
    big = added.idxmax()
    later = added[added.index >= 2017]
    lines = [
        f"Revisions can be large: the revised yearbook adds {added[big]:.0%} to the GDP first published for {big}, "
        f"and {later.min():.0%} to {later.max():.0%} for {year_spans(later.index)}. A few percent is enough to move "
        "\"when Shenzhen overtook Hong Kong\" by a year.",
        f"The 2020 census added {step / 1e6:.1f} million people in one step ({step / old['population']:.0%} of the "
        f"{old['year']} estimate): never read a break as growth.",
        f"Gaps stay gaps: no vintage has a Shenzhen GDP figure for {no_figure_years(gdp)}, so the course draws none.",
    ]
    return Note("\n".join(f"- {markdown_text(line)}" for line in lines), "\n".join(f"- {line}" for line in lines))
