"""Notebook 00 plumbing: claim explorer and glossary look-up, with hostile input."""

from __future__ import annotations

import pandas as pd
import pytest

from qianhai.ledger import ALL, ClaimExplorer, GlossaryLookup, claim_card, filter_claims, search_glossary

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


def test_claim_explorer_follows_filters():
    ex = ClaimExplorer(CLAIMS)
    assert "3 of 3" in ex.count.value and "C01" in ex.card.value
    ex.speaker.value = "Tan"
    assert ex.claim.value == "C02" and "not verifiable" in ex.card.value
    ex.claim.value = "C03"
    assert "&lt;script&gt;" in ex.card.value and "<script>" not in ex.card.value
    assert "No evidence recorded yet" in ex.card.value
    ex.verdict.value = "supported"
    assert ex.claim.value is None and "No claim matches" in ex.card.value


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
