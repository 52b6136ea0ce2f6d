"""Render sources from the data package: the one place a source is named."""

from __future__ import annotations

from qianhai.data import VALUE_SOURCE_COLUMNS, WEAK_KINDS, DataError, resource, rows_on_weak_sources, source_ids
from qianhai.display import Note, markdown_link, markdown_text, plural
from qianhai.inputs import shorten

KINDS_LEGEND = ("Kind of each source: official (a government, statistics office, court or legislature, on its own site), "
                "press, academic, other; weak: mirror (a copy of an official or press text elsewhere), code (figures in "
                "software or data files of a code repository), reference (an encyclopedia).")


def sources_for(names: list[str]) -> list[dict]:
    """The source entries of the named resources, each once, in order of first use."""
    seen: dict[str, dict] = {}
    for name in names:
        for src in resource(name).get("sources", []):
            seen.setdefault(src.get("id") or src.get("title"), src)
    return list(seen.values())


def source_line(names: list[str]) -> str:
    """A one-line credit for under a chart: publishers and ids, pointing to the Sources section."""
    if not names:
        raise DataError("A chart must name the data resources it draws (for its source line).")
    found = sources_for(names)
    if len(found) <= 3:
        labels = [f"{_short_publisher(s.get('publisher') or s.get('title', ''))} [{s.get('id', '?')}]" for s in found]
        return "Source: " + "; ".join(labels) + ". Data: " + ", ".join(names) + " (see Sources)." + weak_note(found)
    ids = ", ".join(s.get("id", "?") for s in found[:4])
    return (f"Source: {len(found)} sources compiled in the course data ({', '.join(names)}): "
            f"{ids}, ... — all listed under Sources, by data resource." + weak_note(found))


# The weak kinds in plain words, the furthest from an original first (the order weak_note names them in).
WEAK_IN_WORDS = {"code": "a code file", "reference": "an encyclopedia", "mirror": "a copy elsewhere"}


def weak_note(found: list[dict], shown: int = 6) -> str:
    """A sentence naming the weak sources (mirror, code, reference) among ``found``, by kind, each kind with its plain
    meaning; empty if none. At most ``shown`` ids are named; the count says how many there are in all."""
    order = tuple(WEAK_IN_WORDS)
    weak = [(kind, s.get("id", "?")) for kind in order for s in found if s.get("kind") == kind]
    if not weak:
        return ""
    groups = [f"{kind} ({WEAK_IN_WORDS[kind]}) {', '.join(sid for k, sid in weak[:shown] if k == kind)}"
              for kind in order if any(k == kind for k, _ in weak[:shown])]
    more = f", ... ({len(weak)} in all)" if len(weak) > shown else ""
    return " Weak sources among these, not the original: " + "; ".join(groups) + more + "."


def _short_publisher(text: str) -> str:
    return shorten(text.split("(")[0].strip().rstrip(","), 48)


COLLAPSE_AFTER = 6  # a resource's source list longer than this is folded under a summary in a notebook
SHOWN_WEAK_ROWS = 3  # up to this many rows resting only on weak sources are named in the Sources note


def sources_note(names: list[str], detail: bool = False) -> Note:
    """The Sources section of a notebook, generated from the data package entries it used.
    Each source is listed once, under the first resource that uses it; a list longer than ``COLLAPSE_AFTER``
    is folded under a summary that counts its weak sources. ``detail`` adds locations and terms of reuse and
    keeps every list open (the static site's Sources page shows them for every resource)."""
    md_lines, listed, weak_rows = [f"_{KINDS_LEGEND}_", ""], set(), 0
    for name in names:
        res = resource(name)
        md_lines.append(f"**{markdown_text(res.get('title', name))}** ({_code(name)}). "
                        f"Scope: {markdown_text(_clip(res.get('scope', 'not stated'), 200))} "
                        f"Vintage: {markdown_text(_clip(res.get('vintage', 'not stated'), 200))}")
        weak_frame = rows_on_weak_sources(name)
        weak = len(weak_frame)
        weak_rows += weak
        if weak:
            which = f" ({markdown_text('; '.join(_row_keys(res, weak_frame)))})" if weak <= SHOWN_WEAK_ROWS else ""
            md_lines.append(f"- **Weak sources only:** {plural(weak, 'row')} of `{name}`{which} "
                            f"rest{'s' if weak == 1 else ''} only on mirror, code or reference sources (below); read "
                            f"{'it' if weak == 1 else 'them'} as unconfirmed.")
        repeated, entries, weak_entries = [], [], 0
        for src in res.get("sources", []):
            sid = src.get("id", "?")
            if sid in listed:
                repeated.append(sid)
                continue
            listed.add(sid)
            link = src.get("path")
            shown_title = markdown_link(_clip(src.get("title", "untitled"), 120), link)
            extras = ", ".join(markdown_text(_clip(x, 60)) for x in (src.get("publisher"), src.get("date")) if x)
            line = f"- {_code(sid)} {shown_title} — {extras}." + _kind_label(src.get("kind"))
            if detail:
                if not link:
                    line += f" Location: {markdown_text(_clip(src.get('location', 'not recorded'), 160))}"
                if src.get("license"):
                    line += f" Terms: {markdown_text(_clip(src['license'], 120))}"
            entries.append(line)
            weak_entries += src.get("kind") in WEAK_KINDS
        new = len(entries)
        if repeated:
            entries.append(f"- also {', '.join(_code(r) for r in repeated)}, listed above.")
        if new > COLLAPSE_AFTER and not detail:  # a long list folds away, so the section can be scanned
            weak_text = f", {weak_entries} of them weak" if weak_entries else ""
            md_lines += ["", f"<details><summary>{new} sources{weak_text} (click to show)</summary>", "", *entries,
                         "", "</details>"]
        else:
            md_lines += entries
        md_lines.append("")
    weak_text = (f"; {plural(weak_rows, 'row')} rest{'s' if weak_rows == 1 else ''} only on weak "
                 "sources") if weak_rows else ""
    plain = (f"Sources: {len(listed)} entries for {', '.join(names)}{weak_text} "
             "(from data/datapackage.json; shown as a list where Markdown is rendered).")
    return Note("\n".join(md_lines), plain)


