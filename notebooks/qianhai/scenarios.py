"""Notebook 08: the expanded zone's GDP as reported, constant-growth scenarios (a teaching model, never a forecast),
the evidence for each "golden decade" aim, and the final claims ledger."""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as w
import pandas as pd
from matplotlib.ticker import MaxNLocator

from qianhai.charts import PALETTE, finish, new_figure, nice_ceiling
from qianhai.display import UNIT_WORDS, Note, escape, markdown_text, message_html
from qianhai.data import source_ids
from qianhai.growth import cagr
from qianhai.inputs import InputProblem, fraction_slip_note, need_table, parse_number, parse_year
from qianhai.ledger import VERDICTS
from qianhai.widgets import LABEL_STYLE, Explorer, Panel, TwinSlider

UNIT = "bn yuan, current prices as reported"
HORIZONS = (2030, 2035)
FULL_YEAR = "full_year"
PERIOD_WORDS = {"full_year": "full year", "H1": "first half only (Jan–Jun)",
                "Q1_Q3": "first three quarters only (Jan–Sep)"}
PARTIAL_WORDS = {"H1": "first-half (Jan–Jun)", "Q1_Q3": "first-three-quarters (Jan–Sep)"}
ON_PATH = 0.005  # a reported figure less than 0.5% from the path counts as on it (the slider moves in 0.1-point steps)
EXPANDED = "expanded_zone_120_56"  # qianhai_targets.scope_code of the 120.56 km² zone


GDP_COLUMNS = ["growth_pct", "period", "value", "year"]


# --- the reported figures -------------------------------------------------------------------------

def full_year_series(gdp: pd.DataFrame) -> pd.Series:
    """The full-year figures only, indexed by year: the only ones comparable across years."""
    need_table(gdp, "qianhai_expanded_gdp", GDP_COLUMNS)
    rows = gdp[gdp["period"] == FULL_YEAR]
    series = pd.Series(rows["value"].astype(float).to_numpy(), index=[int(y) for y in rows["year"]], name="gdp")
    return series.sort_index()


def comparability_table(gdp: pd.DataFrame) -> pd.DataFrame:
    """Every reported figure with its period, and whether it is a yearly level (only a full year is)."""
    need_table(gdp, "qianhai_expanded_gdp", GDP_COLUMNS)
    rows = gdp.sort_values(["year", "period"])
    return pd.DataFrame({
        "year": rows["year"].astype(int), "period covered": rows["period"].map(PERIOD_WORDS).fillna(rows["period"]),
        f"GDP ({UNIT})": rows["value"].astype(float), "reported growth (% y/y)": rows["growth_pct"].astype(float),
        "a yearly level?": rows["period"].map({FULL_YEAR: "yes: a full year"}).fillna("no: part of a year"),
        "level source": rows["source_id"].astype(str),  # the GDP level's; the growth rate has its own source
        "second source": [", ".join(source_ids(cell)) or "none" for cell in rows["second_source_id"]],  # the level's
    }).set_index("year")


def full_year_figure(gdp: pd.DataFrame, year: object, label: str = "Base year") -> float:
    """The full-year GDP of one year, or a message saying what the data have for that year instead."""
    series = full_year_series(gdp)
    chosen = parse_year(year, label)
    if chosen in series.index:
        return float(series[chosen])
    have = f"Years with a full-year figure: {', '.join(str(y) for y in series.index)}."
    first, last = int(gdp["year"].min()), int(gdp["year"].max())
    if chosen < first:
        raise InputProblem(f"{label}: the expanded zone dates from September {first}; its GDP figures start in "
                           f"{first}. {have}")
    if chosen > last:
        raise InputProblem(f"{label}: the data end in {last}. {have}")
    partial = gdp[gdp["year"] == chosen]
    if partial.empty:
        raise InputProblem(f"{label}: no GDP figure at all was found for {chosen} (a gap, left as a gap). {have}")
    r = partial.iloc[0]
    raise InputProblem(f"{label}: {chosen} has only a {PARTIAL_WORDS.get(r['period'], r['period'])} figure "
                       f"({r['value']:,.2f} bn yuan), which is not comparable with full years. {have}")


