"""Notebook 02 plumbing: Qianhai's dated milestones, the territories called "Qianhai", the layers of
"special" status around them, and why indicators from different territories do not join into one series.

Dates are handled with their precision: an event known only to the month or year is "uncertain" on a
day inside that month or year, never silently placed on its first day. Zones follow the data's rule
``valid_from <= day < valid_to`` (valid_to EXCLUSIVE). Rows whose ``date_status`` is ``rejected`` are
never counted as having happened; ``disputed`` rows are reported as a disagreement between sources.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import ipywidgets as w
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

from qianhai.charts import PALETTE, Chart, finish, new_figure
from qianhai.data import frame_fingerprint
from qianhai.dates import as_date, month_end, real_day
from qianhai.display import escape
from qianhai.inputs import InputProblem
from qianhai.widgets import LABEL_STYLE, Explorer, Messages, Panel

# Policy areas of the timeline (the data's `category` codes), in the order the notebook shows them.
CATEGORY_LABELS = {
    "zone_area": "zone / area",
    "governance": "governance",
    "tax": "tax",
    "finance": "finance",
    "legal": "legal",
    "trade_investment": "trade & investment",
    "political": "political",
    "reported_results": "reported results",
    "national_context": "national context",
}

# The "special" statuses of qianhai_zones.status_layer, in words; the two FTZ layers are one status.
STATUS_LABELS = {
    "gba": "Greater Bay Area",
    "sez": "Special Economic Zone",
    "pilot_ftz": "pilot free trade zone",
    "ftz_area": "pilot free trade zone",
    "cooperation_zone": "Shenzhen-Hong Kong cooperation zone",
    "bonded_port": "bonded port area",
    "financial_district": "development district (no separate legal status)",
}
STATUS_ORDER = ["gba", "sez", "pilot_ftz", "ftz_area", "cooperation_zone", "bonded_port"]

# Territories that carry the name "Qianhai" (the layers around them are found through `contained_in`).
QIANHAI_CORE = ["qianhai_coop_zone_2010", "qianhai_coop_zone_2021", "qianhai_shekou_ftz_area",
                "qianhai_bay_bonded_port"]
THREE_QIANHAIS = ["qianhai_coop_zone_2010", "qianhai_shekou_ftz_area", "qianhai_coop_zone_2021"]

# Short words for qianhai_indicators.scope (the descriptor's definitions, shortened).
SCOPE_LABELS = {
    "qianhai_coop_zone_2010": "cooperation zone, 14.92 km²",
    "qianhai_shekou_ftz_area": "Qianhai & Shekou FTZ area, 28.2 km²",
    "qianhai_ftz_as_described": "'Qianhai FTZ area' (release wording)",
    "qianhai_unstated": "'Qianhai', territory not stated",
    "qianhai_unstated_likely_ftz": "'Qianhai', probably the FTZ area",
    "qianhai_coop_zone_2021": "expanded zone, 120.56 km²",
    "guangdong_ftz": "whole Guangdong FTZ",
    "all_pilot_ftzs": "all pilot FTZs (national)",
}

# Words for qianhai_indicators.measure_type and qianhai_timeline.conflict_group.
MEASURE_LABELS = {
    "registered_enterprise_value_added": "value added of firms registered there",
    "territorial_gdp": "GDP of the territory",
}
CONFLICT_LABELS = {
    "pboc_loan_rules_date": "PBOC rules for cross-border loans",
    "qianhai_court_founding": "Qianhai Court",
    "gba_outline_date": "Greater Bay Area outline",
}
CHANGE_LABELS = {"scope": "territory", "measure_type": "measure"}

DATE_HINT = "Type a date as YYYY-MM (a month) or YYYY-MM-DD (a day)"
_DATE_RE = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?")


# ---------------------------------------------------------------- dates and their precision


def as_day(value, label: str = "date") -> dt.date:
    """A day given as a date, a Timestamp or 'YYYY-MM-DD' text; InputProblem with a message otherwise."""
    try:
        return as_date(value)
    except ValueError as err:
        shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "..."
        raise InputProblem(f"The {label} must be a date (YYYY-MM-DD), not {shown!r} ({type(value).__name__}): "
                           f"{err}.") from None


def _need_frame(frame, name: str, columns: list[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InputProblem(f"{name} must be a table (a pandas DataFrame, e.g. load({name!r})), "
                           f"not {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputProblem(f"{name} lacks the column(s) {', '.join(missing)}: load it with load({name!r}).")


def period_last(start: dt.date, precision: str) -> dt.date:
    """The last day of the period a date stands for: the day itself, its month, or its year."""
    if precision == "day":
        return start
    if precision == "month":
        return month_end(start)
    if precision == "year":
        return dt.date(start.year, 12, 31)
    raise InputProblem(f"Unknown date precision {str(precision)[:20]!r}: expected day, month or year.")


def month_labels(first: dt.date, last: dt.date) -> list[str]:
    """Every month from first to last as 'YYYY-MM', in order."""
    labels, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return labels


@dataclass(frozen=True)
class DateQuery:
    """A date a student asked about: a day, or a month read as 'as of the end of that month'."""

    day: dt.date
    precision: str  # "day" or "month"

    @property
    def month(self) -> str:
        return f"{self.day.year:04d}-{self.day.month:02d}"

    @property
    def label(self) -> str:
        if self.precision == "month":
            return f"{self.day.isoformat()} (end of {self.month})"
        return self.day.isoformat()


def timeline_bounds(timeline: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First day of the first event's month and last day of the last event's month."""
    dates = sorted(as_date(d) for d in timeline["sort_date"])
    return dt.date(dates[0].year, dates[0].month, 1), month_end(dates[-1])


