"""Notebook 02: Qianhai's dated milestones, the territories called "Qianhai", the layers of "special" status
around them, and why indicators from different territories do not join into one series. A date known only to its
month or year is "uncertain" inside that period until its last day; zones hold from valid_from up to, not
including, valid_to."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import ipywidgets as w
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

from qianhai.charts import PALETTE, Chart, finish, new_figure
from qianhai.dates import as_date, as_known, month_end, real_day
from qianhai.display import escape, whole_text
from qianhai.inputs import FULL_WIDTH_DIGITS, MINUS_SIGNS, InputProblem, need_table, shorten
from qianhai.widgets import LABEL_STYLE, Explorer, Messages, Panel, Twin

# The data's policy areas (`category`), in the order the notebook shows them.
CATEGORY_LABELS = {
    "zone_area": "zone / area", "governance": "governance", "tax": "tax", "finance": "finance", "legal": "legal",
    "trade_investment": "trade & investment", "political": "political", "reported_results": "reported results",
    "national_context": "national context",
}

# The "special" statuses of qianhai_zones.status_layer in words, outermost first; the two FTZ layers are one status.
STATUS_LABELS = {
    "gba": "Greater Bay Area", "sez": "Special Economic Zone", "pilot_ftz": "pilot free trade zone",
    "ftz_area": "pilot free trade zone", "cooperation_zone": "Shenzhen-Hong Kong cooperation zone",
    "bonded_port": "bonded port area", "financial_district": "development district (no separate legal status)",
}

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
MEASURE_LABELS = {"registered_enterprise_value_added": "value added of firms registered there",
                  "territorial_gdp": "GDP of the territory"}
CONFLICT_LABELS = {"pboc_loan_rules_date": "PBOC rules for cross-border loans",
                   "qianhai_court_founding": "Qianhai Court", "gba_outline_date": "Greater Bay Area outline"}
CHANGE_LABELS = {"scope": "territory", "measure_type": "measure"}


def as_day(value, label: str = "date") -> dt.date:
    """A day given as a date, a Timestamp or 'YYYY-MM-DD' text; InputProblem with a message otherwise."""
    try:
        return as_date(value)
    except ValueError as err:
        raise InputProblem(f"The {label} must be a date (YYYY-MM-DD), not {shorten(value, 40, trim=True)!r} "
                           f"({type(value).__name__}): {err}.") from None


def period_ends(starts: pd.Series, precisions: pd.Series) -> pd.Series:
    """The last day of the period each date stands for (its precision): the day itself, its month, or its year."""
    ends = starts.where(precisions != "month", starts + pd.offsets.MonthEnd(0))
    return ends.where(precisions != "year", starts + pd.offsets.YearEnd(0))


@dataclass(frozen=True)
class DateQuery:
    """A date a student asked about: a day, or a month read as 'as of the end of that month'."""

    day: dt.date
    precision: str  # "day" or "month"

    @property
    def month(self) -> str:
        return f"{self.day:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.day.isoformat()} (end of {self.month})" if self.precision == "month" else self.day.isoformat()


def timeline_bounds(timeline: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First day of the first event's month and last day of the last event's month."""
    need_table(timeline, "qianhai_timeline", ["sort_date"])
    first, last = as_date(timeline["sort_date"].min()), as_date(timeline["sort_date"].max())
    return first.replace(day=1), month_end(last)


