"""Notebook 04: negative-list editions, Qianhai's innovation counts source by source, the evidence behind the
cooperation-zone fields, and a teaching model of policy diffusion (pilot → replicate → nationwide)."""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass
from types import SimpleNamespace

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from qianhai.charts import PALETTE, finish, new_figure
from qianhai.display import escape, plural
from qianhai.inputs import InputProblem, need_kind, need_table, parse_number
from qianhai.widgets import LABEL_STYLE, Explorer, Panel, TwinSlider

# ----------------------------------------------------------------------- Negative lists by edition

LIST_ORDER = ["ftz_pilot", "nationwide", "hainan_ftp"]
LIST_LABELS = {"ftz_pilot": "Pilot FTZ list", "nationwide": "Nationwide list",
               "hainan_ftp": "Hainan Free Trade Port list"}
LIST_COLOURS = {"ftz_pilot": PALETTE["blue"], "nationwide": PALETTE["orange"], "hainan_ftp": PALETTE["green"]}


def _plain(value: object):
    """A table cell as a plain Python value: None for a missing one."""
    return None if pd.isna(value) else value.item() if isinstance(value, np.generic) else value


INNOVATION_COLUMNS = ["as_of", "sort_date", "source_id", "scope", "measure", "value", "value_qualifier"]


def edition_table(lists: pd.DataFrame) -> pd.DataFrame:
    """One row per edition (by list, then year) with the change from the previous edition as the sources report
    it, checked against the list's previous row in the data. Editions are not yearly: ``years_since_previous``."""
    need_table(lists, "ftz_negative_list", ["list_type", "edition_year", "special_measures", "previous_edition_measures"])
    rows = lists.assign(order=lists["list_type"].map(LIST_ORDER.index)).sort_values(["order", "edition_year"])
    before = rows.groupby("list_type")[["edition_year", "special_measures"]].shift()
    year = rows["edition_year"].astype(int).astype(str)
    counted = rows["measure_definition"] == "special administrative measures"  # else the Catalogue baseline
    table = pd.DataFrame({
        "key": rows["list_type"] + " " + year,
        "label": (rows["list_type"].map(LIST_LABELS) + ", " + year + " edition").where(
            counted, "Nationwide: " + year + " Catalogue baseline (not a list)"),
        "list_type": rows["list_type"],
        "edition_year": rows["edition_year"].astype(int),
        "measures": rows["special_measures"].astype(int),
        "is_negative_list": counted,
        "previous_edition_year": before["edition_year"].astype("Int64"),
        "previous_measures": rows["previous_edition_measures"].astype("Int64"),
        "previous_in_data": before["special_measures"].astype("Int64"),
    })
    table["sources_agree_on_previous"] = (table["previous_measures"] == table["previous_in_data"]).astype("boolean")
    table["change"] = table["measures"] - table["previous_measures"]
    table["change_pct"] = (100 * table["change"] / table["previous_measures"]).astype("float64")
    table["years_since_previous"] = table["edition_year"] - table["previous_edition_year"]
    table["pilot_ftzs_covered"] = rows["pilot_ftzs_covered_at_issue"].astype("Int64")
    text = ["issued", "effective", "source_id", "second_source_id"]
    table[text] = rows[text].fillna("")
    return table.set_index("key")


def editions_by_year(table: pd.DataFrame) -> pd.DataFrame:
    """The pilot-FTZ and nationwide editions of ``edition_table`` side by side, one row per edition year."""
    need_table(table, "table", ["list_type", "edition_year", "measures"], example="edition_table(lists)")
    columns = {}
    for list_type, short in (("ftz_pilot", "FTZ list"), ("nationwide", "nationwide list")):
        part = table[table["list_type"] == list_type].set_index("edition_year")
        columns[short] = part["measures"]
        columns[f"{short} change"] = part["change"]
        columns[f"{short} gap (years)"] = part["years_since_previous"]
        if list_type == "ftz_pilot":
            columns["pilot FTZs covered"] = part["pilot_ftzs_covered"]
    out = pd.DataFrame(columns).sort_index().astype("Int64").rename_axis("edition")
    out = out.astype(object).where(out.notna(), "")  # a blank cell where a list had no edition that year, not "<NA>"
    # a count that is not a list (the 2017 Catalogue baseline) is marked in its cell, not only in the prose
    baselines = table[(table["list_type"] == "nationwide") & ~table["is_negative_list"]].set_index("edition_year")
    out.loc[baselines.index, "nationwide list"] = baselines["measures"].astype(str) + " (Catalogue, not a list)"
    return out