def parse_date(raw: object, *, first: dt.date, last: dt.date, label: str = "Date") -> DateQuery:
    """Turn typed text into a DateQuery between first and last, or raise InputProblem with a message.

    'YYYY-MM' means the end of that month; 'YYYY-MM-DD' that day. '/' or '.' may separate the parts.
    """
    hint = f"{DATE_HINT} from {first:%Y-%m} to {last.isoformat()}."
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        query = DateQuery(raw, "day")
    else:
        if isinstance(raw, bool) or not isinstance(raw, str):
            raise InputProblem(f"{label}: expected a date typed as text, not {type(raw).__name__}. {hint}")
        text = raw.strip()
        if not text:
            raise InputProblem(f"{label}: the box is empty. {hint}")
        shown = text if len(text) <= 40 else text[:37] + "..."
        if re.fullmatch(r"[0-9]{4}", text):
            raise InputProblem(f"{label}: {shown!r} is only a year; add a month, e.g. {text}-06. {hint}")
        match = _DATE_RE.fullmatch(text)
        if not match:
            raise InputProblem(f"{label}: {shown!r} is not a date. {hint}")
        year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
        try:
            start = real_day(year, month, int(day) if day else 1)
        except ValueError as err:
            raise InputProblem(f"{label}: {shown!r} is not a real date ({err}). {hint}") from None
        query = DateQuery(start, "day") if day else DateQuery(month_end(start), "month")
    if query.day < first or query.day > last:
        raise InputProblem(
            f"{label}: {query.label} is outside the timeline, which runs from {first:%Y-%m} to "
            f"{last:%Y-%m} (the data say nothing about other dates). {hint}"
        )
    return query


# ---------------------------------------------------------------- what existed on a date


def event_status(sort_date, precision: str, day: dt.date) -> str:
    """'happened' (certainly by the end of `day`), 'not yet', or 'uncertain' when the event is dated
    only to a month or year that contains `day`."""
    start, day = as_day(sort_date, "event date"), as_day(day)
    if day < start:
        return "not yet"
    if day >= period_last(start, precision):
        return "happened"
    return "uncertain"


def zone_status(row, day: dt.date) -> str:
    """'in force', 'not yet', 'ended', or 'uncertain' (the start or end is known only to the month or
    year and `day` falls inside that period). valid_to is EXCLUSIVE: a zone ending 2021-09-06 is gone
    on 2021-09-06."""
    day = as_day(day)
    start = as_date(row["valid_from"])
    if day < start:
        return "not yet"
    if pd.notna(row["valid_to"]):
        end = as_date(row["valid_to"])
        end_last = period_last(end, row["valid_to_precision"])
        if day >= end_last:
            return "ended"
        if day >= end:
            return "uncertain"
    if day < period_last(start, row["valid_from_precision"]):
        return "uncertain"
    return "in force"


