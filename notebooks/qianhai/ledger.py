"""Notebook 00 plumbing: the claims ledger explorer and the glossary look-up."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ipywidgets as w
import pandas as pd

from qianhai.charts import PALETTE, Chart, finish, new_figure
from qianhai.course import LESSONS
from qianhai.display import Note, cell_text, escape, markdown_table, message_html
from qianhai.inputs import InputProblem, need_table
from qianhai.widgets import LABEL_STYLE, Panel

VERDICTS = ["supported", "partly supported", "not verifiable", "contradicted", "not yet examined"]
CLAIM_TYPES = ("factual", "evaluative", "forward-looking")
ALL = "(all)"
CARD_COLUMNS = ["claim_id", "speaker", "role", "article_section", "quote", "claim", "claim_type", "notebook", "verdict"]


def claim_card(row: pd.Series, show_verdict: bool = True) -> str:
    """One claim as HTML; every value is escaped (the ledger is data, not markup). Without ``show_verdict`` the
    verdict and evidence are left out: the notebook that tests the claim gives them after its evidence."""
    parts = [
        f"<b>{escape(row['claim_id'])}</b> · {escape(row['speaker'])} ({escape(row['role'])}), article section "
        f"{escape(row['article_section'])}",
        f"<blockquote>“{escape(row['quote'])}”</blockquote>",
        f"<b>In plain words:</b> {escape(row['claim'])} <i>({escape(row['claim_type'])})</i>",
        f"<b>Tested in:</b> notebook {escape(row['notebook'])}",
    ]
    if show_verdict:
        evidence = (cell_text(row.get("evidence"))
                    or "No evidence recorded yet: the notebook that tests it is still to come.")
        resource = cell_text(row.get("evidence_resource")) or "none yet"
        parts += [f"<b>Verdict:</b> {escape(row['verdict'])}{_rule_text(row.get('rubric_rule'))}",
                  f"<b>Evidence:</b> {escape(evidence)} <i>(data: {escape(resource)})</i>"]
    else:
        parts.append(f"<b>Verdict:</b> <i>not shown: notebook {escape(row['notebook'])} weighs the evidence first. "
                     "Tick “Show verdicts” to look ahead.</i>")
    return "<br>".join(parts)


TYPE_COLOURS = {"factual": PALETTE["blue"], "evaluative": PALETTE["orange"], "forward-looking": PALETTE["green"]}
# Each grouping of claim_types_chart: its title, and the bars as its text alternative names them.
GROUPINGS = {"speaker": ("The kinds of claim each speaker makes", "one per speaker"),
             "notebook": ("Which notebook tests each claim", "one per notebook, split by claim type")}


def notebook_label(slug: str) -> str:
    """A notebook as a reader names it: '05_finance' -> '05 · Finance' (its title up to a colon or a question
    mark)."""
    titles = {lesson.slug: lesson.title for lesson in LESSONS}
    return f"{slug[:2]} · {re.match(r'[^:?]*[?]?', titles[slug]).group()}" if slug in titles else str(slug)


def claim_types_chart(claims: pd.DataFrame, by: str = "speaker") -> Chart:
    """Stacked bars: how many claims of each type (factual, evaluative, forward-looking) per speaker or per
    notebook that tests them. No verdicts: they come after each notebook's evidence."""
    need_table(claims, "claims", ["speaker", "notebook", "claim_type"])
    if by not in GROUPINGS:
        raise InputProblem(f"by must be 'speaker' or 'notebook', not {str(by)[:40]!r}.")
    counts = pd.crosstab(claims[by], claims["claim_type"]).reindex(columns=list(CLAIM_TYPES), fill_value=0).sort_index()
    if by == "notebook":
        counts.index = [notebook_label(slug) for slug in counts.index]
    fig, ax = new_figure(7.2, 3.0 if by == "speaker" else 3.4)
    starts = counts.cumsum(axis=1) - counts
    for kind in counts.columns:
        ax.barh(counts.index, counts[kind], left=starts[kind], label=kind, color=TYPE_COLOURS[kind])
    ax.invert_yaxis()
    ax.legend(title="claim type", loc="upper left", bbox_to_anchor=(1.02, 1.0))
    ax.grid(axis="y", visible=False)
    rows = "; ".join(f"{name}: " + ", ".join(f"{int(n)} {kind}" for kind, n in row.items() if n)
                     for name, row in counts.iterrows())
    title, bars = GROUPINGS[by]
    return finish(fig, ax, title=title, xlabel="number of claims", ylabel="", resources=["claims"],
                  alt=f"Horizontal stacked bars, {bars}. {rows}.")


def _rule_text(name: object) -> str:
    rule = RUBRIC.get(cell_text(name))
    return f" <i>(rubric rule {escape(name)}: {escape(rule.evidence)})</i>" if rule else ""


def filter_claims(claims: pd.DataFrame, speaker: str = ALL, verdict: str = ALL) -> pd.DataFrame:
    for column, value in (("speaker", speaker), ("verdict", verdict)):
        claims = claims if value == ALL else claims[claims[column] == value]
    return claims