class EditionSummary(SimpleNamespace):
    """One row of ``edition_table`` as attributes (a missing value is None), plus ``key``; ``sentence`` in words."""

    def sentence(self) -> str:
        dates = ", ".join(x for x in (f"issued {self.issued}" if self.issued else "",
                                      f"in force {self.effective}" if self.effective else "") if x)
        head = f"{self.label}{f' ({dates})' if dates else ''}: {self.measures} measures."
        if not self.is_negative_list:
            head += (" This count is the restrictive measures of the 2017 Catalogue, used only as a baseline: "
                     "it is not a negative list of its own.")
        if self.change is None:
            if self.previous_edition_year is None:
                head += " It is the first edition of this list in the data, so there is nothing to compare with."
            else:
                head += " The sources report no previous count to compare with."
        else:
            direction = "fewer" if self.change < 0 else "more"
            span = (f" over {plural(self.years_since_previous, 'year')}"
                    if self.years_since_previous is not None else "")
            prev_year = f" ({self.previous_edition_year} edition)" if self.previous_edition_year else ""
            head += (f" That is {abs(self.change)} {direction} than the previous edition's {self.previous_measures}"
                     f"{prev_year}, a change of {self.change_pct:+.1f}%{span}.")
            if self.sources_agree_on_previous is False:
                head += (f" Caution: the previous row in the data says {self.previous_in_data}, not "
                         f"{self.previous_measures}.")
        if self.pilot_ftzs_covered is not None:
            head += f" It applied to {plural(self.pilot_ftzs_covered, 'pilot FTZ')}."
        sources = self.source_id + (f"; also {self.second_source_id}" if self.second_source_id else "")
        return head + f" Sources: {sources}."


def edition_summary(table: pd.DataFrame, key: object) -> EditionSummary:
    """The edition called ``key`` (e.g. 'ftz_pilot 2018') from ``edition_table``; a clear message otherwise."""
    if not isinstance(key, str) or key not in table.index:
        raise InputProblem(f"No edition called {str(key)[:40]!r}. Pick one of: {', '.join(table.index)}.")
    return EditionSummary(key=key, **{name: _plain(value) for name, value in table.loc[key].items()})


def draw_lists(ax, table: pd.DataFrame) -> None:
    """Each list's editions as a line; a hollow marker for the baseline that is not a list; a diamond for Hainan."""
    for list_type in LIST_ORDER:
        part = table[table["list_type"] == list_type]
        if part.empty:  # a table without this kind of list: no empty legend entry
            continue
        colour, lone = LIST_COLOURS[list_type], list_type == "hainan_ftp"
        proper = part[part["is_negative_list"]]
        ax.plot(proper["edition_year"], proper["measures"], marker="D" if lone else "o", markersize=5,
                linestyle="none" if lone else "-", color=colour, label=LIST_LABELS[list_type])
        baseline = part[~part["is_negative_list"]]
        if not baseline.empty:
            ax.plot(baseline["edition_year"], baseline["measures"], "o", markersize=7, markerfacecolor="white",
                    color=colour, label="2017 Catalogue baseline (not a list)")
            ax.plot([baseline["edition_year"].iloc[-1], proper["edition_year"].iloc[0]],
                    [baseline["measures"].iloc[-1], proper["measures"].iloc[0]], linestyle=":", color=colour)