def events_on(timeline: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Every milestone with its status on `day` (column `status`), sorted by date then id."""
    _need_frame(timeline, "qianhai_timeline", ["event_id", "sort_date", "date_precision"])
    day = as_day(day)
    frame = timeline.copy()
    frame["status"] = [event_status(s, p, day) for s, p in zip(frame["sort_date"], frame["date_precision"])]
    return frame.sort_values(["sort_date", "event_id"]).reset_index(drop=True)


def _ancestors(zones: pd.DataFrame, start: list[str]) -> list[str]:
    """The zones in `start` and every zone they lie within (through `contained_in`), in table order."""
    parents = {r.zone_id: (r.contained_in.split(";") if isinstance(r.contained_in, str) else [])
               for r in zones.itertuples()}
    found, todo = set(), list(start)
    while todo:
        zone = todo.pop()
        if zone in found or zone not in parents:
            continue
        found.add(zone)
        todo.extend(parents[zone])
    return [z for z in zones["zone_id"] if z in found]


LAYER_COLUMNS = ["zone_id", "name", "special_status", "area_km2", "valid_from", "valid_to", "status"]


def _related_layers(zones: pd.DataFrame) -> pd.DataFrame:
    """The territories called Qianhai and the layers they lie within, outermost layer first (no status).
    Worked out once per zones table (by content), so that a date slider does not redo it at every step."""
    key = frame_fingerprint(zones)
    if key not in _RELATED:
        related = zones[zones["zone_id"].isin(_ancestors(zones, QIANHAI_CORE))].copy()
        related["special_status"] = related["status_layer"].map(STATUS_LABELS)
        related["order"] = related["status_layer"].map({s: i for i, s in enumerate(STATUS_ORDER)})
        _RELATED[key] = related.sort_values(["order", "valid_from", "zone_id"]).reset_index(drop=True)
        while len(_RELATED) > 8:
            _RELATED.pop(next(iter(_RELATED)))
    return _RELATED[key].copy()


_RELATED: dict[bytes, pd.DataFrame] = {}


def qianhai_layers(zones: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The territories called Qianhai and the layers they lie within, with their status on `day`;
    only rows in force or uncertain, outermost layer first; valid_from and valid_to as text (`as_known`)."""
    _need_frame(zones, "qianhai_zones", ["zone_id", "status_layer", "valid_from", "valid_to", "contained_in"])
    day = as_day(day)
    related = _related_layers(zones)
    related["status"] = [zone_status(r, day) for r in related.to_dict("records")]
    related = related[related["status"].isin(["in force", "uncertain"])].copy()
    for column in ("valid_from", "valid_to"):  # as text: a year-only start is not the 1st of January
        related[column] = [as_known(d, p) for d, p in zip(related[column], related[f"{column}_precision"])]
    return related[LAYER_COLUMNS].reset_index(drop=True)


def as_known(value, precision: str) -> str:
    """A date only as precisely as it is known: '2010 (year only)', '2015-04 (month only)', '2010-08-26';
    'still valid' for an open end."""
    if pd.isna(value):
        return "still valid"
    day = as_date(value)
    if precision == "year":
        return f"{day.year} (year only)"
    if precision == "month":
        return f"{day:%Y-%m} (month only)"
    return day.isoformat()


def count_statuses(layers: pd.DataFrame) -> tuple[int, int]:
    """(distinct special statuses certainly in force, distinct statuses that are only uncertain)."""
    sure = set(layers.loc[layers["status"] == "in force", "special_status"])
    maybe = set(layers.loc[layers["status"] == "uncertain", "special_status"]) - sure
    return len(sure), len(maybe)


def stacked_between(zones: pd.DataFrame, earlier, later) -> str:
    """One sentence: the special statuses certainly in force around Qianhai on `later` but not on `earlier`
    (added) and the reverse (gone), each listed by the date it began, and the days between the two dates
    (given in either order)."""
    first, second = sorted([as_day(earlier, "first date"), as_day(later, "second date")])
    sure = {day: set(layers.loc[layers["status"] == "in force", "special_status"])
            for day, layers in ((d, qianhai_layers(zones, d)) for d in (first, second))}
    starts = _related_layers(zones).groupby("special_status")["valid_from"].min()
    added = sorted(sure[second] - sure[first], key=lambda status: (starts[status], status))
    gone = sorted(sure[first] - sure[second], key=lambda status: (starts[status], status))
    return (f"From {first.isoformat()} to {second.isoformat()} ({(second - first).days:,} days): "
            f"{len(sure[first])} → {len(sure[second])} special statuses; added, earliest first: "
            f"{', '.join(added) or 'none'}; gone: {', '.join(gone) or 'none'}.")


def ftz_total(ftz_count: pd.DataFrame, day: dt.date) -> int:
    """Number of China's pilot FTZs on `day` (0 before the first)."""
    _need_frame(ftz_count, "ftz_count", ["date", "total_pilot_ftzs"])
    day = as_day(day)
    before = ftz_count[[(as_date(d) <= day) for d in ftz_count["date"]]]
    return 0 if before.empty else int(before.sort_values("date")["total_pilot_ftzs"].iloc[-1])


@dataclass
class Snapshot:
    """What existed on one date: milestones, disagreements, the layers around Qianhai, FTZ count."""

    query: DateQuery
    happened: pd.DataFrame
    uncertain: pd.DataFrame
    disputed: list[str]
    rejected: list[str]
    upcoming: pd.DataFrame
    layers: pd.DataFrame
    ftzs: int
    total_events: int = 0
    names: list[str] = field(default_factory=list)

    @property
    def statuses(self) -> tuple[int, int]:
        return count_statuses(self.layers)

    def sentence(self) -> str:
        sure, maybe = self.statuses
        maybe_text = f" (and {maybe} more whose start is known only to the month or year)" if maybe else ""
        names = "; ".join(self.names) if self.names else "no territory called Qianhai yet"
        statuses = "1 special status" if sure == 1 else f"{sure} special statuses"
        zones = "1 pilot free trade zone" if self.ftzs == 1 else f"{self.ftzs} pilot free trade zones"
        return (f"As of {self.query.label}: {len(self.happened)} of {self.total_events} milestones had happened"
                f"{f', {len(self.uncertain)} more may have' if len(self.uncertain) else ''}. "
                f"{statuses} applied to Qianhai{maybe_text}. 'Qianhai' could mean: {names}. China had {zones}.")


def snapshot(timeline: pd.DataFrame, zones: pd.DataFrame, ftz_count: pd.DataFrame, when) -> Snapshot:
    """Answer "what existed on this date?" for a DateQuery or typed text (YYYY-MM or YYYY-MM-DD; a month
    means its last day). The answer's `.sentence()` says it in words; `.layers` is a table with one row per
    layer around Qianhai (special_status, name, area_km2, valid_from, valid_to, status; the dates as text
    only as precise as known, e.g. "2010 (year only)"); `.happened` lists the milestones that had happened;
    `.ftzs` is the number of China's pilot FTZs."""
    _need_frame(timeline, "qianhai_timeline", ["event_id", "sort_date", "date_precision", "date_status"])
    first, last = timeline_bounds(timeline)
    query = when if isinstance(when, DateQuery) else parse_date(when, first=first, last=last)
    events = events_on(timeline, query.day)
    counted = events[events["date_status"] != "rejected"]
    happened = counted[counted["status"] == "happened"]
    uncertain = counted[counted["status"] == "uncertain"]
    upcoming = counted[counted["status"] == "not yet"]
    disputed = []
    for group, rows in events[events["date_status"] == "disputed"].groupby("conflict_group", sort=True):
        states = set(rows["status"])
        if len(states) > 1:
            parts = [f"{r.date} per {r.source_id}: {r.status}" for r in rows.itertuples()]
            disputed.append(f"{group}: sources disagree on the date ({'; '.join(parts)}).")
    rejected = []
    for r in events[(events["date_status"] == "rejected") & (events["status"] != "not yet")].itertuples():
        kept = events[(events["conflict_group"] == r.conflict_group) & (events["date_status"] == "preferred")]
        preferred = f"; the research prefers {kept['date'].iloc[0]} ({kept['source_id'].iloc[0]})" if len(kept) else ""
        rejected.append(f"{r.conflict_group}: {r.source_id} gives {r.date}, a date the research rejects{preferred}. "
                        "Not counted.")
    layers = qianhai_layers(zones, query.day)
    in_force = layers[layers["zone_id"].isin(THREE_QIANHAIS)]
    names = [f"{_area(r.area_km2)} {r.name}{' (uncertain)' if r.status == 'uncertain' else ''}"
             for r in in_force.sort_values("area_km2").itertuples()]
    return Snapshot(query, happened, uncertain, disputed, rejected, upcoming, layers,
                    ftz_total(ftz_count, query.day), total_events=len(counted), names=names)


def _area(value) -> str:
    return "area not given:" if pd.isna(value) else f"{value:g} km²"


# ---------------------------------------------------------------- a date slider with a typed twin


class DateTwinSlider:
    """A month slider and a text box that always agree. Typing YYYY-MM-DD keeps the exact day (the
    slider moves to its month); moving the slider means the end of the chosen month. A bad date shows
    a message and leaves everything as it was."""

    def __init__(self, description: str, *, first: dt.date, last: dt.date, value: str,
                 messages: Messages | None = None):
        self.description, self.first, self.last = description, first, last
        self.messages = messages or Messages()
        self.query = parse_date(value, first=first, last=last, label=description)
        self.slider = w.SelectionSlider(options=month_labels(first, last), value=self.query.month,
                                        description=description, continuous_update=False, style=LABEL_STYLE,
                                        layout=w.Layout(width="460px"))
        self.text = w.Text(value=value, description="or type (YYYY-MM or YYYY-MM-DD)", continuous_update=False,
                           style=LABEL_STYLE, layout=w.Layout(width="340px"))
        self._callbacks: list = []
        self._refused: list = []  # called with the message when a typed date is refused
        self._syncing = False
        self.slider.observe(self._from_slider, names="value")
        self.text.observe(self._from_text, names="value")
        self.box = w.HBox([self.slider, self.text])

    @property
    def value(self) -> DateQuery:
        return self.query

    def observe(self, callback) -> None:
        self._callbacks.append(callback)

    def on_refused(self, callback) -> None:
        self._refused.append(callback)

    def _notify(self) -> None:
        for callback in self._callbacks:
            callback(self.query)

    def _from_slider(self, change) -> None:
        if self._syncing:
            return
        self.query = parse_date(change["new"], first=self.first, last=self.last, label=self.description)
        self._syncing = True
        self.text.value = change["new"]
        self._syncing = False
        self.messages.clear()
        self._notify()

    def _from_text(self, change) -> None:
        if self._syncing:
            return
        try:
            query = parse_date(change["new"], first=self.first, last=self.last, label=self.description)
        except InputProblem as problem:
            self.messages.error(str(problem))
            for callback in self._refused:
                callback(str(problem))
            return
        self.messages.clear()
        self.query = query
        self._syncing = True
        self.slider.value = query.month
        self._syncing = False
        self._notify()


# ---------------------------------------------------------------- charts

LAYER_ROWS = [  # (row label, zone ids drawn on that row)
    ("Greater Bay Area", ["gba"]),
    ("Shenzhen SEZ (whole city)", ["shenzhen_sez_2010"]),
    ("Guangdong Pilot FTZ", ["guangdong_ftz"]),
    ("Qianhai & Shekou FTZ area", ["qianhai_shekou_ftz_area"]),
    ("cooperation zone", ["qianhai_coop_zone_2010", "qianhai_coop_zone_2021"]),
    ("bonded port area", ["qianhai_bay_bonded_port"]),
]
LAYER_COLOURS = {"gba": PALETTE["sky"], "sez": PALETTE["orange"], "pilot_ftz": PALETTE["green"],
                 "ftz_area": PALETTE["green"], "cooperation_zone": PALETTE["blue"],
                 "bonded_port": PALETTE["purple"]}


def _num(day) -> float:
    return mdates.date2num(pd.Timestamp(day).to_pydatetime())


def _year_axis(ax, first: dt.date, last: dt.date, step: int = 2) -> None:
    ax.set_xlim(_num(dt.date(first.year - 1, 9, 1)), _num(dt.date(last.year + 1, 1, 1)))
    ax.xaxis.set_major_locator(mdates.YearLocator(step))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="y", visible=False)