def _kind_label(kind: str | None) -> str:
    """' Kind: press.' after a source; a weak kind in bold, so that it stands out in a list."""
    if not kind:
        return ""
    return f" **Kind: {kind} (weak).**" if kind in WEAK_KINDS else f" Kind: {kind}."


def _code(text: object) -> str:
    """An id or resource name shown as code; a backtick in it would end the code span, so it becomes '."""
    return "`" + " ".join(str(text).replace("`", "'").split()) + "`"


def _clip(text: str, limit: int) -> str:
    return shorten(" ".join(str(text).split()), limit, mark="…", trim=True)


def weak_rows_note(name: str, columns: tuple[str, ...] = VALUE_SOURCE_COLUMNS,
                   years: tuple[int, int] | None = None) -> Note:
    """A note, for next to a figure, naming the rows of ``name`` (optionally only ``years`` first to last) whose every
    source id in ``columns`` is weak: a copy elsewhere, a code file or an encyclopedia. Says so when there are none."""
    if years is not None and (not isinstance(years, (tuple, list)) or len(years) != 2
                              or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
        raise DataError(f"years must be two whole years, first and last, such as (2015, 2019); got {years!r}.")
    weak = rows_on_weak_sources(name, columns)
    if years is not None and "year" in weak.columns:
        weak = weak[(weak["year"] >= years[0]) & (weak["year"] <= years[1])]
    span = f" ({years[0]}–{years[1]})" if years else ""
    what = "" if columns == VALUE_SOURCE_COLUMNS else " (by " + " and ".join(f"`{c}`" for c in columns) + ")"
    if weak.empty:
        text = f"No row of `{name}`{span} rests only on weak sources{what}."
        return Note(text, text.replace("`", ""))
    res = resource(name)
    by_id = {str(s.get("id")): s for s in res.get("sources", [])}
    lines = []
    for key, (_, row) in zip(_row_keys(res, weak), weak.iterrows()):
        ids = dict.fromkeys(sid for c in columns if c in weak.columns for sid in source_ids(row[c]))
        sources = [by_id.get(sid, {}) for sid in ids]
        named = "; ".join(f"{sid} ({src.get('kind', '?')}: {_clip(src.get('publisher') or src.get('title', ''), 50)})"
                          for sid, src in zip(ids, sources))
        lines.append(f"{key}: {named}")
    one = len(weak) == 1

    def head(shown_name: str) -> str:
        return (f"Weak sources only — {plural(len(weak), 'row')} of {shown_name}{span} rest{'s' if one else ''} "
                f"only on a copy, a code file or an encyclopedia{what}; treat {'it' if one else 'them'} as unconfirmed:")

    # descriptor text (titles, publishers) and key values are data: made inert before they go into Markdown
    markdown = f"**{head(_code(name))}**\n\n" + "\n".join(f"- {markdown_text(line)}" for line in lines)
    return Note(markdown, head(name).replace("`", "") + " " + "; ".join(lines) + ".")


def _row_keys(res: dict, rows) -> list[str]:
    """Each row named by its primary key, column and value, e.g. "year 2024, period full_year" (a bare value
    such as "full_year" does not say which column it comes from); "a row" for a table without a key."""
    keys = res.get("schema", {}).get("primaryKey", [])
    keys = [k for k in ([keys] if isinstance(keys, str) else keys) if k in rows.columns]
    return [", ".join(f"{k} {row[k]}" for k in keys) or "a row" for _, row in rows.iterrows()]