def parse_date(raw: object, *, first: dt.date, last: dt.date, label: str = "Date") -> DateQuery:
    """Typed 'YYYY-MM' (the month's last day) or 'YYYY-MM-DD' ('/' or '.' may separate the parts) as a DateQuery
    between first and last, or InputProblem saying what to type."""
    hint = f"Type a date as YYYY-MM (a month) or YYYY-MM-DD (a day) from {first:%Y-%m} to {last.isoformat()}."
    if isinstance(raw, dt.date):
        query = DateQuery(as_date(raw), "day")
    else:
        if isinstance(raw, bool) or not isinstance(raw, str):
            raise InputProblem(f"{label}: expected a date typed as text, not {type(raw).__name__}. {hint}")
        text = raw.strip().translate(FULL_WIDTH_DIGITS).translate(MINUS_SIGNS)  # '２０１５-０４', as number boxes read it
        if not text:
            raise InputProblem(f"{label}: the box is empty. {hint}")
        shown = shorten(text, 40, trim=True)
        if re.fullmatch(r"[0-9]{4}", text):
            raise InputProblem(f"{label}: {shown!r} is only a year; add a month, e.g. {text}-06. {hint}")
        match = re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?", text)
        if not match:
            raise InputProblem(f"{label}: {shown!r} is not a date. {hint}")
        year, month, day = match.groups()
        try:
            start = real_day(int(year), int(month), int(day or 1))
        except ValueError as err:
            raise InputProblem(f"{label}: {shown!r} is not a real date ({err}). {hint}") from None
        query = DateQuery(start, "day") if day else DateQuery(month_end(start), "month")
    if not first <= query.day <= last:
        raise InputProblem(f"{label}: {query.label} is outside the timeline, which runs from {first:%Y-%m} to "
                           f"{last:%Y-%m} (the data say nothing about other dates). {hint}")
    return query


def _dated(timeline: pd.DataFrame) -> pd.DataFrame:
    """The milestones sorted by date then id, with the last day each one's date may mean (work a date explorer does
    once, not on every move)."""
    events = timeline.sort_values(["sort_date", "event_id"]).reset_index(drop=True)
    return events.assign(period_end=period_ends(events["sort_date"], events["date_precision"]))