def layers_chart(zones: pd.DataFrame, first: dt.date, last: dt.date, day: dt.date, day_label: str) -> Chart:
    """Horizontal bars: when each layer of special status around Qianhai existed (valid_from to valid_to;
    open ends run to the right edge). The part of a bar whose start is known only to the year is hatched.
    An orange-red line marks `day`."""
    _need_frame(zones, "qianhai_zones", ["zone_id", "status_layer", "valid_from", "valid_to", "area_km2"])
    first, last, day = as_day(first, "first date"), as_day(last, "last date"), as_day(day)
    day_label = str(day_label)[:40]
    fig, ax = new_figure(6.6, 3.2)
    right = dt.date(last.year + 1, 1, 1)
    table = zones.set_index("zone_id")
    for row, (label, ids) in enumerate(LAYER_ROWS):
        y = len(LAYER_ROWS) - 1 - row
        for zone in ids:
            r = table.loc[zone]
            start = as_date(r["valid_from"])
            end = as_date(r["valid_to"]) if pd.notna(r["valid_to"]) else right
            colour = LAYER_COLOURS[r["status_layer"]]
            shade = 0.45 if zone == "qianhai_coop_zone_2010" else 0.85
            ax.barh(y, _num(end) - _num(start), left=_num(start), height=0.6, color=colour, alpha=shade)
            sure_from = period_last(start, r["valid_from_precision"])
            if sure_from > start:
                ax.barh(y, _num(sure_from) - _num(start), left=_num(start), height=0.6, color="white",
                        alpha=0.6, hatch="///", edgecolor=colour)
            if pd.notna(r["area_km2"]):
                ax.text(_num(start) + 40, y, f"{r['area_km2']:g} km²", va="center")
    ax.set_yticks(range(len(LAYER_ROWS)), [label for label, _ in reversed(LAYER_ROWS)])
    _year_axis(ax, first, last)
    ax.axvline(_num(day), color=PALETTE["vermillion"], linewidth=2)
    ax.annotate(day_label, xy=(_num(day), len(LAYER_ROWS) - 0.45), xytext=(-6, 0), textcoords="offset points",
                ha="right", va="center", color=PALETTE["vermillion"])
    layers = qianhai_layers(zones, day)
    rows = [(label, [table.loc[z] for z in ids]) for label, ids in LAYER_ROWS]
    bars = "; ".join(
        f"{label}: " + ", ".join(
            (f"from {as_date(r['valid_from']).year} (known only to the year)" if r["valid_from_precision"] == "year"
             else f"from {as_date(r['valid_from']).isoformat()}") +
            f"{f' to {as_date(r.valid_to).isoformat()}' if pd.notna(r['valid_to']) else ''}"
            f"{f', {r.area_km2:g} km²' if pd.notna(r['area_km2']) else ''}" for r in parts)
        for label, parts in rows)
    crossed = ", ".join(f"{r.name}" for r in layers.itertuples())
    return finish(fig, ax, title="Layers of special status around Qianhai",
                  xlabel="year (hatched: start known only to the year)", ylabel="",
                  resources=["qianhai_zones"],
                  alt=f"Bars showing when each layer existed. {bars}. The orange-red line marks {day_label} "
                      f"({day.isoformat()}) and crosses: {crossed}.")


