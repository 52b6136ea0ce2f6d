"""Context facts added for issue 14 ("substance where the review found it thin", notebooks 00-02).
Each expected value and source id is read off the source page quoted in the comment, not from the CSV."""

from __future__ import annotations

import pytest

from qianhai.data import load, resource


@pytest.fixture(scope="module")
def facts():
    return load("shenzhen_facts").set_index("fact_id")


def _ids(facts, fact_id):
    return set(facts.loc[fact_id, "source_id"].split(";"))


def test_campaign_launch(facts):
    # SB01, Economic Daily 14 Aug 2020: "由中央网信办主办 ... “经济特区40年@治理现代化”网络主题宣传活动,将于8月24日在深圳启动"
    # (the date set in advance); ART, 25 Aug 2020, reports the launch itself.
    assert facts.loc["campaign_launch", "value"] == "2020-08-24"
    assert _ids(facts, "campaign_launch") == {"SB01", "ART"}


def test_third_plenum_formula(facts):
    # SB02, Xinhua 13 Nov 2013: the Central Committee "on Tuesday approved a decision" (Tuesday = 12 Nov 2013) ...
    # "leaving the market to play the decisive role in allocation of resources and the government to play a better role"
    row = facts.loc["market_decisive_role_2013"]
    assert row["value"] == "2013-11-12"
    assert "decisive" in row["description"] and "决定性作用和更好发挥政府作用" in row["description"]
    assert _ids(facts, "market_decisive_role_2013") == {"SB02", "SB03"}
    # SB03, Xi's explanatory notes: "In 1992, the Party's 14th National Congress stipulated ... allowing the market to
    # play the basic role in allocating resources under state macro control."
    assert facts.loc["market_basic_role_1992", "value"] == "1992"
    assert {"SB03"} <= _ids(facts, "market_basic_role_1992")


def test_southern_tour(facts):
    # SB05, SCMP 20 Jan 2012: "Deng toured Wuhan ... Shenzhen and Zhuhai ... and Shanghai from January 18 to February 21, 1992"
    assert facts.loc["southern_tour", "value"] == "1992-01-18 to 1992-02-21"
    # SB06, Wen Wei Po 2 Feb 2012: "小平同志1992年1月19日至23日在深圳的所行、所思、所講" -> 19 to 23 January, five days
    assert facts.loc["southern_tour_shenzhen", "value"] == "1992-01-19 to 1992-01-23"
    assert "SB06" in _ids(facts, "southern_tour_shenzhen")


def test_first_land_auction(facts):
    # SB07, sz.gov.cn: "12月1日,深圳市政府决定举行一次土地拍卖,标的是一宗8588平方米住宅土地50年的使用权"
    assert facts.loc["first_land_auction", "value"] == "1987-12-01"
    assert {"SB07", "SB08"} <= _ids(facts, "first_land_auction")
    assert facts.loc["first_land_auction_area", "value_number"] == 8588
    assert facts.loc["first_land_auction_area", "unit"] == "m2"
    # SB09, Our China Story: "bid for it at a price of 5.25 million CNY" = 5,250,000 yuan
    assert facts.loc["first_land_auction_price", "value_number"] == 5_250_000
    assert facts.loc["first_land_auction_price", "unit"] == "yuan"


def test_hukou_split_2021_adds_up_to_the_permanent_population(facts):
    # SZ17, Jiemian: "常住户籍人口556.39万人,占常住人口比重31.5%;常住非户籍人口1211.77万人,占比重68.5%"
    hukou = facts.loc["hukou_residents_2021", "value_number"]
    other = facts.loc["nonhukou_residents_2021", "value_number"]
    assert (hukou, other) == (5_563_900, 12_117_700)
    # 556.39 + 1211.77 = 1768.16 wan = 17,681,600, the 2021 row of shenzhen_population (same source, SZ17)
    pop = load("shenzhen_population")
    total = pop[(pop["year"] == 2021) & (pop["measure"] == "year_end_permanent")]["population"].iloc[0]
    assert hukou + other == total == 17_681_600
    # 5,563,900 / 17,681,600 = 0.31467 -> 31.5 %, the share the source prints
    assert round(100 * hukou / total, 1) == 31.5


def test_foreign_investment_rows(facts):
    # SB12, Global Times Nov 2019: "the actual use of capital from Hong Kong represents 76.2 percent of the total in Shenzhen"
    assert facts.loc["hk_share_fdi_2019", "value_number"] == 76.2
    assert _ids(facts, "hk_share_fdi_2019") == {"SB12"}
    # SB13, EconStor abstract of ADBI RP 58: round-tripping "is most likely around 40% of recorded flows"
    assert facts.loc["round_tripping_share_estimate", "value_number"] == 40
    assert "SB13" in _ids(facts, "round_tripping_share_estimate")


def test_new_sources_have_a_kind_and_an_address():
    sources = {s["id"]: s for s in resource("shenzhen_facts")["sources"]}
    for sid in ["SB%02d" % n for n in range(1, 16)] + ["SZ17"]:
        assert sources[sid]["kind"] in {"official", "press", "academic", "mirror", "code", "reference", "other"}, sid
        assert sources[sid]["path"].startswith("http"), sid
    assert sources["SB07"]["kind"] == "official"  # the Shenzhen government's own site
    assert sources["SB13"]["kind"] == "academic"


def test_hong_kong_share_of_china_fdi(facts):
    # SB15, SCMP Sept 2019: "China received US$62.9 billion in foreign direct investment via Hong Kong in the first
    # eight months of 2019, accounting for 70 per cent of total inflows"
    assert facts.loc["hk_share_fdi_china_2019", "value_number"] == 70
    assert _ids(facts, "hk_share_fdi_china_2019") == {"SB15"}