class EditionPicker(Explorer):
    """Pick an edition → its count, the change from the previous edition, highlighted on the chart."""

    def __init__(self, lists: pd.DataFrame, start: str = "ftz_pilot 2018"):
        super().__init__()
        self.table = edition_table(lists)
        self.edition = w.Dropdown(options=[(r.label, key) for key, r in self.table.iterrows()], value=start,
                                  description="Edition", style=LABEL_STYLE, layout=w.Layout(width="420px"))
        self.fig, self.ax = new_figure(5.8, 3.3)
        draw_lists(self.ax, self.table)
        (self.ring,) = self.ax.plot([], [], "o", markersize=13, markerfacecolor="none", markeredgewidth=2.2,
                                    color=PALETTE["black"], label="chosen edition")
        self.label = self.ax.annotate("", xy=(0, 0), xytext=(12, 12), textcoords="offset points",
                                      color=PALETTE["black"], fontweight="bold")
        self.ax.set_ylim(0, self.table["measures"].max() * 1.12)
        self.ax.legend(loc="upper right")
        ftz = self.table[self.table["list_type"] == "ftz_pilot"]
        nat = self.table[(self.table["list_type"] == "nationwide") & self.table["is_negative_list"]]
        self.alt_start = (  # the part of the text alternative that does not depend on the choice
            f"Line chart of foreign-investment negative lists by edition. The pilot FTZ list falls from "
            f"{ftz['measures'].iloc[0]} measures ({ftz['edition_year'].iloc[0]}) to {ftz['measures'].iloc[-1]} "
            f"({ftz['edition_year'].iloc[-1]}); the nationwide list falls from {nat['measures'].iloc[0]} "
            f"({nat['edition_year'].iloc[0]}) to {nat['measures'].iloc[-1]} ({nat['edition_year'].iloc[-1]}). ")
        self.chart = finish(self.fig, self.ax, title="Foreign-investment negative lists", xlabel="Edition (year)",
                            ylabel="special measures (count)", resources=["ftz_negative_list"],
                            alt="(set on update)")
        self.watch(self.edition)
        self.update()
        self.panel = Panel([self.edition, self.messages.widget, self.result, self.output],
                           summary="negative-list edition picker: count, change from the previous edition, chart")

    def compute(self) -> EditionSummary:
        return edition_summary(self.table, self.edition.value)

    def draw(self, summary: EditionSummary) -> None:
        self.ring.set_data([summary.edition_year], [summary.measures])
        self.label.xy = (summary.edition_year, summary.measures)
        self.label.set_text(str(summary.measures))
        self.ax.set_title(f"Negative lists: {summary.label}", loc="left")

    def describe(self, summary: EditionSummary) -> None:
        self.result.value = f"<b>{escape(summary.sentence())}</b>"
        self.chart.alt = f"{self.alt_start}Highlighted: {summary.sentence()}"


def print_rows(frame: pd.DataFrame, head: str, body: str) -> None:
    """Print one short paragraph per row (text-heavy tables read better so): ``head`` and ``body`` are format
    strings over the row's columns, missing values shown as '-'."""
    need_table(frame, "frame", [], example="a course table from load(...)")
    for row in frame.reset_index().to_dict("records"):
        shown = {k: ("-" if pd.isna(v) else (f"{v:g}" if isinstance(v, float) else v)) for k, v in row.items()}
        try:
            print(head.format(**shown))
            print("    " + body.format(**shown))
        except KeyError as missing:
            raise InputProblem(f"The format names {missing}, not a column of this table. Its columns: "
                               f"{', '.join(map(str, row))}.") from None
        except (IndexError, ValueError, AttributeError) as err:  # "{0}", "{claim_id:d}" on text, "{x.y}"
            raise InputProblem(f"The format {head!r} / {body!r} cannot show this table's row: {err}. Name columns "
                               "in braces, e.g. '{claim_id}: {verdict}'.") from None


# ------------------------------------- Qianhai's institutional-innovation counts, source by source

QIANHAI_SCOPES = ["qianhai_shekou_ftz_area", "qianhai_unstated", "qianhai_coop_zone_2021"]
SCOPE_WORDS = {"qianhai_shekou_ftz_area": "Qianhai & Shekou FTZ area", "qianhai_unstated": "territory not stated",
               "qianhai_coop_zone_2021": "expanded cooperation zone (2021)", "all_pilot_ftzs": "all pilot FTZs"}