MARKERS = [  # (legend label, date_status values, marker, filled, colour)
    ("undisputed or preferred date", ["undisputed", "preferred"], "o", True, PALETTE["blue"]),
    ("steps of one event, reconciled", ["reconciled"], "s", False, PALETTE["blue"]),
    ("disputed date", ["disputed"], "D", False, PALETTE["vermillion"]),
    ("rejected date", ["rejected"], "X", True, PALETTE["vermillion"]),
]


@dataclass
class TimelineArtists:
    """What draw_timeline drew: the orange-red line, each marker group's points (with their dates and colours,
    to fade those after the date), every artist, the legend and the row labels, so that a widget can
    hide this drawing and show it again without drawing it anew."""

    day_line: Line2D
    groups: list  # (PathCollection, dates as numbers, face RGBA, edge RGBA)
    artists: list = field(default_factory=list)
    legend: object = None
    rows: dict = field(default_factory=dict)  # row position → label

    def move_to(self, day: dt.date) -> None:
        """Mark ``day``: move the orange-red line there and fade the milestones after it."""
        x = _num(day)
        self.day_line.set_xdata([x, x])
        for points, dates, face, edge in self.groups:
            alpha = np.where(dates > x, 0.25, 1.0)[:, None]
            points.set_facecolors(np.hstack([np.tile(face[:3], (len(dates), 1)), alpha]))
            points.set_edgecolors(np.hstack([np.tile(edge[:3], (len(dates), 1)), alpha]))

    def show(self, ax, visible: bool = True) -> None:
        """Show this drawing in ``ax`` (its rows and legend too), or hide it."""
        for artist in self.artists:
            artist.set_visible(visible)
        if visible:
            ax.set_yticks(list(self.rows), list(self.rows.values()))
            ax.set_ylim(-0.7, len(self.rows) - 0.3)
            ax.legend_ = self.legend


