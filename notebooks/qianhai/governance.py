"""Notebook 06: the statutory body beside an ordinary bureau, and two TEACHING MODELS (not data): credit-based
vs random inspection of seeded synthetic firms (A), and opening a business at sequential counters or at one
window (B). Every parameter is in a model's assumptions table."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import asdict, dataclass
from functools import lru_cache

import ipywidgets as w
import numpy as np
import pandas as pd

from qianhai.charts import PALETTE, finish, new_figure, nice_ceiling
from qianhai.dates import month_end, real_day
# markdown_table: notebook 06 imports it from here
from qianhai.display import cell_text, escape, markdown_table, plural
from qianhai.inputs import InputProblem, by_key, need_kind, need_table, parse_number
from qianhai.widgets import Explorer, Panel, TwinSlider

MODEL_TAG = "Teaching model — not data"
NO_SOURCE = "no source found"


# --- The statutory body, side by side with an ordinary bureau (sourced rows only)

def not_found_dimensions(descriptor: dict) -> list[str]:
    """The dimensions a descriptor's ``vintage`` says were searched for and not found ('Not found: a, b, c.')."""
    need_kind(descriptor, dict, "descriptor", "a descriptor such as resource('statutory_body_facts')")
    match = re.search(r"Not found:\s*([^.]+)\.", cell_text(descriptor.get("vintage")))
    if not match:
        return []
    parts = re.split(r",\s*(?:or\s+|and\s+)?|\s+(?:and|or)\s+", match.group(1))
    return [p.strip() for p in parts if p.strip()]


