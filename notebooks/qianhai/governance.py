"""Notebook 06 plumbing: the statutory-body comparison table and two TEACHING MODELS (not data).

A. Credit-based vs random inspection: a seeded synthetic population of firms, a share of them
   violating the rules, a noisy credit score that is lower for violators, an inspection budget and a
   share of that budget targeted at the worst credit scores (the rest drawn at random).
B. A government-service process: an applicant goes through ``steps`` steps, either at sequential
   counters (a wait at every counter and a hand-off between counters) or at one window (one wait, then
   the back office does the same steps with no hand-offs).

Every parameter of each model is in its assumptions table; all randomness comes from
``numpy.random.default_rng(seed)``. Public functions check their inputs with ``parse_number`` and raise
``InputProblem`` with a short message a student can act on.

Monotonic properties the tests check (and the notebook states):
- Model A, for one seed and one targeting share: a bigger budget inspects a superset of the firms, so it
  never finds fewer violations. Moving one inspection from "random" to "targeted" swaps one randomly
  chosen firm for the next firm on the credit list (or changes nothing); that finds fewer violations
  exactly when the next firm is compliant and the dropped firm was a violator. So for ONE seed more
  targeting can find fewer violations; with a perfectly informative score it never does, and on average
  over firm populations (informative score) it never does.
- Model B: with the same seed the one-window time is never longer than the sequential time, for every
  applicant; more steps or a longer hand-off never shortens the sequential time.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import ipywidgets as w
import numpy as np
import pandas as pd

from qianhai.charts import MODEL_LINE, PALETTE, finish, new_figure, nice_ceiling
from qianhai.display import Note, escape, markdown_text
from qianhai.inputs import InputProblem, parse_number
from qianhai.widgets import Explorer, Panel, TwinSlider

MODEL_TAG = "Teaching model — not data"
MODEL_SOURCE_LINE = MODEL_LINE
NO_SOURCE = "no source found"


def _number(raw: object, *, label: str, minimum=None, maximum=None, integer: bool = False, unit: str = ""):
    """parse_number, also accepting numpy scalars (a student may pass one from a calculation)."""
    if isinstance(raw, np.generic) and not isinstance(raw, np.bool_):
        raw = raw.item()
    return parse_number(raw, label=label, minimum=minimum, maximum=maximum, integer=integer, unit=unit)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def finish_model(fig, ax, *, title: str, xlabel: str, ylabel: str, alt: str):
    """``finish`` for a teaching-model chart: the same title, labels and text alternative, but the line
    under the chart says that the numbers come from the model, not from any data source."""
    return finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, alt=alt, model=True)


# ---------------------------------------------------------------------------------------------
# The statutory body, side by side with an ordinary bureau (sourced rows only)
# ---------------------------------------------------------------------------------------------

DIMENSION_LABELS = {
    "legal_status": "legal status",
    "legal_basis": "legal basis",
    "establishing_instrument": "establishing instrument",
    "functions": "functions",
    "guiding_principles": "guiding principles",
    "leadership": "leadership",
    "advisory_body": "advisory body",
    "policy_instruments": "policy instruments",
    "cross_border_cooperation": "cross-border cooperation",
    "management_model": "management model",
    "model_origin": "model origin",
}


def not_found_dimensions(descriptor: dict) -> list[str]:
    """The dimensions the data package says the research looked for and did not find
    (the descriptor's ``vintage`` ends with 'Not found: a, b, c.')."""
    match = re.search(r"Not found:\s*([^.]+)\.", _text(descriptor.get("vintage")))
    if not match:
        return []
    parts = re.split(r",\s*(?:or\s+|and\s+)?|\s+(?:and|or)\s+", match.group(1))
    return [p.strip() for p in parts if p.strip()]


def date_span(text: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A date written YYYY, YYYY-MM or YYYY-MM-DD as the first and last day it may stand for
    (a year-only date is not silently placed on 1 January)."""
    raw = _text(text).strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", raw)
    if not match:
        raise InputProblem(f"Date: {raw[:40]!r} is not written YYYY, YYYY-MM or YYYY-MM-DD.")
    year, month, day = match.groups()
    try:
        if day:
            first = pd.Timestamp(int(year), int(month), int(day))
            return first, first
        if month:
            first = pd.Timestamp(int(year), int(month), 1)
            return first, first + pd.offsets.MonthEnd(0)
    except ValueError:
        raise InputProblem(f"Date: {raw!r} is not a real calendar date.") from None
    return pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year), 12, 31)


def weekdays_between(first: object, last: object) -> int:
    """Monday-to-Friday days from ``first`` to ``last``, both included (public holidays and make-up
    working days are not in the course data, so they are not counted either way)."""
    start, _ = date_span(first)
    end, _ = date_span(last)
    if end < start:
        raise InputProblem(f"Dates: {last} comes before {first}.")
    return int(np.busday_count(start.date(), (end + pd.Timedelta(days=1)).date()))


def side_by_side(facts: pd.DataFrame, not_found: list[str] | None = None) -> pd.DataFrame:
    """One row per sourced fact: the Qianhai Authority beside an ordinary government bureau.

    Where no source speaks about an ordinary bureau the cell says 'no source found' — never a guess.
    ``not_found`` adds dimensions the research looked for and found nothing on (both sides empty)."""
    needed = {"fact_id", "dimension", "qianhai_authority", "ordinary_bureau", "date", "source_id",
              "second_source_id", "confidence"}
    if not isinstance(facts, pd.DataFrame) or not needed <= set(facts.columns):
        raise InputProblem("side_by_side needs the statutory_body_facts table (load('statutory_body_facts')).")
    # A dimension sourced in different years (the 2011 regulation and its 2020 revision) gets the year in its
    # label, so that two rows never read as the same thing said twice.
    years = facts["date"].map(lambda d: _text(d)[:4])
    dated = years.groupby(facts["dimension"]).nunique() > 1
    rows = []
    for r, year in zip(facts.itertuples(index=False), years):
        ids = [x.strip() for part in (_text(r.source_id), _text(r.second_source_id)) for x in part.split(";")]
        sources = "; ".join(x for x in ids if x)
        label = DIMENSION_LABELS.get(r.dimension, str(r.dimension).replace("_", " "))
        rows.append({
            "fact_id": r.fact_id,
            "dimension": f"{label} ({year})" if dated.get(r.dimension, False) and year else label,
            "Qianhai Authority": _text(r.qianhai_authority) or NO_SOURCE,
            "ordinary government bureau": _text(r.ordinary_bureau) or NO_SOURCE,
            "date": _text(r.date),
            "sources": sources,
            "confidence": _text(r.confidence),
        })
    for dimension in not_found or []:
        rows.append({"fact_id": f"not_found_{dimension.replace(' ', '_')}", "dimension": dimension,
                     "Qianhai Authority": NO_SOURCE, "ordinary government bureau": NO_SOURCE, "date": "",
                     "sources": "none (searched, not found)", "confidence": ""})
    return pd.DataFrame(rows).set_index("fact_id")


def markdown_table(frame: pd.DataFrame, columns: list[str] | None = None) -> Note:
    """A table whose long text wraps (markdown), with the same content as plain text for nbval and
    screen readers. Every cell is data text, made inert (``markdown_text``): no markup, links or images."""
    columns = columns or list(frame.columns)

    head = "| " + " | ".join(markdown_text(_text(c)) for c in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(markdown_text(_text(r[c])) for c in columns) + " |" for _, r in frame.iterrows()]
    plain = "\n".join(" | ".join(_text(r[c]) for c in columns) for _, r in frame.iterrows())
    return Note("\n".join([head, rule, *body]), " | ".join(columns) + "\n" + plain)


def credit_timeline(body: pd.DataFrame, governance: pd.DataFrame, claims_descriptor: dict):
    """Notebook 06's timeline: the Qianhai Authority's legal milestones beside the national credit-system
    measures, with the article's date. ``body`` is statutory_body_facts, ``governance`` governance_facts
    indexed by fact_id, ``claims_descriptor`` the claims resource (for the article's date)."""
    facts = body.set_index("fact_id")
    article_date = pd.Timestamp(next(s["date"] for s in claims_descriptor["sources"] if s["id"] == "ART"))
    lanes = {
        "Qianhai Authority\n(legal basis)": [
            (facts.loc["basis_regulations_2011", "date"], "Qianhai Regulations", 10, "left"),
            (facts.loc["basis_order_232", "date"], "Order No. 232:\nstatutory body", -26, "left"),
            (facts.loc["basis_regulations_revised_2020", "date"], "Regulations\nrevised", -26, "left")],
        "national credit\nsystem (official)": [
            (governance.loc["credit_outline_2014", "date"], "State Council\ncredit outline", 10, "left"),
            (governance.loc["credit_necips_2019", "date"], "credit register\nmade a key network", -8, "right"),
            (governance.loc["credit_restoration_2023", "date"], "credit-restoration\nmeasures", 10, "left")],
    }
    fig, ax = new_figure(6.4, 3.8)
    for row, (lane, events) in enumerate(lanes.items()):
        colour = [PALETTE["blue"], PALETTE["orange"]][row]
        for text, label, offset, align in events:
            first, last = date_span(text)
            if first == last:
                ax.plot([first], [row], "o", color=colour, markersize=7)
            else:  # known only to the month or year: draw the whole span, not a made-up day
                ax.plot([first, last], [row, row], color=colour, linewidth=6, solid_capstyle="butt")
            ax.annotate(label, xy=(first, row), xytext=(0, offset), textcoords="offset points",
                        ha=align, va="bottom" if offset > 0 else "top")
    ax.axvline(article_date, color=PALETTE["black"], linestyle=":", linewidth=1)
    ax.annotate(" the article", xy=(article_date, 1.62), ha="left", va="bottom")
    ax.set_yticks([0, 1], list(lanes))
    ax.set_ylim(-1.1, 1.9)
    ax.set_xlim(pd.Timestamp(2010, 7, 1), pd.Timestamp(2024, 6, 30))
    events = "; ".join(f"{label} {text}".replace("\n", " ") for lane in lanes.values()
                       for text, label, _, _ in lane)
    return finish(fig, ax, title="Statutory body and credit-system milestones",
                  xlabel="date (bars: known only to the month or year)", ylabel="",
                  resources=["statutory_body_facts", "governance_facts", "claims"],
                  alt=f"Timeline in two lanes, the Qianhai Authority's legal basis and the national credit "
                      f"system: {events}. A dotted line marks the article, {article_date:%d %B %Y}.")


# ---------------------------------------------------------------------------------------------
# Teaching model A: credit-based vs random inspection
# ---------------------------------------------------------------------------------------------

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
            ("credit score", "luck − separation × (1 if violator)", "score points",
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
    """A seeded synthetic population. Arrays are read-only (populations are cached and shared)."""

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

    def correlation(self) -> float | None:
        """Pearson correlation between the credit score and being a violator (negative: violators score lower)."""
        if self.violators in (0, self.firms) or float(np.std(self.score)) == 0.0:
            return None
        return float(np.corrcoef(self.score, self.violates.astype(float))[0, 1])


def make_firms(firms: object = 1000, violator_pct: object = 10, separation: object = 1.5,
               seed: object = 6) -> FirmPopulation:
    """Draw the firms: which violate, their credit scores, the credit ranking and one random order."""
    firms, violator_pct, separation = _population_inputs(firms, violator_pct, separation)
    seed = _number(seed, label="Random seed", minimum=0, maximum=2**32 - 1, integer=True)
    return _make_firms(firms, violator_pct, separation, seed)


def _population_inputs(firms: object, violator_pct: object, separation: object) -> tuple[int, float, float]:
    """The firms, violator share and score separation, checked (a message for a student if not)."""
    firms = _number(firms, label="Number of firms", minimum=10, maximum=100_000, integer=True, unit="firms")
    violator_pct = _number(violator_pct, label="Share of firms that violate", minimum=0, maximum=100, unit="%")
    separation = _number(separation, label="Score separation", minimum=0, maximum=10, unit="SD")
    return int(firms), float(violator_pct), float(separation)


@lru_cache(maxsize=256)
def _random_draws(firms: int, violator_pct: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seeded draws (who violates, score noise, random order); the separation is applied after, so a
    slider on the separation reuses them."""
    rng = np.random.default_rng(seed)
    violators = int(math.floor(violator_pct * firms / 100 + 0.5))
    violates = np.zeros(firms, dtype=bool)
    violates[rng.permutation(firms)[:violators]] = True
    noise = rng.standard_normal(firms)
    random_order = rng.permutation(firms)
    for array in (violates, noise, random_order):
        array.setflags(write=False)
    return violates, noise, random_order


@lru_cache(maxsize=256)
def _make_firms(firms: int, violator_pct: float, separation: float, seed: int) -> FirmPopulation:
    violates, noise, random_order = _random_draws(firms, violator_pct, seed)
    score = noise - separation * violates
    risk_order = np.argsort(score, kind="stable")
    for array in (score, risk_order):
        array.setflags(write=False)
    return FirmPopulation(violates, score, risk_order, random_order, separation, seed)


def targeted_count(budget: int, targeting_pct: float) -> int:
    """Inspections given to the worst credit scores: targeting share × budget, rounded half up."""
    return min(budget, int(math.floor(targeting_pct * budget / 100 + 0.5)))


def inspected_firms(population: FirmPopulation, budget: int, targeted: int) -> np.ndarray:
    """The firms inspected: the ``targeted`` lowest scores, then the first firms of the seeded random
    order among those not already chosen, until ``budget`` firms are inspected. Sorted indices."""
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
    separation: float
    seed: int

    @property
    def random(self) -> int:
        return self.budget - self.targeted

    @property
    def compliant_inspected(self) -> int:
        """Inspections that found nothing: the burden on compliant firms."""
        return self.budget - self.found

    @property
    def missed(self) -> int:
        return self.violators - self.found

    @property
    def hit_rate(self) -> float:
        return self.found / self.budget

    @property
    def detection_rate(self) -> float | None:
        return None if self.violators == 0 else self.found / self.violators

    @property
    def random_benchmark(self) -> float:
        """What purely random inspection finds on average: budget × violators / firms."""
        return self.budget * self.violators / self.firms

    @property
    def compliant_share_inspected(self) -> float | None:
        compliant = self.firms - self.violators
        return None if compliant == 0 else self.compliant_inspected / compliant

    def sentence(self) -> str:
        detection = ("" if self.detection_rate is None
                     else f" ({self.detection_rate:.0%} of the {_count(self.violators, 'violator')})")
        burden = ("" if self.compliant_share_inspected is None
                  else f", {self.compliant_share_inspected:.1%} of all compliant firms")
        one = self.budget == 1
        return (f"Model output: {_count(self.budget, 'inspection')}, {self.targeted:,} targeted by credit score and "
                f"{self.random:,} at random, find{'s' if one else ''} {_count(self.found, 'violation')}{detection}; "
                f"{_count(self.missed, 'violation')} {'is' if self.missed == 1 else 'are'} missed. "
                f"{_count(self.compliant_inspected, 'inspection')} "
                f"{'falls' if self.compliant_inspected == 1 else 'fall'} on compliant firms{burden}. "
                f"Purely random inspection would find {self.random_benchmark:.1f} on average.")


def _count(number: int, noun: str) -> str:
    """'1 violation', '2 violations'."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def inspect(population: FirmPopulation, budget: object, targeting_pct: object) -> InspectionResult:
    """Run one period of inspections on a population."""
    if not isinstance(population, FirmPopulation):
        raise InputProblem("inspect needs a population made with make_firms(...).")
    budget = _number(budget, label="Inspection budget", minimum=1, maximum=population.firms, integer=True,
                     unit="inspections")
    targeting_pct = _number(targeting_pct, label="Share targeted by credit score", minimum=0, maximum=100, unit="%")
    targeted = targeted_count(budget, targeting_pct)
    found = int(population.violates[inspected_firms(population, budget, targeted)].sum())
    return InspectionResult(population.firms, population.violators, budget, float(targeting_pct), targeted, found,
                            population.separation, population.seed)


def simulate_inspections(budget: object = 100, targeting_pct: object = 50, *, firms: object = 1000,
                         violator_pct: object = 10, separation: object = 1.5, seed: object = 6) -> InspectionResult:
    """Make the seeded firms and inspect them: the model in one call."""
    return inspect(make_firms(firms, violator_pct, separation, seed), budget, targeting_pct)


def expected_found(population: FirmPopulation, budget: int, targeted: int) -> float:
    """Violations found on average over the random draws, for these firms (exact, no sampling):
    H + (budget − targeted) × (violators − H) / (firms − targeted), H = violators among the targeted."""
    caught = int(population.violates[population.risk_order[:targeted]].sum())
    left = population.firms - targeted
    return float(caught) if left == 0 else caught + (budget - targeted) * (population.violators - caught) / left


def targeting_curve(population: FirmPopulation, budget: object, shares=range(0, 101, 10)) -> pd.DataFrame:
    """Found and compliant-inspected counts at each targeting share, for one population and budget."""
    rows = []
    for share in shares:
        result = inspect(population, budget, share)
        rows.append({"targeting_pct": float(share), "targeted": result.targeted, "found": result.found,
                     "compliant_inspected": result.compliant_inspected})
    return pd.DataFrame(rows).set_index("targeting_pct")


def average_targeting_curve(budget: object, shares=range(0, 101, 10), *, firms: object = 1000,
                            violator_pct: object = 10, separation: object = 1.5,
                            seeds=range(100)) -> pd.Series:
    """Violations found at each targeting share, averaged over many seeded firm populations (each
    population's random draws averaged exactly with ``expected_found``)."""
    seeds, shares = list(seeds), list(shares)
    if not seeds:
        raise InputProblem("Give at least one seed to average over.")
    firms, violator_pct, separation = _population_inputs(firms, violator_pct, separation)
    seeds = _checked_seeds(tuple(seeds))
    b = _number(budget, label="Inspection budget", minimum=1, maximum=firms, integer=True, unit="inspections")
    targeted = np.array([targeted_count(b, float(s)) for s in shares])
    # All populations at once (one row per seed), each as make_firms draws it: expected_found for every share,
    # i.e. the violators among the first k of each credit ranking, for each k.
    violates, noise = _stacked_draws(firms, violator_pct, seeds)
    risk_order = np.argsort(noise - separation * violates, axis=1, kind="stable")
    ranked = np.take_along_axis(violates, risk_order, axis=1)
    caught = np.concatenate([np.zeros((len(seeds), 1)), np.cumsum(ranked, axis=1)], axis=1)[:, targeted]
    left = firms - targeted
    violators = violates.sum(axis=1, keepdims=True)
    found = np.where(left == 0, caught, caught + (b - targeted) * (violators - caught) / np.maximum(left, 1))
    return pd.Series(found.mean(axis=0), index=pd.Index([float(s) for s in shares], name="targeting_pct"),
                     name="average found")


@lru_cache(maxsize=16)
def _checked_seeds(seeds: tuple) -> tuple[int, ...]:
    return tuple(int(_number(seed, label="Random seed", minimum=0, maximum=2**32 - 1, integer=True)) for seed in seeds)


@lru_cache(maxsize=16)
def _stacked_draws(firms: int, violator_pct: float, seeds: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Who violates and the score noise for each seed (one row per seed): the draws of ``make_firms``."""
    draws = [_random_draws(firms, violator_pct, seed) for seed in seeds]
    violates, noise = np.stack([d[0] for d in draws]), np.stack([d[1] for d in draws])
    for array in (violates, noise):
        array.setflags(write=False)
    return violates, noise


def budget_curve(population: FirmPopulation, targeting_pct: object, budgets=None) -> pd.Series:
    """Violations found for each budget at one targeting share (one seed)."""
    budgets = range(1, population.firms + 1) if budgets is None else budgets
    found = [inspect(population, b, targeting_pct).found for b in budgets]
    return pd.Series(found, index=pd.Index(list(budgets), name="budget"), name=f"found at {targeting_pct}%")


def budget_chart(population: FirmPopulation, budget: int):
    """Violations found as the budget grows, all random vs all targeted, beside a perfect credit list;
    prints how many inspections each strategy needs to find half the violators."""
    random_only = budget_curve(population, 0)
    targeted_only = budget_curve(population, 100)
    perfect = pd.Series([min(b, population.violators) for b in random_only.index], index=random_only.index)
    fig, ax = new_figure()
    ax.plot(perfect.index, perfect.values, linestyle=":", color=PALETTE["black"], linewidth=1.5,
            label="perfect credit list")
    ax.plot(targeted_only.index, targeted_only.values, color=PALETTE["green"], label="all targeted by credit score")
    ax.plot(random_only.index, random_only.values, color=PALETTE["orange"], label="all at random")
    ax.legend(loc="lower right")
    half = population.violators // 2
    need_targeted, need_random = int((targeted_only >= half).idxmax()), int((random_only >= half).idxmax())
    chart = finish_model(
        fig, ax, title=f"{MODEL_TAG}\nviolations found as the budget grows",
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


class InspectionExplorer(Explorer):
    """Budget, targeting share and score separation (TwinSliders) → violations found, burden on
    compliant firms, and a chart of both against the targeting share. A teaching model, not data."""

    def __init__(self, setup: InspectionSetup = InspectionSetup(), average_over: int = 100):
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
        self.curve: pd.DataFrame | None = None
        self.average: pd.Series | None = None
        self.curves_for: tuple | None = None  # (budget, separation) the curves were computed for
        self.shares = list(range(0, 101, 5))
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
        self.chart = finish_model(self.fig, self.ax, title=f"{MODEL_TAG}\ninspections",
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
        population = make_firms(s.firms, s.violator_pct, self.separation.value, s.seed)
        result = inspect(population, self.budget.value, self.targeting.value)
        # The curves depend on the budget and separation only: moving the targeting share moves the marker.
        self.new_curves = self.curve is None or self.curves_for != (result.budget, result.separation)
        if self.new_curves:
            curve = targeting_curve(population, self.budget.value, self.shares)
            average = average_targeting_curve(self.budget.value, self.shares, firms=s.firms,
                                              violator_pct=s.violator_pct, separation=self.separation.value,
                                              seeds=range(self.average_over))
            self.curve, self.average, self.curves_for = curve, average, (result.budget, result.separation)
        self.population = population
        return result

    def draw(self, result: InspectionResult) -> None:
        if self.new_curves:
            self.found_line.set_data(self.curve.index, self.curve["found"])
            self.average_line.set_data(self.average.index, self.average.values)
            self.burden_line.set_data(self.curve.index, self.curve["compliant_inspected"])
        self.now.set_data([result.targeting_pct], [result.found])
        self.ax.set_ylim(0, nice_ceiling(max(result.budget, 1) * 1.4))  # rounded up: steady while dragging
        self.ax.set_title(f"{MODEL_TAG}\n{result.budget:,} inspections, separation {result.separation:g} SD",
                          loc="left")

    def describe(self, result: InspectionResult) -> None:
        curve, average = self.curve, self.average
        self.result.value = f"<b>{escape(result.sentence())}</b>"
        self.chart.alt = (
            f"{MODEL_TAG}. Line chart against the share of {result.budget:,} inspections targeted by credit score, "
            f"0 to 100%. Violations found for this seed go from {int(curve['found'].iloc[0])} (all random) to "
            f"{int(curve['found'].iloc[-1])} (all targeted); averaged over {self.average_over} seeds from "
            f"{average.iloc[0]:.1f} to {average.iloc[-1]:.1f}. Inspections of compliant firms go from "
            f"{int(curve['compliant_inspected'].iloc[0])} to {int(curve['compliant_inspected'].iloc[-1])}. "
            f"At your setting ({result.targeting_pct:g}% targeted): {result.found} found.")


# ---------------------------------------------------------------------------------------------
# Teaching model B: sequential counters vs one window
# ---------------------------------------------------------------------------------------------

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
            ("service time per step", f"{self.service:g}", "working days", "The same at a counter or in the back office."),
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
    """Standard exponential draws, one per applicant and possible counter (scaled by the mean wait later,
    so that changing the mean or the number of steps keeps every other draw the same)."""
    waits = np.random.default_rng(seed).standard_exponential((applicants, MAX_STEPS))
    waits.setflags(write=False)
    return waits


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

    @property
    def applicants(self) -> int:
        return int(self.sequential.size)

    def summary(self) -> pd.DataFrame:
        rows = {}
        for name, times in (("sequential counters", self.sequential), ("one window", self.one_window)):
            rows[name] = {"mean": float(np.mean(times)), "median": float(np.median(times)),
                          "90th percentile": float(np.percentile(times, 90)), "slowest": float(np.max(times))}
        return pd.DataFrame(rows).T.rename_axis("process (working days)")

    def sentence(self) -> str:
        table = self.summary()
        seq, one = table.loc["sequential counters"], table.loc["one window"]
        return (f"Model output for {self.steps} step{'s' if self.steps != 1 else ''}: sequential counters take "
                f"{seq['mean']:.1f} working days on average (90% of applicants within {seq['90th percentile']:.1f}); "
                f"one window takes {one['mean']:.1f} (90% within {one['90th percentile']:.1f}). "
                f"Saving: {seq['mean'] - one['mean']:.1f} working days on average.")


def simulate_service(steps: object = 6, handoff: object = 1.0, *, mean_wait: object = 2.0, service: object = 0.5,
                     applicants: object = 500, seed: object = 6, back_office: object = "in sequence") -> ServiceResult:
    """Time to open a business for each simulated applicant, by both processes (same random waits)."""
    steps = _number(steps, label="Number of steps", minimum=1, maximum=MAX_STEPS, integer=True, unit="steps")
    handoff = _number(handoff, label="Hand-off time", minimum=0, maximum=30, unit="working days")
    mean_wait = _number(mean_wait, label="Average wait at a counter", minimum=0, maximum=30, unit="working days")
    service = _number(service, label="Service time per step", minimum=0, maximum=30, unit="working days")
    applicants = _number(applicants, label="Applicants simulated", minimum=1, maximum=100_000, integer=True,
                         unit="applicants")
    seed = _number(seed, label="Random seed", minimum=0, maximum=2**32 - 1, integer=True)
    if back_office not in BACK_OFFICE:
        raise InputProblem(f"Back office: {str(back_office)[:40]!r} is not an option. Pick one of: "
                           f"{', '.join(BACK_OFFICE)}.")
    waits = _standard_waits(applicants, seed)[:, :steps] * mean_wait
    sequential = waits.sum(axis=1) + steps * service + (steps - 1) * handoff
    work = steps * service if back_office == "in sequence" else service
    one_window = waits[:, 0] + work
    return ServiceResult(steps, float(handoff), float(mean_wait), float(service), back_office, seed,
                         sequential, one_window)


def service_curve(handoff: object = 1.0, *, mean_wait: object = 2.0, service: object = 0.5, applicants: object = 500,
                  seed: object = 6, back_office: object = "in sequence") -> pd.DataFrame:
    """Mean, 10th and 90th percentile of both processes for 1 to MAX_STEPS steps."""
    rows = []
    for steps in range(1, MAX_STEPS + 1):
        r = simulate_service(steps, handoff, mean_wait=mean_wait, service=service, applicants=applicants, seed=seed,
                             back_office=back_office)
        rows.append({"steps": steps,
                     "sequential_mean": float(np.mean(r.sequential)),
                     "sequential_p10": float(np.percentile(r.sequential, 10)),
                     "sequential_p90": float(np.percentile(r.sequential, 90)),
                     "window_mean": float(np.mean(r.one_window)),
                     "window_p10": float(np.percentile(r.one_window, 10)),
                     "window_p90": float(np.percentile(r.one_window, 90))})
    return pd.DataFrame(rows).set_index("steps")


class ServiceExplorer(Explorer):
    """Number of steps and hand-off time (TwinSliders) → time to open a business, sequential counters vs
    one window, with a chart over 1 to MAX_STEPS steps. A teaching model, not data."""

    def __init__(self, setup: ServiceSetup = ServiceSetup()):
        super().__init__()
        self.setup = setup
        self.steps = TwinSlider("Steps (hand-offs + 1)", minimum=1, maximum=MAX_STEPS, value=setup.steps,
                                unit="steps", messages=self.messages)
        self.handoff = TwinSlider("Hand-off time between counters", minimum=0, maximum=5, value=setup.handoff,
                                  step=0.5, integer=False, unit="working days", messages=self.messages)
        self.fig, self.ax = new_figure(6.4, 3.6)
        self.seq_band = None
        self.win_band = None
        self.curve: pd.DataFrame | None = None
        self.curve_handoff: float | None = None
        (self.seq_line,) = self.ax.plot([], [], marker="o", markersize=3, color=PALETTE["vermillion"],
                                        label="sequential counters (mean)")
        (self.win_line,) = self.ax.plot([], [], marker="s", markersize=3, color=PALETTE["blue"],
                                        label="one window (mean)")
        (self.now,) = self.ax.plot([], [], "o", markersize=10, markerfacecolor="none", markeredgewidth=2,
                                   color=PALETTE["black"], label="your setting")
        self.ax.set_xlim(0.5, MAX_STEPS + 0.5)
        self.ax.fill_between([], [], [], color=PALETTE["black"], alpha=0.15, linewidth=0,
                             label="10th–90th percentile of applicants")
        self.ax.legend(loc="upper left")
        self.chart = finish_model(self.fig, self.ax, title=f"{MODEL_TAG}\ntime to open a business",
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
        result = simulate_service(self.steps.value, self.handoff.value, mean_wait=s.mean_wait, service=s.service,
                                  applicants=s.applicants, seed=s.seed, back_office=s.back_office)
        self.new_curve = self.curve is None or self.curve_handoff != result.handoff
        if self.new_curve:  # the curve depends on the hand-off only: moving the steps just moves the marker
            self.curve = service_curve(self.handoff.value, mean_wait=s.mean_wait, service=s.service,
                                       applicants=s.applicants, seed=s.seed, back_office=s.back_office)
            self.curve_handoff = result.handoff
        return result

    def draw(self, result: ServiceResult) -> None:
        curve = self.curve
        if self.new_curve:
            x = curve.index.to_numpy()
            for band in (self.seq_band, self.win_band):
                if band is not None:
                    band.remove()
            self.seq_band = self.ax.fill_between(x, curve["sequential_p10"], curve["sequential_p90"],
                                                 color=PALETTE["vermillion"], alpha=0.15, linewidth=0)
            self.win_band = self.ax.fill_between(x, curve["window_p10"], curve["window_p90"], color=PALETTE["blue"],
                                                 alpha=0.15, linewidth=0)
            self.seq_line.set_data(x, curve["sequential_mean"])
            self.win_line.set_data(x, curve["window_mean"])
        summary = result.summary()
        self.now.set_data([result.steps, result.steps],
                          [summary.loc["sequential counters", "mean"], summary.loc["one window", "mean"]])
        self.ax.set_ylim(0, nice_ceiling(float(curve["sequential_p90"].max()) * 1.08 + 0.5))  # steady while dragging
        days = "working day" if result.handoff == 1 else "working days"
        self.ax.set_title(f"{MODEL_TAG}\ntime to open a business (hand-off {result.handoff:g} {days})", loc="left")

    def describe(self, result: ServiceResult) -> None:
        curve = self.curve
        self.result.value = f"<b>{escape(result.sentence())}</b>"
        self.chart.alt = (
            f"{MODEL_TAG}. Line chart of the mean time to open a business against the number of steps, 1 to "
            f"{MAX_STEPS}, with a hand-off of {result.handoff:g} working days. Sequential counters rise from "
            f"{curve['sequential_mean'].iloc[0]:.1f} to {curve['sequential_mean'].iloc[-1]:.1f} working days and "
            f"their spread widens; one window rises from {curve['window_mean'].iloc[0]:.1f} to "
            f"{curve['window_mean'].iloc[-1]:.1f}. {result.sentence()}")
