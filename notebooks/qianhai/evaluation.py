"""Notebook 07: published zone effects, difference-in-differences and synthetic control (scipy's ``nnls`` for the
donor weights, ``minimize`` for the predictor weights), for the widgets and exercises."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

import ipywidgets as w
import numpy as np
import pandas as pd
from scipy.optimize import minimize, nnls

from qianhai.charts import PALETTE, finish, new_figure, steady_limits
from qianhai.display import escape
from qianhai.inputs import InputProblem, need_kind, need_table, parse_number, parse_year
from qianhai.widgets import LABEL_STYLE, Explorer, Panel, TwinRange, TwinSlider

TREATED = "Basque Country (Pais Vasco)"
SPAIN = "Spain (Espana)"
MIN_PRE_YEARS = 3  # the trend check fits a line: with fewer than three years there is nothing to check

METHOD_LABELS = {
    "did": "difference-in-differences", "staggered_did": "staggered DiD", "psm_did": "matching + DiD (PSM-DiD)",
    "cross_section_regression": "cross-section regression", "panel_data_hcw": "panel counterfactual (HCW)",
    "panel_data_counterfactual": "panel counterfactual (other)", "synthetic_control": "synthetic control",
    "did_and_synthetic_control": "DiD + synthetic control", "night_lights_panel": "night-lights panel",
    "other": "other",
}


# --- published effects ----------------------------------------------------------------------------

def _method_names(effects: pd.DataFrame) -> pd.Series:
    return effects["method"].map(METHOD_LABELS).fillna(effects["method"])


# every column the functions below read, so that a table missing one gets a message, not a KeyError
EFFECT_COLUMNS = ["effect_id", "study", "method", "direction", "version", "evidence_quality", "notes", "zone_type",
                  "outcome", "effect_as_reported", "citation", "doi", "url", "year"]


def effects_table(effects: pd.DataFrame) -> pd.DataFrame:
    """The published findings in the columns a student reads first, wording as reported, with their ``status``."""
    need_table(effects, "zone_effects", EFFECT_COLUMNS)
    table = effects.assign(method=_method_names(effects),
                           status=effects["version"].str.replace("_", " ") + ", " + effects["evidence_quality"])
    columns = ["study", "status", "zone_type", "method", "outcome", "as reported", "direction"]
    return table.rename(columns={"effect_as_reported": "as reported"}).set_index("effect_id")[columns]


class TableView:
    """A table shown as HTML whose plain-text form is a one-line summary (keeps the saved notebook small)."""

    def __init__(self, table: pd.DataFrame, summary: str):
        need_table(table, "table", [], example="effects_table(effects)")
        self.table = table
        self.summary = summary

    def _repr_html_(self) -> str:
        return self.table.to_html(escape=True, na_rep="", max_cols=12)

    def __repr__(self) -> str:
        return f"[Table: {self.summary}; {len(self.table)} rows x {self.table.shape[1]} columns]"


def findings_by_method(effects: pd.DataFrame) -> pd.DataFrame:
    """Count of findings: one row per method (most findings first), one column per direction."""
    need_table(effects, "zone_effects", EFFECT_COLUMNS)
    counts = pd.crosstab(_method_names(effects), effects["direction"])
    counts = counts[[d for d in ["positive", "negative", "mixed", "null", "not_reported"] if d in counts.columns]]
    counts = counts.loc[sorted(counts.index, key=lambda m: (-int(counts.loc[m].sum()), m))]
    counts.index.name = "method"
    return counts


def citation_list(effects: pd.DataFrame) -> pd.DataFrame:
    """Each study once: full citation, DOI or URL, and whether the numbers we use come from a working paper."""
    need_table(effects, "zone_effects", EFFECT_COLUMNS)
    rows = []
    for study, group in effects.groupby("study", sort=False):
        first = group.iloc[0]
        link = next((x for x in (first["doi"], first["url"]) if isinstance(x, str) and x), "no DOI or link recorded")
        rows.append({"study": study, "year": "n.d." if pd.isna(first["year"]) else str(int(first["year"])),
                     "citation": first["citation"], "doi or url": link,
                     "versions used": " + ".join(sorted(set(group["version"]))), "findings": len(group)})
    return pd.DataFrame(rows).sort_values(["year", "study"], kind="stable").set_index("study")  # n.d. sorts last


def reference_weights(effects: pd.DataFrame, effect_id: str = "ag2003_basque") -> pd.Series:
    """The synthetic-control weights recorded in the notes of a row, e.g. 'weights Cataluna 0.851, Madrid 0.149'."""
    need_table(effects, "zone_effects", EFFECT_COLUMNS)
    if effect_id not in set(effects["effect_id"]):
        raise InputProblem(f"No published finding with id {str(effect_id)[:40]!r}.")
    note = str(effects.set_index("effect_id").loc[effect_id, "notes"])
    pairs = re.findall(r"([A-Z][A-Za-z]+) (0\.\d+)", note)
    if not pairs:
        raise InputProblem(f"The notes of {effect_id} record no weights.")
    return pd.Series({name: float(value) for name, value in pairs}, name="reference weight")


# --- the panel --------------------------------------------------------------------------------------

def outcome_wide(panel: pd.DataFrame, value: str = "gdp_per_capita") -> pd.DataFrame:
    """Year × region table of one variable (years as plain integers, regions in the data's order)."""
    need_table(panel, "basque_panel", ["region", "year", value])
    wide = panel.pivot(index="year", columns="region", values=value)
    wide.index = wide.index.astype(int)
    return wide[list(dict.fromkeys(panel["region"]))].astype(float)


def _plain(name: str) -> str:
    """A region's name as typed without accents or capitals: 'Cataluña' and 'cataluna' are the panel's 'Cataluna'."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold().strip()


def _need_wide(wide: object) -> None:
    """Refuse, with a message, what is not the outcome table (the long panel is an easy slip)."""
    if not isinstance(wide, pd.DataFrame):
        raise InputProblem(f"The outcome table must be a table (a pandas DataFrame: wide = outcome_wide(panel)), "
                           f"not {type(wide).__name__}.")
    if {"region", "year"} <= set(wide.columns):
        raise InputProblem("This is the panel, one row per region and year; this function takes the outcome table, "
                           "one row per year and one column per region: wide = outcome_wide(panel).")


def _region(wide: pd.DataFrame, name: object, label: str) -> str:
    """The panel's name of a region typed in code: exact, or but for accents and capitals, or the start of one name."""
    _need_wide(wide)
    if isinstance(name, str):
        if name in wide.columns:
            return name
        typed = _plain(name)
        same = [c for c in wide.columns if _plain(c) == typed]
        starting = [c for c in wide.columns if typed and _plain(c).startswith(typed)]
        if len(same) == 1 or len(starting) == 1:
            return (same or starting)[0]
    raise InputProblem(f"{label}: {str(name)[:40]!r} is not a region in the panel. The regions are: "
                       f"{', '.join(wide.columns)}.")


# --- difference-in-differences ----------------------------------------------------------------------

def trend_slope(series: pd.Series) -> float:
    """Least-squares slope of a series on its (year) index, in units per year (missing years left out)."""
    clean = series.dropna()
    if len(clean) < 2:
        raise InputProblem("A trend needs at least two years.")
    x = clean.index.to_numpy(dtype=float)
    y = clean.to_numpy(dtype=float)
    x = x - x.mean()
    return float((x * (y - y.mean())).sum() / (x * x).sum())


def event_study_gaps(wide: pd.DataFrame, control: object, treatment_year: object) -> pd.DataFrame:
    """Gap treated − control for every year, raw and against the last year before the treatment, by event time."""
    control = _region(wide, control, "Control region")
    start = parse_year(treatment_year, "Treatment year")
    base = start - 1
    if base not in wide.index or start not in wide.index:
        raise InputProblem(f"Treatment year: {start} needs the years {base} and {start} in the panel "
                           f"({wide.index.min()}-{wide.index.max()}).")
    gap = wide[TREATED] - wide[control]
    return pd.DataFrame({"event time": wide.index - start, "gap": gap, "gap vs base year": gap - gap.loc[base]},
                        index=wide.index)


def event_study_chart(events: pd.DataFrame, control: str):
    """Bars of the gap against the base year, by event time, with a dotted line where the treatment starts."""
    need_table(events, "events", ["event time", "gap vs base year"], example="event_study_gaps(wide, 'Cataluna', 1970)")
    before, after = events[events["event time"] < 0], events[events["event time"] >= 0]
    gaps_before, gaps_after = before["gap vs base year"], after["gap vs base year"]
    fig, ax = new_figure()
    ax.bar(before["event time"], gaps_before, width=0.8, color=PALETTE["sky"], label="before")
    ax.bar(after["event time"], gaps_after, width=0.8, color=PALETTE["vermillion"], label="after")
    ax.axhline(0, color=PALETTE["black"], linewidth=0.8)
    ax.axvline(-0.5, color=PALETTE["black"], linestyle=":", linewidth=1)
    ax.legend(loc="lower left")
    low, high = gaps_before.idxmin(), gaps_before.idxmax()
    return finish(fig, ax, title=f"Basque gap vs {control}, by year",
                  xlabel="Years since the treatment (event time)", ylabel="gap vs base year, thousand USD",
                  resources=["basque_panel"],
                  alt=f"One bar per year, {events.index.min()}-{events.index.max()}. Before the treatment the gap runs "
                      f"from {gaps_before[low]:+.2f} ({low}) to {gaps_before[high]:+.2f} ({high}); after it, mean "
                      f"{gaps_after.mean():+.2f}, lowest {gaps_after.min():+.2f} thousand USD.")


@dataclass
class DidResult:
    control: str
    before: tuple[int, int]
    after: tuple[int, int]
    means: pd.DataFrame  # rows treated/control/difference; columns before/after/change
    estimate: float
    slope_treated: float
    slope_control: float
    trend_gap: float  # slope_treated − slope_control, per year
    trend_implied: float  # the change in the gap that the pre-period trend gap alone would produce
    adjusted: float  # estimate − trend_implied

    def sentence(self) -> str:
        return (f"DiD estimate: ({self.means.iloc[0, 2]:+.3f}) − ({self.means.iloc[1, 2]:+.3f}) = "
                f"{self.estimate:+.3f} thousand 1986 USD per person, comparing {self.before[0]}–{self.before[1]} "
                f"with {self.after[0]}–{self.after[1]}, control: {self.control}.")

    def trend_sentence(self) -> str:
        years_apart = (sum(self.after) - sum(self.before)) / 2  # between the middles of the two periods
        return (f"Pre-period trends, {self.before[0]}–{self.before[1]}: treated {self.slope_treated:+.3f}, "
                f"control {self.slope_control:+.3f} per year (difference {self.trend_gap:+.3f}). Continued for "
                f"the {years_apart:g} years between the middles of the two periods, that difference alone "
                f"would move the gap by {self.trend_implied:+.3f}; the estimate net of it is {self.adjusted:+.3f}.")

    @property
    def check(self) -> str:
        """The course's rule of thumb: could the pre-period trend gap explain the estimate?"""
        if abs(self.trend_implied) < 0.5 * abs(self.estimate):
            return "passes"
        return "inconclusive" if self.trend_implied * self.estimate < 0 else "fails"

    def verdict(self) -> str:
        if self.check == "passes":
            return ("Parallel-trends check: passes the rule of thumb — the pre-period trend gap would produce less "
                    "than half of the estimate. Still an assumption, not a proof.")
        if self.check == "inconclusive":
            return (f"Parallel-trends check: inconclusive — the trend runs the other way: before treatment the "
                    f"gap was moving in the opposite direction ({self.trend_implied:+.3f}), so the trend cannot "
                    "explain the estimate. Had that trend continued, the plain DiD would understate the effect: net "
                    f"of the trend it is {self.adjusted:+.3f}. The regions were not parallel, so trust the sign more "
                    "than the size.")
        return ("Parallel-trends check: FAILS the rule of thumb — the pre-period trend gap alone would produce "
                "at least half of the estimate. Do not read the estimate as an effect.")


def did_estimate(wide: pd.DataFrame, control: object, treatment_year: object, years_before: object,
                 years_after: object, treated: str = TREATED) -> DidResult:
    """The 2×2 difference-in-differences of the outcome, ``years_before`` against ``years_after`` the treatment year,
    with a pre-period trend check."""
    control = _region(wide, control, "Control region")
    treated = _region(wide, treated, "Treated region")
    if control == treated:
        raise InputProblem("The control region must differ from the treated region.")
    year = parse_year(treatment_year, "Treatment year")
    n_before = parse_number(years_before, label="Years before", integer=True)  # window lengths, not calendar years
    n_after = parse_number(years_after, label="Years after", integer=True)
    first, last = int(wide.index.min()), int(wide.index.max())
    if not first < year <= last:
        raise InputProblem(f"Treatment year {year} is outside the data: pick a year from {first + 1} to {last}, "
                           f"so that there is at least one year before it.")
    if n_before < MIN_PRE_YEARS:
        raise InputProblem(f"The pre-period is too short ({n_before} year{'s' if n_before != 1 else ''}): the "
                           f"parallel-trends check needs at least {MIN_PRE_YEARS} years before treatment.")
    if n_after < 1:
        raise InputProblem("The after period needs at least one year.")
    before, after = (year - n_before, year - 1), (year, year + n_after - 1)
    if before[0] < first:
        advice = (f"Use at most {year - first} years before, or a later treatment year"
                  if year - first >= MIN_PRE_YEARS else
                  f"The trend check needs at least {MIN_PRE_YEARS} years before the treatment, so pick a treatment "
                  f"year from {first + MIN_PRE_YEARS} on")
        raise InputProblem(f"A {n_before}-year pre-period before {year} would start in {before[0]}, but the data "
                           f"begin in {first}. {advice}.")
    if after[1] > last:
        raise InputProblem(f"A {n_after}-year after period from {year} would end in {after[1]}, but the data end "
                           f"in {last}. Use at most {last - year + 1} years after, or an earlier treatment year.")
    pre, post = wide.loc[before[0]:before[1]], wide.loc[after[0]:after[1]]
    means = pd.DataFrame({f"before {before[0]}–{before[1]}": [pre[treated].mean(), pre[control].mean()],
                          f"after {after[0]}–{after[1]}": [post[treated].mean(), post[control].mean()]},
                         index=[f"treated: {treated}", f"control: {control}"])
    means["change"] = means.iloc[:, 1] - means.iloc[:, 0]
    means.loc["difference (treated − control)"] = means.iloc[0] - means.iloc[1]
    estimate = float(means.iloc[2, 2])  # (treated after − before) − (control after − before)
    slope_t, slope_c = trend_slope(pre[treated]), trend_slope(pre[control])
    implied = (slope_t - slope_c) * (sum(after) - sum(before)) / 2
    return DidResult(control, before, after, means, estimate, slope_t, slope_c, slope_t - slope_c,
                     implied, estimate - implied)


def did_by_control(wide: pd.DataFrame, treatment_year: int, years_before: int, years_after: int,
                   treated: str = TREATED) -> pd.DataFrame:
    """The same 2×2 estimate and trend check with every other region as the control, sorted by name."""
    _need_wide(wide)
    rows = []
    for control in sorted(c for c in wide.columns if c != treated):
        r = did_estimate(wide, control, treatment_year, years_before, years_after, treated)
        rows.append({"control": control, "DiD estimate": r.estimate, "pre-trend gap per year": r.trend_gap,
                     "trend-implied change": r.trend_implied, "estimate net of trend": r.adjusted,
                     "trend check": r.check})
    return pd.DataFrame(rows).set_index("control")


def means_html(result: DidResult) -> str:
    """The 2×2 means table as escaped HTML, changes signed, with the DiD estimate in the corner."""
    rows = []
    for i, (name, row) in enumerate(result.means.iterrows()):
        cells = [f"{value:+.3f}" if 2 in (i, j) else f"{value:.3f}" for j, value in enumerate(row)]
        if i == 2:
            cells[2] = f"<b>{cells[2]} = DiD</b>"
        rows.append(f"<tr><th style='text-align:left'>{escape(name)}</th>"
                    + "".join(f"<td style='text-align:right'>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(f"<th>{escape(c)}</th>" for c in result.means.columns)
    return (f"<table><caption>Means of GDP per capita (thousand 1986 US dollars per person)</caption>"
            f"<tr><th></th>{head}</tr>{''.join(rows)}</table>")


class DidExplorer(Explorer):
    """Control region, treatment year and years before and after → the 2×2 table, the trends and the check."""

    def __init__(self, panel: pd.DataFrame, control: str = "Cataluna", treatment_year: int = 1970, window: int = 10):
        super().__init__()
        self.wide = outcome_wide(panel)
        years = self.wide.index.to_numpy()
        first, last = int(years.min()), int(years.max())
        self.control = w.Dropdown(options=sorted(c for c in self.wide.columns if c != TREATED), value=control,
                                  description="Control region", style=LABEL_STYLE)
        self.year = TwinSlider("Treatment year", minimum=first + 1, maximum=last, value=treatment_year,
                               messages=self.messages)
        self.window = TwinSlider("Years before and after", minimum=1, maximum=(last - first + 1) // 2, value=window,
                                 unit="years", messages=self.messages)
        self.table = w.HTML()
        self.fig, self.ax = new_figure(5.4, 4.0)
        ax = self.ax
        (treated_line,) = ax.plot(years, self.wide[TREATED], color=PALETTE["vermillion"], linewidth=1.8,
                                  label="treated (Basque Country)")
        (self.control_line,) = ax.plot(years, self.wide[control], color=PALETTE["blue"], linewidth=1.8,
                                       label="control region")
        self.before_span = ax.axvspan(first, first + 1, color=PALETTE["sky"], alpha=0.15, linewidth=0,
                                      label="years before")
        self.after_span = ax.axvspan(first, first + 1, color=PALETTE["orange"], alpha=0.15, linewidth=0,
                                     label="years after")
        (self.trend_t,) = ax.plot([], [], linestyle="--", color=PALETTE["vermillion"], linewidth=1.2,
                                  label="pre-period trend, extended")
        (self.trend_c,) = ax.plot([], [], linestyle="--", color=PALETTE["blue"], linewidth=1.2)
        # the treated region's means wide and pale, the control's thin on top: both show when they coincide
        styles = [(PALETTE["vermillion"], 6, 0.45)] * 2 + [(PALETTE["blue"], 2, 1.0)] * 2
        self.mean_lines = [ax.plot([], [], color=colour, linewidth=width, alpha=alpha, solid_capstyle="butt",
                                   zorder=3)[0] for colour, width, alpha in styles]
        # above the axes, under the title, so nothing drawn in the axes runs under it: it is drawn once
        handles = [treated_line, self.control_line, self.trend_t, self.before_span, self.after_span]
        ax.legend([*handles, (self.mean_lines[0], self.mean_lines[2])],
                  [*(handle.get_label() for handle in handles), "period means"], loc="lower left",
                  bbox_to_anchor=(0, 1.01), ncols=2, borderaxespad=0, columnspacing=1.2, handlelength=1.6)
        every = self.wide.drop(columns=[TREATED]).stack()  # one scale for every control region
        steady_limits(ax, every.index.get_level_values(0), every.to_numpy())
        self.chart = finish(self.fig, ax, title="(set on update)", xlabel="Year", ylabel="thousand 1986 USD",
                            resources=["basque_panel"], alt="(set on update)")
        self.watch(self.control, self.year, self.window)
        self.update()
        self.panel = Panel(
            [self.control, self.year.box, self.window.box, self.messages.widget, self.table, self.result,
             self.output],
            summary="difference-in-differences explorer (control region, treatment year, years before and after) "
                    "on the Basque GDP-per-capita panel",
        )

    def compute(self) -> DidResult:
        return did_estimate(self.wide, self.control.value, self.year.value, self.window.value, self.window.value)

    def draw_control(self) -> None:
        control = self.control.value
        self.control_line.set_ydata(self.wide[control].to_numpy())
        # two lines whatever the region, so the first draw's layout holds; raised 50 points, above the legend
        self.ax.set_title(f"Difference-in-differences: GDP per capita\ncontrol region: {control}", loc="left",
                          pad=50)

    def refuse(self, problem: InputProblem) -> None:
        super().refuse(problem)
        self.table.value = ""
        self.draw_control()
        for line in (self.trend_t, self.trend_c, *self.mean_lines):
            line.set_data([], [])
        self.before_span.set_visible(False)
        self.after_span.set_visible(False)
        self.chart.alt = (f"GDP per capita of the Basque Country and {self.control.value}, 1955–1997; no estimate "
                          f"shown: {problem}")
        self.show()

    def draw(self, r: DidResult) -> None:
        self.draw_control()
        (b0, b1), (a0, a1), m = r.before, r.after, r.means
        for span, (start, end) in ((self.before_span, r.before), (self.after_span, r.after)):
            span.set_visible(True)
            span.set_x(start - 0.5)
            span.set_width(end - start + 1)
        xs = np.array([b0, a1], dtype=float)
        centre = (b0 + b1) / 2
        self.trend_t.set_data(xs, m.iloc[0, 0] + r.slope_treated * (xs - centre))  # through the pre-period means
        self.trend_c.set_data(xs, m.iloc[1, 0] + r.slope_control * (xs - centre))
        spans = [(b0 - 0.5, b1 + 0.5), (a0 - 0.5, a1 + 0.5)]
        for line, (row, col) in zip(self.mean_lines, [(0, 0), (0, 1), (1, 0), (1, 1)]):
            line.set_data(spans[col], [m.iloc[row, col]] * 2)

    def describe(self, r: DidResult) -> None:
        self.messages.clear()
        self.table.value = means_html(r)
        self.result.value = (f"<b>{escape(r.sentence())}</b><br>{escape(r.trend_sentence())}"
                             f"<br><i>{escape(r.verdict())}</i>")
        (b0, b1), (a0, a1), m = r.before, r.after, r.means
        self.chart.alt = (
            f"Line chart of GDP per capita, 1955–1997, thousand 1986 USD: the Basque Country and {r.control}. "
            f"Shaded: before {b0}–{b1} and after {a0}–{a1}. "
            f"Means: Basque {m.iloc[0, 0]:.2f} then {m.iloc[0, 1]:.2f}; "
            f"{r.control} {m.iloc[1, 0]:.2f} then {m.iloc[1, 1]:.2f}; DiD {r.estimate:+.3f}. Dashed lines extend "
            f"the pre-period trends ({r.slope_treated:+.3f} and {r.slope_control:+.3f} per year) into the after period."
        )


# --- synthetic control ------------------------------------------------------------------------------

def simplex_weights(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Weights w ≥ 0 with Σw = 1 that minimise ‖a·w − b‖²: ``nnls`` with the sum as one heavily weighted extra
    equation (it holds to about 1e-13; the division makes it exact)."""
    big = 1e6 * max(np.abs(a).max(), np.abs(b).max(), 1e-12)
    weights, _ = nnls(np.vstack([a, np.full(a.shape[1], big)]), np.append(b, big))
    return weights / weights.sum()


# Abadie & Gardeazabal's predictors (column, years averaged), as in Synth's documentation and pysyncon's Basque test
STANDARD_PREDICTORS = [
    *[(col, tuple(range(1964, 1970))) for col in
      ("school_illit", "school_prim", "school_med", "school_high", "school_post_high", "invest")],
    ("gdp_per_capita", tuple(range(1960, 1970))),
    *[(col, tuple(range(1961, 1970, 2))) for col in
      ("sec_agriculture", "sec_energy", "sec_industry", "sec_construction", "sec_services_venta",
       "sec_services_nonventa")],
    ("pop_density", (1969,)),
]
STANDARD_FIT = (1960, 1969)


def default_donors(wide: pd.DataFrame, treated: str = TREATED) -> list[str]:
    """The 16 other regions: the Spain average is left out because it contains the treated region."""
    _need_wide(wide)
    return sorted(c for c in wide.columns if c not in (treated, SPAIN))


@dataclass
class SynthResult:
    spec: str
    fit: tuple[int, int]
    weights: pd.Series  # donor → weight, sorted by donor name
    actual: pd.Series
    synthetic: pd.Series
    predictor_weights: pd.Series | None = None

    @property
    def gap_percent(self) -> pd.Series:
        return 100 * (self.actual - self.synthetic) / self.synthetic

    @property
    def pre_rmse(self) -> float:
        gap = (self.actual - self.synthetic).loc[self.fit[0]:self.fit[1]]
        return float(np.sqrt((gap ** 2).mean()))

    def top(self, k: int = 4, floor: float = 0.0005) -> pd.Series:
        return self.weights[self.weights >= floor].sort_values(ascending=False, kind="stable").head(k)

    def weights_text(self) -> str:
        return ", ".join(f"{name} {value:.3f}" for name, value in self.top().items())


def _donor_list(wide: pd.DataFrame, donors, treated: str) -> list[str]:
    donors = default_donors(wide, treated) if donors is None else list(donors)
    if len(donors) < 2:
        raise InputProblem("The donor pool needs at least two regions.")
    donors = [_region(wide, name, "Donor region") for name in donors]
    if treated in donors:
        raise InputProblem("The treated region cannot be in its own donor pool.")
    return sorted(set(donors))


def _fit_years(wide: pd.DataFrame, fit: object, last_pre: int) -> tuple[int, int]:
    if not isinstance(fit, (tuple, list)) or len(fit) != 2:
        raise InputProblem("The fit period must be two years: (first, last).")
    start, end = parse_year(fit[0], "Fit period (from)"), parse_year(fit[1], "Fit period (to)")
    first = int(wide.index.min())
    if start < first or end > last_pre:
        raise InputProblem(f"The fit period must lie inside the pre-treatment years {first}–{last_pre}.")
    if end - start + 1 < MIN_PRE_YEARS:
        raise InputProblem(f"The fit period {start}–{end} is too short: use at least {MIN_PRE_YEARS} pre-treatment "
                           "years.")
    return start, end


def synth_outcome(wide: pd.DataFrame, fit: tuple[int, int] = (1955, 1969), donors=None, treated: str = TREATED,
                  treatment_year: int = 1970) -> SynthResult:
    """Simplest synthetic control: donor weights matching the treated region's outcome over the fit years."""
    return _synth(wide, None, fit, donors, treated, treatment_year)


def predictor_table(panel: pd.DataFrame, predictors=STANDARD_PREDICTORS) -> pd.DataFrame:
    """Predictors × regions: each predictor averaged over its years (missing values skipped)."""
    need_table(panel, "basque_panel", ["region", "year"])
    columns = {}
    for column, years in predictors:
        label = f"{column} ({years[0]}–{years[-1]})" if len(years) > 1 else f"{column} ({years[0]})"
        columns[label] = panel[panel["year"].isin(years)].groupby("region", sort=False)[column].mean()
    return pd.DataFrame(columns).T[list(dict.fromkeys(panel["region"]))].astype(float)


def synth_standard(panel: pd.DataFrame, fit: tuple[int, int] = STANDARD_FIT, donors=None,
                   treated: str = TREATED, treatment_year: int = 1970) -> SynthResult:
    """Abadie & Gardeazabal's specification: donor weights W matching the predictors (scaled, weighted by V), with
    the V whose W best fits the outcome found by Nelder–Mead from equal weights (as R's Synth and pysyncon)."""
    return _synth(outcome_wide(panel), predictor_table(panel), fit, donors, treated, treatment_year)


def _synth(wide: pd.DataFrame, table: pd.DataFrame | None, fit: tuple[int, int], donors, treated: str,
           treatment_year: int) -> SynthResult:
    """Donor weights fitted to the outcome alone (``table`` None), or to the predictors in ``table`` (predictors ×
    regions) with V chosen to fit the outcome."""
    treated = _region(wide, treated, "Treated region")
    donors = _donor_list(wide, donors, treated)
    start, end = _fit_years(wide, fit, treatment_year - 1)
    z1, z0 = wide.loc[start:end, treated].to_numpy(), wide.loc[start:end, donors].to_numpy()
    if table is None:
        weights = pd.Series(simplex_weights(z0, z1), index=donors, name="weight")
        return SynthResult("outcome path only", (start, end), weights, wide[treated], wide[donors] @ weights)
    scaled = table.div(table.std(axis=1, ddof=1), axis=0)
    x1, x0 = scaled[treated].to_numpy(), scaled[donors].to_numpy()

    def weights_for(v: np.ndarray) -> np.ndarray:
        root = np.sqrt(np.abs(v) / np.abs(v).sum())  # V ≥ 0 and summing to 1, whatever point the search tries
        return simplex_weights(root[:, None] * x0, root * x1)

    def outcome_loss(v: np.ndarray) -> float:
        if not np.abs(v).sum() > 0:
            return math.inf
        return float(np.mean((z1 - z0 @ weights_for(v)) ** 2))

    search = minimize(outcome_loss, np.full(len(table), 1 / len(table)), method="Nelder-Mead")
    v = np.abs(search.x) / np.abs(search.x).sum()
    weights = pd.Series(weights_for(search.x), index=donors, name="weight")
    return SynthResult("predictors, V chosen to fit the outcome", (start, end), weights, wide[treated],
                       wide[donors] @ weights, pd.Series(v, index=table.index, name="V"))


PREDICTOR_LABELS = {
    "school_illit": "schooling: illiterate, %", "school_prim": "schooling: primary or none, %",
    "school_med": "schooling: some secondary, %", "school_high": "schooling: secondary degree, %",
    "school_post_high": "schooling: tertiary, %", "invest": "investment, % of GDP",
    "gdp_per_capita": "GDP per capita, thousand 1986 USD", "sec_agriculture": "agriculture, % of production",
    "sec_energy": "energy and water, % of production", "sec_industry": "industry, % of production",
    "sec_construction": "construction, % of production", "sec_services_venta": "market services, % of production",
    "sec_services_nonventa": "non-market services, % of production",
    "pop_density": "population density, people per km²",
}


def predictor_comparison(result: SynthResult, panel: pd.DataFrame) -> pd.DataFrame:
    """The treated region, its synthetic control and Spain on each predictor (schooling head-counts as shares of the
    five groups), with the weights V in %."""
    need_kind(result, SynthResult, "result", "a result such as synth_standard(panel)")
    if result.predictor_weights is None:
        raise InputProblem("This result fits the outcome path only and has no predictor weights: pass a result "
                           "such as synth_standard(panel).")
    table = predictor_table(panel)
    missing = [region for region in (result.actual.name, *result.weights.index, SPAIN) if region not in table.columns]
    if missing:
        raise InputProblem(f"The panel has no {missing[0]!r}, a region of this result: pass the panel the result was "
                           "fitted on.")
    raw = pd.DataFrame({"Basque Country": table[result.actual.name],
                        "synthetic Basque Country": table[result.weights.index] @ result.weights,
                        "Spain as a whole": table[SPAIN]})
    schooling = raw.index.str.startswith("school_")
    raw.loc[schooling] = 100 * raw.loc[schooling] / raw.loc[schooling].sum()
    raw["weight V (%)"] = 100 * result.predictor_weights
    return raw.rename(index=lambda label: f"{PREDICTOR_LABELS[label.split(' (')[0]]} ({label.split(' (')[1]}")


def weights_comparison(results: dict[str, SynthResult], reference: pd.Series) -> pd.DataFrame:
    """Donor weights side by side (rows with any weight ≥ 0.0005), with the published reference."""
    need_kind(results, dict, "results", "a dict of synth_standard(panel) and synth_outcome(wide) results")
    for result in results.values():
        need_kind(result, SynthResult, "each result", "a result of synth_standard(panel) or synth_outcome(wide)")
    need_kind(reference, pd.Series, "reference", "the weights reference_weights(effects)")
    table = pd.DataFrame({name: r.weights for name, r in results.items()}).fillna(0.0)
    ref = pd.Series({donor: value for key, value in reference.items() for donor in table.index
                     if donor.startswith(key)}, dtype=float)
    table["published (reference)"] = ref.reindex(table.index).fillna(0.0)
    return table[(table >= 0.0005).any(axis=1)].sort_index()


class SynthExplorer(Explorer):
    """Choose the specification, the fit years and a donor to leave out → weights, synthetic vs actual, gap."""

    SPECS = ["predictors (standard)", "outcome path only"]

    def __init__(self, panel: pd.DataFrame, treatment_year: int = 1970):
        super().__init__()
        self.wide = outcome_wide(panel)
        self.predictors = predictor_table(panel)  # the same for every donor pool: averaged once
        self.treatment_year = treatment_year
        self.spec = w.ToggleButtons(options=self.SPECS, value=self.SPECS[0], description="Specification",
                                    style=LABEL_STYLE)
        self.leave_out = w.Dropdown(options=["(none)", *default_donors(self.wide)], value="(none)",
                                    description="Leave out donor", style=LABEL_STYLE)
        self.fit = TwinRange("Fit years", minimum=int(self.wide.index.min()), maximum=treatment_year - 1,
                             value=STANDARD_FIT, messages=self.messages)
        self.weights_html = w.HTML()
        # a standard fit is a search of hundreds of steps: a setting seen before, and the fit with every donor that
        # the note on a donor left out compares with, come from this cache (keyed by the donor left out)
        self.fitted = functools.lru_cache(maxsize=64)(self.compute_fit)
        self.fig, self.ax = new_figure(5.4, 2.9)
        years = self.wide.index
        self.ax.plot(years, self.wide[TREATED], color=PALETTE["vermillion"], label="Basque Country (actual)")
        (self.synth_line,) = self.ax.plot(years, self.wide[TREATED], color=PALETTE["blue"], linestyle="--",
                                          label="synthetic Basque Country")
        self.ax.axvline(treatment_year - 0.5, color=PALETTE["black"], linestyle=":", linewidth=1)
        self.fit_span = self.ax.axvspan(1960, 1969, color=PALETTE["sky"], alpha=0.15, linewidth=0,
                                        label="fit years")
        self.ax.legend(loc="upper left")
        every = self.wide.stack()  # one scale for every fit: a synthetic region stays within its donors
        steady_limits(self.ax, every.index.get_level_values(0), every.to_numpy())
        self.chart = finish(self.fig, self.ax, title="Synthetic control: GDP per capita", xlabel="Year",
                            ylabel="thousand 1986 USD", resources=["basque_panel"], alt="(set on update)")
        self.watch(self.spec, self.leave_out, self.fit)
        self.update()
        # Each donor left out is a new search (30-60 ms, and more on a busy machine): fit them all now, for the
        # starting settings, so that a student stepping through the donors sees each chart at once.
        try:
            for donor in default_donors(self.wide):
                self.fitted(self.spec.value, tuple(self.fit.value), donor)
        except InputProblem:  # settings the explorer refused: its message is already shown
            pass
        self.panel = Panel(
            [self.spec, self.leave_out, self.fit.box, self.messages.widget, self.weights_html, self.result,
             self.output],
            summary="synthetic-control explorer (specification, donor left out, fit years) on the Basque panel",
        )

    def compute_fit(self, spec: str, fit: tuple[int, int], left: str) -> SynthResult:
        donors = [d for d in default_donors(self.wide) if d != left]
        table = self.predictors if spec == self.SPECS[0] else None
        return _synth(self.wide, table, fit, donors, TREATED, self.treatment_year)

    def compute(self) -> SynthResult:
        return self.fitted(self.spec.value, tuple(self.fit.value), self.leave_out.value)

    def left_out_note(self) -> str:
        """What leaving the chosen donor out does, against the fit with every donor (same settings)."""
        left = self.leave_out.value
        if left == "(none)":
            return ""
        now = self.compute()
        every = self.fitted(self.spec.value, tuple(self.fit.value), "(none)")
        weight = float(every.weights.get(left, 0.0))
        if weight >= 0.0005:
            return (f"{left} has weight {weight:.3f} in the fit with every donor; without it, that weight moves to "
                    "other donors.")
        if (now.weights - every.weights.drop(left)).abs().max() < 0.0005:
            return (f"{left} has weight 0 in the fit with every donor, so leaving it out changes nothing: "
                    "try a donor with weight, such as the top one in the table.")
        return (f"{left} has weight 0 in the fit with every donor, yet the weights changed: the search for the "
                f"predictor weights V ran again without it and stopped at another low point (fit error "
                f"{now.pre_rmse:.3f} against {every.pre_rmse:.3f} with every donor). The search finds a nearby "
                "low point, not always the lowest.")

    def refuse(self, problem: InputProblem) -> None:
        super().refuse(problem)
        self.weights_html.value = ""
        self.synth_line.set_data([], [])
        self.chart.alt = f"GDP per capita of the Basque Country, 1955–1997; no synthetic control shown: {problem}"
        self.show()

    def draw(self, result: SynthResult) -> None:
        self.synth_line.set_data(result.synthetic.index, result.synthetic.values)
        self.fit_span.set_x(result.fit[0] - 0.5)
        self.fit_span.set_width(result.fit[1] - result.fit[0] + 1)

    def describe(self, result: SynthResult) -> None:
        self.messages.clear()
        rows = "".join(f"<tr><td>{escape(name)}</td><td style='text-align:right'>{value:.3f}</td></tr>"
                       for name, value in result.top(6).items())
        self.weights_html.value = f"<table><tr><th>Donor</th><th>Weight</th></tr>{rows}</table>"
        late = result.gap_percent.loc[1980:1997].mean()
        note = self.left_out_note()
        self.result.value = (
            f"<b>{escape(result.spec)}, fit {result.fit[0]}–{result.fit[1]}:</b> pre-period fit error (RMSE) "
            f"{result.pre_rmse:.3f} thousand USD; average gap 1980–1997 {late:+.1f}% of the synthetic "
            f"region." + (f"<br><i>{escape(note)}</i>" if note else ""))
        self.chart.alt = (
            f"GDP per capita 1955–1997, thousand 1986 USD: the Basque Country and its synthetic control "
            f"({result.spec}; weights {result.weights_text()}). Fit years {result.fit[0]}–{result.fit[1]} shaded; "
            f"dotted line before {self.treatment_year}. Average gap 1980–1997: {late:+.1f}%.")