@dataclass(frozen=True)
class ImpliedGrowth:
    start: int
    end: int
    start_value: float
    end_value: float

    @property
    def years(self) -> int:
        return self.end - self.start

    @property
    def ratio(self) -> float:
        return self.end_value / self.start_value

    @property
    def rate(self) -> float:
        return cagr(self.start_value, self.end_value, self.years)

    def sentence(self) -> str:
        return (f"{self.start} → {self.end}: {self.start_value:,.2f} → {self.end_value:,.2f} bn yuan, "
                f"{self.ratio:.3f} times; implied growth ({self.ratio:.4f}) ** (1/{self.years}) − 1 = "
                f"{self.rate:.1%} a year.")


def implied_growth(gdp: pd.DataFrame, start: object, end: object) -> ImpliedGrowth:
    """The constant yearly rate that takes one reported full-year level to another."""
    first, last = parse_year(start, "First year"), parse_year(end, "Last year")
    if first >= last:
        raise InputProblem(f"The first year ({first}) must come before the last ({last}).")
    return ImpliedGrowth(first, last, full_year_figure(gdp, first, "First year"),
                         full_year_figure(gdp, last, "Last year"))


# --- the teaching model: constant growth ------------------------------------------------------------

def _rate(rate_pct: object) -> float:
    rate = parse_number(rate_pct, label="Growth rate", unit="% a year")
    if rate <= -100:
        raise InputProblem(f"Growth rate: {rate:g}% a year would wipe out the whole economy (or more) every "
                           "year. Type a rate above -100% a year.")
    return float(rate)


def _grow(base: float, rate: float, years: int) -> float:
    try:
        value = base * (1 + rate / 100) ** years
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise InputProblem("The projection is too large to compute; choose a smaller growth rate.")
    return value


def project(base_value: object, rate_pct: object, years: object) -> float:
    """base × (1 + rate/100) ** years; a rate between 0 and 1 (often a fraction typed for a percent) gets a note."""
    base = parse_number(base_value, label="Base value", unit="bn yuan")
    if base <= 0:
        raise InputProblem(f"Base value: {base:g} bn yuan; a GDP level to grow from must be above zero.")
    rate = _rate(rate_pct)
    value = _grow(base, rate, parse_number(years, label="Years ahead", minimum=0, maximum=200, integer=True))
    slip = fraction_slip_note({"The growth rate": rate}, per=" a year", also=" (in code, multiply a fraction by 100)")
    if slip:
        print(f"Note: {slip}")
    return value


@dataclass(frozen=True)
class Comparison:
    year: int
    reported: float
    path: float

    @property
    def gap(self) -> float:
        return self.reported / self.path - 1

    def sentence(self) -> str:
        if abs(self.gap) < ON_PATH:
            where = f"on this path (less than {ON_PATH:.1%} from it)"
        else:  # two decimals: a gap of 0.51% must not read as the "0.5%" that counts as on the path
            where = f"{abs(self.gap):.2%} {'above' if self.gap > 0 else 'below'} this path"
        return (f"The reported {self.year} figure ({self.reported:,.2f}) is {where} "
                f"(path: {self.path:,.2f} bn yuan).")


@dataclass(frozen=True)
class Scenario:
    base_year: int
    base_value: float
    rate_pct: float
    path: dict[int, float]  # year → level
    comparisons: list[Comparison]

    def at(self, year: int) -> float:
        return self.path[year]

    def lines(self) -> list[str]:
        """What the scenario says; the rates that pass through each figure are not stated: the student finds them."""
        out = [f"A scenario, not a forecast. Base {self.base_year}: {self.base_value:,.2f} bn yuan (full year). "
               f"At {self.rate_pct:g}% a year: " + "; ".join(f"{y} → {self.at(y):,.1f}" for y in HORIZONS)
               + " bn yuan."]
        out += [c.sentence() for c in self.comparisons]
        if not self.comparisons:
            out.append(f"No full-year figure after {self.base_year} is reported yet: nothing to check the path "
                       "against.")
        return out


