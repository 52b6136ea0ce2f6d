"""Public functions the notebooks import refuse the wrong kind of table or object with an InputProblem a student
can act on, never a raw TypeError, KeyError or AttributeError from deep inside pandas."""

from __future__ import annotations

import pytest

from qianhai import evaluation, finance, governance, innovation, ledger, sez, tax, timeline
from qianhai.data import load, resource
from qianhai.inputs import InputProblem

TABLES = {name: load(name) for name in ["claims", "shenzhen_gdp", "tax_rules", "crossborder_rmb_loans",
                                        "tax_hk_salaries", "glossary", "hongkong_gdp", "cny_usd", "shenzhen_population",
                                        "qianhai_timeline", "qianhai_zones", "ftz_count", "zone_effects", "basque_panel",
                                        "ftz_negative_list", "qianhai_innovations", "statutory_body_facts"]}

# (function, how to call it with the table in question, that table, a column it needs: the key students index by)
CALLS = {
    "claims_for": (lambda t: ledger.claims_for(t, "01_shenzhen_sez"), "claims", "claim_id"),
    "verdicts_note": (lambda t: ledger.verdicts_note(t, "01_shenzhen_sez"), "claims", "claim_id"),
    "claim_types_chart": (lambda t: ledger.claim_types_chart(t, by="speaker"), "claims", "speaker"),
    "vintage_series": (lambda t: sez.vintage_series(t, "yearbook_revised"), "shenzhen_gdp", "year"),
    "cit_rules": (lambda t: tax.cit_rules(t, 2020), "tax_rules", "parameter"),
    "subsidy_rule": (lambda t: tax.subsidy_rule(t, 2019), "tax_rules", "rule_id"),
    "hk_profits_tax": (lambda t: tax.hk_profits_tax(10_000_000, t), "tax_rules", "parameter"),
    "hk_year": (lambda t: tax.hk_year(t, "2023/24"), "tax_hk_salaries", "year_of_assessment"),
    "batch_value": (lambda t: finance.batch_value(t, "first_batch_projects"), "crossborder_rmb_loans", "item_id"),
    "GlossaryLookup": (ledger.GlossaryLookup, "glossary", "term"),
    "vintage_table": (sez.vintage_table, "shenzhen_gdp", "year"),
    "no_figure_years": (sez.no_figure_years, "shenzhen_gdp", "year"),
    "vintages_chart": (sez.vintages_chart, "shenzhen_gdp", "year"),
    "GrowthExplorer": (lambda t: sez.GrowthExplorer(t, "yearbook_revised", (2000, 2020)), "shenzhen_gdp", "year"),
    "OvertakeExplorer gdp": (lambda t: sez.OvertakeExplorer(t, TABLES["hongkong_gdp"], TABLES["cny_usd"],
                                                            "yearbook_revised"), "shenzhen_gdp", "year"),
    "OvertakeExplorer hk": (lambda t: sez.OvertakeExplorer(TABLES["shenzhen_gdp"], t, TABLES["cny_usd"],
                                                           "yearbook_revised"), "hongkong_gdp", "year"),
    "OvertakeExplorer fx": (lambda t: sez.OvertakeExplorer(TABLES["shenzhen_gdp"], TABLES["hongkong_gdp"], t,
                                                           "yearbook_revised"), "cny_usd", "year"),
    "key_points_from_data": (lambda t: sez.key_points_from_data(TABLES["shenzhen_gdp"], t), "shenzhen_population",
                             "year"),
    "timeline_bounds": (timeline.timeline_bounds, "qianhai_timeline", "sort_date"),
    "snapshot zones": (lambda t: timeline.snapshot(TABLES["qianhai_timeline"], t, TABLES["ftz_count"], "2015-04"),
                       "qianhai_zones", "zone_id"),
    "DateExplorer timeline": (lambda t: timeline.DateExplorer(t, TABLES["qianhai_zones"], TABLES["ftz_count"], "2015-04"),
                              "qianhai_timeline", "event_id"),
    "DateExplorer ftz_count": (lambda t: timeline.DateExplorer(TABLES["qianhai_timeline"], TABLES["qianhai_zones"], t,
                                                               "2015-04"), "ftz_count", "date"),
    "effects_table": (evaluation.effects_table, "zone_effects", "effect_id"),
    "reference_weights": (evaluation.reference_weights, "zone_effects", "effect_id"),
    "outcome_wide": (evaluation.outcome_wide, "basque_panel", "region"),
    "predictor_table": (evaluation.predictor_table, "basque_panel", "year"),
    "edition_table": (innovation.edition_table, "ftz_negative_list", "list_type"),
    "qianhai_counts": (innovation.qianhai_counts, "qianhai_innovations", "as_of"),
    "loan_table": (lambda t: finance.loan_table(t, ["first_batch"]), "crossborder_rmb_loans", "item_id"),
    "credit_timeline": (lambda t: governance.credit_timeline(t, load("governance_facts"), resource("claims")),
                        "statutory_body_facts", "fact_id"),
}
WRONG = {
    "a name": lambda table, key: "claims",
    "None": lambda table, key: None,
    "a column short": lambda table, key: table.drop(columns=key),
    "the key as index": lambda table, key: table.set_index(key),
}


