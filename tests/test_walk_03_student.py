"""A student's walk of notebook 03: what the core text says must be on the core path, or say where it is."""
from conftest import notebook_cell
from qianhai.data import load, resource
from qianhai.tax import CITChecker, TaxTables


def _cell(cell_id):
    return notebook_cell("03_industrial_policy.ipynb", cell_id).source


def test_section_2_and_c12_say_the_package_list_is_in_going_further_and_the_grant_is_not_in_force():
    assert "*Going further*" in _cell("trim-03-5") and "eligibility" in _cell("trim-03-5")
    assert "Going further" in load("claims").set_index("claim_id").loc["C12", "evidence"]
    # Caishui [2014] No. 26 is the instrument of the first 15% rows; the Reply that granted the rate is of 2012.
    first = load("tax_rules").query("rule_id == 'qianhai_cit_share_2014'")["valid_from"].iloc[0]
    assert first.year == 2014
    assert "granted in 2012, is in force from 2014" in _cell("cell-015")


def test_catalogue_items_print_in_full_as_some_of_the_catalogues_items():
    source = _cell("cell-006")
    assert '"; ".join(items["text"])' in source and ".str.split" not in source
    # the three were chosen for their words, so the print says so: not a sample of the catalogue (review, 7 Dec)
    assert "catalogue's items, recorded because they mention data or satellites" in source


def test_self_check_2_asks_for_the_drafting_conventions_reading():
    assert "Read by the convention of Chinese legal drafting, does it pay 15%?" in _cell("cell-052")


def test_civil_law_dates_follow_fx03_以上_since_1986_超过_named_from_2017():
    fx03 = next(s for s in resource("tax_rules")["sources"] if s["id"] == "FX03")
    assert "Art. 205 of the 2017" in fx03["scope"] and "without 超过, Art. 155 of the 1986" in fx03["scope"]
    text = _cell("cell-019")
    assert "read 以上 so since 1986, and named 超过 from 2017" in text and "has said so since 1986" not in text


def test_only_one_brackets_solution_lies_inside_it():
    # Annual table: 3% (0), 10% (2,520), 20% (16,920), 25% (31,920), 30% (52,920), 35% (85,920), 45% (181,920).
    # rate T - qd = 0.15 T gives T = qd / (rate - 0.15): 20% -> 338,400 (not in 144,000-300,000);
    # 25% -> 319,200 (in 300,000-420,000); 30% -> 352,800; 35% -> 429,600; 45% -> 606,400 (all below their brackets).
    annual = TaxTables(brackets=load("tax_iit_brackets"), hk=load("tax_hk_salaries"), rules=load("tax_rules"),
                       fx=load("cny_hkd")).annual()
    inside = [b.number for b in annual.brackets if b.rate > 0.15 and b.holds(b.quick_deduction / (b.rate - 0.15))]
    assert inside == [4]
    assert "Solved in each bracket, only" in _cell("cell-031")


def test_table_pointer_and_widget_label_match_what_the_student_sees():
    assert "table below" not in _cell("cell-026")
    label = CITChecker(load("tax_rules"), year=2021, sector="modern logistics", share=65, in_zone=100,
                       profit="10,000,000").in_zone.description
    assert f'"{label}"' in _cell("cell-024")