def scenario(gdp: pd.DataFrame, base_year: object, rate_pct: object, to_year: int = HORIZONS[-1]) -> Scenario:
    """Constant growth from a reported full-year base to ``to_year``, checked against later reported years."""
    base = full_year_figure(gdp, base_year)
    year0, rate = parse_year(base_year, "Base year"), _rate(rate_pct)
    path = {year: _grow(base, rate, year - year0) for year in range(year0, to_year + 1)}
    reported = full_year_series(gdp)
    comparisons = [Comparison(int(y), float(v), path[y]) for y, v in reported.items() if year0 < y <= to_year]
    return Scenario(year0, base, rate, path, comparisons)


# --- official targets ---------------------------------------------------------------------------------

def gdp_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Numeric output targets (bn yuan) for the expanded zone: the only kind that could sit on the chart."""
    need_table(targets, "qianhai_targets", sorted({"target_id", "kind", "target_year", "target_value", "unit",
                                                   "scope_code", "target_text"}))
    chosen = targets[(targets["kind"] == "target") & (targets["scope_code"] == EXPANDED)
                     & (targets["unit"] == "bn yuan") & targets[["target_value", "target_year"]].notna().all(axis=1)]
    return chosen.sort_values("target_year")


def target_note(targets: pd.DataFrame) -> str:
    """One sentence on what the course data hold as a GDP target for 2030 and 2035."""
    found = gdp_targets(targets)
    if not found.empty:
        return "Official numeric targets for the expanded zone: " + "; ".join(
            f"{int(r.target_year)}: {r.target_value:,.1f} bn yuan ({r.target_id})" for r in found.itertuples()) + "."
    staged = targets[(targets["scope_code"] == EXPANDED) & (targets["kind"] == "target")]
    words = "; ".join(f"“{t}”" for t in staged["target_text"])
    return ("No numeric GDP target for the expanded zone exists in the course data, for 2030, 2035 or any year. "
            f"What the data hold for this territory: {words}.")


# --- the widget ---------------------------------------------------------------------------------------

def base_year_options(gdp: pd.DataFrame) -> list[tuple[str, int]]:
    """Every year of the data, labelled with what was reported for it (so a gap is visible, not hidden)."""
    need_table(gdp, "qianhai_expanded_gdp", GDP_COLUMNS)
    periods = gdp.groupby("year")["period"].agg(set)
    options = []
    for year in range(int(gdp["year"].min()), int(gdp["year"].max()) + 1):
        found = periods.get(year, set())
        what = "full-year figure" if FULL_YEAR in found else "part of the year only" if found else "no figure found"
        options.append((f"{year} · {what}", year))
    return options


class ScenarioExplorer(Explorer):
    """Base year + growth rate → a path to 2030 and 2035, and where the reported full-year figures fall against it."""

    def __init__(self, gdp: pd.DataFrame, targets: pd.DataFrame, base_year: int, rate_pct: float):
        super().__init__()
        self.gdp = gdp
        self.actual = full_year_series(gdp)
        self.reported = "; ".join(f"{y}: {v:,.2f}" for y, v in self.actual.items())
        self.target_line = w.HTML(escape(target_note(targets)))  # shown once under the chart, not on every move
        numeric = gdp_targets(targets)
        self.highest = max([float(self.actual.max())] + [float(v) for v in numeric["target_value"]])
        self.base = w.Dropdown(options=base_year_options(gdp), value=base_year, description="Base year",
                               style=LABEL_STYLE)
        self.rate = TwinSlider("Growth rate", minimum=-10.0, maximum=30.0, value=rate_pct, step=0.1, integer=False,
                               unit="% a year", messages=self.messages, readout_format=".1f")
        self.fig, self.ax = new_figure(6.4, 3.3)
        self.ax.plot(self.actual.index, self.actual.values, "o", color=PALETTE["black"], markersize=7,
                     label="reported, full year", zorder=3)
        (self.line,) = self.ax.plot([], [], color=PALETTE["blue"], label="scenario path")
        (self.ends,) = self.ax.plot([], [], "s", color=PALETTE["orange"], markersize=7, label="2030 and 2035")
        (self.gaps,) = self.ax.plot([], [], ":", color=PALETTE["vermillion"], linewidth=2,
                                    label="gap: reported vs path")
        if not numeric.empty:
            self.ax.plot(numeric["target_year"].astype(int), numeric["target_value"], "*", markersize=12,
                         color=PALETTE["green"], label="official target")
        self.labels = [self.ax.text(y, 0, "", ha="right", va="bottom") for y in HORIZONS]
        self.ax.set_xlim(int(gdp["year"].min()) - 0.5, HORIZONS[-1] + 0.5)
        self.ax.legend(loc="upper left")
        self.chart = finish(self.fig, self.ax, title="Expanded Qianhai zone: a constant-growth scenario",
                            xlabel="Year", ylabel="GDP, bn yuan (current prices)",
                            resources=["qianhai_expanded_gdp"], alt="(set on update)")
        self.watch(self.base, self.rate)
        self.update()
        self.panel = Panel([self.base, self.rate.box, self.messages.widget, self.result, self.output,
                            self.target_line],
                           summary="growth scenario: pick a base year and a growth rate; see 2030, 2035 and "
                                   "where the reported figures fall")

    def compute(self) -> Scenario:
        return scenario(self.gdp, self.base.value, self.rate.value)

    def draw(self, result: Scenario) -> None:
        self.line.set_data(list(result.path), list(result.path.values()))
        self.ends.set_data(list(HORIZONS), [result.at(y) for y in HORIZONS])
        xs, ys = [], []
        for c in result.comparisons:
            xs += [c.year, c.year, float("nan")]
            ys += [c.path, c.reported, float("nan")]
        self.gaps.set_data(xs, ys)
        for label, year in zip(self.labels, HORIZONS):
            label.set_position((year, result.at(year)))
            label.set_text(f"{result.at(year):,.0f} ")
        self.ax.set_title(f"From {result.base_year} at {result.rate_pct:g}% a year", loc="left")
        self.steady_ylim(max(result.path.values()))

    def describe(self, result: Scenario) -> None:
        self.messages.clear()
        slip = fraction_slip_note({"The growth rate": result.rate_pct}, per=" a year")
        self.result.value = ((message_html(slip, "info") if slip else "")
                             + "<br>".join(escape(line) for line in result.lines()))
        self.chart.alt = (f"Reported full-year GDP of the expanded zone in bn yuan ({self.reported}) as dots, and a "
                          f"line growing at a constant {result.rate_pct:g}% a year from {result.base_year} to "
                          f"{HORIZONS[-1]}. " + " ".join(result.lines()[:1 + len(result.comparisons)]))

    def refuse(self, problem: InputProblem) -> None:
        super().refuse(problem)
        for artist in (self.line, self.ends, self.gaps):
            artist.set_data([], [])
        for label in self.labels:
            label.set_text("")
        self.ax.set_title("Expanded Qianhai zone: no scenario (pick a full-year base)", loc="left")
        self.chart.alt = (f"Reported full-year GDP of the expanded zone in bn yuan ({self.reported}); no scenario "
                          f"path is drawn: {problem}")
        self.steady_ylim(0.0)
        self.show()

    def steady_ylim(self, path_top: float) -> None:
        """A top rounded up from the highest figure, target or path: steady while the slider drags."""
        self.ax.set_ylim(0, nice_ceiling(max(self.highest, path_top) * 1.12))


# --- the golden-decade aims as a reflection framework -----------------------------------------------

# (group, aim, the article's words — Wang Jinxia, section 7, evidence [(resource, code)], what it cannot show)
AIMS = [
    ("five civilizations", "institutional", "institutional civilization",
     [("indicator", "institutional_innovations"), ("indicator", "innovations_promoted_nationwide")],
     "counts from Qianhai's own reporting; they measure activity, not how good or how lasting the reforms are"),
    ("five civilizations", "industrial", "industrial civilization",
     [("indicator", "modern_services_share_of_gdp"), ("indicator", "ifc_financial_institutions_since_2021")],
     "a shift in the mix of output, not its productivity; the share is derived, not published"),
    ("five civilizations", "space", "space civilization",
     [("zone", "qianhai_coop_zone_2010"), ("zone", "qianhai_coop_zone_2021"), ("indicator", "fixed_asset_investment")],
     "more land and more building say nothing yet about how well the space is planned or used"),
    ("five civilizations", "ecological", "ecological civilization", [],
     "anything about the zone's environment: the research behind the course found no source for it"),
    ("five civilizations", "social", "social civilization",
     [("indicator", "hk_macao_professional_categories"), ("indicator", "overseas_professionals_filed")],
     "access for professionals, not residents' living conditions; no social indicator for the zone"),
    ("Greater Bay Area roles", "engine of cooperation", "The engine of regional cooperation",
     [("indicator", "hk_funded_enterprises_existing"), ("indicator", "court_cases_extraterritorial_law")],
     "Hong Kong links inside Qianhai, not Qianhai's effect on the rest of the Bay Area"),
    ("Greater Bay Area roles", "power source of high-quality development",
     "the power source region leading high-quality development", [("indicator", "gdp")],
     "levels and growth rates disagree (section 3); 'high quality' has no measure here"),
    ("Greater Bay Area roles", "gateway hub for globalization", "the gateway hub",
     [("indicator", "local_import_export"), ("indicator", "fdi_actual_used")],
     "trade and foreign investment in yuan, current prices; no comparison with other zones here"),
    ("Greater Bay Area roles", "governance model for global resources", "the governance model",
     [("indicator", "fortune500_invested_enterprises")],
     "a count of firms, not a test of governance; definitions change between counts"),
]


EVIDENCE_COLUMNS = ["group", "aim", "the article's words", "evidence in the course data", "what it cannot tell us"]


def _indicator_text(indicators: pd.DataFrame, code: str) -> list[str]:
    rows = indicators[(indicators["indicator_code"] == code) & (indicators["scope"] == "qianhai_coop_zone_2021")
                      & (indicators["period_type"].isin(["full_year", "point_in_time", "cumulative"]))]
    out = []
    for r in rows.sort_values(["year", "period"]).itertuples():
        unit = UNIT_WORDS.get(r.unit, r.unit)
        qualifier = f"{r.value_qualifier.replace('_', ' ')} " if isinstance(r.value_qualifier, str) else ""
        number = f"{r.value:,.0f}" if float(r.value).is_integer() else f"{r.value:,.2f}"
        if r.period_type == "cumulative" and not pd.isna(r.year_start) and int(r.year_start) < int(r.year):
            when = f"{int(r.year_start)}–{int(r.year)}, cumulative"
        else:
            when = r.period if str(int(r.year)) in str(r.period) else f"{r.period} {int(r.year)}"
        out.append(f"{r.indicator}: {qualifier}{number}{' ' + unit if unit else ''} ({when}; "
                   f"{r.source_id}{', derived' if bool(r.derived) else ''})")
    return out


def evidence_map(indicators: pd.DataFrame, zones: pd.DataFrame) -> pd.DataFrame:
    """For each aim of section 7, what the course data hold (computed from the rows) and what they cannot show."""
    need_table(indicators, "qianhai_indicators", ["indicator_code", "period_type", "scope", "unit", "value"])
    need_table(zones, "qianhai_zones", ["area_km2", "valid_from", "zone_id"])
    rows = []
    for group, aim, phrase, specs, caveat in AIMS:
        found = []
        for kind, key in specs:
            if kind == "indicator":
                found += _indicator_text(indicators, key)
            else:
                found += [f"{r.name}: {r.area_km2:,.2f} km² from {r.valid_from:%Y-%m-%d} ({r.source_id})"
                          for r in zones[zones["zone_id"] == key].itertuples()]
        rows.append((group, aim, phrase, found, caveat))
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def evidence_note(frame: pd.DataFrame) -> Note:
    """The evidence map as a readable table (markdown) with the same words as plain text."""
    md = ["| aim | the article's words | evidence in the course data | what it cannot tell us |",
          "|---|---|---|---|"]
    plain = []
    need_table(frame, "frame", EVIDENCE_COLUMNS, example="evidence_map(indicators, zones)")
    for group, aim, phrase, evidence, caveat in frame[EVIDENCE_COLUMNS].itertuples(index=False):
        shown = "<br>".join(markdown_text(x) for x in evidence) if evidence else "**none: no source found**"
        md.append(f"| **{markdown_text(aim)}** ({markdown_text(group)}) | “{markdown_text(phrase)}” | {shown} | "
                  f"{markdown_text(caveat)} |")
        plain.append(f"{aim} ({group}): " + ("; ".join(evidence) if evidence else "no source found")
                     + f". Cannot tell: {caveat}.")
    return Note("\n".join(md), "\n".join(plain))


# --- the claims ledger at the end of the course ---------------------------------------------------------

CLAIM_COLUMNS = ["claim_id", "claim_type", "notebook", "speaker", "verdict"]


def _verdict_order(verdicts) -> list[str]:
    """The course's verdicts in their order, then any others alphabetically."""
    return [v for v in VERDICTS if v in verdicts] + sorted(v for v in verdicts if v not in VERDICTS)


