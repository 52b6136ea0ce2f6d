"""data/context_facts.csv (context for notebooks 03, 05 and 08) and the event study of notebook 07.

Each fact test checks the value and the source id against the source page; the comment quotes the page's own
words that support the row. The event-study test works the gaps by hand from rows of data/basque_panel.csv."""

from __future__ import annotations

import pytest

from qianhai.data import load, resource
from qianhai.evaluation import event_study_gaps, outcome_wide
from qianhai.inputs import InputProblem


@pytest.fixture(scope="module")
def facts():
    return load("context_facts").set_index("fact_id")


def _check(facts, fact_id, *, source, date, value=None, value_text=None):
    row = facts.loc[fact_id]
    assert row["source_id"] == source
    assert row["date"] == date
    if value is None:
        assert row["value"] != row["value"]  # NaN: an event with no number
    else:
        assert row["value"] == value
    if value_text is not None:
        assert row["value_text"] == value_text


def test_webank_preparation_in_qianhai(facts):
    # CF-SZDAILY-WEBANK (Monday 2014-07-28): "TENCENT Holdings received the green light from the national banking
    # regulator Friday to create a private bank in Shenzhen's Qianhai economic zone" ... "The Qianhai bank, named Webank,
    # will have 3 billion yuan (US$484.65 million) in registered capital, with Tencent holding a 30 percent stake,
    # statements on the CBRC website show." The Friday before Monday 28 July 2014 is 25 July.
    _check(facts, "webank_preparation_approved", source="CF-SZDAILY-WEBANK", date="2014-07-25", value=30)


def test_webank_opening(facts):
    # CF-REUTERS-WEBANK (2014-12-13): "the first of five recently approved private banks to open its doors" ...
    # "Shenzhen Qianhai Weizhong Bank ... had a registered capital of 3 billion yuan ($484.93 million), the China Banking
    # and Regulatory Commission said in a statement late on Friday" (Friday = 12 Dec 2014).
    # CF-CHINADAILY-WEBANK: "China's financial regulator approved Webank to start business on Dec 12, 2014."
    # 3 billion yuan = 30 x 100 million yuan.
    _check(facts, "webank_opening_approved", source="CF-REUTERS-WEBANK;CF-CHINADAILY-WEBANK", date="2014-12-12", value=30)


def test_webank_first_loan(facts):
    # CF-GOVCN-WEBANK (english.gov.cn, 2016-02-10): "One year ago on Jan 4, 2015, Premier Li Keqiang pressed the 'enter'
    # key on a computer to finalize the first loan by WeBank ... The loan, 35,000 yuan ($5,600), approved by the Premier
    # helped a truck driver Xu Jun in Shenzhen"
    _check(facts, "webank_first_loan", source="CF-GOVCN-WEBANK", date="2015-01-04", value=35000)


def test_webank_in_qianhai(facts):
    # CF-NEWSGD-WEBANK: "In 2014, WeBank was born in the Qianhai development zone in Shenzhen, as China's first private
    # bank, and the first digital bank." ... "As of the end of 2022, Tencent remained WeBank's single largest
    # shareholder with a stake of over 30%."
    _check(facts, "webank_in_qianhai", source="CF-NEWSGD-WEBANK", date="2022-12", value=30, value_text="over 30%")


def test_rectification_plan(facts):
    # CF-LEXIS-RECT: "Guo Ban Fa [2016] No.21 / April 12, 2016 ... The Implementing Proposals for the Special
    # Rectification of Internet Financial Risks have been approved by the State Council". CF-HKLAWYER-RECT: "On 13
    # October 2016, the State Council released to the public the Plan ... which was circulated internally on 12 April
    # 2016." CF-RECTIFICATION-2016: "专项整治工作已于2016年4月开始,计划至2017年3月底前完成"
    _check(facts, "p2p_rectification_plan", source="CF-LEXIS-RECT;CF-HKLAWYER-RECT;CF-RECTIFICATION-2016",
           date="2016-04-12")


def test_p2p_interim_measures(facts):
    # CF-LEXIS-P2P: "Order of the China Banking Regulatory Commission, the Ministry of Industry and Information Technology,
    # the Ministry of Public Security and the Cyberspace Administration of China [2016] No.1 / August 17, 2016 ...
    # shall come into force as of the promulgation date."  CF-CJO-P2P: "There are 47 articles in total."
    # CF-ASIATIMES-P2P: "In August 2016, it launched new guidelines for P2P lenders to fulfill requirements within 12 months."
    _check(facts, "p2p_interim_measures", source="CF-LEXIS-P2P;CF-CJO-P2P;CF-ASIATIMES-P2P", date="2016-08-17", value=47)


def test_p2p_peak_and_zero(facts):
    # CF-XINHUA-P2P (2020-11-30): "The number of Chinese peer-to-peer (P2P) lenders had fallen to zero by mid-November
    # from a peak of about 5,000 ... according to an official with the country's top banking regulator."
    _check(facts, "p2p_platforms_peak", source="CF-XINHUA-P2P", date="2020-11", value=5000, value_text="about 5000")
    _check(facts, "p2p_platforms_nov2020", source="CF-XINHUA-P2P", date="2020-11", value=0)


