"""Notebook 07 plumbing: published zone effects, difference-in-differences and synthetic control.

The arithmetic students should read (the 2×2 table, the trend check, what the solver does) is shown in the
notebook; these functions repeat it for the widgets and are unit-tested against hand-worked values.

Synthetic control is solved without scipy:

* ``simplex_weights`` finds weights w ≥ 0 with Σw = 1 that minimise ‖A·w − b‖² (an active-set method:
  Lawson & Hanson's non-negative least squares on the system with one extra row that enforces Σw = 1);
* ``nelder_mead`` is a plain, deterministic Nelder–Mead search, used as in Synth/pysyncon to choose the
  predictor weights V that make the pre-period outcome fit best.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Callable

import ipywidgets as w
import numpy as np
import pandas as pd

from qianhai.charts import PALETTE, finish, new_figure, steady_limits
from qianhai.data import frame_fingerprint
from qianhai.display import escape
from qianhai.inputs import InputProblem, parse_number
from qianhai.widgets import LABEL_STYLE, Explorer, Panel, TwinRange, TwinSlider

TREATED = "Basque Country (Pais Vasco)"
SPAIN = "Spain (Espana)"
OUTCOME = "gdp_per_capita"
OUTCOME_UNIT = "thousand 1986 US dollars per person"
MIN_PRE_YEARS = 3  # the trend check fits a line: with fewer than three years there is nothing to check

DIRECTIONS = ["positive", "negative", "mixed", "null", "not_reported"]
METHOD_LABELS = {
    "did": "difference-in-differences",
    "staggered_did": "staggered DiD",
    "psm_did": "matching + DiD (PSM-DiD)",
    "cross_section_regression": "cross-section regression",
    "panel_data_hcw": "panel counterfactual (HCW)",
    "panel_data_counterfactual": "panel counterfactual (other)",
    "synthetic_control": "synthetic control",
    "did_and_synthetic_control": "DiD + synthetic control",
    "night_lights_panel": "night-lights panel",
    "other": "other",
}


# --------------------------------------------------------------------------------------------------
# Published effects
# --------------------------------------------------------------------------------------------------

def effects_table(effects: pd.DataFrame) -> pd.DataFrame:
    """The published findings in the columns a student reads first, wording as reported; ``status`` says
    whether the numbers come from the published article or a working paper, and whether the course read them in
    the source itself (primary) or only in a summary (secondary)."""
    table = effects.assign(
        method=effects["method"].map(METHOD_LABELS).fillna(effects["method"]),
        status=effects["version"].str.replace("_", " ") + ", " + effects["evidence_quality"],
    ).rename(columns={"effect_as_reported": "as reported"})
    columns = ["study", "status", "zone_type", "method", "outcome", "as reported", "direction"]
    return table.set_index("effect_id")[columns]


class TableView:
    """A table shown as HTML, whose plain-text form is a one-line summary (the HTML is what readers see; the
    plain form keeps the saved notebook small instead of repeating every cell)."""

    def __init__(self, table: pd.DataFrame, summary: str):
        self.table = table
        self.summary = summary

    def _repr_html_(self) -> str:
        return self.table.to_html(escape=True, na_rep="", max_cols=12)

    def __repr__(self) -> str:
        return f"[Table: {self.summary}; {len(self.table)} rows x {self.table.shape[1]} columns]"


def findings_by_method(effects: pd.DataFrame) -> pd.DataFrame:
    """Count of findings: one row per method (most findings first), one column per direction."""
    counts = pd.crosstab(effects["method"].map(METHOD_LABELS).fillna(effects["method"]), effects["direction"])
    counts = counts.reindex(columns=[d for d in DIRECTIONS if d in counts.columns], fill_value=0)
    counts = counts.loc[sorted(counts.index, key=lambda m: (-int(counts.loc[m].sum()), m))]
    counts.index.name = "method"
    return counts


def citation_list(effects: pd.DataFrame) -> pd.DataFrame:
    """Each study once: full citation, DOI or URL, and whether the numbers we use come from a working paper."""
    rows = []
    for study, group in effects.groupby("study", sort=False):
        first = group.iloc[0]
        versions = sorted(set(group["version"]))
        link = next((x for x in (first["doi"], first["url"]) if isinstance(x, str) and x), "no DOI or link recorded")
        year = "n.d." if pd.isna(first["year"]) else str(int(first["year"]))
        rows.append({"study": study, "year": year, "citation": first["citation"],
                     "doi or url": link, "versions used": " + ".join(versions), "findings": len(group)})
    table = pd.DataFrame(rows).sort_values(["year", "study"], kind="stable").set_index("study")
    return table  # "n.d." sorts after every year


def reference_weights(effects: pd.DataFrame, effect_id: str = "ag2003_basque") -> pd.Series:
    """The synthetic-control weights recorded in the notes of a row, e.g. 'weights Cataluna 0.851, Madrid 0.149'."""
    if effect_id not in set(effects["effect_id"]):
        raise InputProblem(f"No published finding with id {str(effect_id)[:40]!r}.")
    note = str(effects.set_index("effect_id").loc[effect_id, "notes"])
    pairs = re.findall(r"([A-Z][A-Za-z]+) (0\.\d+)", note)
    if not pairs:
        raise InputProblem(f"The notes of {effect_id} record no weights.")
    return pd.Series({name: float(value) for name, value in pairs}, name="reference weight")


# --------------------------------------------------------------------------------------------------
# Panel helpers
# --------------------------------------------------------------------------------------------------

def outcome_wide(panel: pd.DataFrame, value: str = OUTCOME) -> pd.DataFrame:
    """Year × region table of one variable (years as plain integers, regions in the data's order)."""
    missing = {"region", "year", value} - set(panel.columns)
    if missing:
        raise InputProblem(f"The panel lacks the column(s) {', '.join(sorted(missing))}.")
    wide = panel.pivot(index="year", columns="region", values=value)
    wide.index = wide.index.astype(int)
    order = list(dict.fromkeys(panel["region"]))
    return wide[order].astype(float)


def _year(raw: object, label: str) -> int:
    if isinstance(raw, (np.integer,)):
        raw = int(raw)
    return int(parse_number(raw, label=label, integer=True))


def _region(wide: pd.DataFrame, name: object, label: str) -> str:
    if not isinstance(name, str) or name not in wide.columns:
        shown = str(name)[:40]
        raise InputProblem(f"{label}: {shown!r} is not a region in the panel. Pick one from the list.")
    return name


# --------------------------------------------------------------------------------------------------
# Difference-in-differences
# --------------------------------------------------------------------------------------------------

def did_2x2(treated_before: float, treated_after: float, control_before: float, control_after: float) -> float:
    """(treated after − treated before) − (control after − control before)."""
    values = []
    for label, raw in (("treated, before", treated_before), ("treated, after", treated_after),
                       ("control, before", control_before), ("control, after", control_after)):
        values.append(float(parse_number(raw, label=label)))
    tb, ta, cb, ca = values
    estimate = (ta - tb) - (ca - cb)
    if not math.isfinite(estimate):
        raise InputProblem("These numbers are too large to subtract; use values of a realistic size.")
    return estimate


def trend_slope(series: pd.Series) -> float:
    """Least-squares slope of a series on its (year) index, in units per year."""
    clean = series.dropna()
    if len(clean) < 2:
        raise InputProblem("A trend needs at least two years.")
    x = clean.index.to_numpy(dtype=float)
    y = clean.to_numpy(dtype=float)
    x = x - x.mean()
    return float((x * (y - y.mean())).sum() / (x * x).sum())


@dataclass
class DidResult:
    treated: str
    control: str
    treatment_year: int
    before: tuple[int, int]
    after: tuple[int, int]
    means: pd.DataFrame  # rows treated/control/difference; columns before/after/change
    estimate: float
    slope_treated: float
    slope_control: float
    trend_gap: float  # slope_treated − slope_control, per year
    trend_implied: float  # the change in the gap that the pre-period trend gap alone would produce
    adjusted: float  # estimate − trend_implied

    @property
    def years_apart(self) -> float:
        """Distance between the middle years of the after and before periods."""
        return (sum(self.after) - sum(self.before)) / 2

    def sentence(self) -> str:
        return (f"DiD estimate: ({self.means.iloc[0, 2]:+.3f}) − ({self.means.iloc[1, 2]:+.3f}) = "
                f"{self.estimate:+.3f} thousand 1986 USD per person, comparing {self.before[0]}–{self.before[1]} "
                f"with {self.after[0]}–{self.after[1]}, control: {self.control}.")

    def trend_sentence(self) -> str:
        return (f"Pre-period trends, {self.before[0]}–{self.before[1]}: treated {self.slope_treated:+.3f}, "
                f"control {self.slope_control:+.3f} per year (difference {self.trend_gap:+.3f}). Continued for "
                f"the {self.years_apart:g} years between the middles of the two periods, that difference alone "
                f"would move the gap by {self.trend_implied:+.3f}; the estimate net of it is {self.adjusted:+.3f}.")

    def verdict(self) -> str:
        """This course's rule of thumb (not a statistical test)."""
        if abs(self.trend_implied) >= 0.5 * abs(self.estimate):
            return ("Parallel-trends check: FAILS the rule of thumb — the pre-period trend gap alone would produce "
                    "at least half of the estimate. Do not read the estimate as an effect.")
        return ("Parallel-trends check: passes the rule of thumb — the pre-period trend gap would produce less "
                "than half of the estimate. Still an assumption, not a proof.")


def did_estimate(wide: pd.DataFrame, control: object, treatment_year: object, years_before: object,
                 years_after: object, treated: str = TREATED) -> DidResult:
    """The 2×2 difference-in-differences of the outcome, with a pre-period trend check.

    Before = the ``years_before`` years up to treatment_year − 1; after = ``years_after`` years from
    treatment_year on."""
    control = _region(wide, control, "Control region")
    treated = _region(wide, treated, "Treated region")
    if control == treated:
        raise InputProblem("The control region must differ from the treated region.")
    year = _year(treatment_year, "Treatment year")
    n_before = _year(years_before, "Years before")
    n_after = _year(years_after, "Years after")
    first, last = int(wide.index.min()), int(wide.index.max())
    if not first < year <= last:
        raise InputProblem(f"Treatment year {year} is outside the data: pick a year from {first + 1} to {last}, "
                           f"so that there is at least one year before it.")
    if n_before < MIN_PRE_YEARS:
        raise InputProblem(f"The pre-period is too short ({n_before} year{'s' if n_before != 1 else ''}): the "
                           f"parallel-trends check needs at least {MIN_PRE_YEARS} years before treatment.")
    if n_after < 1:
        raise InputProblem("The after period needs at least one year.")
    before = (year - n_before, year - 1)
    after = (year, year + n_after - 1)
    if before[0] < first:
        raise InputProblem(f"A {n_before}-year pre-period before {year} would start in {before[0]}, but the data "
                           f"begin in {first}. Use at most {year - first} years before, or a later treatment year.")
    if after[1] > last:
        raise InputProblem(f"A {n_after}-year after period from {year} would end in {after[1]}, but the data end "
                           f"in {last}. Use at most {last - year + 1} years after, or an earlier treatment year.")
    pre = wide.loc[before[0]:before[1]]
    post = wide.loc[after[0]:after[1]]
    means = pd.DataFrame(
        {f"before {before[0]}–{before[1]}": [pre[treated].mean(), pre[control].mean()],
         f"after {after[0]}–{after[1]}": [post[treated].mean(), post[control].mean()]},
        index=[f"treated: {treated}", f"control: {control}"],
    )
    means["change"] = means.iloc[:, 1] - means.iloc[:, 0]
    means.loc["difference (treated − control)"] = means.iloc[0] - means.iloc[1]
    estimate = did_2x2(means.iloc[0, 0], means.iloc[0, 1], means.iloc[1, 0], means.iloc[1, 1])
    slope_t, slope_c = trend_slope(pre[treated]), trend_slope(pre[control])
    gap = slope_t - slope_c
    implied = gap * (sum(after) - sum(before)) / 2
    return DidResult(treated, control, year, before, after, means, estimate, slope_t, slope_c, gap, implied,
                     estimate - implied)


def did_by_control(wide: pd.DataFrame, treatment_year: int, years_before: int, years_after: int,
                   treated: str = TREATED) -> pd.DataFrame:
    """The same 2×2 estimate and trend check with every other region as the control, sorted by name."""
    rows = []
    for control in sorted(c for c in wide.columns if c != treated):
        r = did_estimate(wide, control, treatment_year, years_before, years_after, treated)
        rows.append({"control": control, "DiD estimate": r.estimate, "pre-trend gap per year": r.trend_gap,
                     "trend-implied change": r.trend_implied, "estimate net of trend": r.adjusted})
    return pd.DataFrame(rows).set_index("control")


def means_html(result: DidResult) -> str:
    """The 2×2 means table as escaped HTML, with the DiD estimate in the corner."""
    table = result.means
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body = []
    for i, (name, row) in enumerate(table.iterrows()):
        cells = []
        for j, value in enumerate(row):
            text = f"{value:+.3f}" if j == 2 or i == 2 else f"{value:.3f}"
            if i == 2 and j == 2:
                text = f"<b>{value:+.3f} = DiD</b>"
            cells.append(f"<td style='text-align:right'>{text}</td>")
        body.append(f"<tr><th style='text-align:left'>{escape(name)}</th>{''.join(cells)}</tr>")
    return (f"<table><caption>Means of GDP per capita ({escape(OUTCOME_UNIT)})</caption>"
            f"<tr><th></th>{head}</tr>{''.join(body)}</table>")


class DidExplorer(Explorer):
    """Pick a control region, a treatment year and the window (the same number of years before and after)
    → the 2×2 table, the DiD estimate, the two series with their pre-period trends, and the parallel-trends
    check."""

    def __init__(self, panel: pd.DataFrame, control: str = "Cataluna", treatment_year: int = 1970,
                 window: int = 10, treated: str = TREATED):
        super().__init__()
        self.wide = outcome_wide(panel)
        self.treated = treated
        first, last = int(self.wide.index.min()), int(self.wide.index.max())
        span = last - first + 1
        self.control = w.Dropdown(options=sorted(c for c in self.wide.columns if c != treated), value=control,
                                  description="Control region", style=LABEL_STYLE)
        self.year = TwinSlider("Treatment year", minimum=first + 1, maximum=last, value=treatment_year,
                               messages=self.messages)
        self.window = TwinSlider("Years before and after", minimum=1, maximum=span // 2, value=window,
                                 unit="years", messages=self.messages)
        self.table = w.HTML()
        self.fig, self.ax = new_figure(5.4, 3.0)
        ax = self.ax
        years = self.wide.index
        ax.plot(years, self.wide[treated], color=PALETTE["vermillion"], linewidth=1.8, label="treated (Basque Country)")
        (self.control_line,) = ax.plot(years, self.wide[control], color=PALETTE["blue"], linewidth=1.8,
                                       label="control")
        self.before_span = ax.axvspan(first, first + 1, color=PALETTE["sky"], alpha=0.15, linewidth=0)
        self.after_span = ax.axvspan(first, first + 1, color=PALETTE["orange"], alpha=0.15, linewidth=0)
        (self.trend_t,) = ax.plot([], [], linestyle="--", color=PALETTE["vermillion"], linewidth=1.2,
                                  label="pre-period trend, extended")
        (self.trend_c,) = ax.plot([], [], linestyle="--", color=PALETTE["blue"], linewidth=1.2)
        self.mean_lines = [ax.plot([], [], color=colour, linewidth=4, alpha=0.6, solid_capstyle="butt")[0]
                           for colour in (PALETTE["vermillion"], PALETTE["vermillion"], PALETTE["blue"],
                                          PALETTE["blue"])]
        self.mean_lines[0].set_label("period means")
        ax.legend(loc="upper left")
        every = self.wide.drop(columns=[treated]).stack()  # one scale for every control region
        steady_limits(ax, every.index.get_level_values(0), every.to_numpy())
        self.chart = finish(self.fig, ax, title="Difference-in-differences: GDP per capita", xlabel="Year",
                            ylabel="thousand 1986 USD", resources=["basque_panel"],
                            alt="(set on update)")
        self.watch(self.control, self.year, self.window)
        self.update()
        self.panel = Panel(
            [self.control, self.year.box, self.window.box, self.messages.widget, self.table,
             self.result, self.output],
            summary="difference-in-differences explorer (control region, treatment year, years before and after) "
                    "on the Basque GDP-per-capita panel",
        )

    def compute(self) -> DidResult:
        return did_estimate(self.wide, self.control.value, self.year.value, self.window.value, self.window.value,
                            self.treated)

    def draw_control(self) -> None:
        control = self.control.value
        self.control_line.set_data(self.wide.index, self.wide[control])
        self.control_line.set_label(f"control ({control})")
        self.ax.legend(loc="upper left")

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

    def draw(self, r: DidResult) -> None:
        self.draw_control()
        (b0, b1), (a0, a1) = r.before, r.after
        self.before_span.set_visible(True)
        self.after_span.set_visible(True)
        self.before_span.set_x(b0 - 0.5)
        self.before_span.set_width(b1 - b0 + 1)
        self.after_span.set_x(a0 - 0.5)
        self.after_span.set_width(a1 - a0 + 1)
        xs = np.array([b0, a1], dtype=float)
        for line, name, slope in ((self.trend_t, r.treated, r.slope_treated), (self.trend_c, r.control,
                                                                                 r.slope_control)):
            pre = self.wide.loc[b0:b1, name]
            centre = (b0 + b1) / 2
            line.set_data(xs, pre.mean() + slope * (xs - centre))
        m = r.means
        spans = [(b0 - 0.5, b1 + 0.5), (a0 - 0.5, a1 + 0.5)]
        for k, (row, col) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
            self.mean_lines[k].set_data(spans[col], [m.iloc[row, col]] * 2)


# --------------------------------------------------------------------------------------------------
# Synthetic control: the solver
# --------------------------------------------------------------------------------------------------

def _matrix(raw: object, label: str, ndim: int) -> np.ndarray:
    if isinstance(raw, (str, bytes)) or raw is None:
        raise InputProblem(f"{label} must be a table of numbers, not {type(raw).__name__}.")
    try:
        array = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise InputProblem(f"{label} must contain numbers only.") from None
    if array.ndim != ndim:
        raise InputProblem(f"{label} must have {ndim} dimension{'s' if ndim > 1 else ''}, not {array.ndim}.")
    if array.size == 0:
        raise InputProblem(f"{label} is empty.")
    if not np.isfinite(array).all():
        raise InputProblem(f"{label} contains a missing or infinite value; the solver needs finite numbers.")
    if np.abs(array).max() > 1e150:
        raise InputProblem(f"{label} contains values too large to square; rescale the data.")
    return array


_EPS = float(np.finfo(float).eps)


def nnls(a: np.ndarray, b: np.ndarray, max_rounds: int | None = None, start: np.ndarray | None = None) -> np.ndarray:
    """Non-negative least squares (Lawson & Hanson 1974): min ‖a·x − b‖² subject to x ≥ 0.

    An active-set method: start with every variable at zero; repeatedly free the variable whose increase
    would reduce the error most, solve ordinary least squares on the free set, and step back (pinning a
    variable to zero) whenever that solution would make a free variable negative.

    ``start`` (optional, True for each variable expected to be positive, e.g. from a neighbouring problem)
    is a warm start: if least squares on those variables alone gives all of them positive, the search
    begins there instead of at zero; the answer is the same, reached in fewer rounds."""
    m, n = a.shape
    x = np.zeros(n)
    free = np.zeros(n, dtype=bool)
    tol = 10 * _EPS * max(m, n) * max(np.abs(a).sum(axis=0).max(), 1.0)
    if start is not None and start.any():
        z = np.zeros(n)
        z[start] = np.linalg.lstsq(a[:, start], b, rcond=None)[0]
        if z[start].min() > tol:
            x, free = z, start.copy()
    gradient = a.T @ (b - a @ x)
    rounds = 0
    limit = max_rounds or 30 * n
    while (~free).any() and (gradient[~free] > tol).any() and rounds < limit:
        j = int(np.argmax(np.where(free, -np.inf, gradient)))
        free[j] = True
        while rounds < limit:
            rounds += 1
            z = np.zeros(n)
            z[free] = np.linalg.lstsq(a[:, free], b, rcond=None)[0]
            if (z[free] > tol).all():
                break
            blocking = free & (z <= tol)
            step = np.min(x[blocking] / (x[blocking] - z[blocking]))
            x = x + step * (z - x)
            free &= x > tol
            x[~free] = 0.0
        x = z
        gradient = a.T @ (b - a @ x)
    return x


def simplex_weights(a: object, b: object) -> np.ndarray:
    """Weights w (one per column of ``a``) with w ≥ 0 and Σw = 1 that minimise ‖a·w − b‖².

    The sum constraint is added as one heavily weighted extra equation (big · Σw = big), then non-negative
    least squares solves the whole system; the last step removes rounding so that Σw is exactly 1."""
    a = _matrix(a, "The donor matrix", 2)
    b = _matrix(b, "The target vector", 1)
    if a.shape[0] != b.shape[0]:
        raise InputProblem(f"The donor matrix has {a.shape[0]} rows but the target has {b.shape[0]} values.")
    return _simplex_solve(a, b)


def _simplex_solve(a: np.ndarray, b: np.ndarray, start: np.ndarray | None = None) -> np.ndarray:
    """simplex_weights without the input checks, for the optimiser's inner loop (``start``: see nnls)."""
    scale = max(np.abs(a).max(), np.abs(b).max(), 1e-12)
    m = a.shape[0]
    augmented = np.empty((m + 1, a.shape[1]))
    np.divide(a, scale, out=augmented[:m])  # same problem, numbers near 1
    big = 1e4 * (np.linalg.norm(augmented[:m]) + 1.0)
    augmented[m] = big
    target = np.empty(m + 1)
    np.divide(b, scale, out=target[:m])
    target[m] = big
    weights = np.maximum(nnls(augmented, target, start=start), 0.0)
    total = weights.sum()
    if total <= 0:
        return np.full(a.shape[1], 1.0 / a.shape[1])
    return weights / total


def nelder_mead(f: Callable[[np.ndarray], float], x0: np.ndarray, max_iter: int = 5000, x_tol: float = 1e-8,
                f_tol: float = 1e-10, max_evals: int | None = None) -> tuple[np.ndarray, float, int]:
    """Minimise f by the Nelder–Mead simplex search (deterministic; starting simplex as in scipy:
    each coordinate in turn moved by 5%, or to 0.00025 if it is zero). Stops when the simplex is within
    the tolerances, or after ``max_iter`` iterations or ``max_evals`` evaluations of f (default, as scipy's:
    200 per dimension), whichever comes first. Returns (x, f(x), iterations)."""
    x0 = np.asarray(x0, dtype=float)
    n = len(x0)
    budget = [max_evals or 200 * n]
    inner = f

    def f(x):  # noqa: F811 - counts evaluations against the budget
        budget[0] -= 1
        return inner(x)
    points = [x0.copy()]
    for i in range(n):
        p = x0.copy()
        p[i] = p[i] * 1.05 if p[i] != 0 else 0.00025
        points.append(p)
    pts = np.array(points)
    vals = np.array([f(p) for p in pts])
    iteration = 0
    for iteration in range(1, max_iter + 1):
        order = np.argsort(vals, kind="stable")
        pts, vals = pts[order], vals[order]
        if np.max(np.abs(pts[1:] - pts[0])) <= x_tol and np.max(np.abs(vals[1:] - vals[0])) <= f_tol:
            break
        if budget[0] <= 0:
            break
        centroid = pts[:-1].mean(axis=0)
        reflected = centroid + (centroid - pts[-1])
        f_r = f(reflected)
        if f_r < vals[0]:
            expanded = centroid + 2 * (centroid - pts[-1])
            f_e = f(expanded)
            pts[-1], vals[-1] = (expanded, f_e) if f_e < f_r else (reflected, f_r)
            continue
        if f_r < vals[-2]:
            pts[-1], vals[-1] = reflected, f_r
            continue
        if f_r < vals[-1]:
            contracted = centroid + 0.5 * (reflected - centroid)
            f_c = f(contracted)
            if f_c <= f_r:
                pts[-1], vals[-1] = contracted, f_c
                continue
        else:
            contracted = centroid + 0.5 * (pts[-1] - centroid)
            f_c = f(contracted)
            if f_c < vals[-1]:
                pts[-1], vals[-1] = contracted, f_c
                continue
        pts[1:] = pts[0] + 0.5 * (pts[1:] - pts[0])  # shrink towards the best point
        vals[1:] = [f(p) for p in pts[1:]]
    best = int(np.argmin(vals))
    return pts[best], float(vals[best]), iteration


# --------------------------------------------------------------------------------------------------
# Synthetic control on the Basque panel
# --------------------------------------------------------------------------------------------------

# Abadie & Gardeazabal's predictors as specified in Synth's documentation and pysyncon's Basque test:
# (column, years averaged). Schooling and investment 1964–1969; GDP per capita 1960–1969; sector shares
# in the odd years 1961–1969; population density 1969.
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
    return sorted(c for c in wide.columns if c not in (treated, SPAIN))


@dataclass
class SynthResult:
    spec: str
    fit: tuple[int, int]
    weights: pd.Series  # donor → weight, sorted by donor name
    actual: pd.Series
    synthetic: pd.Series
    predictor_weights: pd.Series | None = None
    predictors: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def gap(self) -> pd.Series:
        return self.actual - self.synthetic

    @property
    def gap_percent(self) -> pd.Series:
        return 100 * self.gap / self.synthetic

    def copy(self) -> SynthResult:
        """A copy whose tables a caller may change without changing this one."""
        return replace(self, **{name: value.copy() for name, value in vars(self).items()
                                if isinstance(value, (pd.Series, pd.DataFrame))})

    @property
    def pre_rmse(self) -> float:
        gap = self.gap.loc[self.fit[0]:self.fit[1]]
        return float(np.sqrt((gap ** 2).mean()))

    def top(self, k: int = 4, floor: float = 0.0005) -> pd.Series:
        shown = self.weights[self.weights >= floor]
        return shown.sort_values(ascending=False, kind="stable").head(k)

    def weights_text(self) -> str:
        return ", ".join(f"{name} {value:.3f}" for name, value in self.top().items())


def _donor_list(wide: pd.DataFrame, donors, treated: str) -> list[str]:
    donors = default_donors(wide, treated) if donors is None else list(donors)
    if len(donors) < 2:
        raise InputProblem("The donor pool needs at least two regions.")
    for name in donors:
        _region(wide, name, "Donor region")
    if treated in donors:
        raise InputProblem("The treated region cannot be in its own donor pool.")
    return sorted(set(donors))


def _fit_years(wide: pd.DataFrame, fit: object, last_pre: int) -> tuple[int, int]:
    if not isinstance(fit, (tuple, list)) or len(fit) != 2:
        raise InputProblem("The fit period must be two years: (first, last).")
    start, end = _year(fit[0], "Fit period (from)"), _year(fit[1], "Fit period (to)")
    first = int(wide.index.min())
    if start < first or end > last_pre:
        raise InputProblem(f"The fit period must lie inside the pre-treatment years {first}–{last_pre}.")
    if end - start + 1 < MIN_PRE_YEARS:
        raise InputProblem(f"The fit period {start}–{end} is too short: use at least {MIN_PRE_YEARS} pre-treatment "
                           "years.")
    return start, end


def synth_outcome(wide: pd.DataFrame, fit: tuple[int, int] = (1955, 1969), donors=None, treated: str = TREATED,
                  treatment_year: int = 1970) -> SynthResult:
    """Simplest synthetic control: weights that make the weighted donors' outcome path match the treated
    unit's in the fit years."""
    treated = _region(wide, treated, "Treated region")
    donors = _donor_list(wide, donors, treated)
    start, end = _fit_years(wide, fit, treatment_year - 1)
    pre = wide.loc[start:end]
    weights = simplex_weights(pre[donors].to_numpy(), pre[treated].to_numpy())
    weights = pd.Series(weights, index=donors, name="weight")
    return SynthResult("outcome path only", (start, end), weights, wide[treated],
                       wide[donors] @ weights)


def predictor_table(panel: pd.DataFrame, predictors=STANDARD_PREDICTORS) -> pd.DataFrame:
    """Predictors × regions: each predictor averaged over its years (missing values skipped)."""
    columns = {}
    for column, years in predictors:
        chosen = panel[panel["year"].isin(years)]
        label = f"{column} ({years[0]}–{years[-1]})" if len(years) > 1 else f"{column} ({years[0]})"
        columns[label] = chosen.groupby("region", sort=False)[column].mean()
    table = pd.DataFrame(columns).T
    return table[list(dict.fromkeys(panel["region"]))].astype(float)


def synth_standard(panel: pd.DataFrame, fit: tuple[int, int] = STANDARD_FIT, donors=None,
                   treated: str = TREATED, treatment_year: int = 1970,
                   prepared: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                   start_v: pd.Series | None = None) -> SynthResult:
    """Abadie & Gardeazabal's specification: match the predictors, each scaled by its standard deviation
    across all regions of the panel and weighted by V; V is chosen (Nelder–Mead from equal weights, or from
    ``start_v``) so that the resulting synthetic region fits the outcome best over the fit years.
    ``prepared``: the panel's ``outcome_wide`` and ``predictor_table``, if already made (a widget makes them
    once). The loss is nearly flat in V, so the search stops in a nearby low point: started from the V of a
    fit with every donor, a fit without a donor of weight 0 keeps that fit's weights, as it should."""
    wide, table = prepared if prepared is not None else (outcome_wide(panel), predictor_table(panel))
    treated = _region(wide, treated, "Treated region")
    donors = _donor_list(wide, donors, treated)
    start, end = _fit_years(wide, fit, treatment_year - 1)
    scaled = table.div(table.std(axis=1, ddof=1), axis=0)
    x1, x0 = scaled[treated].to_numpy(), scaled[donors].to_numpy()
    z1, z0 = wide.loc[start:end, treated].to_numpy(), wide.loc[start:end, donors].to_numpy()

    _matrix(x0, "The donor predictors", 2), _matrix(x1, "The treated region's predictors", 1)
    k = len(table)
    if start_v is None:
        x_start = np.full(k, 1.0 / k)
    else:
        x_start = np.abs(pd.Series(start_v, dtype=float).reindex(table.index).to_numpy())
        if not (np.isfinite(x_start).all() and x_start.sum() > 0):
            raise InputProblem("The starting V needs a finite, non-negative weight for every predictor.")
        x_start = x_start / x_start.sum()
    key = (frame_fingerprint(wide), frame_fingerprint(table), treated, tuple(donors), start, end, x_start.tobytes())
    if key in _STANDARD_FITS:
        return _STANDARD_FITS[key].copy()
    support = [None]  # the donors with weight at the last V tried: a warm start for the next (see nnls)

    def weights_for(v: np.ndarray) -> np.ndarray:
        v = np.abs(v)
        root = np.sqrt(v / v.sum())
        weights = _simplex_solve(root[:, None] * x0, root * x1, start=support[0])
        support[0] = weights > 0
        return weights

    def loss(v: np.ndarray) -> float:
        if not np.abs(v).sum() > 0:
            return math.inf
        return float(np.mean((z1 - z0 @ weights_for(v)) ** 2))

    # Tolerances as loose as leave the weights unchanged to 3 decimals on the standard fit; the evaluation
    # cap (half scipy's default; the standard fit needs about a third of it) stops the search on short fit periods, where the loss is nearly flat in V and
    # the simplex would otherwise wander for seconds (the weights there are settled long before).
    # A search started from a fitted V (start_v) ends sooner: x_tol 1e-3 there left every weight unchanged to
    # 4 decimals in the fits tried (leaving out each of 5 donors; 5 other fit periods).
    best, _, _ = nelder_mead(loss, x_start, x_tol=1e-4 if start_v is None else 1e-3, f_tol=1e-8, max_evals=100 * k)
    v = np.abs(best) / np.abs(best).sum()
    weights = pd.Series(weights_for(best), index=donors, name="weight")
    result = SynthResult("predictors, V chosen to fit the outcome", (start, end), weights, wide[treated],
                         wide[donors] @ weights, pd.Series(v, index=table.index, name="V"), table)
    _STANDARD_FITS[key] = result.copy()
    while len(_STANDARD_FITS) > RECENT_STANDARD_FITS:
        _STANDARD_FITS.pop(next(iter(_STANDARD_FITS)))
    return result


# The standard fit runs an optimisation (0.1–1 s) and is a pure function of its inputs: a notebook's own fit
# and an explorer's first one are the same fit, made once.
RECENT_STANDARD_FITS = 8
_STANDARD_FITS: dict[tuple, SynthResult] = {}



def weights_comparison(results: dict[str, SynthResult], reference: pd.Series) -> pd.DataFrame:
    """Donor weights side by side (rows with any weight ≥ 0.0005), with the published reference."""
    table = pd.DataFrame({name: r.weights for name, r in results.items()}).fillna(0.0)
    ref = pd.Series({donor: value for key, value in reference.items() for donor in table.index
                     if donor.startswith(key)}, dtype=float)
    table["published (reference)"] = ref.reindex(table.index).fillna(0.0)
    keep = (table >= 0.0005).any(axis=1)
    return table[keep].sort_index()


class SynthExplorer(Explorer):
    """Choose the specification, the fit years and a donor to leave out → weights, synthetic vs actual, gap."""

    SPECS = ["predictors (standard)", "outcome path only"]

    def __init__(self, panel: pd.DataFrame, treatment_year: int = 1970):
        super().__init__()
        self.data = panel
        self.wide = outcome_wide(panel)
        self.treatment_year = treatment_year
        first = int(self.wide.index.min())
        self.spec = w.ToggleButtons(options=self.SPECS, value=self.SPECS[0], description="Specification",
                                    style=LABEL_STYLE)
        self.leave_out = w.Dropdown(options=["(none)", *default_donors(self.wide)], value="(none)",
                                    description="Leave out donor", style=LABEL_STYLE)
        self.fit = TwinRange("Fit years", minimum=first, maximum=treatment_year - 1, value=STANDARD_FIT,
                             messages=self.messages)
        self.weights_html = w.HTML()
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
        self.fits: dict[tuple, SynthResult] = {}  # recent fits: going back to a setting is instant
        self.prepared = (self.wide, predictor_table(panel))
        self.chart = finish(self.fig, self.ax, title="Synthetic control: GDP per capita", xlabel="Year",
                            ylabel="thousand 1986 USD", resources=["basque_panel"],
                            alt="(set on update)")
        self.watch(self.spec, self.leave_out, self.fit)
        self.update()
        self.panel = Panel(
            [self.spec, self.leave_out, self.fit.box, self.messages.widget, self.weights_html, self.result,
             self.output],
            summary="synthetic-control explorer (specification, donor left out, fit years) on the Basque panel",
        )

    def donors(self) -> list[str]:
        return [d for d in default_donors(self.wide) if d != self.leave_out.value]

    RECENT_FITS = 32

    def fitted(self, leave_out: str | None = None) -> SynthResult:
        """The fit for the current settings (or with ``leave_out`` instead of the chosen donor left out); a
        fit made in the last RECENT_FITS settings is reused (a fit is a pure function of the settings, and
        the standard one runs an optimisation of 0.1–1 s)."""
        left = self.leave_out.value if leave_out is None else leave_out
        key = (self.spec.value, tuple(self.fit.value), left)
        if key not in self.fits:
            donors = [d for d in default_donors(self.wide) if d != left]
            if self.spec.value == self.SPECS[0]:
                result = synth_standard(self.data, self.fit.value, donors, treatment_year=self.treatment_year,
                                        prepared=self.prepared, start_v=self._start_v(left))
            else:
                result = synth_outcome(self.wide, self.fit.value, donors, treatment_year=self.treatment_year)
            self.fits[key] = result
            while len(self.fits) > self.RECENT_FITS:
                self.fits.pop(next(iter(self.fits)))
        return self.fits[key]

    def _start_v(self, left: str) -> pd.Series | None:
        """Where the search for V starts. The standard fit (1960–1969, every donor) starts from equal weights and
        reproduces the published weights. Without a donor, the search starts from the V chosen with every donor
        (same fit years), so that leaving out a donor of weight 0 changes nothing, as ``left_out_note`` says;
        with other fit years, from the standard fit's V. The loss is nearly flat in V: from there the search
        ends 2–5 times sooner, at a fit as good or better in every period tried (tests/test_evaluation.py)."""
        if left != "(none)":
            return self.fitted("(none)").predictor_weights
        if tuple(self.fit.value) == STANDARD_FIT:
            return None
        try:
            standard = synth_standard(self.data, STANDARD_FIT, default_donors(self.wide),
                                      treatment_year=self.treatment_year, prepared=self.prepared)
        except InputProblem:  # the standard years do not fit this treatment year: start from equal weights
            return None
        return standard.predictor_weights

    def left_out_note(self) -> str:
        """What leaving the chosen donor out does, against the fit with every donor (same settings)."""
        left = self.leave_out.value
        if left == "(none)":
            return ""
        weight = float(self.fitted("(none)").weights.get(left, 0.0))
        if weight < 0.0005:
            return (f"{left} has weight 0 in the fit with every donor, so leaving it out changes nothing: "
                    "try a donor with weight, such as the top one in the table.")
        return (f"{left} has weight {weight:.3f} in the fit with every donor; without it, that weight moves to "
                "other donors.")

    def compute(self) -> SynthResult:
        return self.fitted()

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
        late = result.gap_percent.loc[1980:1997]
        note = self.left_out_note()
        self.result.value = (
            f"<b>{escape(result.spec)}, fit {result.fit[0]}–{result.fit[1]}:</b> pre-period fit error (RMSE) "
            f"{result.pre_rmse:.3f} thousand USD; average gap 1980–1997 {late.mean():+.1f}% of the synthetic "
            f"region." + (f"<br><i>{escape(note)}</i>" if note else ""))
        self.chart.alt = (
            f"GDP per capita 1955–1997, thousand 1986 USD: the Basque Country and its synthetic control "
            f"({result.spec}; weights {result.weights_text()}). Fit years {result.fit[0]}–{result.fit[1]} shaded; "
            f"dotted line before {self.treatment_year}. Average gap 1980–1997: {late.mean():+.1f}%.")
