"""The "Debates and readings" section of a notebook, from data/readings.csv: text made inert for Markdown
(``display.markdown_text``), a link live only for an http(s) address (``display.markdown_link``)."""

from __future__ import annotations

import urllib.parse

from qianhai.data import load
from qianhai.display import Note, markdown_link, markdown_text


def readings_for(slug: str) -> Note:
    """The readings of one notebook (its slug, e.g. ``"01_shenzhen_sez"``), grouped by debate.

    The notebook's own debates come first (those with a reading that names this notebook first), then the ones it
    shares with the notebook that introduced them, so that its intro can name its debates in the order shown.
    Debates within each part, and readings within a debate, keep their order in the file.
    Raises ValueError, naming the notebooks that have readings, for a slug that has none."""
    frame = load("readings")
    served = frame["notebooks"].str.split(";")
    known = sorted({nb for nbs in served for nb in nbs})
    if not isinstance(slug, str) or slug not in known:
        raise ValueError(f"No readings for notebook {slug!r}; notebooks with readings: {', '.join(known)}.")
    rows = frame[served.apply(lambda nbs: slug in nbs)]
    own = set(rows.loc[served[rows.index].str[0] == slug, "debate"])
    debates = sorted(dict.fromkeys(rows["debate"]), key=lambda debate: debate not in own)  # stable: file order kept
    md_lines, plain_lines = [], [f"Debates and readings for {slug}: {len(rows)} works from data/readings.csv."]
    for debate in debates:
        md_lines += [f"**{markdown_text(debate)}**", ""]
        plain_lines.append(debate)
        for _, row in rows[rows["debate"] == debate].iterrows():
            md_lines.append(f"- {_citation(row, markdown=True)}  \n  {markdown_text(row['annotation'])}")
            plain_lines += [f"  - {_citation(row, markdown=False)}", f"    {row['annotation']}"]
        md_lines.append("")
    return Note("\n".join(md_lines).rstrip("\n"), "\n".join(plain_lines))


def _citation(row, markdown: bool) -> str:
    """Author (year). Title. Venue., then a DOI, an ISBN, or (without a DOI) the web page."""
    text = markdown_text if markdown else str
    title = f"*{markdown_text(row['title'])}*" if markdown else row["title"]
    cited = f"{text(row['author'])} ({row['year']}). {title}. {text(row['venue'])}."
    doi, isbn, url = (row[key] if isinstance(row[key], str) and row[key] else "" for key in ("doi", "isbn", "url"))
    if doi:
        link = "https://doi.org/" + urllib.parse.quote(doi, safe="/")
        cited += " " + (markdown_link(f"doi:{doi}", link) if markdown else f"doi:{doi}")
    if isbn:
        cited += f" ISBN {text(isbn)}."
    if url and not doi:
        cited += " " + (markdown_link("web page", url) if markdown else url)
    return cited
