"""Fixes from the fact-check of notebooks 00-04 (dates and their sources)."""
import datetime as dt

from qianhai.data import load


def test_xiamen_followed_six_weeks_later_with_its_source():
    # Guangdong regulations 26 Aug 1980; State Council approval of the Xiamen SEZ 7 Oct 1980 (FX08, Xinhua):
    # 5 days left in August + 30 in September + 7 in October = 42 days = 6 weeks.
    assert (dt.date(1980, 10, 7) - dt.date(1980, 8, 26)).days == 42
    c01 = load("claims").set_index("claim_id").loc["C01"]
    assert "six weeks later" in c01["evidence"] and "7 Oct 1980" in c01["evidence"]
    assert "two months" not in c01["evidence"]
    assert "FX08" in c01["source_id"].split(";")


def test_campaign_launch_cites_the_announcement_and_the_report_of_the_launch():
    row = load("shenzhen_facts").set_index("fact_id").loc["campaign_launch"]
    assert row["source_id"].split(";") == ["SB01", "ART"]