class ClaimExplorer:
    """Filter by speaker, then pick a claim (the list gives each one's kind): who said it and where it is tested.
    Its verdict is a look-ahead the student opens deliberately ("Show verdicts"); only then can the claims be
    filtered by verdict."""

    def __init__(self, claims: pd.DataFrame, show_verdicts: bool = False):
        need_table(claims, "claims", CARD_COLUMNS)
        self.claims = claims.reset_index(drop=True)
        self.speaker = w.Dropdown(options=[ALL, *sorted(self.claims["speaker"].unique())], value=ALL,
                                  description="Speaker", style=LABEL_STYLE)
        self.verdict = w.Dropdown(options=[ALL, *(v for v in VERDICTS if v in set(self.claims["verdict"]))],
                                  value=ALL, description="Verdict", style=LABEL_STYLE, disabled=not show_verdicts)
        self.reveal = w.Checkbox(value=show_verdicts, description="Show verdicts (a look-ahead: each notebook "
                                 "weighs the evidence before its verdicts)", indent=False,
                                 layout=w.Layout(width="auto"))
        self.claim = w.Dropdown(description="Claim", style=LABEL_STYLE, layout=w.Layout(width="95%"))
        self.card, self.count = w.HTML(), w.HTML()
        for control in (self.speaker, self.verdict):
            control.observe(self._refilter, names="value")
        self.reveal.observe(self._reveal, names="value")
        self.claim.observe(self._show, names="value")
        self._refilter()
        self.panel = Panel([self.reveal, w.HBox([self.speaker, self.verdict]), self.count, self.claim, self.card],
                           summary="claim explorer: filter the article's claims by speaker and read each one; "
                                   "verdicts only on request")

    def _reveal(self, change=None) -> None:
        self.verdict.disabled = not self.reveal.value
        if not self.reveal.value and self.verdict.value != ALL:
            self.verdict.value = ALL  # refilters and redraws
        else:
            self._show()

    def _refilter(self, change=None) -> None:
        chosen = filter_claims(self.claims, self.speaker.value, self.verdict.value)
        self.count.value = f"<i>{len(chosen)} of {len(self.claims)} claims match.</i>"
        options = [(f"{r.claim_id} ({r.claim_type}) · {r.speaker}: {r.claim[:70]}", r.claim_id)
                   for r in chosen.itertuples()]
        self.claim.options = options
        self.claim.value = options[0][1] if options else None
        self._show()

    def _show(self, change=None) -> None:
        if self.claim.value is None:
            self.card.value = message_html("No claim matches these filters. Choose '(all)' in one of them.", "info")
            return
        row = self.claims[self.claims["claim_id"] == self.claim.value].iloc[0]
        self.card.value = claim_card(row, show_verdict=self.reveal.value)