def draw_timeline(ax, shown: pd.DataFrame, categories: list[str], first: dt.date, last: dt.date,
                  day: dt.date, keep_others: bool = False) -> TimelineArtists:
    """Milestones as points on one row per policy area; a pale bar spans a date known only to the month
    or year; rows of one conflict group are joined by a dotted line; milestones after `day` are faded
    and an orange-red line marks `day`. Returns the artists that ``move_to`` moves to another date. The axes'
    earlier artists are removed, unless ``keep_others`` (a widget hides them instead, to show them again)."""
    if not keep_others:  # remove the previous drawing but keep the axes (clearing would rebuild every tick)
        for artist in [*ax.collections, *ax.lines, *ax.patches, *ax.texts]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    before = {id(a) for a in [*ax.collections, *ax.lines]}
    rows = {c: len(categories) - 1 - i for i, c in enumerate(categories)}
    handles, groups = [], []
    for label, statuses, marker, filled, colour in MARKERS:
        part = shown[shown["date_status"].isin(statuses)]
        if part.empty:
            continue
        face, edge = to_rgba(colour if filled else "white"), to_rgba(colour)
        dates = np.array([_num(d) for d in part["sort_date"]])
        points = ax.scatter(dates, [rows[c] for c in part["category"]], s=40, zorder=3, marker=marker,
                            linewidths=1.4)
        groups.append((points, dates, np.array(face), np.array(edge)))
        handles.append(Line2D([], [], linestyle="", marker=marker, markersize=6, label=label,
                              markerfacecolor=face, markeredgecolor=edge))
    spans = []  # one collection for all pale bars, one for all dotted joins: fewer artists to make and draw
    for r in shown[shown["date_precision"] != "day"].itertuples():
        start = as_date(r.sort_date)
        spans.append([(_num(start), rows[r.category]), (_num(period_last(start, r.date_precision)), rows[r.category])])
    if spans:
        ax.add_collection(LineCollection(spans, colors=PALETTE["blue"], linewidths=4, alpha=0.35, capstyle="butt"),
                          autolim=False)
    joins = [[(_num(d), rows[c]) for d, c in zip(group["sort_date"], group["category"])]
             for _, group in shown[shown["conflict_group"].notna()].groupby("conflict_group", sort=True)
             if len(group) > 1]
    if joins:
        ax.add_collection(LineCollection(joins, colors=PALETTE["vermillion"], linewidths=1.2, linestyles=":"),
                          autolim=False)
    drawn = TimelineArtists(ax.axvline(_num(day), color=PALETTE["vermillion"], linewidth=2), groups)
    drawn.move_to(day)
    drawn.artists = [a for a in [*ax.collections, *ax.lines] if id(a) not in before]
    drawn.rows = {rows[c]: CATEGORY_LABELS[c] for c in categories}
    _year_axis(ax, first, last, step=4)
    drawn.legend = (ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5),
                              frameon=False) if handles else None)
    drawn.show(ax)
    return drawn


# ---------------------------------------------------------------- the explorer