@pytest.mark.parametrize("wrong", WRONG)
@pytest.mark.parametrize("name", CALLS)
def test_a_wrong_table_gets_a_message(name, wrong):
    call, table_name, key = CALLS[name]
    table = TABLES[table_name]
    call(table)  # the right table works
    with pytest.raises(InputProblem, match=table_name) as raised:
        call(WRONG[wrong](table, key))
    if wrong == "the key as index":
        assert ".reset_index()" in str(raised.value)


TABLES_OBJ = tax.TaxTables(brackets=load("tax_iit_brackets"), hk=TABLES["tax_hk_salaries"], rules=TABLES["tax_rules"],
                           fx=load("cny_hkd"))
POPULATION = governance.make_firms()

OBJECT_CALLS = {  # a course object (schedule, year, tables, population) replaced by None or a table
    "mainland_iit": (lambda x: tax.mainland_iit(300_000, x), "tables.annual()"),
    "hk_salaries_tax": (lambda x: tax.hk_salaries_tax(600_000, x), "hk_year"),
    "compare_talent": (lambda x: tax.compare_talent(1_000_000, "2023/24", x), "TaxTables"),
    "inspected_firms": (lambda x: governance.inspected_firms(x, 100, 50), "make_firms"),
}


@pytest.mark.parametrize("wrong", [None, TABLES["tax_rules"]], ids=["None", "a table"])
@pytest.mark.parametrize("name", OBJECT_CALLS)
def test_a_wrong_object_gets_a_message(name, wrong):
    call, words = OBJECT_CALLS[name]
    with pytest.raises(InputProblem, match=words):
        call(wrong)


def test_the_claims_of_a_notebook_need_its_name():
    with pytest.raises(InputProblem, match="notebook must be a notebook's name such as '01_shenzhen_sez', not list"):
        ledger.claims_for(TABLES["claims"], ["x"])


def test_vintage_series_says_how_to_undo_set_index():
    """Notebook 00 builds the frame by year just before calling vintage_series: the message says what to pass."""
    with pytest.raises(InputProblem, match=r"year is its index: pass the table as loaded.*\.reset_index\(\)"):
        sez.vintage_series(TABLES["shenzhen_gdp"].set_index("year"), "yearbook_revised")


@pytest.mark.parametrize("budget, pct, words", [
    (100, 150, "above 100"), (-5, 50, "below 1"), (100, -50, "below 0"), (True, 50, "not bool"), ("a", 50, "not a number"),
])
def test_targeted_count_checks_its_numbers(budget, pct, words):
    with pytest.raises(InputProblem, match=words):
        governance.targeted_count(budget, pct)


