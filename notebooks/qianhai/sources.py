"""Render sources from the data package: the one place a source is named."""

from __future__ import annotations

from qianhai.data import DataError, resource
from qianhai.display import Note, markdown_link, markdown_text


def sources_for(names: list[str]) -> list[dict]:
    """The source entries of the named resources, each once, in order of first use."""
    seen: dict[str, dict] = {}
    for name in names:
        for src in resource(name).get("sources", []):
            key = src.get("id") or src.get("title")
            seen.setdefault(key, src)
    return list(seen.values())


def source_line(names: list[str]) -> str:
    """A one-line credit for under a chart: publishers and ids, pointing to the Sources section."""
    if not names:
        raise DataError("A chart must name the data resources it draws (for its source line).")
    found = sources_for(names)
    if len(found) <= 3:
        labels = [f"{_short_publisher(s.get('publisher') or s.get('title', ''))} [{s.get('id', '?')}]" for s in found]
        return "Source: " + "; ".join(labels) + ". Data: " + ", ".join(names) + " (see Sources below)."
    ids = ", ".join(s.get("id", "?") for s in found[:4])
    return (f"Source: {len(found)} sources compiled in the course data ({', '.join(names)}): "
            f"{ids}, ... — all listed under Sources below.")


def _short_publisher(text: str) -> str:
    text = text.split("(")[0].strip().rstrip(",")
    return text if len(text) <= 48 else text[:45] + "..."


def sources_note(names: list[str], detail: bool = False) -> Note:
    """The Sources section of a notebook, generated from the data package entries it used.
    Each source is listed once, under the first resource that uses it; ``detail`` adds locations and
    terms of reuse (the static site's Sources page shows them for every resource)."""
    md_lines, listed = [], set()
    for name in names:
        res = resource(name)
        md_lines.append(f"**{markdown_text(res.get('title', name))}** ({_code(name)}). "
                        f"Scope: {markdown_text(_clip(res.get('scope', 'not stated'), 200))} "
                        f"Vintage: {markdown_text(_clip(res.get('vintage', 'not stated'), 200))}")
        repeated = []
        for src in res.get("sources", []):
            sid = src.get("id", "?")
            if sid in listed:
                repeated.append(sid)
                continue
            listed.add(sid)
            link = src.get("path")
            shown_title = markdown_link(_clip(src.get("title", "untitled"), 120), link)
            extras = ", ".join(markdown_text(_clip(x, 60)) for x in (src.get("publisher"), src.get("date")) if x)
            line = f"- {_code(sid)} {shown_title} — {extras}."
            if detail:
                if not link:
                    line += f" Location: {markdown_text(_clip(src.get('location', 'not recorded'), 160))}"
                if src.get("license"):
                    line += f" Terms: {markdown_text(_clip(src['license'], 120))}"
            md_lines.append(line)
        if repeated:
            md_lines.append(f"- also {', '.join(_code(r) for r in repeated)}, listed above.")
        md_lines.append("")
    plain = (f"Sources: {len(listed)} entries for {', '.join(names)} "
             "(from data/datapackage.json; shown as a list where Markdown is rendered).")
    return Note("\n".join(md_lines), plain)


def _code(text: object) -> str:
    """An id or resource name shown as code; a backtick in it would end the code span, so it becomes '."""
    return "`" + " ".join(str(text).replace("`", "'").split()) + "`"


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