def qianhai_counts(innov: pd.DataFrame) -> pd.DataFrame:
    """Qianhai's reported counts, one row per (date, source, measure), each with its counting basis and territory
    (counts are never averaged across sources)."""
    need_table(innov, "qianhai_innovations", INNOVATION_COLUMNS)
    rows = innov[innov["scope"].isin(QIANHAI_SCOPES)].copy()
    rows["territory"] = rows["scope"].map(SCOPE_WORDS)
    rows = rows.sort_values(["sort_date", "source_id", "measure"], kind="stable")
    return rows[["as_of", "source_id", "territory", "measure", "value", "value_qualifier", "counting_basis"]] \
        .reset_index(drop=True)


MEASURE_WORDS = {"cumulative_achievements": "cumulative results", "national_firsts_or_leading": "national firsts",
                 "replicated_nationwide": "replicated nationwide",
                 "replicated_provincewide": "replicated province-wide", "replicated_citywide": "replicated city-wide"}


def counts_by_source(innov: pd.DataFrame) -> pd.DataFrame:
    """One row per (date, source): every count that source gives, in words ('about' kept)."""
    counts = qianhai_counts(innov)
    about = counts["value_qualifier"].eq("about").map({True: "about ", False: ""})
    counts["counts"] = counts["measure"].map(MEASURE_WORDS) + " " + about + counts["value"].astype(str)
    return counts.groupby(["as_of", "source_id"], sort=False).agg(
        territory=("territory", "first"), counting_basis=("counting_basis", "first"), counts=("counts", "; ".join),
    ).reset_index()


def replication_ratios(innov: pd.DataFrame) -> pd.DataFrame:
    """Replicated-nationwide share of the cumulative total, only where ONE source gives both numbers
    for the same date and territory (so numerator and denominator share a counting basis)."""
    out = []
    for (as_of, source, territory), group in qianhai_counts(innov).groupby(["as_of", "source_id", "territory"]):
        values = dict(zip(group["measure"], group["value"]))
        if "cumulative_achievements" in values and "replicated_nationwide" in values:
            total, replicated = int(values["cumulative_achievements"]), int(values["replicated_nationwide"])
            out.append({"as_of": as_of, "source_id": source, "territory": territory,
                        "counting_basis": group["counting_basis"].iloc[0], "total": total,
                        "replicated_nationwide": replicated, "share_pct": 100 * replicated / total})
    return pd.DataFrame(out)


def draw_innovation_bars(ax, innov: pd.DataFrame) -> list[str]:
    """A bar per (date, source): the cumulative total, the replicated-nationwide count over it; returns the labels."""
    counts = qianhai_counts(innov)
    keys = counts[counts["measure"].isin(["cumulative_achievements", "replicated_nationwide"])]
    groups = list(keys.groupby(["as_of", "source_id"], sort=False))
    ypos = np.arange(len(groups))[::-1]  # the first report at the top
    labels = []
    for y, ((as_of, source), group) in zip(ypos, groups):
        values = dict(zip(group["measure"], group["value"]))
        total, rep = values.get("cumulative_achievements"), values.get("replicated_nationwide")
        approx = "about " if "about" in set(group["value_qualifier"].dropna()) else ""
        basis = textwrap.fill(f"basis: {group['counting_basis'].iloc[0]}", 34, subsequent_indent="  ")
        labels.append(f"{as_of} · {source} · {group['territory'].iloc[0]}\n{basis}")
        if total is None:
            words, end = f"{rep} nationwide (no total in this source)", rep
        else:
            ax.barh(y, total, color=PALETTE["sky"], height=0.6)
            words, end = f"{approx}{total}" + ("" if rep is None else f", of which {rep} nationwide"), total
        if rep is not None:
            ax.barh(y, rep, color=PALETTE["vermillion"], height=0.6)
        ax.text(end + 10, y, words, va="center")
    ax.set_yticks(ypos, labels)
    ax.set_xlim(0, keys.loc[keys["measure"] == "cumulative_achievements", "value"].max() * 1.6)
    ax.legend(handles=[Patch(color=PALETTE["sky"], label="cumulative results reported"),
                       Patch(color=PALETTE["vermillion"], label="of which replicated nationwide")],
              loc="upper right")
    return labels


# --------- The cooperation-zone fields named in the article, and the evidence in the data for each

