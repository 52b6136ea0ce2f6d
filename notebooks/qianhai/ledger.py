"""Notebook 00 plumbing: the claims ledger explorer and the glossary look-up."""

from __future__ import annotations

import unicodedata

import ipywidgets as w
import pandas as pd

from qianhai.display import escape, message_html
from qianhai.widgets import LABEL_STYLE, Panel

VERDICTS = ["supported", "partly supported", "not verifiable", "contradicted", "not yet examined"]
ALL = "(all)"


def claim_card(row: pd.Series) -> str:
    """One claim as HTML; every value is escaped (the ledger is data, not markup)."""
    evidence = _text(row.get("evidence")) or "No evidence recorded yet: the notebook that tests it is still to come."
    resource = _text(row.get("evidence_resource")) or "none yet"
    parts = [
        f"<b>{escape(row['claim_id'])}</b> · {escape(row['speaker'])} ({escape(row['role'])}), article section "
        f"{escape(row['article_section'])}",
        f"<blockquote>“{escape(row['quote'])}”</blockquote>",
        f"<b>In plain words:</b> {escape(row['claim'])} <i>({escape(row['claim_type'])})</i>",
        f"<b>Tested in:</b> notebook {escape(row['notebook'])}",
        f"<b>Verdict:</b> {escape(row['verdict'])}",
        f"<b>Evidence:</b> {escape(evidence)} <i>(data: {escape(resource)})</i>",
    ]
    return "<br>".join(parts)


def _text(value: object) -> str:
    """Text of a cell; empty for a missing value (None or NaN)."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def filter_claims(claims: pd.DataFrame, speaker: str = ALL, verdict: str = ALL) -> pd.DataFrame:
    chosen = claims
    if speaker != ALL:
        chosen = chosen[chosen["speaker"] == speaker]
    if verdict != ALL:
        chosen = chosen[chosen["verdict"] == verdict]
    return chosen


class ClaimExplorer:
    """Filter by speaker and verdict, then pick a claim: who said it, where it is tested, its verdict."""

    def __init__(self, claims: pd.DataFrame):
        self.claims = claims.reset_index(drop=True)
        self.speaker = w.Dropdown(options=[ALL, *sorted(self.claims["speaker"].unique())], value=ALL,
                                  description="Speaker", style=LABEL_STYLE)
        present = [v for v in VERDICTS if v in set(self.claims["verdict"])]
        self.verdict = w.Dropdown(options=[ALL, *present], value=ALL, description="Verdict", style=LABEL_STYLE)
        self.claim = w.Dropdown(description="Claim", style=LABEL_STYLE, layout=w.Layout(width="95%"))
        self.card = w.HTML()
        self.count = w.HTML()
        self.speaker.observe(self._refilter, names="value")
        self.verdict.observe(self._refilter, names="value")
        self.claim.observe(self._show, names="value")
        self._refilter()
        self.panel = Panel([w.HBox([self.speaker, self.verdict]), self.count, self.claim, self.card],
                           summary="claim explorer: filter the article's claims and read each one's verdict")

    def _refilter(self, change=None) -> None:
        chosen = filter_claims(self.claims, self.speaker.value, self.verdict.value)
        self.count.value = f"<i>{len(chosen)} of {len(self.claims)} claims match.</i>"
        options = [(f"{r.claim_id} · {r.speaker}: {r.claim[:70]}", r.claim_id) for r in chosen.itertuples()]
        self.claim.options = options
        self.claim.value = options[0][1] if options else None
        self._show()

    def _show(self, change=None) -> None:
        if self.claim.value is None:
            self.card.value = message_html("No claim matches these filters. Choose '(all)' in one of them.", "info")
            return
        row = self.claims[self.claims["claim_id"] == self.claim.value].iloc[0]
        self.card.value = claim_card(row)


def fold(text: str) -> str:
    """Lower case without tone marks, so that 'fading' finds 'fǎdìng' (and 'lu' finds 'lǜ')."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_glossary(glossary: pd.DataFrame, query: object, limit: int = 8) -> pd.DataFrame:
    """Terms whose English, Chinese, pinyin or definition contains the query (case- and tone-insensitive)."""
    text = query.strip() if isinstance(query, str) else ""
    if not text:
        return glossary.iloc[0:0]
    needle = fold(text)
    columns = ["term", "chinese", "pinyin", "definition"]
    hit = pd.Series(False, index=glossary.index)
    for column in columns:
        hit |= glossary[column].fillna("").map(fold).str.contains(needle, regex=False)
    return glossary[hit].head(limit)


class GlossaryLookup:
    """Type an English word, Chinese characters or pinyin; see matching terms."""

    def __init__(self, glossary: pd.DataFrame):
        self.glossary = glossary
        self.query = w.Text(description="Look up", placeholder="e.g. negative list, 法定, fǎdìng",
                            continuous_update=False, style=LABEL_STYLE)
        self.results = w.HTML()
        self.query.observe(self.update, names="value")
        self.update()
        self.panel = Panel([self.query, self.results],
                           summary="glossary look-up: type a term in English, Chinese or pinyin")

    def update(self, change=None) -> None:
        query = self.query.value
        if not query.strip():
            self.results.value = message_html(f"Type a word to search {len(self.glossary)} terms.", "info")
            return
        found = search_glossary(self.glossary, query)
        if found.empty:
            self.results.value = message_html(f"No term contains “{query[:60]}”. Try a shorter word.", "info")
            return
        rows = "".join(
            f"<tr><td>{escape(r.term)}</td><td>{escape(r.chinese)}</td><td>{escape(r.pinyin)}</td>"
            f"<td>{escape(r.definition)}</td></tr>"
            for r in found.itertuples()
        )
        self.results.value = ("<table><tr><th>Term</th><th>中文</th><th>Pinyin</th><th>Definition</th></tr>"
                              f"{rows}</table>")


def claims_for(claims: pd.DataFrame, notebook: str) -> pd.DataFrame:
    """The ledger rows a notebook examines, in the columns a student needs."""
    chosen = claims[claims["notebook"] == notebook]
    if chosen.empty:
        raise ValueError(f"No claims in the ledger for notebook {notebook!r}.")
    return chosen.set_index("claim_id")[["speaker", "quote", "claim", "verdict"]]