@pytest.mark.parametrize("budget, targeted, words", [(True, 50, "not bool"), (100, 150, "above 100"),
                                                      (2000, 10, "above 1000"), (100, -1, "below 0")])
def test_inspected_firms_checks_its_numbers(budget, targeted, words):
    with pytest.raises(InputProblem, match=words):
        governance.inspected_firms(POPULATION, budget, targeted)


def test_targeted_count_still_rounds_half_up():
    assert governance.targeted_count(100, 50) == 50
    assert governance.targeted_count(3, 50) == 2  # 1.5 rounds up
    assert len(governance.inspected_firms(POPULATION, 100, 50)) == 100


def test_tables_the_notebooks_label_by_key_work_either_way():
    """territories, facts_in_words and credit_timeline read rows by their key: as loaded or indexed, both work."""
    zones = load("qianhai_zones")
    assert finance.territories(zones, ["qianhai_ifc"]).equals(
        finance.territories(zones.set_index("zone_id"), ["qianhai_ifc"]))
    facts = load("qianhai_finance_facts")
    assert finance.facts_in_words(facts).equals(finance.facts_in_words(facts.set_index("fact_id")))


@pytest.mark.parametrize("head", ["{claim_id:d}", "{0}"])
def test_print_rows_explains_a_format_it_cannot_fill(head):
    with pytest.raises(InputProblem, match="Name columns in braces"):
        innovation.print_rows(TABLES["claims"], head, "{quote}")


@pytest.mark.parametrize("salaries", [__import__("numpy").array(5), {100_000: 1}], ids=["a 0-d array", "a dict"])
def test_effective_rates_refuses_what_is_not_a_list_of_salaries(salaries):
    with pytest.raises(InputProblem, match="several annual salaries"):
        tax.effective_rates(TABLES_OBJ, "2023/24", salaries)


def test_print_rows_names_a_column_the_table_lacks():
    with pytest.raises(InputProblem, match="The format names 'nothere', not a column"):
        innovation.print_rows(TABLES["claims"], "{nothere}", "{quote}")


OTHER_CALLS = {  # functions taking a course object or a plain collection, given None
    "InspectionExplorer": (governance.InspectionExplorer, "InspectionSetup()"),
    "ServiceExplorer": (governance.ServiceExplorer, "ServiceSetup()"),
    "not_found_dimensions": (governance.not_found_dimensions, "resource"),
    "predictor_comparison": (lambda x: evaluation.predictor_comparison(x, TABLES["basque_panel"]), "synth_standard"),
    "weights_comparison": (lambda x: evaluation.weights_comparison(x, x), "a dict"),
    "TableView": (lambda x: evaluation.TableView(x, "findings"), "effects_table"),
    "field_evidence": (innovation.field_evidence, "a dict of tables"),
    "share_chart": (sez.share_chart, "a Series"),
    "effective_rates": (lambda x: tax.effective_rates(TABLES_OBJ, "2023/24", x), "several annual salaries"),
}


@pytest.mark.parametrize("name", OTHER_CALLS)
def test_none_for_a_course_object_gets_a_message(name):
    call, words = OTHER_CALLS[name]
    with pytest.raises(InputProblem, match=words):
        call(None)


@pytest.mark.parametrize("column", ["outcome", "effect_as_reported", "citation", "doi", "year"])
@pytest.mark.parametrize("call", [evaluation.effects_table, evaluation.citation_list], ids=["effects_table",
                                                                                            "citation_list"])
def test_a_published_effects_table_missing_a_column_it_reads_gets_a_message(call, column):
    """effects_table reads outcome and effect_as_reported, citation_list citation, doi and year: a table without one
    of them gets the column's name, not a KeyError (the review of 7 Dec 2026 found both only half checked)."""
    with pytest.raises(InputProblem, match=column):
        call(TABLES["zone_effects"].drop(columns=column))