def ledger_table(claims: pd.DataFrame) -> pd.DataFrame:
    """Every claim with who made it, where it was tested and its verdict, read from the ledger."""
    need_table(claims, "claims", CLAIM_COLUMNS)
    return claims.sort_values("claim_id").set_index("claim_id")[["speaker", "claim_type", "notebook", "verdict"]]


def verdict_counts(claims: pd.DataFrame, by: str = "claim_type") -> pd.DataFrame:
    """Claims counted by ``by`` and verdict, verdict columns in the course's order (only those present)."""
    need_table(claims, "claims", CLAIM_COLUMNS)
    if by not in claims.columns:
        raise InputProblem(f"The ledger has no column {str(by)[:40]!r}; try claim_type, speaker or notebook.")
    table = pd.crosstab(claims[by], claims["verdict"])
    return table[_verdict_order(table.columns)].sort_index()


def verdict_sentence(claims: pd.DataFrame) -> str:
    need_table(claims, "claims", CLAIM_COLUMNS)
    counts = claims["verdict"].value_counts()
    return f"{len(claims)} claims: " + ", ".join(f"{int(counts[v])} {v}" for v in _verdict_order(counts.index)) + "."


def ledger_chart(claims: pd.DataFrame):
    """Stacked bars: verdicts for each kind of claim (factual, evaluative, forward-looking)."""
    table = verdict_counts(claims, "claim_type")
    colours = {"supported": PALETTE["green"], "partly supported": PALETTE["sky"],
               "not verifiable": PALETTE["orange"], "contradicted": PALETTE["vermillion"],
               "not yet examined": "#BBBBBB"}
    fig, ax = new_figure(6.4, 2.9)
    starts = table.cumsum(axis=1) - table
    for verdict in table.columns:
        ax.barh(table.index, table[verdict], left=starts[verdict], label=verdict, color=colours.get(verdict))
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    described = "; ".join(f"{kind}: " + ", ".join(f"{int(n)} {v}" for v, n in row.items() if n)
                          for kind, row in table.iterrows())
    return finish(fig, ax, title="The claims ledger: verdicts by kind of claim", xlabel="number of claims",
                  ylabel="", resources=["claims"],
                  alt=f"Horizontal stacked bars, one per kind of claim. {described}.")
