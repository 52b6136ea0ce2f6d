"""China's GDP in US dollars, rebuilt from sources that are not weak: NBS's GDP in yuan (china_gdp, as the NDRC's
site and the press reports of the NBS figures print it) divided by the Federal Reserve's annual average yuan per
US dollar (cny_usd). The World Bank series (china_gdp_usd) rests on a GitHub copy; where these two inputs reproduce a
year, the row names them too (issue 14)."""

from __future__ import annotations

import pytest

from conftest import usd_bn
from qianhai.data import load, source_ids

# The china_gdp row used for each year: the NBS figure after its final verification where one was found (2019-2022),
# else the row the World Bank's figure matches (2018 after the 4th economic census, 2023 preliminary).
CNY_VINTAGE = {2018: "nbs_compiled_c2020", 2019: "final_verification", 2020: "final_verification",
               2021: "final_verification", 2022: "final_verification", 2023: "preliminary_jan2024"}

# Worked by hand from the sources' figures: 100 million yuan / (yuan per USD) / 10 = US$ billion.
#   2018: 919281.1 / 6.6090 = 139095.3 -> 13909.534 (World Bank 13894.908: +0.11%)
#   2019: (990865 - 4350 = 986515) / 6.9081 = 142805.5 -> 14280.555 (World Bank 14279.969: +0.004%)
#   2020: (1015986 - 2419 = 1013567) / 6.9042 = 146804.4 -> 14680.441 (World Bank 14687.744: -0.05%)
#   2021: (1143670 + 5567 = 1149237) / 6.4508 = 178154.2 -> 17815.418 (World Bank 17820.460: -0.03%)
#   2022: 1204724 / 6.7290 = 179034.6 -> 17903.463 (World Bank 17881.783: +0.12%)
#   2023: 1260582 / 7.0809 = 178025.7 -> 17802.567 (World Bank 17794.782: +0.04%)
HAND_WORKED_USD_BN = {2018: 13909.534, 2019: 14280.555, 2020: 14680.441, 2021: 17815.418, 2022: 17903.463,
                      2023: 17802.567}

# The World Bank converts with its own annual rate (the official average, not the Federal Reserve's New York noon rate;
# the two differ by about 0.1%), so a row counts as reproduced within 0.5%, as for Hong Kong
# (test_hongkong_gdp_usd.py).
TOLERANCE = 0.005


def _usd_bn(year: int) -> float:
    return usd_bn("china_gdp", "gdp_cny_100m", year, CNY_VINTAGE[year], "cny_usd", "cny_per_usd")


@pytest.mark.parametrize("year", sorted(HAND_WORKED_USD_BN))
def test_the_inputs_give_the_hand_worked_us_dollar_figure(year):
    assert _usd_bn(year) == pytest.approx(HAND_WORKED_USD_BN[year], abs=0.001)


@pytest.mark.parametrize("year", sorted(HAND_WORKED_USD_BN))
def test_world_bank_row_is_reproduced_from_yuan_gdp_and_the_federal_reserve_rate(year):
    world_bank = load("china_gdp_usd").set_index("year").loc[year, "gdp_usd_bn"]
    assert _usd_bn(year) == pytest.approx(world_bank, rel=TOLERANCE)


def test_rows_naming_other_sources_are_the_ones_reproduced_and_name_both_inputs():
    usd = load("china_gdp_usd").set_index("year")
    cny = load("china_gdp").set_index(["year", "vintage"])
    rates = load("cny_usd").set_index("year")
    naming = sorted(int(y) for y, ids in usd["source_id"].items() if ids != "SZ48")
    assert naming == sorted(HAND_WORKED_USD_BN)
    for year in naming:
        cited = set(source_ids(usd.loc[year, "source_id"]))
        yuan_ids = set(source_ids(cny.loc[(year, CNY_VINTAGE[year]), "source_id"]))
        rate_ids = set(source_ids(rates.loc[year, "source_id"]))
        assert cited & (yuan_ids - {"SZ45"}), f"{year}: no non-weak source of the yuan figure cited"
        assert cited & (rate_ids - {"SZ49"}), f"{year}: no Federal Reserve page for the rate cited"
