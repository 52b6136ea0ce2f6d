"""Small display objects whose plain-text form is meaningful (nbval compares it; screen readers
and static viewers show it)."""

from __future__ import annotations

import html
import re


class Note:
    """Markdown for the notebook, with the same words as plain text for every other reader."""

    def __init__(self, markdown: str, plain: str | None = None):
        self.markdown = markdown
        self.plain = plain if plain is not None else markdown

    def _repr_markdown_(self) -> str:
        return escape_dollars(self.markdown)

    def __repr__(self) -> str:
        return self.plain


def escape_dollars(markdown: str) -> str:
    """Escape ``$`` outside code spans, so that a text such as "HK$5m ... HK$6,000" is not typeset as
    mathematics between the two dollar signs (JupyterLab, nbconvert and GitHub all use $...$ for math)."""
    parts = re.split(r"(`[^`]*`)", markdown)
    return "".join(part if part.startswith("`") else re.sub(r"(?<!\\)\$", r"\\$", part) for part in parts)


def escape(text: object) -> str:
    """Escape anything a student typed before it is echoed back inside HTML."""
    return html.escape(str(text), quote=True)


def message_html(text: str, kind: str = "info") -> str:
    """A short coloured message; ``text`` is escaped here, so callers pass plain text."""
    colours = {"info": "#0072B2", "error": "#D55E00", "ok": "#009E73"}
    icon = {"info": "ℹ️", "error": "⚠️", "ok": "✅"}[kind]
    return f'<div role="status" style="color:{colours[kind]}">{icon} {escape(text)}</div>'


def setup() -> None:
    """Fixed display options and the course chart style, so every run shows the same thing."""
    import numpy as np
    import pandas as pd

    from qianhai.charts import apply_style

    pd.set_option("display.max_rows", 30)
    pd.set_option("display.max_columns", 12)
    pd.set_option("display.width", 110)
    pd.set_option("display.precision", 2)
    pd.set_option("display.max_colwidth", 60)
    pd.set_option("display.html.use_mathjax", False)  # "US$ ... HK$" in a table is money, not mathematics
    np.set_printoptions(precision=3, suppress=True)
    apply_style()