COOPERATION_FIELDS = {
    # field named by Mao Yanhua → (resource, row id) pairs chosen by the course from the data
    "service trade": [("qianhai_legal_facts", "cepa_ix_recognition")],
    # The 2012 State Council Reply only asked for the loans to be studied (an aim); PBOC Shenzhen's rules allowed them.
    "financial opening": [("crossborder_rmb_loans", "rules_released_dec_2012"),
                          ("crossborder_rmb_loans", "first_batch_lenders")],
    "technological innovation": [("pilot_reform_concepts", "coop_zone_scitech_aim_2021")],
    "talent flow": [("qianhai_legal_facts", "construction_filing"),
                    ("qianhai_legal_facts", "professional_categories_2025")],
    "legal cooperation": [("qianhai_legal_facts", "court_established"), ("qianhai_legal_facts", "hk_law_choice")],
}
ID_COLUMN = {"qianhai_legal_facts": "fact_id", "crossborder_rmb_loans": "item_id",
             "pilot_reform_concepts": "concept_id"}


def _evidence_text(resource_name: str, row: pd.Series) -> str:
    if resource_name == "qianhai_legal_facts":
        return row["fact"] + ("" if pd.isna(row["value"]) else f" ({row['value']:g} {row['unit']})")
    if resource_name == "crossborder_rmb_loans":
        words = "" if pd.isna(row["value_text"]) else row["value_text"]
        conflict = re.match(r"DATE CONFLICT:\s*([^.(]+)", "" if pd.isna(row["note"]) else row["note"])
        if conflict:  # the sources disagree on the date: say so beside the date shown
            words += f"; date conflict: {conflict.group(1).strip()}"
        if pd.isna(row["value"]):
            return words
        first = f"first batch of cross-border RMB loans, {row['item'].replace('_', ' ')}: {row['value']:g} {row['unit']}"
        return first + (f" ({words})" if words else "")
    return row["statement"]