class DateExplorer(Explorer):
    """'What existed on this date?': a month slider with a typed twin, a policy-area filter and a switch
    for rejected dates → the timeline chart with the date marked, the layers of special status around
    Qianhai on that date, the latest milestones, where sources disagree, and what comes next."""

    def __init__(self, timeline: pd.DataFrame, zones: pd.DataFrame, ftz_count: pd.DataFrame, value: str,
                 categories: list[str] | None = None, compare_with: str = "2010-08"):
        super().__init__()
        self.timeline, self.zones, self.ftz_count = timeline, zones, ftz_count
        self.first, self.last_day = timeline_bounds(timeline)
        self.date = DateTwinSlider("Month", first=self.first, last=self.last_day, value=value, messages=self.messages)
        self.since = DateTwinSlider("Compare with", first=self.first, last=self.last_day, value=compare_with,
                                    messages=self.messages)
        self.date.on_refused(self.mark_stale)
        self.since.on_refused(self.mark_stale)
        self.comparison = w.HTML()
        present = [c for c in CATEGORY_LABELS if c in set(timeline["category"])]
        chosen = tuple(categories) if categories is not None else tuple(present)
        # the values are the words a student sees: a saved (static) view of the widget shows them, not codes
        self.categories = w.SelectMultiple(options=[CATEGORY_LABELS[c] for c in present],
                                           value=tuple(CATEGORY_LABELS.get(c, c) for c in chosen),
                                           rows=len(present), description="Policy areas (Ctrl/Cmd-click)",
                                           style=LABEL_STYLE, layout=w.Layout(width="330px"))
        self.rejected = w.Checkbox(value=True, description="show rejected dates", style=LABEL_STYLE, indent=False)
        self.summary = w.HTML()
        self.details = w.HTML()
        self.fig, self.ax = new_figure(6.6, 3.3)
        self.chart = finish(self.fig, self.ax, title="Qianhai milestones by policy area", xlabel="", ylabel="",
                            resources=["qianhai_timeline"], alt="(set on update)")
        self.last_snapshot: Snapshot | None = None
        self.shown: pd.DataFrame | None = None
        self.drawings: dict[tuple, TimelineArtists] = {}  # recent filters' drawings, the current one last
        self.watch(self.date, self.since, self.categories, self.rejected)
        self.update()
        # the check box is shown only when the data hold a rejected date: otherwise it would change nothing
        filters = [self.categories] + ([self.rejected] if (timeline["date_status"] == "rejected").any() else [])
        self.panel = Panel([self.date.box, self.since.box, w.HBox(filters), self.messages.widget,
                            self.summary, self.comparison, self.output, self.details],
                           summary="date slider 'what existed on this date?', a second date to compare with, and a "
                                   "policy-area filter on the timeline")

    RECENT_DRAWINGS = 4

    STALE = "<span style='color:#a00'>Not updated: fix the date above. Still showing the last good date.</span><br>"

    def mark_stale(self, message: str) -> None:
        """A typed date was refused: say so above the old answer, and grey it, so it is not read as new."""
        for box in (self.summary, self.comparison, self.details):
            if not box.value.startswith(self.STALE):
                box.value = f"{self.STALE}<span style='opacity:0.5'>{box.value}</span>"

    def draw_milestones(self, shown: pd.DataFrame, chosen: list[str], day: dt.date) -> None:
        """Same milestones as last time: move the date line and the fading only. Another filter: show its
        drawing if it is a recent one, else draw it (the others are hidden, the oldest removed)."""
        key = (tuple(chosen), bool(self.rejected.value))
        current = next(reversed(self.drawings), None)
        if key != current:
            if current is not None:
                self.drawings[current].show(self.ax, visible=False)
            if key in self.drawings:
                self.drawings[key] = self.drawings.pop(key)
                self.drawings[key].show(self.ax)
            else:
                self.drawings[key] = draw_timeline(self.ax, shown, chosen, self.first, self.last_day, day,
                                                   keep_others=True)
                while len(self.drawings) > self.RECENT_DRAWINGS:
                    for artist in self.drawings.pop(next(iter(self.drawings))).artists:
                        artist.remove()
        self.drawings[key].move_to(day)

    def compute(self) -> Snapshot:
        """The snapshot on the chosen date (shown even with no policy area picked), and the milestones shown."""
        snap = snapshot(self.timeline, self.zones, self.ftz_count, self.date.value)
        self.last_snapshot = snap
        self.summary.value = f"<b>{escape(snap.sentence())}</b>"
        self.comparison.value = escape(stacked_between(self.zones, self.since.value.day, snap.query.day))
        self.chosen = [c for c, label in CATEGORY_LABELS.items() if label in self.categories.value]
        if not self.chosen:
            raise InputProblem("Pick at least one policy area (Ctrl-click or Cmd-click to pick several).")
        data = self.timeline if self.rejected.value else self.timeline[self.timeline["date_status"] != "rejected"]
        self.shown = (data[data["category"].isin(self.chosen)].sort_values(["sort_date", "event_id"])
                      .reset_index(drop=True))
        return snap

    def refuse(self, problem: InputProblem) -> None:
        self.shown = None
        super().refuse(problem)
        self.details.value = self._details(self.last_snapshot, [])

    def draw(self, snap: Snapshot) -> None:
        day = snap.query.day
        self.draw_milestones(self.shown, self.chosen, day)
        self.ax.set_title(f"Milestones as of {day.isoformat()}", loc="left")  # short: fits above the axes
        self.ax.set_xlabel("year (orange-red line: the chosen date; later milestones faded;\n"
                           "pale bar: date known only to the month or year)")

    def describe(self, snap: Snapshot) -> None:
        if self.messages.last.startswith("Pick at least one"):
            self.messages.clear()
        shown, chosen, day = self.shown, self.chosen, snap.query.day
        before = sum(as_date(d) <= day for d in shown["sort_date"])
        per_area = "; ".join(f"{CATEGORY_LABELS[c]} {int((shown['category'] == c).sum())}" for c in chosen)
        conflicts = int(shown["date_status"].isin(["disputed", "rejected"]).sum())
        steps = int((shown["date_status"] == "reconciled").sum())
        self.chart.alt = (f"Timeline chart, one row per policy area, {len(shown)} milestones ({per_area}); "
                          f"{before} of them dated on or before {day.isoformat()}, which an orange-red line marks. "
                          f"Disputed and rejected dates ({conflicts} rows shown) are red, reconciled steps of one "
                          f"event ({steps} rows shown) are open blue squares; rows of one disagreement or event "
                          "are joined by dotted lines.")
        self.details.value = self._details(snap, chosen)

    @staticmethod
    def _details(snap: Snapshot, chosen: list[str]) -> str:
        layers = "".join(
            f"<li>{escape(r.special_status)}: {escape(r.name)}, {escape(_area(r.area_km2).rstrip(':'))}"
            f"{' — <i>uncertain on this date (start known only to the year)</i>' if r.status == 'uncertain' else ''}"
            "</li>" for r in snap.layers.itertuples())
        happened = snap.happened[snap.happened["category"].isin(chosen)]
        recent = "".join(f"<li>{escape(r.date)} [{escape(CATEGORY_LABELS[r.category])}] {escape(_short(r.event))}</li>"
                         for r in happened.tail(3).itertuples())
        maybe = "".join(f"<li>{escape(r.date)} {escape(_short(r.event))} — <i>may or may not have happened yet: "
                        "dated only to the month or year</i></li>"
                        for r in snap.uncertain[snap.uncertain["category"].isin(chosen)].itertuples())
        notes = "".join(f"<li>{escape(t)}</li>" for t in snap.disputed + snap.rejected)
        upcoming = snap.upcoming[snap.upcoming["category"].isin(chosen)].head(2)
        nxt = "".join(f"<li>{escape(r.date)} {escape(_short(r.event))}</li>" for r in upcoming.itertuples())
        parts = [f"<b>Special statuses around Qianhai</b><ul>{layers or '<li>none yet</li>'}</ul>",
                 f"<b>Latest milestones in the chosen areas</b><ul>{recent or '<li>none yet</li>'}{maybe}</ul>"]
        if notes:
            parts.append(f"<b>Where sources disagree</b><ul>{notes}</ul>")
        parts.append(f"<b>Next</b><ul>{nxt or '<li>nothing later in the chosen areas</li>'}</ul>")
        return "".join(parts)


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


# ---------------------------------------------------------------- indicators: scope breaks

OUTPUT_CODES = ["registered_enterprise_value_added", "registered_enterprise_output_scmp", "gdp"]


