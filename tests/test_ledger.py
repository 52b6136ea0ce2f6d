"""Notebook 00 plumbing: claim explorer and glossary look-up, with hostile input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qianhai.data import load, resource
from qianhai.display import cell_text
from qianhai.inputs import InputProblem
from qianhai.ledger import (ALL, RUBRIC, VERDICTS, ClaimExplorer, GlossaryLookup, claim_card, claims_for,
                            claims_table, filter_claims, rubric_table, search_glossary, verdicts_for, verdicts_note)

ROOT = Path(__file__).resolve().parents[1]

CLAIMS = pd.DataFrame(
    {
        "claim_id": ["C01", "C02", "C03"],
        "speaker": ["Wang", "Tan", "Tan"],
        "role": ["deputy", "dean", "dean"],
        "article_section": [2, 6, 7],
        "quote": ["blank sheet", "one-third", "<script>alert(1)</script>"],
        "claim": ["Started from nothing.", "Finance is productive.", "Golden decade."],
        "claim_type": ["factual", "factual", "forward-looking"],
        "notebook": ["02_blank_sheet", "05_finance", "08_golden_decade"],
        "verdict": ["supported", "not verifiable", "not yet examined"],
        "evidence": ["timeline", "no source", None],
        "evidence_resource": ["qianhai_timeline", None, None],
        "source_id": ["ART", "ART", "ART"],
    }
)
GLOSSARY = pd.DataFrame(
    {
        "term": ["statutory body", "negative list"],
        "chinese": ["法定机构", "负面清单"],
        "pinyin": ["fǎdìng jīgòu", "fùmiàn qīngdān"],
        "definition": ["A public body set up by its own law.", "A list of sectors closed or restricted."],
    }
)


def test_filter_claims():
    assert filter_claims(CLAIMS, "Tan").claim_id.tolist() == ["C02", "C03"]
    assert filter_claims(CLAIMS, ALL, "supported").claim_id.tolist() == ["C01"]
    assert filter_claims(CLAIMS, "Wang", "contradicted").empty


def test_claim_explorer_hides_verdicts_until_asked():
    ex = ClaimExplorer(CLAIMS)
    assert "C01" in ex.card.value and "supported" not in ex.card.value and "not shown" in ex.card.value
    assert ex.verdict.disabled
    ex.reveal.value = True
    assert "supported" in ex.card.value and not ex.verdict.disabled
    ex.verdict.value = "not verifiable"
    ex.reveal.value = False  # hiding again clears the verdict filter: no claim list sorted by verdict
    assert ex.verdict.value == ALL and "3 of 3" in ex.count.value and "not verifiable" not in ex.card.value


def test_claim_explorer_follows_filters():
    ex = ClaimExplorer(CLAIMS, show_verdicts=True)
    assert "3 of 3" in ex.count.value and "C01" in ex.card.value
    ex.speaker.value = "Tan"
    assert ex.claim.value == "C02" and "not verifiable" in ex.card.value
    ex.claim.value = "C03"
    assert "&lt;script&gt;" in ex.card.value and "<script>" not in ex.card.value
    assert "No evidence recorded yet" in ex.card.value
    ex.verdict.value = "supported"
    assert ex.claim.value is None and "No claim matches" in ex.card.value


def test_claim_list_shows_each_claims_kind():
    """The Claim list names each claim's kind, so a student looking for one factual and one evaluative claim need
    not open every card (a student opened all eight of one speaker's claims, one by one)."""
    ex = ClaimExplorer(CLAIMS)
    labels = [label for label, _ in ex.claim.options]
    assert labels == ["C01 (factual) · Wang: Started from nothing.", "C02 (factual) · Tan: Finance is productive.",
                      "C03 (forward-looking) · Tan: Golden decade."]


def test_claims_at_the_top_show_no_verdict():
    """The claims a notebook tests are shown first without their verdicts: no spoiler before the evidence."""
    top = claims_table(CLAIMS, "05_finance")
    assert list(top.index) == ["C02"] and list(top.columns) == ["speaker", "quote", "what to test"]
    shown = claims_for(CLAIMS, "05_finance")
    assert "one-third" in shown._repr_markdown_() and "Finance is productive." in repr(shown)
    assert not any(verdict in shown._repr_markdown_() + repr(shown) for verdict in VERDICTS)
    with pytest.raises(ValueError, match="No claims"):
        claims_for(CLAIMS, "99_nothing")


def test_verdicts_after_the_evidence():
    ruled = CLAIMS.assign(rubric_rule=["confirmed", "not_found_in_our_sources", "not_yet_examined"])
    table = verdicts_for(ruled, "05_finance")
    assert table.loc["C02", "verdict"] == "not verifiable"
    assert table.loc["C02", "rubric rule"] == "not found in our sources" and table.loc["C02", "evidence"] == "no source"
    assert verdicts_for(ruled, "08_golden_decade").loc["C03", "evidence"] == "none recorded yet"
    assert verdicts_for(CLAIMS, "05_finance").loc["C02", "rubric rule"] == ""  # an older ledger without rules
    note = verdicts_note(ruled, "08_golden_decade")
    assert "&lt;script&gt;" not in repr(note) and "<script>" not in note._repr_markdown_()
    # The plain-text form carries the evidence too (it used to point to "the rendered table"): C02's evidence is
    # "no source", C03's "none recorded yet", as asserted above.
    plain = repr(verdicts_note(ruled, "05_finance"))
    assert "rendered table" not in plain and "Evidence: no source" in plain
    # The rule is named as a rule: a student read "partly supported (partly confirmed)" as two verdict scales.
    assert "C02: " in plain and "(rubric rule: not found in our sources)" in plain


@pytest.mark.parametrize("notebook", [f"0{n}" for n in range(1, 9)])
def test_each_notebook_has_claims_and_verdicts(notebook):
    claims = load("claims")
    slug = next(s for s in claims["notebook"].unique() if s.startswith(notebook))
    shown = claims_for(claims, slug)
    assert not any(v in shown._repr_markdown_() + repr(shown) for v in VERDICTS if v != "not yet examined")
    assert set(verdicts_for(claims, slug)["verdict"]) <= set(VERDICTS)


def test_claim_card_escapes():
    assert "<script>" not in claim_card(CLAIMS.iloc[2])


@pytest.mark.parametrize("query, terms", [("negative", ["negative list"]), ("法定", ["statutory body"]),
                                          ("FÙMIÀN", ["negative list"]), ("fading jigou", ["statutory body"]), ("list", ["negative list"]),
                                          ("", []), ("   ", []), (None, []), (42, []), (".*", [])])
def test_search_glossary(query, terms):
    assert search_glossary(GLOSSARY, query)["term"].tolist() == terms


def test_glossary_lookup_widget():
    look = GlossaryLookup(GLOSSARY)
    assert "search 2 terms" in look.results.value
    look.query.value = "statutory"
    assert "法定机构" in look.results.value
    look.query.value = "<img src=x onerror=alert(1)>"
    assert "No term contains" in look.results.value and "<img" not in look.results.value


# ------------------------------------------------------------------------------------------ verdict rubric

ARTICLE_SOURCES = {"ART", "ARTZH"}


def ledger_problems(claims: pd.DataFrame) -> list[str]:
    """Every way the ledger breaks the rubric: an unknown rule, a verdict the rule does not give, a rule used for
    a claim type it does not allow, or evidence missing where the rule needs it. Empty when the ledger follows it."""
    problems = []
    for row in claims.itertuples():
        rule = RUBRIC.get(getattr(row, "rubric_rule", None))
        if rule is None:
            problems.append(f"{row.claim_id}: rubric rule {getattr(row, 'rubric_rule', None)!r} is not one of "
                            f"{', '.join(RUBRIC)}.")
            continue
        if row.verdict != rule.verdict:
            problems.append(f"{row.claim_id}: rule {row.rubric_rule!r} gives {rule.verdict!r}, not {row.verdict!r}.")
        if row.claim_type not in rule.claim_types:
            problems.append(f"{row.claim_id}: rule {row.rubric_rule!r} does not apply to a {row.claim_type} claim.")
        sources = set(cell_text(row.source_id).split(";")) - ARTICLE_SOURCES - {""}
        if rule.needs_sources and not sources and not cell_text(getattr(row, "evidence_resource", "")):
            problems.append(f"{row.claim_id}: rule {row.rubric_rule!r} needs evidence besides the article (a source "
                            "id or a course data resource).")
        if row.verdict != "not yet examined" and not cell_text(row.evidence):
            problems.append(f"{row.claim_id}: a verdict needs an evidence note.")
    return problems


def test_the_ledger_follows_the_rubric():
    # Every claim's verdict is the one its rubric rule gives, for a claim type the rule may judge, with a
    # source besides the article where the rule needs one (ledger.RUBRIC, published in data/README.md).
    claims = load("claims")
    assert ledger_problems(claims) == []
    assert set(claims["rubric_rule"]) <= set(RUBRIC)


def test_the_rubric_is_defined_in_one_place():
    # The descriptor's enum, the README's table and the verdict list all name what ledger.RUBRIC defines.
    fields = {f["name"]: f for f in resource("claims")["schema"]["fields"]}
    assert fields["rubric_rule"]["constraints"]["enum"] == list(RUBRIC)
    assert fields["verdict"]["constraints"]["enum"] == VERDICTS
    assert {rule.verdict for rule in RUBRIC.values()} == set(VERDICTS)
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for name, rule in RUBRIC.items():
        assert f"| `{name}` | {rule.verdict} |" in readme
    assert list(rubric_table().index) == list(RUBRIC)


def test_ledger_problems_names_each_break():
    bad = CLAIMS.assign(rubric_rule=["confirmed", "not_found_in_our_sources", "guess"])
    bad.loc[0, "claim_type"] = "evaluative"  # an evaluative claim cannot be 'supported'
    bad.loc[1, "verdict"] = "contradicted"  # the rule gives 'not verifiable'
    problems = ledger_problems(bad)
    assert problems[0] == "C01: rule 'confirmed' does not apply to a evaluative claim."
    assert "C01: rule 'confirmed' needs evidence besides the article (a source id or a course data resource)." \
        not in problems  # C01 names a data resource
    bad.loc[0, "evidence_resource"] = None
    problems = ledger_problems(bad)
    assert "C01: rule 'confirmed' needs evidence besides the article (a source id or a course data resource)." \
        in problems
    assert "C02: rule 'not_found_in_our_sources' gives 'not verifiable', not 'contradicted'." in problems
    assert problems[-1].startswith("C03: rubric rule 'guess' is not one of confirmed, ")


def test_issue_14_verdicts():
    # Issue 14 audit. C04: the phrase is the speaker's echo of the 7 Dec 2012 instruction (E21); the land was
    # near-empty tidal flats (E19) but the zone had institutional predecessors -> partly supported, 'qualified'.
    # C13 and C17 rest on the same self-reported replication counts (C13: E15, E19, S25; C17: E19, S09, S25, E23) -> the
    # same verdict; C13's pilot role is also in official texts (S02, the 2010 reply; S07, the 2021 plan), so its rule is
    # partly_confirmed, while C17 has only the zone's counts (self_reported).
    # C01: the 26 Aug 1980 regulations covered three cities, Xiamen came in Oct 1980 (FX05-FX07).
    c = load("claims").set_index("claim_id")
    assert (c.loc["C04", "verdict"], c.loc["C04", "rubric_rule"]) == ("partly supported", "qualified")
    assert {"E19", "E21"} <= set(c.loc["C04", "source_id"].split(";"))
    assert c.loc["C13", "verdict"] == c.loc["C17", "verdict"] == "partly supported"
    assert (c.loc["C13", "rubric_rule"], c.loc["C17", "rubric_rule"]) == ("partly_confirmed", "self_reported")
    assert {"S02", "S07"} <= set(c.loc["C13", "source_id"].split(";"))
    assert "Shantou" in c.loc["C01", "evidence"] and "Oct 1980" in c.loc["C01", "evidence"]
    assert "'four'" in c.loc["C01", "evidence"] and "FX06" in c.loc["C01", "source_id"]


def test_claim_card_shows_the_rule():
    row = CLAIMS.assign(rubric_rule=["confirmed", "x", "not_yet_examined"]).iloc[0]
    assert "rubric rule confirmed" in claim_card(row)
    assert "rubric rule" not in claim_card(CLAIMS.iloc[0])  # older ledgers without the column still show a card


def test_every_section_the_evidence_cites_exists_in_its_notebook():
    """'Notebook 06, sections 1 and 6' in a verdict's evidence must point at headings the notebook has (a
    rework that renumbers or moves sections must update the ledger)."""
    import json
    import re

    from conftest import ROOT

    for row in load("claims").itertuples():
        cells = json.loads((ROOT / "notebooks" / f"{row.notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
        headings = {n for c in cells if c["cell_type"] == "markdown"
                    for n in re.findall(r"(?m)^#{2,3}\s+(\d+)\s*·", "".join(c["source"]))}
        for cited in re.finditer(r"Notebook \d\d, sections? ([\d\s,and–-]+?)(?=[:;.]| and its| \(in Going further)", str(row.evidence)):
            span = re.search(r"(\d+)\s*[-–]\s*(\d+)", cited.group(1))
            numbers = ([str(n) for n in range(int(span.group(1)), int(span.group(2)) + 1)] if span
                       else re.findall(r"\d+", cited.group(1)))
            missing = [n for n in numbers if n not in headings]
            assert not missing, f"{row.claim_id}: cites section {missing} of {row.notebook}, which has {sorted(headings)}"


# ------------------------------------------------------------------ 00's claim-type charts (no verdicts)

def test_claim_types_chart_counts_types_per_notebook_and_names_no_verdict():
    from qianhai.ledger import claim_types_chart

    # CLAIMS above, by hand: 02 has C01 (factual), 05 has C02 (factual), 08 has C03 (forward-looking).
    chart = claim_types_chart(CLAIMS, by="notebook")
    assert "02 · A blank sheet of paper: 1 factual" in chart.alt
    assert "05 · Finance: 1 factual" in chart.alt
    assert "08 · The golden decade: 1 forward-looking" in chart.alt
    for verdict in VERDICTS:
        assert verdict not in chart.alt, f"the start-of-course chart gives away a verdict ({verdict})"
    # by speaker: Tan has C02 (factual) and C03 (forward-looking)
    assert "Tan: 1 factual, 1 forward-looking" in claim_types_chart(CLAIMS, by="speaker").alt


def test_claim_types_chart_refuses_an_unknown_grouping_with_a_message():
    from qianhai.ledger import claim_types_chart

    with pytest.raises(ValueError, match="speaker' or 'notebook"):
        claim_types_chart(CLAIMS, by="verdict")


def test_c04_quotes_the_2012_instruction_as_the_source_gives_it():
    # E21: "精耕细作、精雕细琢，一张白纸画出最美最好的图画" - "the most beautiful and best picture", not "the newest
    # and most beautiful" (a fact-check re-audit found the misquote; "最新最美" is another, older phrase).
    evidence = load("claims").set_index("claim_id").loc["C04", "evidence"]
    assert "the most beautiful and best picture" in evidence and "newest" not in evidence


@pytest.mark.parametrize("bad", [None, "claims", 3.5, CLAIMS.drop(columns=["claim_type"])])
def test_claim_explorer_refuses_what_is_not_the_claims_table(bad):
    """A table without the ledger's columns got a raw AttributeError from a widget callback (code review)."""
    with pytest.raises(InputProblem, match="claims"):
        ClaimExplorer(bad)


def test_evidence_in_going_further_says_so():
    """A verdict whose evidence is a section after the 'Going further' heading says so: the core reader never saw
    it (a student read 02's C05, C07 and C08 as pointing at the core)."""
    import json
    import re

    from conftest import ROOT

    for row in load("claims").itertuples():
        cells = json.loads((ROOT / "notebooks" / f"{row.notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
        optional, later = False, set()
        for c in cells:
            text = "".join(c["source"]) if c["cell_type"] == "markdown" else ""
            optional = optional or bool(re.search(r"(?m)^##\s+Going further", text))
            if optional:
                later |= set(re.findall(r"(?m)^#{2,3}\s+(\d+)\s*·", text))
        cited = re.match(r"Notebook \d\d, sections? (\d+)(?:\s*[-–]\s*\d+)?\b", str(row.evidence))
        if cited and cited.group(1) in later:
            assert "Going further" in row.evidence, f"{row.claim_id}: its evidence is in Going further; say so"


def test_audit_rules_follow_the_rubric():
    """Auditor's findings, each worked from the sources: C05's and C06's figures are the zone's, repeated by its
    release (S17) and press, so self_reported; C03's founding date is in the State Council's own text (S02);
    forward-looking claims get partly_confirmed only when an official text confirms a part (C28: plans S06, S42),
    and C26's measured part (expanded-zone GDP, E23) is the zone's figures, so not_publicly_verifiable; C15's
    evidence names the earlier talent measures; C13's plain words stay within its quote."""
    c = load("claims").set_index("claim_id")
    assert c.loc["C05", "rubric_rule"] == c.loc["C06", "rubric_rule"] == "self_reported"
    assert "S02" in c.loc["C03", "source_id"].split(";")
    assert c.loc["C28", "rubric_rule"] == "partly_confirmed" and "S06" in c.loc["C28", "evidence"]
    for claim in ("C26", "C27"):
        assert c.loc[claim, "rubric_rule"] == "not_publicly_verifiable"
        assert "no part is confirmed independently" in c.loc[claim, "evidence"]
    assert "undated or later (earlier talent measures" in c.loc["C15", "evidence"]
    assert "institutional innovation" not in c.loc["C13", "claim"]


def test_c19_and_c22_cite_the_zones_case_pages_and_the_pboc_memorandum():
    """Audit of 7 Dec 2026: C19 and C22 had been 'not verifiable' though the Guangdong Department of Commerce's FTZ
    case pages describe Qianhai's credit platform (GD01) and its Eagle Eye risk system (GD02), and the PBOC Shenzhen
    branch agreed to build a lab on Eagle Eye (IC01, 7 Dec 2019). Values from the pages: '17万余家企业' (over
    170,000 firms), '针对87家机构形成风险监测报告' (87 institutions)."""
    from qianhai.data import resource

    c = load("claims").set_index("claim_id")
    assert c.loc["C19", ["verdict", "rubric_rule"]].tolist() == ["partly supported", "self_reported"]
    assert "GD01" in c.loc["C19", "source_id"].split(";")
    assert c.loc["C22", ["verdict", "rubric_rule"]].tolist() == ["partly supported", "partly_confirmed"]
    assert {"GD02", "IC01"} <= set(c.loc["C22", "source_id"].split(";"))
    kinds = {s["id"]: s["kind"] for s in resource("claims")["sources"]}
    assert (kinds["GD01"], kinds["GD02"], kinds["IC01"]) == ("official", "official", "other")
    credit = load("governance_facts").set_index("fact_id").loc["credit_qianhai_platform_2018"]
    assert (credit["jurisdiction"], credit["topic"], credit["source_id"], credit["value"]) == (
        "qianhai", "credit_supervision", "GD01", 170000)
    finance = load("qianhai_finance_facts").set_index("fact_id")
    assert finance.loc["fin_2018_eagle_eye_risk_reports", ["value", "source_id"]].tolist() == [87, "GD02"]
    assert finance.loc["fin_2019_pboc_lab_on_eagle_eye", "source_id"] == "IC01"
    assert finance.loc["fin_2018_eagle_eye_monitored", "source_id"] == "GD02"