def date_span(text: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A date written YYYY, YYYY-MM or YYYY-MM-DD as the first and last day it may stand for
    (a year-only date is not silently placed on 1 January)."""
    raw = cell_text(text).strip()
    match = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", raw)
    if not match:
        raise InputProblem(f"Date: {raw[:40]!r} is not written YYYY, YYYY-MM or YYYY-MM-DD.")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first = real_day(year, month or 1, day or 1)
    except ValueError as err:
        raise InputProblem(f"Date: {raw!r} is not a real calendar date: {err}.") from None
    last = first if day else month_end(first) if month else dt.date(year, 12, 31)
    return pd.Timestamp(first), pd.Timestamp(last)


def weekdays_between(first: object, last: object) -> int:
    """Monday-to-Friday days from ``first`` to ``last``, both included (holidays are not in the course data)."""
    start, end = date_span(first)[0], date_span(last)[0]
    if end < start:
        raise InputProblem(f"Dates: {last} comes before {first}.")
    return int(np.busday_count(start.date(), (end + pd.Timedelta(days=1)).date()))


def side_by_side(facts: pd.DataFrame, not_found: list[str] | None = None) -> pd.DataFrame:
    """One row per sourced fact: the Qianhai Authority beside an ordinary bureau, 'no source found' where no source
    speaks (never a guess); ``not_found`` adds the dimensions searched for and not found."""
    needed = {"fact_id", "dimension", "qianhai_authority", "ordinary_bureau", "date", "source_id",
              "second_source_id", "confidence"}
    if not isinstance(facts, pd.DataFrame) or not needed <= set(facts.columns):
        raise InputProblem("side_by_side needs the statutory_body_facts table (load('statutory_body_facts')).")
    text = facts.astype(object).where(facts.notna(), "").astype(str)
    # a dimension sourced in different years gets the year in its label: two rows never read as one said twice
    years = text["date"].str[:4]
    dated = (years.groupby(text["dimension"]).transform("nunique") > 1) & (years != "")
    labels = text["dimension"].str.replace("_", " ").replace("cross border cooperation", "cross-border cooperation")
    table = pd.DataFrame({
        "fact_id": text["fact_id"],
        "dimension": labels.where(~dated, labels + " (" + years + ")"),
        "Qianhai Authority": text["qianhai_authority"].replace("", NO_SOURCE),
        "ordinary government bureau": text["ordinary_bureau"].replace("", NO_SOURCE),
        "date": text["date"],
        "sources": (text["source_id"] + ";" + text["second_source_id"]).map(
            lambda ids: "; ".join(x.strip() for x in ids.split(";") if x.strip())),
        "confidence": text["confidence"],
    })
    gaps = [{"fact_id": f"not_found_{dimension.replace(' ', '_')}", "dimension": dimension,
             "Qianhai Authority": NO_SOURCE, "ordinary government bureau": NO_SOURCE, "date": "",
             "sources": "none (searched, not found)", "confidence": ""} for dimension in not_found or []]
    return pd.DataFrame(table.to_dict("records") + gaps).set_index("fact_id")


def credit_timeline(body: pd.DataFrame, governance: pd.DataFrame, claims_descriptor: dict):
    """The Qianhai Authority's legal milestones beside the national credit-system measures, with the article's
    date (from ``claims_descriptor``, the claims resource)."""
    need_table(body, "statutory_body_facts", ["fact_id", "date"])
    need_table(governance, "governance_facts", ["date"])
    governance = by_key(governance, "fact_id")
    facts = body.set_index("fact_id")
    article_date = pd.Timestamp(next(s["date"] for s in claims_descriptor["sources"] if s["id"] == "ART"))
    # (date, label, offset in points: + above the marker, - below, side of the label's anchor): each lane's labels
    # keep to its side; the credit register's sits higher, tied to its bar by a line, clear of the outline's.
    lanes = {
        "Qianhai Authority\n(legal basis)": [
            (facts.loc["basis_regulations_2011", "date"], "Qianhai Regulations", 8, "left"),
            (facts.loc["basis_order_232", "date"], "Order No. 232:\nstatutory body", -8, "left"),
            (facts.loc["basis_regulations_revised_2020", "date"], "Regulations\nrevised", -8, "left")],
        "national credit\nsystem (official)": [
            (governance.loc["credit_outline_2014", "date"], "State Council\ncredit outline", 8, "left"),
            (governance.loc["credit_necips_2019", "date"], "credit register\nmade a key network", 40, "right"),
            (governance.loc["credit_restoration_2023", "date"], "credit-restoration\nmeasures", 8, "left")],
    }
    fig, ax = new_figure(6.4, 4.0)
    for row, (lane, events) in enumerate(lanes.items()):
        colour = [PALETTE["blue"], PALETTE["orange"]][row]
        for text, label, offset, align in events:
            first, last = date_span(text)
            if first == last:
                ax.plot([first], [row], "o", color=colour, markersize=7)
            else:  # known only to the month or year: draw the whole span, not a made-up day
                ax.plot([first, last], [row, row], color=colour, linewidth=6, solid_capstyle="butt")
            leader = (dict(arrowstyle="-", color=colour, linewidth=0.8, shrinkA=0, shrinkB=4,
                           relpos=(1.0 if align == "right" else 0.0, 0.0)) if abs(offset) > 20 else None)
            ax.annotate(label, xy=(first, row), xytext=(0, offset), textcoords="offset points",
                        ha=align, va="bottom" if offset > 0 else "top", arrowprops=leader)
    ax.axvline(article_date, color=PALETTE["black"], linestyle=":", linewidth=1)
    ax.annotate(" the article", xy=(article_date, 1), xycoords=ax.get_xaxis_transform(), ha="left", va="top")
    ax.set_yticks([0, 1], list(lanes))
    ax.set_ylim(-0.8, 2.5)
    ax.set_xlim(pd.Timestamp(2010, 7, 1), pd.Timestamp(2024, 6, 30))
    events = "; ".join(f"{label} {text}".replace("\n", " ") for lane in lanes.values()
                       for text, label, _, _ in lane)
    return finish(fig, ax, title="Statutory body and credit-system milestones",
                  xlabel="date (bars: known only to the month or year)", ylabel="",
                  resources=["statutory_body_facts", "governance_facts", "claims"],
                  alt=f"Timeline in two lanes, the Qianhai Authority's legal basis and the national credit "
                      f"system: {events}. A dotted line marks the article, {article_date:%d %B %Y}.")


# --- Teaching model A: credit-based vs random inspection

@dataclass(frozen=True)
class InspectionSetup:
    """The model's parameters. Every one is listed in ``assumptions()``."""

    firms: int = 1000
    violator_pct: float = 10.0
    separation: float = 1.5
    seed: int = 6
    budget: int = 100
    targeting_pct: float = 50.0

    def assumptions(self) -> pd.DataFrame:
        rows = [
            ("firms in the zone", f"{self.firms:,}", "firms", "A synthetic population, not Qianhai's firms."),
            ("firms that violate the rules", f"{self.violator_pct:g}", "% of firms",
             "Exactly this share (rounded to whole firms), chosen at random."),
            ("credit score", "luck, minus the separation for a violator", "score points",
             "Luck: a random number for each firm, most often between −1 and +1; a higher score means a better "
             "record."),
            ("score separation", f"{self.separation:g}", "score points (SD)",
             "How far violators' scores sit below compliant firms' on average; 0 = the score is pure noise."),
            ("inspection budget", f"{self.budget:,}", "inspections per period",
             "Slider; each firm is inspected at most once."),
            ("share targeted by credit score", f"{self.targeting_pct:g}", "% of the budget",
             "Slider; these go to the lowest scores first, the rest to firms drawn at random from those left."),
            ("detection", "certain", "", "An inspection of a violator always finds the violation."),
            ("behaviour", "fixed", "", "Firms do not react to being scored or inspected (no deterrence, "
                                       "no gaming of the score)."),
            ("random seed", f"{self.seed}", "", "numpy.random.default_rng(seed): same seed, same firms."),
        ]
        return pd.DataFrame(rows, columns=["assumption", "value", "unit", "meaning"]).set_index("assumption")


@dataclass(frozen=True)
class FirmPopulation:
    """A seeded synthetic population."""

    violates: np.ndarray      # bool, one per firm
    score: np.ndarray         # credit score: higher = better record
    risk_order: np.ndarray    # firm indices, lowest score first (ties by index)
    random_order: np.ndarray  # one seeded random order of all firms, used for random inspections
    separation: float
    seed: int

    @property
    def firms(self) -> int:
        return int(self.violates.size)

    @property
    def violators(self) -> int:
        return int(self.violates.sum())


def make_firms(firms: object = 1000, violator_pct: object = 10, separation: object = 1.5,
               seed: object = 6) -> FirmPopulation:
    """Draw the firms: which violate, their credit scores, the credit ranking and one random order."""
    firms, violator_pct, separation = _population_inputs(firms, violator_pct, separation)
    seed = _seed(seed)
    violates, noise, random_order = _random_draws(firms, violator_pct, seed)
    score = noise - separation * violates
    return FirmPopulation(violates, score, np.argsort(score, kind="stable"), random_order, separation, seed)


def _population_inputs(firms: object, violator_pct: object, separation: object) -> tuple[int, float, float]:
    firms = parse_number(firms, label="Number of firms", minimum=10, maximum=100_000, integer=True, unit="firms")
    violator_pct = parse_number(violator_pct, label="Share of firms that violate", minimum=0, maximum=100, unit="%")
    separation = parse_number(separation, label="Score separation", minimum=0, maximum=10, unit="SD")
    return int(firms), float(violator_pct), float(separation)


def _seed(raw: object) -> int:
    return int(parse_number(raw, label="Random seed", minimum=0, maximum=2**32 - 1, integer=True))


@lru_cache(maxsize=256)
def _random_draws(firms: int, violator_pct: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seeded draws (who violates, score noise, random order), cached: a new separation reuses them."""
    rng = np.random.default_rng(seed)
    violates = np.zeros(firms, dtype=bool)
    violates[rng.permutation(firms)[:math.floor(violator_pct * firms / 100 + 0.5)]] = True
    draws = violates, rng.standard_normal(firms), rng.permutation(firms)
    for array in draws:
        array.setflags(write=False)
    return draws


def targeted_count(budget: int, targeting_pct: float) -> int:
    """Inspections given to the worst credit scores: targeting share × budget, rounded half up."""
    budget = parse_number(budget, label="Inspection budget", minimum=1, integer=True, unit="inspections")
    return _targeted(budget, _share(targeting_pct))


def _targeted(budget: int, targeting_pct: float) -> int:  # for callers that have checked both already
    return min(budget, math.floor(targeting_pct * budget / 100 + 0.5))


def _share(raw: object) -> float:
    return float(parse_number(raw, label="Share targeted by credit score", minimum=0, maximum=100, unit="%"))


def _budget(population: object, budget: object) -> int:
    """A population from make_firms and a budget of 1 to all its firms, checked where a student passes them."""
    need_kind(population, FirmPopulation, "population", "firms made by make_firms(...)")
    return parse_number(budget, label="Inspection budget", minimum=1, maximum=population.firms, integer=True,
                        unit="inspections")


def inspected_firms(population: FirmPopulation, budget: int, targeted: int) -> np.ndarray:
    """The firms inspected: the ``targeted`` lowest scores, then the first firms of the seeded random
    order among those not already chosen, until ``budget`` firms are inspected. Sorted indices."""
    budget = _budget(population, budget)
    targeted = parse_number(targeted, label="Firms targeted", minimum=0, maximum=budget, integer=True, unit="firms")
    return _inspected(population, budget, targeted)


def _inspected(population: FirmPopulation, budget: int, targeted: int) -> np.ndarray:  # for checked arguments
    top = population.risk_order[:targeted]
    chosen = np.zeros(population.firms, dtype=bool)
    chosen[top] = True
    rest = population.random_order[~chosen[population.random_order]][: budget - targeted]
    return np.sort(np.concatenate([top, rest]))


@dataclass(frozen=True)
class InspectionResult:
    firms: int
    violators: int
    budget: int
    targeting_pct: float
    targeted: int
    found: int
    compliant_inspected: int  # inspections that found nothing: the burden on compliant firms
    separation: float
    seed: int

    def sentence(self) -> str:
        missed, burden, compliant = self.violators - self.found, self.compliant_inspected, self.firms - self.violators
        detection = (f" ({self.found / self.violators:.0%} of the {plural(self.violators, 'violator')})"
                     if self.violators else "")
        share = f", {burden / compliant:.1%} of all compliant firms" if compliant else ""
        return (f"Model output: {plural(self.budget, 'inspection')}, {self.targeted:,} targeted by credit score and "
                f"{self.budget - self.targeted:,} at random, find{'s' if self.budget == 1 else ''} "
                f"{plural(self.found, 'violation')}{detection}; {plural(missed, 'violation')} "
                f"{'is' if missed == 1 else 'are'} missed. {plural(burden, 'inspection')} "
                f"{'falls' if burden == 1 else 'fall'} on compliant firms{share}. Purely random inspection would find "
                f"{self.budget * self.violators / self.firms:.1f} on average.")


def inspect(population: FirmPopulation, budget: object, targeting_pct: object) -> InspectionResult:
    """Run one period of inspections on a population."""
    budget, targeting_pct = _budget(population, budget), _share(targeting_pct)
    targeted = _targeted(budget, targeting_pct)
    found = int(population.violates[_inspected(population, budget, targeted)].sum())
    return InspectionResult(population.firms, population.violators, budget, targeting_pct, targeted, found,
                            budget - found, population.separation, population.seed)


def simulate_inspections(budget: object = 100, targeting_pct: object = 50, *, firms: object = 1000,
                         violator_pct: object = 10, separation: object = 1.5, seed: object = 6) -> InspectionResult:
    """Make the seeded firms and inspect them: the model in one call."""
    return inspect(make_firms(firms, violator_pct, separation, seed), budget, targeting_pct)


def targeting_curve(population: FirmPopulation, budget: object, shares=range(0, 101, 10)) -> pd.DataFrame:
    """Found and compliant-inspected counts at each targeting share, for one population and budget."""
    if len(shares) == 0:
        raise InputProblem("Give at least one targeting share, e.g. range(0, 101, 10).")
    results = pd.DataFrame([asdict(inspect(population, budget, share)) for share in shares])
    return results.set_index("targeting_pct")[["targeted", "found", "compliant_inspected"]]


def average_targeting_curve(budget: object, shares=range(0, 101, 10), *, firms: object = 1000,
                            violator_pct: object = 10, separation: object = 1.5,
                            seeds=range(100)) -> pd.Series:
    """Violations found at each targeting share, averaged over seeded populations; within each, the b − t random
    inspections find (b − t) × (violators − H) / (firms − t) on average (H: violators among the t targeted)."""
    seeds = tuple(seeds)
    shares = [_share(s) for s in shares]
    if not seeds:
        raise InputProblem("Give at least one seed to average over.")
    firms, violator_pct, separation = _population_inputs(firms, violator_pct, separation)
    b = parse_number(budget, label="Inspection budget", minimum=1, maximum=firms, integer=True, unit="inspections")
    caught_by_rank, violators = _caught_by_rank(firms, violator_pct, separation, tuple(_seed(s) for s in seeds))
    targeted = np.array([_targeted(b, s) for s in shares])
    caught = caught_by_rank[:, targeted]
    left = firms - targeted
    found = np.where(left == 0, caught, caught + (b - targeted) * (violators - caught) / np.maximum(left, 1))
    return pd.Series(found.mean(axis=0), index=pd.Index(shares, name="targeting_pct"), name="average found")


@lru_cache(maxsize=32)
def _caught_by_rank(firms: int, violator_pct: float, separation: float, seeds: tuple[int, ...]):
    """Per seed (a row each): violators among the first k of the credit ranking, k = 0 to all; and its violators."""
    draws = [_random_draws(firms, violator_pct, seed) for seed in seeds]
    violates, noise = np.stack([d[0] for d in draws]), np.stack([d[1] for d in draws])
    ranked = np.take_along_axis(violates, np.argsort(noise - separation * violates, axis=1, kind="stable"), axis=1)
    # 32-bit counts keep each cached entry (seeds × firms) half the size of floats
    caught = np.concatenate([np.zeros((len(seeds), 1), dtype=np.int32), np.cumsum(ranked, axis=1, dtype=np.int32)],
                            axis=1)
    return caught, violates.sum(axis=1, keepdims=True)


def budget_chart(population: FirmPopulation, budget: int):
    """Violations found as the budget grows, all random vs all targeted vs a perfect credit list; prints how many
    inspections each needs to find half the violators."""
    budget = _budget(population, budget)
    budgets = pd.RangeIndex(1, population.firms + 1, name="budget")
    # all random inspects the first b firms of the random order; all targeted the b lowest scores
    random_only = pd.Series(np.cumsum(population.violates[population.random_order]), index=budgets)
    targeted_only = pd.Series(np.cumsum(population.violates[population.risk_order]), index=budgets)
    perfect = np.minimum(budgets, population.violators)
    fig, ax = new_figure()
    ax.plot(budgets, perfect, linestyle=":", color=PALETTE["black"], linewidth=1.5, label="perfect credit list")
    ax.plot(budgets, targeted_only.values, color=PALETTE["green"], label="all targeted by credit score")
    ax.plot(budgets, random_only.values, color=PALETTE["orange"], label="all at random")
    ax.legend(loc="lower right")
    half = population.violators // 2
    need_targeted, need_random = int((targeted_only >= half).idxmax()), int((random_only >= half).idxmax())
    chart = finish(
        fig, ax, title=f"{MODEL_TAG}\nviolations found as the budget grows", model=True,
        xlabel="inspection budget (inspections per period)", ylabel="violations found (count)",
        alt=f"{MODEL_TAG}. {population.firms:,} synthetic firms, {population.violators} violators. Violations "
            f"found rise with the budget for both strategies. Targeting by credit score finds "
            f"{targeted_only[budget]} with {budget} inspections, random inspection {random_only[budget]}. "
            f"Targeting needs {need_targeted} inspections to find half the violators, random inspection "
            f"{need_random}. A perfect list would find all {population.violators} with {population.violators} "
            f"inspections. All lines meet at {population.violators} when every firm is inspected.")
    on_average = half * population.firms / population.violators  # the benchmark formula, solved for the budget
    print(f"To find half the violators ({half}): {need_targeted} targeted inspections, {need_random} random ones "
          f"for this seed (on average, {on_average:,.0f} random inspections find {half}: the benchmark formula).")
    return chart


SHARES = tuple(range(0, 101, 5))  # the explorer's targeting shares, %


@lru_cache(maxsize=64)
def _inspection_curves(setup: InspectionSetup, budget: int, separation: float, average_over: int):
    """The explorer's lines: found and compliant firms inspected at each share (this seed), and found on average."""
    population = make_firms(setup.firms, setup.violator_pct, separation, setup.seed)
    curve = targeting_curve(population, budget, SHARES)
    average = average_targeting_curve(budget, SHARES, firms=setup.firms, violator_pct=setup.violator_pct,
                                      separation=separation, seeds=range(average_over))
    return curve["found"].to_numpy(), curve["compliant_inspected"].to_numpy(), average.to_numpy()


class InspectionExplorer(Explorer):
    """Budget, targeting share and score separation → violations found and compliant firms inspected, with a chart
    of both against the targeting share."""

    def __init__(self, setup: InspectionSetup = InspectionSetup(), average_over: int = 100):
        need_kind(setup, InspectionSetup, "setup", "a setup such as InspectionSetup()")
        super().__init__()
        self.setup = setup
        self.average_over = average_over
        # from 10 in steps of 10 the slider stops on round budgets (100, 900); from 1 it stopped on 91, 101, ...
        self.budget = TwinSlider("Inspection budget", minimum=10, maximum=setup.firms, value=setup.budget, step=10,
                                 unit="inspections", messages=self.messages)
        self.targeting = TwinSlider("Share targeted by credit score", minimum=0, maximum=100,
                                    value=int(setup.targeting_pct), step=5, unit="% of budget",
                                    messages=self.messages)
        self.separation = TwinSlider("Score separation", minimum=0, maximum=4, value=setup.separation, step=0.25,
                                     integer=False, unit="SD", messages=self.messages)
        self.fig, self.ax = new_figure(6.4, 3.6)
        (self.found_line,) = self.ax.plot([], [], marker="o", markersize=3, color=PALETTE["green"],
                                          label="violations found\n(this seed)")
        (self.average_line,) = self.ax.plot([], [], linestyle="--", color=PALETTE["green"], linewidth=1.5,
                                            label=f"violations found\n(average of {average_over} seeds)")
        (self.burden_line,) = self.ax.plot([], [], marker="s", markersize=3, color=PALETTE["vermillion"],
                                           label="compliant firms\ninspected (this seed)")
        (self.now,) = self.ax.plot([], [], "o", markersize=10, markerfacecolor="none", markeredgewidth=2,
                                   color=PALETTE["black"], label="your setting")
        self.ax.set_xlim(-3, 103)
        self.fig.legend(loc="outside right upper")  # beside the axes: inside, it would cover the lines
        self.chart = finish(self.fig, self.ax, title=f"{MODEL_TAG}\ninspections", model=True,
                            xlabel="share of the budget targeted by credit score (%)",
                            ylabel="firms (count per period)", alt="(set on update)")
        self.watch(self.budget, self.targeting, self.separation)
        self.update()
        self.panel = Panel(
            [w.HTML(f"<b>{MODEL_TAG}.</b> Synthetic firms; every parameter is in the assumptions table."),
             self.budget.box, self.targeting.box, self.separation.box, self.messages.widget, self.result,
             self.output],
            summary="teaching model (not data): inspection budget, share targeted by credit score and score "
                    "separation → violations found and inspections of compliant firms",
        )

    def compute(self) -> InspectionResult:
        s = self.setup
        return simulate_inspections(self.budget.value, self.targeting.value, firms=s.firms,
                                    violator_pct=s.violator_pct, separation=self.separation.value, seed=s.seed)

    def draw(self, result: InspectionResult) -> None:
        found, burden, average = _inspection_curves(self.setup, result.budget, result.separation, self.average_over)
        self.found_line.set_data(SHARES, found)
        self.average_line.set_data(SHARES, average)
        self.burden_line.set_data(SHARES, burden)
        self.now.set_data([result.targeting_pct], [result.found])
        # neither line can pass the budget: the axis tops there, steady while the other sliders are dragged
        self.ax.set_ylim(0, nice_ceiling(max(result.budget, 1) * 1.05))
        self.ax.set_title(f"{MODEL_TAG}\n{result.budget:,} inspections, separation {result.separation:g} SD",
                          loc="left")

    def describe(self, result: InspectionResult) -> None:
        found, burden, average = _inspection_curves(self.setup, result.budget, result.separation, self.average_over)
        self.result.value = f"<b>{escape(result.sentence())}</b>"
        self.chart.alt = (
            f"{MODEL_TAG}. Line chart against the share of {result.budget:,} inspections targeted by credit score, "
            f"0 to 100%. Violations found for this seed go from {found[0]} (all random) to {found[-1]} (all "
            f"targeted); averaged over {self.average_over} seeds from {average[0]:.1f} to {average[-1]:.1f}. "
            f"Inspections of compliant firms go from {burden[0]} to {burden[-1]}. "
            f"At your setting ({result.targeting_pct:g}% targeted): {result.found} found.")


# --- Teaching model B: sequential counters vs one window

MAX_STEPS = 12
BACK_OFFICE = ("in sequence", "in parallel")


@dataclass(frozen=True)
class ServiceSetup:
    """The model's parameters (time in working days). Every one is listed in ``assumptions()``."""

    steps: int = 6
    handoff: float = 1.0
    mean_wait: float = 2.0
    service: float = 0.5
    applicants: int = 500
    seed: int = 6
    back_office: str = "in sequence"

    def assumptions(self) -> pd.DataFrame:
        rows = [
            ("steps to open a business", f"{self.steps}", "steps", f"Slider (1 to {MAX_STEPS}); generic steps, "
                                                                  "not a list of Qianhai's procedures."),
            ("wait at a counter", f"{self.mean_wait:g} on average", "working days",
             "Random (most waits short, a few very long), drawn afresh at every counter for every applicant."),
            ("service time per step", f"{self.service:g}", "working days",
             "The same at a counter or in the back office."),
            ("hand-off between counters", f"{self.handoff:g}", "working days",
             "Slider; sequential counters only (carrying papers to the next office, re-submitting)."),
            ("sequential counters", "wait + service at each step; a hand-off between steps", "",
             "time = Σ waits + steps × service + (steps − 1) × hand-off"),
            ("one window", f"one wait; back office works {self.back_office}", "",
             "time = first wait + steps × service" if self.back_office == "in sequence"
             else "time = first wait + one service time (the back office's steps overlap)"),
            ("applicants simulated", f"{self.applicants:,}", "applicants", "Each gets fresh random waits."),
            ("random seed", f"{self.seed}", "", "numpy.random.default_rng(seed); the one-window applicant's wait "
                                                "is the same draw as the first counter's."),
        ]
        return pd.DataFrame(rows, columns=["assumption", "value", "unit", "meaning"]).set_index("assumption")


@lru_cache(maxsize=64)
def _standard_waits(applicants: int, seed: int) -> np.ndarray:
    """Standard exponential waits, one per applicant and counter, scaled later: other settings keep the draws."""
    return np.random.default_rng(seed).standard_exponential((applicants, MAX_STEPS))  # never handed out


def _stats(times: np.ndarray) -> dict[str, float]:
    return {"mean": float(np.mean(times)), "median": float(np.median(times)),
            "90th percentile": float(np.percentile(times, 90)), "slowest": float(np.max(times))}


@dataclass(frozen=True)
class ServiceResult:
    steps: int
    handoff: float
    mean_wait: float
    service: float
    back_office: str
    seed: int
    sequential: np.ndarray  # working days, one per applicant
    one_window: np.ndarray

    def summary(self) -> pd.DataFrame:
        rows = {"sequential counters": _stats(self.sequential), "one window": _stats(self.one_window)}
        return pd.DataFrame(rows).T.rename_axis("process (working days)")

    def sentence(self) -> str:
        seq, one = _stats(self.sequential), _stats(self.one_window)
        return (f"Model output for {plural(self.steps, 'step')}: sequential counters take "
                f"{seq['mean']:.1f} working days on average (90% of applicants within {seq['90th percentile']:.1f}); "
                f"one window takes {one['mean']:.1f} (90% within {one['90th percentile']:.1f}). "
                f"Saving: {seq['mean'] - one['mean']:.1f} working days on average.")


def simulate_service(steps: object = 6, handoff: object = 1.0, *, mean_wait: object = 2.0, service: object = 0.5,
                     applicants: object = 500, seed: object = 6, back_office: object = "in sequence") -> ServiceResult:
    """Time to open a business for each simulated applicant, by both processes (same random waits)."""
    steps = parse_number(steps, label="Number of steps", minimum=1, maximum=MAX_STEPS, integer=True, unit="steps")
    handoff = parse_number(handoff, label="Hand-off time", minimum=0, maximum=30, unit="working days")
    mean_wait = parse_number(mean_wait, label="Average wait at a counter", minimum=0, maximum=30, unit="working days")
    service = parse_number(service, label="Service time per step", minimum=0, maximum=30, unit="working days")
    applicants = parse_number(applicants, label="Applicants simulated", minimum=1, maximum=100_000, integer=True,
                         unit="applicants")
    seed = _seed(seed)
    if back_office not in BACK_OFFICE:
        raise InputProblem(f"Back office: {str(back_office)[:40]!r} is not an option. Pick one of: "
                           f"{', '.join(BACK_OFFICE)}.")
    return _service_times(steps, float(handoff), float(mean_wait), float(service), applicants, seed, back_office)


def _service_times(steps: int, handoff: float, mean_wait: float, service: float, applicants: int, seed: int,
                   back_office: str) -> ServiceResult:
    waits = _standard_waits(applicants, seed)[:, :steps] * mean_wait
    sequential = waits.sum(axis=1) + steps * service + (steps - 1) * handoff
    one_window = waits[:, 0] + (steps * service if back_office == "in sequence" else service)
    return ServiceResult(steps, handoff, mean_wait, service, back_office, seed, sequential, one_window)


@lru_cache(maxsize=64)
def _service_curve(setup: ServiceSetup, handoff: float) -> dict[str, np.ndarray]:
    """Mean, 10th and 90th percentile of both processes for 1 to MAX_STEPS steps, at one hand-off time."""
    results = [_service_times(steps, handoff, setup.mean_wait, setup.service, setup.applicants, setup.seed,
                              setup.back_office) for steps in range(1, MAX_STEPS + 1)]
    curve = {}
    for name, times in (("sequential", [r.sequential for r in results]), ("window", [r.one_window for r in results])):
        curve[name] = np.array([np.mean(t) for t in times])
        curve[f"{name}_p10"], curve[f"{name}_p90"] = np.array([np.percentile(t, (10, 90)) for t in times]).T
    return curve


class ServiceExplorer(Explorer):
    """Number of steps and hand-off time → time to open a business, sequential counters vs one window."""

    def __init__(self, setup: ServiceSetup = ServiceSetup()):
        need_kind(setup, ServiceSetup, "setup", "a setup such as ServiceSetup()")
        super().__init__()
        self.setup = setup
        self.steps = TwinSlider("Steps (hand-offs + 1)", minimum=1, maximum=MAX_STEPS, value=setup.steps,
                                unit="steps", messages=self.messages)
        self.handoff = TwinSlider("Hand-off time between counters", minimum=0, maximum=5, value=setup.handoff,
                                  step=0.5, integer=False, unit="working days", messages=self.messages)
        self.fig, self.ax = new_figure(6.4, 3.6)
        (self.seq_line,) = self.ax.plot([], [], marker="o", markersize=3, color=PALETTE["vermillion"],
                                        label="sequential counters (mean)")
        (self.win_line,) = self.ax.plot([], [], marker="s", markersize=3, color=PALETTE["blue"],
                                        label="one window (mean)")
        (self.now,) = self.ax.plot([], [], "o", markersize=10, markerfacecolor="none", markeredgewidth=2,
                                   color=PALETTE["black"], label="your setting")
        self.ax.set_xlim(0.5, MAX_STEPS + 0.5)
        self.ax.fill_between([], [], [], color=PALETTE["black"], alpha=0.15, linewidth=0,
                             label="10th–90th percentile of applicants")
        self.steps_axis = np.arange(1, MAX_STEPS + 1)
        zeros = np.zeros(MAX_STEPS)  # the bands' data are set on update
        self.seq_band = self.ax.fill_between(self.steps_axis, zeros, zeros, color=PALETTE["vermillion"], alpha=0.15,
                                             linewidth=0)
        self.win_band = self.ax.fill_between(self.steps_axis, zeros, zeros, color=PALETTE["blue"], alpha=0.15,
                                             linewidth=0)
        self.ax.legend(loc="upper left")
        self.chart = finish(self.fig, self.ax, title=f"{MODEL_TAG}\ntime to open a business", model=True,
                            xlabel="number of steps", ylabel="working days", alt="(set on update)")
        self.watch(self.steps, self.handoff)
        self.update()
        self.panel = Panel(
            [w.HTML(f"<b>{MODEL_TAG}.</b> Invented times; every parameter is in the assumptions table."),
             self.steps.box, self.handoff.box, self.messages.widget, self.result, self.output],
            summary="teaching model (not data): number of steps and hand-off time → time to open a business, "
                    "sequential counters vs one window",
        )

    def compute(self) -> ServiceResult:
        s = self.setup
        return _service_times(self.steps.value, float(self.handoff.value), s.mean_wait, s.service, s.applicants,
                              s.seed, s.back_office)

    def draw(self, result: ServiceResult) -> None:
        curve = _service_curve(self.setup, result.handoff)
        self.seq_band.set_data(self.steps_axis, curve["sequential_p10"], curve["sequential_p90"])
        self.win_band.set_data(self.steps_axis, curve["window_p10"], curve["window_p90"])
        self.seq_line.set_data(self.steps_axis, curve["sequential"])
        self.win_line.set_data(self.steps_axis, curve["window"])
        self.now.set_data([result.steps, result.steps], [np.mean(result.sequential), np.mean(result.one_window)])
        self.ax.set_ylim(0, nice_ceiling(float(curve["sequential_p90"].max()) * 1.08 + 0.5))  # steady while dragging
        days = "working day" if result.handoff == 1 else "working days"
        self.ax.set_title(f"{MODEL_TAG}\ntime to open a business (hand-off {result.handoff:g} {days})", loc="left")

    def describe(self, result: ServiceResult) -> None:
        curve = _service_curve(self.setup, result.handoff)
        self.result.value = f"<b>{escape(result.sentence())}</b>"
        self.chart.alt = (
            f"{MODEL_TAG}. Line chart of the mean time to open a business against the number of steps, 1 to "
            f"{MAX_STEPS}, with a hand-off of {result.handoff:g} working days. Sequential counters rise from "
            f"{curve['sequential'][0]:.1f} to {curve['sequential'][-1]:.1f} working days and "
            f"their spread widens; one window rises from {curve['window'][0]:.1f} to "
            f"{curve['window'][-1]:.1f}. {result.sentence()}")