def output_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """Full-year output figures for Qianhai (registered-enterprise value added before 2021, territorial
    GDP after), every territory kept apart; the whole Guangdong FTZ is left out."""
    _need_frame(indicators, "qianhai_indicators", ["indicator_code", "period_type", "scope", "year", "value"])
    chosen = indicators[indicators["indicator_code"].isin(OUTPUT_CODES)
                        & (indicators["period_type"] == "full_year")
                        & ~indicators["scope"].isin(["guangdong_ftz", "all_pilot_ftzs"])]
    columns = ["year", "value", "value_qualifier", "measure_type", "scope", "confidence", "source_id"]
    return chosen.sort_values(["year", "scope"])[columns].reset_index(drop=True)


def scope_breaks(rows: pd.DataFrame) -> pd.DataFrame:
    """Each pair of consecutive rows (by year) whose territory or measure differs: a break that a
    single line across them would hide."""
    _need_frame(rows, "output rows", ["year", "scope", "measure_type", "value"])
    ordered = rows.sort_values(["year", "scope"]).reset_index(drop=True)
    out = []
    for (_, a), (_, b) in zip(ordered.iterrows(), ordered.iloc[1:].iterrows()):
        changed = [name for name in ("scope", "measure_type") if a[name] != b[name]]
        if changed:
            out.append({"from_year": int(a["year"]), "to_year": int(b["year"]),
                        "from": f"{SCOPE_LABELS[a['scope']]} · {a['measure_type']}",
                        "to": f"{SCOPE_LABELS[b['scope']]} · {b['measure_type']}",
                        "what changes": " and ".join(CHANGE_LABELS[name] for name in changed),
                        "naive_change_pct": round((b["value"] / a["value"] - 1) * 100, 1)})
    return pd.DataFrame(out)


def in_words(rows: pd.DataFrame) -> pd.DataFrame:
    """A copy of a course table to show a student: territory (in the columns or the row labels), measure,
    policy-area and disagreement codes replaced by words, column names in words (the original keeps its codes)."""
    shown = rows.copy()
    words = {"scope": ("territory", SCOPE_LABELS), "measure_type": ("measure", MEASURE_LABELS),
             "category": ("policy area", CATEGORY_LABELS), "conflict_group": ("what", CONFLICT_LABELS)}
    for column, (name, labels) in words.items():
        if column in shown.columns:
            shown[column] = shown[column].map(lambda code, labels=labels: labels.get(code, code))
            shown = shown.rename(columns={column: name})
    if "valid_to" in shown.columns:  # an open end: the zone still exists
        shown["valid_to"] = [("still valid" if pd.isna(d) else d if isinstance(d, str)  # already in words
                              else pd.Timestamp(d).date().isoformat()) for d in shown["valid_to"]]
    shown.index = [SCOPE_LABELS.get(code, code) if isinstance(code, str) else code for code in shown.index]
    return shown.rename(columns={"date_status": "date status", "date_precision": "known to the",
                                 "source_id": "source", "area_km2": "area (km²)", "value_qualifier": "qualifier",
                                 "valid_from": "valid from", "valid_to": "valid to (exclusive)",
                                 "from_year": "from", "to_year": "to", "naive_change_pct": "naive change (%)"})


def in_words_whole(rows: pd.DataFrame, name: str = "qianhai-table"):
    """`in_words(rows)` to look at, with long texts wrapped inside their cells instead of cut with "..."
    (the course's display settings cut a cell at 60 characters). A pandas Styler: show it, compute with
    `in_words` or the original table."""
    styler = (in_words(rows).style.set_uuid(name).format(escape="html", na_rep="", precision=2)
              .set_properties(**{"white-space": "normal", "text-align": "left"}))
    return styler.hide(axis="index") if isinstance(rows.index, pd.RangeIndex) else styler


def indicator_value(indicators: pd.DataFrame, code: str, year: int, period: str | None = None) -> pd.Series:
    """The one row of an indicator for a year (and period, if the year has several); a clear message if
    there is none or the choice is ambiguous."""
    _need_frame(indicators, "qianhai_indicators", ["indicator_code", "year", "period"])
    rows = indicators[(indicators["indicator_code"] == code) & (indicators["year"] == year)]
    if period is not None:
        rows = rows[rows["period"] == period]
    if rows.empty:
        raise InputProblem(f"No row for {str(code)[:40]!r} in {str(year)[:10]}"
                           f"{'' if period is None else f' ({str(period)[:30]})'} in qianhai_indicators.")
    if len(rows) > 1:
        periods = "; ".join(sorted(rows["period"]))
        raise InputProblem(f"{code} has {len(rows)} rows for {year} ({periods}): name the period.")
    return rows.iloc[0]


def scope_table(indicators: pd.DataFrame, code: str) -> pd.DataFrame:
    """All rows of one indicator with the territory in words, sorted by year."""
    _need_frame(indicators, "qianhai_indicators", ["indicator_code", "scope", "year", "period"])
    if not isinstance(code, str) or code not in set(indicators["indicator_code"]):
        known = ", ".join(sorted(set(indicators["indicator_code"]))[:6])
        raise InputProblem(f"No indicator called {str(code)[:40]!r}. Codes look like: {known}, ...")
    rows = indicators[indicators["indicator_code"] == code].copy()
    rows["territory"] = rows["scope"].map(SCOPE_LABELS)
    return rows.sort_values(["year", "period", "scope"])[
        ["year", "period", "value", "unit", "territory", "confidence", "source_id"]].reset_index(drop=True)