def _events_on(dated: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    when = pd.Timestamp(day)
    status = np.select([dated["sort_date"] > when, dated["period_end"] <= when], ["not yet", "happened"], "uncertain")
    return dated.drop(columns="period_end").assign(status=status)


def events_on(timeline: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Every milestone with its status on `day` (column `status`): 'happened', 'not yet', or 'uncertain' when it
    is dated only to a month or year that contains `day` and `day` is not its last day. Sorted by date then id."""
    need_table(timeline, "qianhai_timeline", ["event_id", "sort_date", "date_precision"])
    return _events_on(_dated(timeline), as_day(day))


def _with_periods(zones: pd.DataFrame) -> pd.DataFrame:
    """The zones with the first and last day of the periods their start and end stand for, as numpy datetimes."""
    sure_from = period_ends(zones["valid_from"], zones["valid_from_precision"])
    sure_end = period_ends(zones["valid_to"], zones["valid_to_precision"])
    return zones.assign(start=zones["valid_from"], sure_from=sure_from, end=zones["valid_to"], sure_end=sure_end)


def _zone_status(zones: pd.DataFrame, day: dt.date) -> np.ndarray:
    """Each zone's status on `day` (zones from `_with_periods`): 'in force', 'not yet', 'ended' (valid_to is
    exclusive), or 'uncertain' while `day` is inside the month or year its start or end is known to."""
    when = np.datetime64(day)  # an open end (NaT) compares False: never ended
    start, sure_from, end, sure_end = (zones[c].to_numpy() for c in ("start", "sure_from", "end", "sure_end"))
    return np.select([start > when, sure_end <= when, end <= when, sure_from > when],
                     ["not yet", "ended", "uncertain", "uncertain"], "in force")


def _related_layers(zones: pd.DataFrame) -> pd.DataFrame:
    """The territories called Qianhai and every zone they lie within (`contained_in`), outermost first, dates as
    text only as precise as known (`as_known`); the zones table is checked here, once."""
    need_table(zones, "qianhai_zones", ["zone_id", "status_layer", "valid_from", "valid_to", "contained_in"])
    parents = {zone: inside.split(";") if isinstance(inside, str) else []
               for zone, inside in zip(zones["zone_id"], zones["contained_in"])}
    found, todo = set(), list(QIANHAI_CORE)
    while todo:
        zone = todo.pop()
        if zone in parents and zone not in found:
            found.add(zone)
            todo.extend(parents[zone])
    related = _with_periods(zones[zones["zone_id"].isin(found)]).assign(
        special_status=lambda z: z["status_layer"].map(STATUS_LABELS),
        order=lambda z: z["status_layer"].map({s: i for i, s in enumerate(STATUS_LABELS)}))
    for column in ("valid_from", "valid_to"):
        related[column] = [as_known(d, p) for d, p in zip(related[column], related[f"{column}_precision"])]
    return related.sort_values(["order", "start", "zone_id"]).reset_index(drop=True)


def _layers_on(related: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    status = _zone_status(related, day)
    shown = (status == "in force") | (status == "uncertain")
    columns = ["zone_id", "name", "special_status", "area_km2", "valid_from", "valid_to"]
    return related.loc[shown, columns].assign(status=status[shown]).reset_index(drop=True)


def qianhai_layers(zones: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The territories called Qianhai and the layers around them in force or uncertain on `day`, outermost first."""
    return _layers_on(_related_layers(zones), as_day(day))


def _stacked(related: pd.DataFrame, first: dt.date, second: dt.date) -> str:
    """The special statuses around Qianhai added and gone between two dates, earliest first, in one sentence."""
    special = related["special_status"].to_numpy()
    sure = {day: set(special[_zone_status(related, day) == "in force"]) for day in (first, second)}
    starts = related.groupby("special_status")["start"].min()
    added = sorted(sure[second] - sure[first], key=lambda status: (starts[status], status))
    gone = sorted(sure[first] - sure[second], key=lambda status: (starts[status], status))
    return (f"From {first.isoformat()} to {second.isoformat()} ({(second - first).days:,} days): "
            f"{len(sure[first])} → {len(sure[second])} special statuses; added, earliest first: "
            f"{', '.join(added) or 'none'}; gone: {', '.join(gone) or 'none'}.")


def ftz_total(ftz_count: pd.DataFrame, day: dt.date) -> int:
    """Number of China's pilot FTZs on `day` (0 before the first)."""
    need_table(ftz_count, "ftz_count", ["date", "total_pilot_ftzs"])
    before = ftz_count[ftz_count["date"] <= pd.Timestamp(as_day(day))]
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
    total_events: int
    names: list[str]

    @property
    def statuses(self) -> tuple[int, int]:
        """(distinct special statuses certainly in force, distinct statuses that are only uncertain)."""
        sure = set(self.layers.loc[self.layers["status"] == "in force", "special_status"])
        return len(sure), len(set(self.layers.loc[self.layers["status"] == "uncertain", "special_status"]) - sure)

    def sentence(self) -> str:
        sure, maybe = self.statuses
        maybe_text = f" (and {maybe} more whose start is known only to the month or year)" if maybe else ""
        names = "; ".join(self.names) if self.names else "no territory called Qianhai yet"
        statuses = "1 special status" if sure == 1 else f"{sure} special statuses"
        zones = "1 pilot free trade zone" if self.ftzs == 1 else f"{self.ftzs} pilot free trade zones"
        return (f"As of {self.query.label}: {len(self.happened)} of {self.total_events} milestones had happened"
                f"{f', {len(self.uncertain)} more may have' if len(self.uncertain) else ''}. "
                f"{statuses} applied to Qianhai{maybe_text}. 'Qianhai' could mean: {names}. China had {zones}.")


def _snapshot(dated: pd.DataFrame, related: pd.DataFrame, ftz_count: pd.DataFrame, query: DateQuery) -> Snapshot:
    events = _events_on(dated, query.day)
    counted = events[events["date_status"] != "rejected"]
    disputed = []
    for group, rows in events[events["date_status"] == "disputed"].groupby("conflict_group", sort=True):
        if rows["status"].nunique() > 1:
            parts = [f"{r.date} per {r.source_id}: {r.status}" for r in rows.itertuples()]
            disputed.append(f"{group}: sources disagree on the date ({'; '.join(parts)}).")
    rejected = []
    for r in events[(events["date_status"] == "rejected") & (events["status"] != "not yet")].itertuples():
        kept = events[(events["conflict_group"] == r.conflict_group) & (events["date_status"] == "preferred")]
        preferred = f"; the research prefers {kept['date'].iloc[0]} ({kept['source_id'].iloc[0]})" if len(kept) else ""
        rejected.append(f"{r.conflict_group}: {r.source_id} gives {r.date}, a date the research rejects{preferred}. "
                        "Not counted.")
    layers = _layers_on(related, query.day)
    qianhais = layers[layers["zone_id"].isin(THREE_QIANHAIS)].sort_values("area_km2")
    names = [f"{_area(r.area_km2)} {r.name}{' (uncertain)' if r.status == 'uncertain' else ''}"
             for r in qianhais.itertuples()]
    happened, uncertain, upcoming = (counted[counted["status"] == s] for s in ("happened", "uncertain", "not yet"))
    return Snapshot(query, happened, uncertain, disputed, rejected, upcoming, layers, ftz_total(ftz_count, query.day),
                    total_events=len(counted), names=names)


def snapshot(timeline: pd.DataFrame, zones: pd.DataFrame, ftz_count: pd.DataFrame, when) -> Snapshot:
    """What existed on a date (typed YYYY-MM, meaning the month's last day, or YYYY-MM-DD): `.sentence()` says it
    in words; `.layers` has one row per layer around Qianhai (dates only as precise as known, e.g. "2010 (year
    only)"); `.happened` lists the milestones that had happened; `.ftzs` counts China's pilot FTZs."""
    need_table(timeline, "qianhai_timeline", ["event_id", "sort_date", "date_precision", "date_status"])
    first, last = timeline_bounds(timeline)
    return _snapshot(_dated(timeline), _related_layers(zones), ftz_count, parse_date(when, first=first, last=last))


def _area(value) -> str:
    return "area not given:" if pd.isna(value) else f"{value:g} km²"


class DateTwinSlider(Twin):
    """A month slider (a month means its last day) and a text box that always agree; a typed day is kept as typed,
    a bad one gets a message and changes nothing. ``value`` is a DateQuery."""

    def __init__(self, description: str, *, first: dt.date, last: dt.date, value: str,
                 messages: Messages | None = None):
        self.description, self.first, self.last = description, first, last
        query = self.parse([value])
        months = list(pd.period_range(first, last, freq="M").strftime("%Y-%m"))
        slider = w.SelectionSlider(options=months, value=query.month, description=description,
                                   continuous_update=False, style=LABEL_STYLE, layout=w.Layout(width="460px"))
        self.text = w.Text(value=value, description="or type (YYYY-MM or YYYY-MM-DD)", continuous_update=False,
                           style=LABEL_STYLE, layout=w.Layout(width="340px"))
        super().__init__(slider, [self.text], messages, value=query)
        self.source = None  # the explorer's own line: a good date clears its message too
        self.refusals: list = []  # called with the message when a typed date is refused

    def parse(self, texts: list[str]) -> DateQuery:
        return parse_date(texts[0], first=self.first, last=self.last, label=self.description)

    def read(self, month: str) -> DateQuery:
        return self.parse([month])

    def position(self, query: DateQuery) -> str:
        return query.month

    def texts(self, query: DateQuery, typed: bool) -> list[str]:
        return [self.text.value] if typed else [query.month]

    def refuse(self, problem: InputProblem) -> None:
        super().refuse(problem)
        for callback in self.refusals:
            callback(str(problem))


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


def _bar_words(zone) -> str:
    start = as_date(zone["valid_from"])
    words = f"from {start.year} (known only to the year)" if zone["valid_from_precision"] == "year" else f"from {start}"
    if pd.notna(zone["valid_to"]):
        words += f" to {as_date(zone['valid_to']).isoformat()}"
    return words + (f", {zone['area_km2']:g} km²" if pd.notna(zone["area_km2"]) else "")


def layers_chart(zones: pd.DataFrame, first: dt.date, last: dt.date, day: dt.date, day_label: str) -> Chart:
    """When each layer of special status around Qianhai existed, as bars (hatched while the start is known only to
    the year; open ends run to the right edge), with an orange-red line on `day`."""
    need_table(zones, "qianhai_zones", ["zone_id", "status_layer", "valid_from", "valid_to", "area_km2",
                                        "valid_from_precision", "valid_to_precision"])
    first, last, day = as_day(first, "first date"), as_day(last, "last date"), as_day(day)
    day_label = str(day_label)[:40]
    table = _with_periods(zones).set_index("zone_id")
    fig, ax = new_figure(6.6, 3.2)
    area_labels = []
    for row, (label, ids) in enumerate(LAYER_ROWS):
        y = len(LAYER_ROWS) - 1 - row
        for zone in ids:
            r = table.loc[zone]
            start = _num(r["valid_from"])
            end = _num(r["valid_to"]) if pd.notna(r["valid_to"]) else _num(dt.date(last.year + 1, 1, 1))
            colour = LAYER_COLOURS[r["status_layer"]]
            ax.barh(y, end - start, left=start, height=0.6, color=colour,
                    alpha=0.45 if zone == "qianhai_coop_zone_2010" else 0.85)
            if r["sure_from"] > r["valid_from"]:
                ax.barh(y, _num(r["sure_from"]) - start, left=start, height=0.6, color="white", alpha=0.6,
                        hatch="///", edgecolor=colour)
            if pd.notna(r["area_km2"]):
                area_labels.append(ax.text(start + 40, y, f"{r['area_km2']:g} km²", va="center"))
    ax.set_yticks(range(len(LAYER_ROWS)), [label for label, _ in reversed(LAYER_ROWS)])
    _year_axis(ax, first, last)
    ax.axvline(_num(day), color=PALETTE["vermillion"], linewidth=2)
    line_x = ax.transData.transform((_num(day), 0))[0]
    # an area label the day line would cross moves just right of it (a quarter of its width as margin: the final
    # layout may still narrow the axes)
    for area_label in area_labels:
        box = area_label.get_window_extent()
        if box.x0 - box.width / 4 <= line_x <= box.x1 + box.width / 4:
            area_label.set_x(_num(day) + 40)
    ax.annotate(day_label, xy=(_num(day), len(LAYER_ROWS) - 0.45), xytext=(-6, 0), textcoords="offset points",
                ha="right", va="center", color=PALETTE["vermillion"])
    bars = "; ".join(f"{label}: " + ", ".join(_bar_words(table.loc[zone]) for zone in ids) for label, ids in LAYER_ROWS)
    crossed = ", ".join(qianhai_layers(zones, day)["name"])
    return finish(fig, ax, title="Layers of special status around Qianhai",
                  xlabel="year (hatched: start known only to the year)", ylabel="", resources=["qianhai_zones"],
                  alt=f"Bars showing when each layer existed. {bars}. The orange-red line marks {day_label} "
                      f"({day.isoformat()}) and crosses: {crossed}.")


MARKERS = [  # (legend label, date_status values, marker, filled, colour)
    ("undisputed or preferred date", ["undisputed", "preferred"], "o", True, PALETTE["blue"]),
    ("steps of one event, reconciled", ["reconciled"], "s", False, PALETTE["blue"]),
    ("disputed date", ["disputed"], "D", False, PALETTE["vermillion"]),
    ("rejected date", ["rejected"], "X", True, PALETTE["vermillion"]),
]


class DateExplorer(Explorer):
    """'What existed on this date?': two dates, policy areas and rejected dates on or off → the milestones chart,
    the layers around Qianhai, the latest milestones, where sources disagree, and what comes next."""

    STALE = "<span style='color:#a00'>Not updated: fix the date above. Still showing the last good date.</span><br>"

    def __init__(self, timeline: pd.DataFrame, zones: pd.DataFrame, ftz_count: pd.DataFrame, value: str,
                 compare_with: str = "2010-08"):
        need_table(timeline, "qianhai_timeline", ["event_id", "sort_date", "date_precision", "date_status"])
        need_table(ftz_count, "ftz_count", ["date", "total_pilot_ftzs"])
        super().__init__()
        self.events = _dated(timeline)
        self.related, self.ftz_count = _related_layers(zones), ftz_count  # prepared once: a slider changes the date
        self.first, self.last_day = timeline_bounds(timeline)
        self.date = DateTwinSlider("Month", first=self.first, last=self.last_day, value=value, messages=self.messages)
        self.since = DateTwinSlider("Compare with", first=self.first, last=self.last_day, value=compare_with,
                                    messages=self.messages)
        self.date.refusals.append(self.mark_stale)
        self.since.refusals.append(self.mark_stale)
        present = tuple(label for c, label in CATEGORY_LABELS.items() if c in set(timeline["category"]))
        # the values are the words a student sees: a saved (static) view of the widget shows them, not codes
        self.categories = w.SelectMultiple(options=present, value=present,
                                           rows=len(present), description="Policy areas (Ctrl/Cmd-click)",
                                           style=LABEL_STYLE, layout=w.Layout(width="330px"))
        self.rejected = w.Checkbox(value=True, description="show rejected dates", style=LABEL_STYLE, indent=False)
        self.summary, self.comparison, self.details = w.HTML(), w.HTML(), w.HTML()
        self.fig, self.ax = new_figure(6.6, 3.3)
        self.chart = finish(self.fig, self.ax, title="Qianhai milestones by policy area", ylabel="",
                            xlabel="year (orange-red line: the chosen date; later milestones faded;\n"
                                   "pale bar: date known only to the month or year)",
                            resources=["qianhai_timeline"], alt="(set on update)")
        self.last_snapshot: Snapshot | None = None
        self.shown: pd.DataFrame | None = None
        self.drawn: tuple | None = None  # the filter drawn: (policy areas, whether rejected dates are shown)
        self.watch(self.date, self.since, self.categories, self.rejected)
        self.update()
        # the check box is shown only when the data hold a rejected date: otherwise it would change nothing
        filters = [self.categories] + ([self.rejected] if (timeline["date_status"] == "rejected").any() else [])
        self.panel = Panel([self.date.box, self.since.box, w.HBox(filters), self.messages.widget,
                            self.summary, self.comparison, self.output, self.details],
                           summary="date slider 'what existed on this date?', a second date to compare with, and a "
                                   "policy-area filter on the timeline")

    def mark_stale(self, message: str) -> None:
        """A typed date was refused: say so above the old answer, and grey it, so it is not read as new."""
        for box in (self.summary, self.comparison, self.details):
            if not box.value.startswith(self.STALE):
                box.value = f"{self.STALE}<span style='opacity:0.5'>{box.value}</span>"

    def compute(self) -> Snapshot:
        """The snapshot on the chosen date (shown even with no policy area picked), and the milestones shown."""
        snap = self.last_snapshot = _snapshot(self.events, self.related, self.ftz_count, self.date.value)
        self.summary.value = f"<b>{escape(snap.sentence())}</b>"
        self.comparison.value = escape(_stacked(self.related, *sorted([self.since.value.day, snap.query.day])))
        self.chosen = [c for c, label in CATEGORY_LABELS.items() if label in self.categories.value]
        if not self.chosen:
            raise InputProblem("Pick at least one policy area (Ctrl-click or Cmd-click to pick several).")
        events = self.events if self.rejected.value else self.events[self.events["date_status"] != "rejected"]
        self.shown = events[events["category"].isin(self.chosen)].reset_index(drop=True)
        return snap

    def refuse(self, problem: InputProblem) -> None:
        self.shown = None
        super().refuse(problem)
        self.details.value = self._details(self.last_snapshot, ())

    def draw(self, snap: Snapshot) -> None:
        """Same filter as last time: move the date line and the fading only; another filter: draw anew."""
        day, key = snap.query.day, (tuple(self.chosen), self.rejected.value)
        if self.drawn != key:
            self.drawn = key
            self._draw_milestones(day)
        x = _num(day)
        self.day_line.set_xdata([x, x])
        for points, dates, face, edge in self.groups:  # fade the milestones after the day
            face[:, 3] = edge[:, 3] = np.where(dates > x, 0.25, 1.0)
            points.set_facecolors(face)
            points.set_edgecolors(edge)
        self.ax.set_title(f"Milestones as of {day.isoformat()}", loc="left")  # short: fits above the axes

    def _draw_milestones(self, day: dt.date) -> None:
        """The chosen milestones, one row per policy area, in place of what the axes showed (see the x label)."""
        ax, shown, categories = self.ax, self.shown, self.chosen
        for artist in [*ax.collections, *ax.lines, *ax.patches, *ax.texts]:  # keep the axes and their ticks
            artist.remove()
        rows = {c: len(categories) - 1 - i for i, c in enumerate(categories)}
        handles, self.groups = [], []  # groups: (points, their dates as numbers, face and edge RGBA per point)
        for label, statuses, marker, filled, colour in MARKERS:
            part = shown[shown["date_status"].isin(statuses)]
            if part.empty:
                continue
            face, edge = to_rgba(colour if filled else "white"), to_rgba(colour)
            dates = mdates.date2num(part["sort_date"].to_numpy())
            points = ax.scatter(dates, [rows[c] for c in part["category"]], s=40, zorder=3, marker=marker,
                                linewidths=1.4)
            self.groups.append((points, dates, np.tile(face, (len(dates), 1)), np.tile(edge, (len(dates), 1))))
            handles.append(Line2D([], [], linestyle="", marker=marker, markersize=6, label=label,
                                  markerfacecolor=face, markeredgecolor=edge))
        vague = shown[shown["date_precision"] != "day"]
        if not vague.empty:  # one collection for all pale bars, one for all dotted joins: fewer artists to draw
            ax.hlines([rows[c] for c in vague["category"]], mdates.date2num(vague["sort_date"].to_numpy()),
                      mdates.date2num(period_ends(vague["sort_date"], vague["date_precision"]).to_numpy()),
                      colors=PALETTE["blue"], linewidths=4, alpha=0.35, capstyle="butt")
        joins = [[(_num(d), rows[c]) for d, c in zip(group["sort_date"], group["category"])]
                 for _, group in shown[shown["conflict_group"].notna()].groupby("conflict_group", sort=True)
                 if len(group) > 1]
        if joins:
            ax.add_collection(LineCollection(joins, colors=PALETTE["vermillion"], linewidths=1.2, linestyles=":"),
                              autolim=False)
        self.day_line = ax.axvline(_num(day), color=PALETTE["vermillion"], linewidth=2)
        _year_axis(ax, self.first, self.last_day, step=4)
        ax.set_yticks(list(rows.values()), [CATEGORY_LABELS[c] for c in rows])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        legend = ax.get_legend()
        if legend is None or [text.get_text() for text in legend.get_texts()] != [h.get_label() for h in handles]:
            if legend is not None:
                legend.remove()
            if handles:
                ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
        # else the same legend stays: it is part of the chart's saved frame, which a filter change then reuses

    def describe(self, snap: Snapshot) -> None:
        if self.messages.last.startswith("Pick at least one"):
            self.messages.clear()
        shown, day = self.shown, snap.query.day
        dated_before = shown["sort_date"].to_numpy() <= np.datetime64(day)
        before = int(dated_before.sum())
        # a year- or month-only date sorts on its first day: say so, or the count reads as "had happened"
        vague = int((dated_before & (shown["date_precision"] != "day").to_numpy()).sum())
        vague_note = f" ({vague} known only to the month or year)" if vague else ""
        counts = shown["category"].value_counts().reindex(self.chosen, fill_value=0)
        per_area = "; ".join(f"{CATEGORY_LABELS[c]} {n}" for c, n in counts.items())
        conflicts = int(shown["date_status"].isin(["disputed", "rejected"]).sum())
        steps = int((shown["date_status"] == "reconciled").sum())
        self.chart.alt = (f"Timeline chart, one row per policy area, {len(shown)} milestones ({per_area}); "
                          f"{before} of them dated on or before {day.isoformat()}{vague_note}, which an orange-red "
                          f"line marks. Disputed and rejected dates ({conflicts} rows shown) are orange-red, "
                          f"reconciled steps of one event ({steps} rows shown) are open blue squares; rows of one "
                          "disagreement or event are joined by dotted lines.")
        self.details.value = self._details(snap, self.chosen)

    @staticmethod
    def _details(snap: Snapshot, chosen: list[str]) -> str:
        def items(rows, suffix: str = "") -> str:
            return "".join(f"<li>{escape(r.date)} {escape(shorten(r.event, 100, trim=True))}{suffix}</li>"
                           for r in rows.itertuples())

        layers = "".join(
            f"<li>{escape(r.special_status)}: {escape(r.name)}, {escape(_area(r.area_km2).rstrip(':'))}"
            f"{' — <i>uncertain on this date (start known only to the year)</i>' if r.status == 'uncertain' else ''}"
            "</li>" for r in snap.layers.itertuples())
        happened = snap.happened[snap.happened["category"].isin(chosen)]
        recent = "".join(f"<li>{escape(r.date)} [{escape(CATEGORY_LABELS[r.category])}] "
                         f"{escape(shorten(r.event, 100, trim=True))}</li>" for r in happened.tail(3).itertuples())
        maybe = items(snap.uncertain[snap.uncertain["category"].isin(chosen)],
                      " — <i>may or may not have happened yet: dated only to the month or year</i>")
        notes = "".join(f"<li>{escape(t)}</li>" for t in snap.disputed + snap.rejected)
        nxt = items(snap.upcoming[snap.upcoming["category"].isin(chosen)].head(2))
        parts = [f"<b>Special statuses around Qianhai</b><ul>{layers or '<li>none yet</li>'}</ul>",
                 f"<b>Latest milestones in the chosen areas</b><ul>{recent or '<li>none yet</li>'}{maybe}</ul>"]
        if notes:
            parts.append(f"<b>Where sources disagree</b><ul>{notes}</ul>")
        parts.append(f"<b>Next</b><ul>{nxt or '<li>nothing later in the chosen areas</li>'}</ul>")
        return "".join(parts)


def output_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """Qianhai's full-year output figures, every territory and measure kept apart (not the whole Guangdong FTZ)."""
    need_table(indicators, "qianhai_indicators", ["indicator_code", "period_type", "scope", "year", "value"])
    codes = ["registered_enterprise_value_added", "registered_enterprise_output_scmp", "gdp"]
    chosen = indicators[indicators["indicator_code"].isin(codes)
                        & (indicators["period_type"] == "full_year")
                        & ~indicators["scope"].isin(["guangdong_ftz", "all_pilot_ftzs"])]
    columns = ["year", "value", "value_qualifier", "measure_type", "scope", "confidence", "source_id"]
    return chosen.sort_values(["year", "scope"])[columns].reset_index(drop=True)


def scope_breaks(rows: pd.DataFrame) -> pd.DataFrame:
    """Consecutive rows (by year) whose territory or measure differs: breaks a single line across them would hide."""
    need_table(rows, "output rows", ["year", "scope", "measure_type", "value"],
               example="output_rows(load('qianhai_indicators'))")
    ordered = rows.sort_values(["year", "scope"]).to_dict("records")
    out = []
    for a, b in zip(ordered, ordered[1:]):
        changed = [name for name in ("scope", "measure_type") if a[name] != b[name]]
        if changed:
            out.append({"from_year": int(a["year"]), "to_year": int(b["year"]),
                        "from": f"{SCOPE_LABELS[a['scope']]} · {a['measure_type']}",
                        "to": f"{SCOPE_LABELS[b['scope']]} · {b['measure_type']}",
                        "what changes": " and ".join(CHANGE_LABELS[name] for name in changed),
                        "naive_change_pct": round((b["value"] / a["value"] - 1) * 100, 1)})
    return pd.DataFrame(out)


def in_words(rows: pd.DataFrame) -> pd.DataFrame:
    """A copy of a course table to show a student: codes and column names in words (the original keeps its codes)."""
    need_table(rows, "rows", [], example="a course table from load(...)")
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
    """`in_words(rows)` as a pandas Styler to show, long texts wrapped rather than cut at 60 characters with "..."."""
    styler = (in_words(rows).style.set_uuid(name).format(escape="html", na_rep="", precision=2)
              .set_properties(**{"white-space": "normal", "text-align": "left"}))
    return styler.hide(axis="index") if isinstance(rows.index, pd.RangeIndex) else styler


def indicator_value(indicators: pd.DataFrame, code: str, year: int, period: str | None = None) -> pd.Series:
    """The one row of an indicator for a year (and period, if the year has several), or a message saying why not."""
    need_table(indicators, "qianhai_indicators", ["indicator_code", "year", "period"])
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
    """All rows of one indicator with the territory in words and each row's note, sorted by year."""
    need_table(indicators, "qianhai_indicators", ["indicator_code", "scope", "year", "period", "note"])
    if not isinstance(code, str) or code not in set(indicators["indicator_code"]):
        known = ", ".join(sorted(set(indicators["indicator_code"]))[:6])
        raise InputProblem(f"No indicator called {str(code)[:40]!r}. Codes look like: {known}, ...")
    rows = indicators[indicators["indicator_code"] == code].copy()
    rows["territory"] = rows["scope"].map(SCOPE_LABELS)
    rows["note"] = rows["note"].fillna("")  # an empty cell, not "None"
    return whole_text(rows.sort_values(["year", "period", "scope"])[  # notes are longer than the 60-character cut
        ["year", "period", "value", "unit", "territory", "confidence", "note", "source_id"]].reset_index(drop=True))