def test_border_suspension_2020(facts):
    # CF-HKGOV-BORDER-2020: "Since January 30, the Hong Kong SAR Government has suspended passenger clearance services at
    # 12 land-based and sea-based control points by phases. Currently, passenger clearance services are only available
    # at the control points of the Shenzhen Bay Port and the Hong Kong-Zhuhai-Macao Bridge Hong Kong Port."
    _check(facts, "border_suspension_2020", source="CF-HKGOV-BORDER-2020", date="2020-01-30", value=12)


def test_border_resumption_2023(facts):
    # CF-HKGOV-BORDER-2023: "Since the implementation of the first-phase resumption of normal travel between Hong Kong and
    # the Mainland on January 8 ..." and "Starting February 6, normal travel between Hong Kong and the Mainland will
    # fully resume. ... (1) Opening up all BCPs without imposing any prescribed daily numbers of people thereon"
    _check(facts, "border_first_phase_2023", source="CF-HKGOV-BORDER-2023", date="2023-01-08")
    _check(facts, "border_full_resumption_2023", source="CF-HKGOV-BORDER-2023", date="2023-02-06")


def test_hengqin_plan(facts):
    # CF-GOVCN-HENGQIN (gov.cn, 2021-09-05): "中共中央、國務院印發的《橫琴粵澳深度合作區建設總體方案》5日發佈" ...
    # "合作區實施範圍為橫琴島“一線”和“二線”之間的海關監管區域,總面積約106平方公里" ... "方案包括6個部分29條內容"
    _check(facts, "hengqin_plan_2021", source="CF-GOVCN-HENGQIN", date="2021-09-05", value=106)


def test_expansion_absorbed_baoan(facts):
    # CF-NFNEWS-EXPANSION (2024-10-11): "前海“扩区”,向西扩展了宝安中心与大铲湾片区、宝安机场及周边片区、会展新城和海洋新城
    # 片区等,总面积从14.92平方公里扩展至120.56平方公里,其中2/3的范围位于宝安。"
    _check(facts, "qianhai_expansion_baoan", source="CF-NFNEWS-EXPANSION", date="2021-09", value_text="2/3")


def test_every_source_has_a_kind():
    kinds = {"official", "press", "academic", "mirror", "code", "reference", "other"}
    assert all(src.get("kind") in kinds for src in resource("context_facts")["sources"])


# ---------------------------------------------------------------------------------------------
# Notebook 07: event study of the Basque panel
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wide():
    return outcome_wide(load("basque_panel"))


def test_event_study_gaps_by_hand(wide):
    # Rows of data/basque_panel.csv (GDP per capita, thousand 1986 USD):
    #   17,Basque Country (Pais Vasco),1960,4.285918396222732      10,Cataluna,1960,4.241788200023208
    #   17,Basque Country (Pais Vasco),1969,6.0814054173695915     10,Cataluna,1969,5.915523944191169
    #   17,Basque Country (Pais Vasco),1975,7.377891682175629      10,Cataluna,1975,7.124893027215439
    # Raw gaps: 1960: 4.285918 - 4.241788 = 0.044130;  1969: 6.081405 - 5.915524 = 0.165881;
    #           1975: 7.377892 - 7.124893 = 0.252999.
    # Against the base year 1969 (treatment 1970): 1960: 0.044130 - 0.165881 = -0.121751 (event time -10);
    #           1969: 0 (event time -1);  1975: 0.252999 - 0.165881 = +0.087117 (event time +5).
    gaps = event_study_gaps(wide, "Cataluna", 1970)
    assert gaps.loc[1969, "gap"] == pytest.approx(0.165881, abs=1e-6)
    assert gaps.loc[1960, "gap vs base year"] == pytest.approx(-0.121751, abs=1e-6)
    assert gaps.loc[1969, "gap vs base year"] == 0
    assert gaps.loc[1975, "gap vs base year"] == pytest.approx(0.087117, abs=1e-6)
    assert list(gaps.loc[[1960, 1969, 1975], "event time"]) == [-10, -1, 5]


@pytest.mark.parametrize("control, year", [("Atlantis", 1970), ("Cataluna", 1955), ("Cataluna", "soon")])
def test_event_study_bad_input_is_a_clear_message(wide, control, year):
    # 1955 is the first year of the panel, so it has no base year 1954.
    with pytest.raises(InputProblem):
        event_study_gaps(wide, control, year)


def test_event_study_chart_describes_the_gaps_it_draws(wide):
    # basque_panel.csv: 1955 Basque 3.853185, Cataluna 3.546630 -> gap 0.306555; minus the 1969 gap 0.165881 = +0.140674.
    #                   1961 Basque 4.574336, Cataluna 4.575335 -> gap -0.000999; minus 0.165881 = -0.166881.
    # These are the highest and lowest pre-treatment gaps; the text alternative gives them to 2 decimals.
    from qianhai.evaluation import event_study_chart
    chart = event_study_chart(event_study_gaps(wide, "Cataluna", 1970), "Cataluña")
    assert chart.alt.startswith("One bar per year, 1955-1997.")
    assert "-0.17 (1961)" in chart.alt and "+0.14 (1955)" in chart.alt


def test_webank_first_private_bank_is_the_sources_words_not_ours():
    """China Minsheng Bank (1996) is usually called the first privately funded national bank; 'first private bank'
    is the Guangdong feature's phrase, so the row attributes it (fact-check of 7 Dec 2026)."""
    from qianhai.data import load

    text = load("context_facts").set_index("fact_id").loc["webank_in_qianhai", "description"]
    assert "a Guangdong news feature, calls it China's first private bank" in text
    assert "as China's first private bank" not in text