def field_evidence(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each field the article names, the data rows that document it: a rule or institution in place, or only
    an aim in a plan (the rows of pilot_reform_concepts)."""
    need_kind(frames, dict, "frames", "a dict of tables by name, e.g. {'qianhai_legal_facts': load('qianhai_legal_facts')}")
    missing = sorted({res for refs in COOPERATION_FIELDS.values() for res, _ in refs} - set(frames))
    if missing:
        raise InputProblem(f"field_evidence needs the resources {missing} (load them with load(name)).")
    rows = []
    for field, refs in COOPERATION_FIELDS.items():
        for resource_name, row_id in refs:
            frame = frames[resource_name]
            hit = frame[frame[ID_COLUMN[resource_name]] == row_id]
            if hit.empty:
                raise InputProblem(f"{resource_name} has no row {row_id!r}; the evidence table needs it.")
            r = hit.iloc[0]
            aim = resource_name == "pilot_reform_concepts"
            rows.append({"field": field, "evidence": _evidence_text(resource_name, r),
                         "date": "date not stated" if pd.isna(r["date"]) or not r["date"] else r["date"],
                         "kind": "aim in a plan" if aim else "rule or institution in place",
                         "data": f"{resource_name}: {row_id}", "source_id": r["source_id"]})
    return pd.DataFrame(rows)


def fields_in_place(evidence: pd.DataFrame, by: str | None = None) -> list[str]:
    """Fields with at least one rule or institution in place (article order); with ``by`` (a date such as
    '2020-08-25'), only rules dated on or before it (an undated rule does not count)."""
    need_table(evidence, "evidence", ["field", "kind", "date"], example="field_evidence({...})")
    rules = evidence[evidence["kind"] == "rule or institution in place"]
    if by is not None:
        if not isinstance(by, str) or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", by):
            raise InputProblem(f"by must be a date written like '2020-08-25', not {by!r}.")
        # dates are ISO text of year, month or day precision: compare on the shorter of the two
        rules = rules[[bool(re.match(r"\d{4}", d)) and d[:len(by)] <= by[:len(d)] for d in rules["date"].astype(str)]]
    done = set(rules["field"])
    return [f for f in COOPERATION_FIELDS if f in done]


# ------------------------------- Teaching model: pilot → evaluate → replicate elsewhere. NOT DATA.

MAX_PILOTS = 1000
MAX_YEARS = 20
MAX_SEED = 99999


@dataclass(frozen=True)
class Diffusion:
    """One run of the teaching model; arrays are indexed by year 0..years (end of each year)."""

    pilots: int
    years: int
    evaluation_share: float
    adoption_rate: float
    seed: int
    replicated: np.ndarray
    kept_local: np.ndarray
    piloting: np.ndarray
    expected_replicated: np.ndarray
    replicated_ids: frozenset

    @property
    def final_replicated(self) -> int:
        return int(self.replicated[-1])

    @property
    def share(self) -> float:
        return self.final_replicated / self.pilots

    def sentence(self) -> str:
        e, a, t = self.evaluation_share, self.adoption_rate, self.years
        return (f"Model output (seed {self.seed}): after {plural(t, 'year')}, "
                f"{self.final_replicated} of {self.pilots} piloted reforms were replicated elsewhere "
                f"({self.share:.1%}); {int(self.kept_local[-1])} were evaluated and kept local; "
                f"{int(self.piloting[-1])} are still being piloted. The formula a × (1 − (1 − e)^T) = "
                f"{a:.2f} × (1 − {1 - e:.2f}^{t}) = {expected_share(e, a, t):.1%} is the share expected "
                f"on average over many seeds.")


def check_model_inputs(pilots, years, evaluation_share, adoption_rate, seed) -> tuple[int, int, float, float, int]:
    """Every input of the model, checked (InputProblem otherwise)."""
    return (
        parse_number(pilots, label="Reforms piloted", minimum=1, maximum=MAX_PILOTS, integer=True, unit="reforms"),
        parse_number(years, label="Years", minimum=1, maximum=MAX_YEARS, integer=True, unit="years"),
        parse_number(evaluation_share, label="Share evaluated each year", minimum=0, maximum=1),
        parse_number(adoption_rate, label="Adoption rate", minimum=0, maximum=1),
        parse_number(seed, label="Random seed", minimum=0, maximum=MAX_SEED, integer=True),
    )


def expected_share(evaluation_share: float, adoption_rate: float, years: int) -> float:
    """Share replicated after ``years`` on average: a reform is still unevaluated after T years with
    probability (1 − e)^T, so it has been evaluated with probability 1 − (1 − e)^T and then adopted
    with probability a."""
    _, years, e, a, _ = check_model_inputs(1, years, evaluation_share, adoption_rate, 0)
    return a * (1 - (1 - e) ** years)


def years_to_half(evaluation_share: float, adoption_rate: float) -> float | None:
    """Years until, on average over seeds, half the piloted reforms are replicated elsewhere.

    Solving a × (1 − (1 − e)^T) = 1/2 for T gives T = ln(1 − 1/(2a)) / ln(1 − e). Only a share a of the
    reforms is ever copied, so with a ≤ 1/2 (or e = 0: nothing is ever judged) half is never reached: None.
    With e = 1 every reform is judged in the first year: 1.0."""
    _, _, e, a, _ = check_model_inputs(1, 1, evaluation_share, adoption_rate, 0)
    if a <= 0.5 or e == 0:
        return None
    if e == 1:
        return 1.0
    return math.log(1 - 1 / (2 * a)) / math.log1p(-e)  # log1p: ln(1 - e) is not 0 for a tiny e


def half_sentence(run: "Diffusion") -> str:
    """When half of a run's reforms are replicated: on average (the formula) and in this run (its seed)."""
    half = run.pilots / 2
    average = years_to_half(run.evaluation_share, run.adoption_rate)
    if run.adoption_rate == 0 or run.evaluation_share == 0:  # nothing can be copied, not even by chance
        why = ("the adoption rate is 0%: no reform is ever copied" if run.adoption_rate == 0
               else "the evaluation share is 0%: no reform is ever judged, so none is copied")
        return f"Half the reforms replicated ({half:g} of {run.pilots}): never, because {why}."
    reached = np.flatnonzero(run.replicated >= half)
    when = (f"by the end of year {int(reached[0])}" if reached.size
            else f"within {plural(run.years, 'year')}")
    if average is None:
        return (f"Half the reforms replicated ({half:g} of {run.pilots}): the average never gets there, because on "
                f"average only a share a = {run.adoption_rate:.0%} of them is ever copied. A single run can still "
                f"reach half by chance: this run does{'' if reached.size else ' not'}, {when}.")
    this_run = f"in this run, {when}" if reached.size else f"in this run, not {when}"
    return (f"Half the reforms replicated ({half:g} of {run.pilots}): on average after {average:.1f} years "
            f"(the year T at which the formula a × (1 − (1 − e)ᵀ) reaches one half); {this_run}.")


def simulate_diffusion(pilots=100, years=6, evaluation_share=0.3, adoption_rate=0.3, seed=2020) -> Diffusion:
    """A cohort of reforms piloted in year 0. Each year every reform not yet evaluated is evaluated with
    probability e; an evaluated reform is adopted elsewhere with probability a, or else kept local.

    All random numbers are drawn once per seed for the largest model (MAX_YEARS × MAX_PILOTS), then
    sliced. So the same seed gives the same run, and with the same seed a higher adoption rate, a higher
    evaluation share, more years or more pilots can never give fewer replicated reforms."""
    pilots, years, e, a, seed = check_model_inputs(pilots, years, evaluation_share, adoption_rate, seed)
    rng = np.random.default_rng(seed)
    u_evaluate = rng.random((MAX_YEARS, MAX_PILOTS))[:years, :pilots]
    u_adopt = rng.random(MAX_PILOTS)[:pilots]
    evaluated = u_evaluate < e
    ever = evaluated.any(axis=0)
    evaluation_year = np.where(ever, evaluated.argmax(axis=0) + 1, years + 1)  # years+1 = not within the horizon
    adopted = u_adopt < a
    steps = np.arange(years + 1)
    done_by = evaluation_year[None, :] <= steps[:, None]
    replicated = (done_by & adopted[None, :]).sum(axis=1)
    kept_local = (done_by & ~adopted[None, :]).sum(axis=1)
    piloting = pilots - replicated - kept_local
    expected = pilots * a * (1 - (1 - e) ** steps)
    ids = frozenset(int(i) for i in np.flatnonzero(ever & adopted))
    return Diffusion(pilots, years, e, a, seed, replicated, kept_local, piloting, expected, ids)


def assumptions_table() -> pd.DataFrame:
    """Every assumption of the teaching model, what it means and what it leaves out."""
    rows = [
        ("Pilots", "N reforms start being piloted in one zone in year 0.", "Real zones add new pilots every year."),
        ("Evaluation", "Each year, each reform not yet judged is evaluated with probability e.",
         "Real evaluations come in rounds set by the centre; some reforms are never judged."),
        ("Adoption", "An evaluated reform is adopted elsewhere at once with probability a, or stays local for good.",
         "No second chances, no province-wide stage."),
        ("Independence", "Reforms do not affect one another.", "Real reforms come in packages."),
        ("Same for all", "e and a are the same for every reform and year.", "Some reforms are riskier to copy."),
        ("Randomness", "Chance decides which reforms are evaluated in a year and which are adopted; the seed fixes "
         "those chance draws, so the same seed always gives the same run.",
         "Real decisions have reasons (cost, politics, who asks); the model treats them as luck."),
        ("Units", "Counts are model reforms.", "Nothing here is data."),
    ]
    return pd.DataFrame(rows, columns=["assumption", "in the model", "what it leaves out"]).set_index("assumption")


class DiffusionExplorer(Explorer):
    """Adoption rate, evaluation share, years and a typed seed, for a fixed number of pilots → the model's path."""

    def __init__(self, pilots: int = 100, years: int = 6, evaluation_pct: int = 30, adoption_pct: int = 30,
                 seed: int = 2020):
        super().__init__()
        self.adoption = TwinSlider("Adoption rate after evaluation", minimum=0, maximum=100, value=adoption_pct,
                                   unit="%", messages=self.messages)
        self.evaluation = TwinSlider("Share evaluated each year", minimum=0, maximum=100, value=evaluation_pct,
                                     unit="%", messages=self.messages)
        self.years = TwinSlider("Years", minimum=1, maximum=MAX_YEARS, value=years, unit="years",
                                messages=self.messages)
        self.pilots = pilots  # fixed in the widget (change it in code); the model checks it
        self.seed = w.Text(value=str(seed), description="Random seed", continuous_update=False, style=LABEL_STYLE,
                           layout=w.Layout(width="200px"))
        self.seed_value = seed
        self.fig, self.ax = new_figure(6.4, 3.3)
        (self.rep_line,) = self.ax.plot([], [], marker="o", markersize=3, color=PALETTE["vermillion"],
                                        label="replicated\nelsewhere")
        (self.local_line,) = self.ax.plot([], [], marker="s", markersize=3, color=PALETTE["blue"],
                                          label="evaluated,\nkept local")
        (self.pilot_line,) = self.ax.plot([], [], marker="^", markersize=3, color=PALETTE["green"],
                                          label="still being\npiloted")
        (self.expected_line,) = self.ax.plot([], [], linestyle="--", color=PALETTE["black"], linewidth=1,
                                             label="replicated: average\nover seeds (formula)")
        (self.half_line,) = self.ax.plot([], [], linestyle=":", color=PALETTE["purple"], linewidth=1,
                                         label="half the\nreforms")
        self.fig.legend(loc="outside right upper")
        self.chart = finish(self.fig, self.ax, title="Model output, not data: piloted reforms",
                            xlabel="Years after the reforms were piloted", ylabel="reforms (model units)",
                            alt="(set on update)", model=True)
        self.watch(self.adoption, self.evaluation, self.years)
        self.seed.observe(self._from_seed, names="value")
        self.update()
        self.panel = Panel(
            [self.adoption.box, self.evaluation.box, self.years.box, self.seed,
             self.messages.widget, self.result, self.output],
            summary="teaching model of policy diffusion (model output, not data): adoption rate, evaluation share, "
                    "years, seed",
        )

    def _from_seed(self, change) -> None:
        try:
            seed = parse_number(change["new"], label="Random seed", minimum=0, maximum=MAX_SEED, integer=True)
        except InputProblem as problem:
            self.messages.error(f"{problem} Until this box is corrected, the result uses the last good seed, "
                                f"{self.seed_value}.")
            return
        self.messages.clear()
        self.seed_value = seed
        self.update()

    def compute(self) -> Diffusion:  # only a bad ``pilots`` given in code can make the model refuse
        return simulate_diffusion(self.pilots, self.years.value, self.evaluation.value / 100,
                                  self.adoption.value / 100, self.seed_value)

    def draw(self, run: Diffusion) -> None:
        steps = np.arange(run.years + 1)
        self.rep_line.set_data(steps, run.replicated)
        self.local_line.set_data(steps, run.kept_local)
        self.pilot_line.set_data(steps, run.piloting)
        self.expected_line.set_data(steps, run.expected_replicated)
        # The axis moves in steps of 5 years, so it stays put while the slider is dragged: a new limit means a full
        # redraw, several times slower than moving the lines.
        right = 5 * math.ceil(max(run.years, 1) / 5)
        self.half_line.set_data([0, right], [run.pilots / 2, run.pilots / 2])
        self.ax.set_xlim(0, right)
        self.ax.set_ylim(0, run.pilots * 1.05)

    def describe(self, run: Diffusion) -> None:
        self.result.value = f"<b>{escape(run.sentence())}</b><br>{escape(half_sentence(run))}"
        self.chart.alt = (
            f"Teaching-model output, not data. Lines over {run.years} years for {run.pilots} model reforms with "
            f"evaluation share {run.evaluation_share:.0%} a year and adoption rate {run.adoption_rate:.0%}: "
            f"still being piloted falls from {run.pilots} to {int(run.piloting[-1])}; replicated elsewhere rises "
            f"from 0 to {run.final_replicated}; evaluated and kept local rises from 0 to {int(run.kept_local[-1])}; "
            f"the dashed average-over-seeds line ends at {run.expected_replicated[-1]:.1f}; a dotted line marks "
            f"half the reforms. {half_sentence(run)}")
