"""Small display objects whose plain-text form is meaningful (nbval compares it; screen readers
and static viewers show it)."""

from __future__ import annotations

import html
import re
import urllib.parse

import pandas as pd

from qianhai.inputs import need_table

# the data files' unit codes in words, for tables and sentences
UNIT_WORDS = {"cny_bn": "bn yuan", "usd_bn": "bn US$", "pct": "%", "count": "", "persons": "people",
              "categories": "categories", "cny_bn_per_km2": "bn yuan per km²", "pct_yoy": "% y/y",
              "pct_per_year": "% a year"}


class Note:
    """Markdown for the notebook, with the same words as plain text for every other reader."""

    def __init__(self, markdown: str, plain: str | None = None):
        self.markdown = markdown
        self.plain = plain if plain is not None else markdown

    def _repr_markdown_(self) -> str:
        return escape_dollars(self.markdown)

    def __repr__(self) -> str:
        return self.plain


class WholeText(pd.DataFrame):
    """A table shown with every cell's full text (``setup`` cuts cells at 60 characters): for tables whose words
    are the point. Anything computed from it is an ordinary DataFrame."""

    def _repr_html_(self) -> str | None:
        with pd.option_context("display.max_colwidth", None):
            return super()._repr_html_()

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", None):
            return super().__repr__()


whole_text = WholeText  # ``whole_text(frame)``: the table displayed with every cell's full text




def plural(number: int, noun: str) -> str:
    """'1 year', '2 years', '1,000 inspections'."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def escape_dollars(markdown: str) -> str:
    """Escape ``$`` outside code spans, so that a text such as "HK$5m ... HK$6,000" is not typeset as
    mathematics between the two dollar signs (JupyterLab, nbconvert and GitHub all use $...$ for math)."""
    parts = re.split(r"(`[^`]*`)", markdown)
    return "".join(part if part.startswith("`") else re.sub(r"(?<!\\)\$", r"\\$", part) for part in parts)


def escape(text: object) -> str:
    """Text (typed by a student, or from a data file or descriptor) made safe to put inside HTML."""
    return html.escape(str(text), quote=True)


_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()!|~@$])")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|javascript|data|file|vbscript)(?=:)|\b(www)(?=\.)")


def markdown_text(text: object) -> str:
    """Text from data made inert inside Markdown, on one line: HTML escaped (as ``escape``), and every
    character that could start a link, an image, code, emphasis or a table cell backslash-escaped, with bare
    addresses broken so that no renderer turns them into links. It reads the same once rendered."""
    flat = " ".join(html.escape(str(text), quote=False).split())
    flat = _MARKDOWN_SYNTAX.sub(r"\\\1", flat)
    # JupyterLab typesets text between two dollar signs as maths even when they are escaped ('HK$ ... US$' in a
    # source's title): a full-width dollar sign reads the same and is no delimiter.
    flat = flat.replace("\\$", "\uFF04")
    return _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + "\\", flat)


def markdown_link(title: object, url: object) -> str:
    """A link the package builds from a source's address: live only for an http(s) address; anything else
    (``javascript:``, ``data:``, a file) is shown as text after the title."""
    shown = markdown_text(title)
    if isinstance(url, str) and re.fullmatch(r"https?://[^\s<>\"]+", url.strip()):
        safe = urllib.parse.quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")
        return f"[{shown}]({safe})"
    return f"{shown} ({markdown_text(url)})" if url else shown


def message_html(text: str, kind: str = "info") -> str:
    """A short coloured message; ``text`` is escaped here, so callers pass plain text."""
    colour, icon = {"info": ("#0072B2", "ℹ️"), "error": ("#D55E00", "⚠️"), "ok": ("#009E73", "✅")}[kind]
    return f'<div role="status" style="color:{colour}">{icon} {escape(text)}</div>'


def setup() -> None:
    """Fixed display options and the course chart style, so every run shows the same thing."""
    import numpy as np

    from qianhai.charts import apply_style

    pd.set_option("display.max_rows", 30)
    pd.set_option("display.max_columns", 12)
    pd.set_option("display.width", 110)
    pd.set_option("display.precision", 2)
    pd.set_option("display.max_colwidth", 60)
    pd.set_option("display.html.use_mathjax", False)  # "US$ ... HK$" in a table is money, not mathematics
    np.set_printoptions(precision=3, suppress=True)
    apply_style()


def cell_text(value: object) -> str:
    """The text of a table cell; empty for a missing value (None, NaN, pd.NA)."""
    return "" if value is None or value is pd.NA or value != value else str(value)


def markdown_table(frame: pd.DataFrame, columns: list[str] | None = None,
                   headings: dict[str, str] | None = None) -> Note:
    """A table whose long text wraps (Markdown), with the same content as plain text for nbval and screen
    readers. Every cell is data text, made inert (``markdown_text``): no markup, links or images. ``headings``
    renames columns for the reader."""
    need_table(frame, "frame", list(columns or []), example="a course table from load(...)")
    columns = columns or list(frame.columns)
    heads = [(headings or {}).get(c, c) for c in columns]
    rows = [[cell_text(row[c]) for c in columns] for _, row in frame.iterrows()]
    markdown = ["| " + " | ".join(markdown_text(cell) for cell in cells) + " |" for cells in [heads, *rows]]
    markdown.insert(1, "|" + "|".join("---" for _ in columns) + "|")
    plain = [" | ".join(cells) for cells in [heads, *rows]]
    return Note("\n".join(markdown), "\n".join(plain))

