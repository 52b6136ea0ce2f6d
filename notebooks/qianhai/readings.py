"""The "Debates and readings" section of a notebook, drawn from data/readings.csv.

Every text that comes from the data file is made inert with ``display.markdown_text`` before it goes into
Markdown (a title with ``<``, ``&``, ``[`` or ``*`` in it is shown as written), and a link is live only for an
http(s) address (``display.markdown_link``)."""

from __future__ import annotations

from qianhai.data import load
import urllib.parse

from qianhai.display import Note, markdown_link, markdown_text


def readings_for(slug: str) -> Note:
    """The readings of one notebook (its slug, e.g. ``"01_shenzhen_sez"``), grouped by debate.

    Debates come in the order of their first reading in the file, and readings in file order within a debate.
    Raises ValueError, naming the notebooks that have readings, for a slug that has none."""
    frame = load("readings")
    served = frame["notebooks"].str.split(";")
    known = sorted({nb for nbs in served for nb in nbs})
    if not isinstance(slug, str) or slug not in known:
        raise ValueError(f"No readings for notebook {slug!r}; notebooks with readings: {', '.join(known)}.")
    rows = frame[served.apply(lambda nbs: slug in nbs)]
    debates = list(dict.fromkeys(rows["debate"]))
    md_lines, plain_lines = [], [f"Debates and readings for {slug}: {len(rows)} works from data/readings.csv."]
    for debate in debates:
        md_lines += [f"**{markdown_text(debate)}**", ""]
        plain_lines.append(debate)
        for _, row in rows[rows["debate"] == debate].iterrows():
            md_lines.append(f"- {_citation_markdown(row)}  \n  {markdown_text(row['annotation'])}")
            plain_lines += [f"  - {_citation_plain(row)}", f"    {row['annotation']}"]
        md_lines.append("")
    return Note("\n".join(md_lines).rstrip("\n"), "\n".join(plain_lines))


def _present(value) -> bool:
    return isinstance(value, str) and value != ""


def _citation_markdown(row) -> str:
    text = (f"{markdown_text(row['author'])} ({row['year']}). *{markdown_text(row['title'])}*. "
            f"{markdown_text(row['venue'])}.")
    if _present(row["doi"]):
        text += " " + markdown_link(f"doi:{row['doi']}", "https://doi.org/" + urllib.parse.quote(row["doi"], safe="/"))
    if _present(row["isbn"]):
        text += f" ISBN {markdown_text(row['isbn'])}."
    if _present(row["url"]) and not _present(row["doi"]):
        text += " " + markdown_link("web page", row["url"])
    return text


def _citation_plain(row) -> str:
    text = f"{row['author']} ({row['year']}). {row['title']}. {row['venue']}."
    if _present(row["doi"]):
        text += f" doi:{row['doi']}"
    if _present(row["isbn"]):
        text += f" ISBN {row['isbn']}."
    if _present(row["url"]) and not _present(row["doi"]):
        text += f" {row['url']}"
    return text