def fold(text: str) -> str:
    """Lower case without tone marks, so that 'fading' finds 'fǎdìng' (and 'lu' finds 'lǜ')."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_glossary(glossary: pd.DataFrame, query: object, limit: int = 8) -> pd.DataFrame:
    """Terms whose English, Chinese, pinyin or definition contains the query (case- and tone-insensitive)."""
    text = query.strip() if isinstance(query, str) else ""
    if not text:
        return glossary.iloc[0:0]
    hit = pd.Series(False, index=glossary.index)
    for column in ("term", "chinese", "pinyin", "definition"):
        hit |= glossary[column].fillna("").map(fold).str.contains(fold(text), regex=False)
    return glossary[hit].head(limit)


class GlossaryLookup:
    """Type an English word, Chinese characters or pinyin; see matching terms."""

    def __init__(self, glossary: pd.DataFrame):
        need_table(glossary, "glossary", ["term", "chinese", "pinyin", "definition"])
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
        found = search_glossary(self.glossary, query)
        if found.empty:
            hint = (f"No term contains “{query[:60]}”. Try a shorter word." if query.strip()
                    else f"Type a word to search {len(self.glossary)} terms.")
            self.results.value = message_html(hint, "info")
            return
        rows = "".join(
            f"<tr><td>{escape(r.term)}</td><td>{escape(r.chinese)}</td><td>{escape(r.pinyin)}</td>"
            f"<td>{escape(r.definition)}</td></tr>"
            for r in found.itertuples()
        )
        self.results.value = ("<table><tr><th>Term</th><th>中文</th><th>Pinyin</th><th>Definition</th></tr>"
                              f"{rows}</table>")


def claims_table(claims: pd.DataFrame, notebook: str) -> pd.DataFrame:
    """The ledger rows a notebook examines, as the student meets them at the top: who said what, and what to
    test. No verdict: the verdicts come after the evidence (``verdicts_for``)."""
    chosen = _rows_for(claims, notebook)
    return chosen.rename(columns={"claim": "what to test"})[["speaker", "quote", "what to test"]]


def claims_for(claims: pd.DataFrame, notebook: str) -> Note:
    """``claims_table`` as a table whose long quotes wrap instead of being cut (Markdown, plain text for other
    readers): the claims cell at the top of each notebook."""
    return _note(claims_table(claims, notebook), "Claims to test (verdicts under Verdicts, after the self-check):",
                 lambda row: f"{row['claim_id']} · {row['speaker']}: “{row['quote']}”. To test: {row['what to test']}")


def verdicts_for(claims: pd.DataFrame, notebook: str) -> pd.DataFrame:
    """The same rows after the evidence: each claim with its verdict, the rubric rule that gives it, and the
    evidence behind it."""
    chosen = _rows_for(claims, notebook)
    rules = chosen.get("rubric_rule", pd.Series("", index=chosen.index))  # a ledger from before the rubric has none
    return pd.DataFrame({
        "claim": chosen["claim"],
        "verdict": chosen["verdict"],
        "rubric rule": rules.map(lambda name: cell_text(name).replace("_", " ")),
        "evidence": chosen["evidence"].map(lambda text: cell_text(text) or "none recorded yet"),
    })


def verdicts_note(claims: pd.DataFrame, notebook: str) -> Note:
    """``verdicts_for`` as a table whose long evidence text wraps (Markdown); the plain-text form gives each
    verdict with its evidence, so a reader without Markdown still sees why."""
    return _note(verdicts_for(claims, notebook), "Verdicts:",
                 lambda row: f"{row['claim_id']}: {row['verdict']} (rubric rule: {row['rubric rule']}). "
                               f"Evidence: {row['evidence']}")


def _note(table: pd.DataFrame, plain_title: str, plain_line) -> Note:
    """A table indexed by claim_id as inert Markdown, with a short plain-text form (one line a claim)."""
    table = table.reset_index()
    markdown = markdown_table(table, headings={"claim_id": "id"}).markdown  # the heading a student reads
    return Note(markdown, "\n".join([plain_title, *(plain_line(row) for _, row in table.iterrows())]))


def _rows_for(claims: pd.DataFrame, notebook: str) -> pd.DataFrame:
    """Every public function showing one notebook's claims starts here."""
    need_table(claims, "claims", ["claim_id", "notebook", "speaker", "quote", "claim", "verdict", "evidence"])
    if not isinstance(notebook, str):
        raise InputProblem(f"notebook must be a notebook's name such as '01_shenzhen_sez', not {type(notebook).__name__}.")
    chosen = claims[claims["notebook"] == notebook]
    if chosen.empty:
        raise InputProblem(f"No claims in the ledger for notebook {notebook!r}.")
    return chosen.set_index("claim_id")


# ------------------------------------------------------------------------------------------ verdict rubric

@dataclass(frozen=True)
class Rule:
    """One rule of the verdict rubric: the verdict it gives and the evidence that earns it."""

    verdict: str
    evidence: str
    claim_types: tuple[str, ...] = CLAIM_TYPES
    needs_sources: bool = True  # needs evidence besides the article: a source id or a course data resource


# The rubric, defined here only (data/README.md, notebook 00 and the claims descriptor repeat the names; tests check).
RUBRIC = {
    "confirmed": Rule(
        "supported", "Every part of the claim is confirmed by sources in the package that do not depend on the "
        "speaker (official texts, statistics, independent reports). Only a factual claim can be supported: a "
        "judgement or a forecast always keeps a part no data settle.", ("factual",)),
    "partly_confirmed": Rule(
        "partly supported", "Part of the claim is confirmed as for 'supported'; the rest is a judgement, is not "
        "measured, or could not be checked."),
    "self_reported": Rule(
        "partly supported", "The only evidence is reported by the claimant's own side (the zone, its authority or "
        "press repeating their figures), with no independent check; it shows the claim is made, not that it is "
        "true."),
    "qualified": Rule(
        "partly supported", "The sources confirm the claim in one sense and contradict it in another (e.g. "
        "physically true, institutionally not), or confirm it only after a correction."),
    "not_found_in_our_sources": Rule(
        "not verifiable", "Not found in the sources we hold: the figures or documents that would settle the claim "
        "were searched for and not found. They may exist (unpublished statistics, documents not yet found); the "
        "verdict can change when they are found.", needs_sources=False),
    "not_publicly_verifiable": Rule(
        "not verifiable", "Not publicly verifiable: a judgement, a causal statement no study isolates, or a "
        "statement about the future, which no public data could settle as worded.",
        ("evaluative", "forward-looking"), needs_sources=False),
    "contradicted_by_sources": Rule(
        "contradicted", "A source in the package that does not depend on the speaker says the opposite, or the "
        "data show the claim is false."),
    "not_yet_examined": Rule(
        "not yet examined", "The notebook that tests the claim is still to come.", needs_sources=False),
}


def rubric_table() -> pd.DataFrame:
    """The rubric as a table: rule, verdict, the evidence that earns it, the claim types it may judge."""
    return pd.DataFrame([{"rule": name, "verdict": r.verdict, "evidence that earns it": r.evidence,
                          "claim types": ", ".join(r.claim_types)} for name, r in RUBRIC.items()]).set_index("rule")
