"""Kinds of source: every source says what it is, weak ones are named, and few rows rest on them alone.

A source is weak when it is a copy of a text elsewhere (mirror), figures found in a code or data file of a
repository (code) or an encyclopedia (reference). A row rests only on weak sources when every id in its
`source_id` and `second_source_id` cells is of a weak kind.
"""

from __future__ import annotations

import json

import pytest

from conftest import DATA
import build_datapackage
from qianhai.data import SOURCE_KINDS, WEAK_KINDS, load, rows_on_weak_sources, source_ids
from qianhai.sources import source_line, sources_note, weak_rows_note

PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}


def test_every_source_has_a_known_kind():
    unknown = [(name, s.get("id"), s.get("kind")) for name, r in RESOURCES.items() for s in r["sources"]
               if s.get("kind") not in SOURCE_KINDS]
    assert not unknown, unknown[:10]


def test_an_id_has_one_kind_in_every_resource():
    kinds: dict[str, set[str]] = {}
    for r in RESOURCES.values():
        for s in r["sources"]:
            kinds.setdefault(s["id"], set()).add(s["kind"])
    assert {sid: k for sid, k in kinds.items() if len(k) > 1} == {}


def test_weak_sources_are_what_the_issue_names():
    # The sources issue 14 singles out, classified by hand from their addresses and publishers.
    by_id = {s["id"]: s["kind"] for r in RESOURCES.values() for s in r["sources"]}
    assert by_id["SZ03"] == "code"  # the 'electricity and economy' dashboard app on GitHub (revised GDP 2000-2020)
    assert by_id["SZ04"] == "code"  # the flood-loss MATLAB script (GDP 1995-2014)
    assert by_id["E18"] == "mirror"  # 2024 expanded-zone GDP on an unrelated host
    assert by_id["E06"] == "reference"  # Wikipedia, the only source of the 2024 growth rate
    assert by_id["GF31"] == "official"  # Census and Statistics Department, on its own site


def test_a_press_release_on_a_distribution_service_is_other_and_a_copy_of_one_a_mirror():
    # data/README.md: a release on PR Newswire's or GlobeNewswire's own site is the issuer's words (other), not a news
    # organisation's report (press); the same text on another host is a copy (mirror).
    from urllib.parse import urlparse

    services = ("prnewswire.com", "globenewswire.com")
    wrong = []
    for name, r in RESOURCES.items():
        for s in r["sources"]:
            host = urlparse(s.get("path", "")).netloc.lower()
            if host.endswith(services) and s["kind"] != "other":
                wrong.append((name, s["id"], s["kind"]))
    assert not wrong, wrong
    by_id = {s["id"]: s["kind"] for r in RESOURCES.values() for s in r["sources"]}
    assert by_id["L11"] == by_id["S20"] == "mirror"  # PR Newswire releases copied onto a TV station's and a blog's site


def _write_towns(folder, kinds: dict[str, str | None]):
    path = folder / "descriptors" / "towns.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for source in descriptor["sources"]:
        source.pop("kind", None)
        if kinds.get(source["id"]):
            source["kind"] = kinds[source["id"]]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    (folder / "datapackage.json").write_text(build_datapackage.render(build_datapackage.build(folder)),
                                             encoding="utf-8")


def test_the_build_names_the_descriptor_and_the_source_without_a_kind(tiny_package):
    with pytest.raises(build_datapackage.DescriptorError, match=r"towns\.json, source 2 \(X2\): no kind"):
        _write_towns(tiny_package, {"X1": "official", "X2": None})
    with pytest.raises(build_datapackage.DescriptorError, match=r"source 1 \(X1\): kind 'blog'; expected one of"):
        _write_towns(tiny_package, {"X1": "blog", "X2": "press"})


def test_rows_on_weak_sources_in_a_tiny_package(tiny_package):
    # towns.csv: Alpha 2020 and Beta 2020 cite X1, Alpha 2021 cites X2. With X2 a mirror, exactly the one row
    # citing X2 rests only on weak sources; with X1 official none of the X1 rows does.
    _write_towns(tiny_package, {"X1": "official", "X2": "mirror"})
    weak = rows_on_weak_sources("towns")
    assert list(zip(weak["town"], weak["year"])) == [("Alpha", 2021)]
    _write_towns(tiny_package, {"X1": "reference", "X2": "code"})
    assert len(rows_on_weak_sources("towns")) == 3


def test_source_line_and_notes_name_weak_sources(tiny_package):
    _write_towns(tiny_package, {"X1": "official", "X2": "mirror"})
    line = source_line(["towns"])
    assert line.startswith("Source: One [X1]; Two [X2]. Data: towns (see Sources).")
    assert "below" not in line  # a chart in Going further stands after the Sources section, not before it
    assert line.endswith("Weak sources among these, not the original: mirror (a copy elsewhere) X2.")
    note = sources_note(["towns"])
    assert "`X1` One — . Kind: official." in note.markdown
    assert "`X2` Two — . **Kind: mirror (weak).**" in note.markdown
    # the one weak row is named by its key, column and value (town, year): towns.csv's Alpha 2021 cites only X2
    assert "1 row of `towns` (town Alpha, year 2021) rests only on mirror, code or reference sources (below); read it as" \
        in note.markdown
    assert "; 1 row rests only on weak sources" in repr(note)
    assert "town Alpha, year 2021: X2 (mirror: Two)" in repr(weak_rows_note("towns"))
    assert repr(weak_rows_note("towns", years=(2020, 2020))).startswith("No row of towns (2020–2020)")


def test_a_resource_without_weak_sources_gets_no_warning(tiny_package):
    _write_towns(tiny_package, {"X1": "official", "X2": "press"})
    assert "Weak" not in source_line(["towns"])
    assert "Weak sources only" not in sources_note(["towns"]).markdown


def _weak_share() -> tuple[int, int]:
    total = weak = 0
    for name in RESOURCES:
        total += len(load(name))
        weak += len(rows_on_weak_sources(name))
    return weak, total


# Counted when the kinds were first recorded and the first primary sources added (issue 14): 490 of 1939 rows
# (25.3%); after the second search for primary sources (Federal Reserve pages for the yuan rate, NBS figures on
# gov.cn and in press reports of the communiques, a C&SD release, China Daily): 475 of 1987 rows (23.9%); after the
# third (C&SD HKD GDP and Federal Reserve HKD rates behind three Hong Kong rows, resource hkd_usd): 473 of 2031; after the
# fourth (press reports of NBS figures and official tables behind national GDP, yuan and Hong Kong rows, ids MC01-MC04; press,
# official and academic pages for Shenzhen GDP, population, trade and facts and Guangzhou GDP, ids PZ01-PZ11; texts: the
# MPFA on the MPF cap, NBER abstracts, the Fed's G.5A for 2022, official, academic and press texts behind glossary terms,
# the 2010 SEZ extension): 415 of 2032; after the fifth (official, press and vendor texts behind glossary terms and the IIT table,
# evidence sources that are not weak for nine claims, news.gov.hk on the 2019 GBA measures; the Hong Kong 2005 yearbook on
# yearbook.gov.hk, VB01; a China Banking News report of Shenzhen's 2017 population, VB02; S41, a commercial site's copy, reclassified
# from other to mirror): 391 of 2032; after the sixth (city rows: People's Daily Japanese on Shenzhen's 2006 GDP, SC01; HKTDC and
# China Daily on Guangzhou's 2017 and 2018 GDP, SC02-SC03; NBS final verifications of 2019-2022 and the 2023 preliminary in press
# reports and on the NDRC's site, SN01-SN07, which with the Federal Reserve's rates reproduce the World Bank's China GDP in
# US dollars for 2018-2023; a LegCo reply on info.gov.hk printing the Hong Kong 2018 yearbook's GDP for 2017-2018, SN08;
# text resources: China Daily HK's PressReader edition for the 645 institutional innovations, QT02; People's Daily Online
# reporting the NBS definition of the digital economy, QT03; the EPS KDD abstract of a zone-effects paper, EV-FTZ4-KDD):
# 375 of 2037. It may only fall, except where a fact-check's correction can only be sourced to copies (each case here):
# on 7 Dec 2026, governance_facts' credit_restoration_2023 had rested on a china-training.org article (kind other)
# naming the wrong issuer (SAMR) and now rests on two reprints of NDRC Order No. 58 (mirrors; no official page found);
# the 2014 tax catalogue's data and satellite items (C10, C11) were found only on copies (TX90, TX91): three catalogue
# rows and claim C10 rest on them. Shown with their weak caution, they beat leaving the corrections out: 379 of 2040.
# Then official pages for C19 and C22 (GD01, GD02, the Guangdong FTZ's case pages): 377 of 2044. The seventh search
# (8 Dec 2026) found China Daily HK's report of the 10,577 Hong Kong-funded firms in Qianhai (SH01, the page the sixth
# search's fact-check could not find again) and Shenzhen Daily's EyeShenzhen page with the city's 2001 trade total (SH02);
# no non-weak source for the seven key rows below, nor for the Federal Reserve's 2016 rates: 375 of 2044.
# On 8 Dec 2026 the resource china_gdp_usd (World Bank WDI copied on GitHub, 39 weak rows of 45) was removed: no notebook
# used it since the course's first commit: 336 of 2000. So were shenzhen_trade (11 weak rows of 30) and
# shenzhen_gdp_per_capita (1 of 10), which no notebook, claim or exercise used: 325 of 1960.
WEAK_ROWS_CEILING = 325


def test_rows_resting_only_on_weak_sources_do_not_increase():
    weak, total = _weak_share()
    assert weak <= WEAK_ROWS_CEILING, f"{weak} of {total} rows rest only on weak sources (ceiling {WEAK_ROWS_CEILING})"


@pytest.mark.xfail(strict=True, reason="issue 14 target not reached: about a quarter of all rows still rest only on "
                   "GitHub copies of official series (World Bank, FRED, NBS), Wikipedia or mirrors; primary "
                   "tables were not found with the search tools. Remove this mark when the test passes.")
def test_at_most_5_percent_of_rows_rest_only_on_weak_sources():
    weak, total = _weak_share()
    assert weak <= 0.05 * total, f"{weak} of {total} rows ({weak / total:.0%}) rest only on weak sources"


def _key_rows() -> list[tuple[str, str, tuple, tuple[str, ...]]]:
    """The rows behind the course's key lessons: Shenzhen overtaking Hong Kong (01: both economies 2015-2019,
    every Shenzhen vintage the explorer offers) and the expanded zone's growth puzzle (08: the full-year
    levels and every reported growth rate)."""
    rows = []
    for _, r in load("shenzhen_gdp").iterrows():
        if 2015 <= r["year"] <= 2019:
            rows.append(("shenzhen_gdp", "level", (int(r["year"]), r["vintage"]), ("source_id",)))
    for _, r in load("hongkong_gdp").iterrows():
        if 2015 <= r["year"] <= 2019:
            rows.append(("hongkong_gdp", "level", (int(r["year"]),), ("source_id",)))
    for _, r in load("qianhai_expanded_gdp").iterrows():
        key = (int(r["year"]), r["period"])
        if r["period"] == "full_year":
            rows.append(("qianhai_expanded_gdp", "level", key, ("source_id", "second_source_id")))
        if r["growth_pct"] == r["growth_pct"]:  # not NaN
            rows.append(("qianhai_expanded_gdp", "growth", key, ("growth_source_id",)))
    return rows


# Key rows for which no non-weak source was found (each listed so that a fix shows up as an unexpected pass).
KEY_ROWS_STILL_WEAK = {
    ("shenzhen_gdp", "level", (2015, "yearbook_revised")),  # SZ03: dashboard app code
    ("shenzhen_gdp", "level", (2016, "yearbook_revised")),  # SZ03 and SZ05 (news archived in a repository)
    ("shenzhen_gdp", "level", (2017, "yearbook_revised")),
    ("shenzhen_gdp", "level", (2018, "yearbook_revised")),
    # SZ48: World Bank WDI as copied into datasets/gdp on GitHub. 2015, 2017 and 2018 also name C&SD's HKD GDP and the
    # Federal Reserve's rate, which reproduce them (test_hong_kong_gdp_in_us_dollars_from_official_series); for 2016 the
    # only HKD rate found is the FRED copy on GitHub, and C&SD's 2019 figure found is an earlier vintage (0.74% higher).
    ("hongkong_gdp", "level", (2016,)),
    ("hongkong_gdp", "level", (2019,)),
    ("qianhai_expanded_gdp", "growth", (2024, "full_year")),  # E06: Wikipedia
}


def _key_params():
    params = []
    for name, what, key, columns in _key_rows():
        marks = [pytest.mark.xfail(strict=True, reason="no primary source found yet (issue 14)")] \
            if (name, what, key) in KEY_ROWS_STILL_WEAK else []
        params.append(pytest.param(name, key, columns, id=f"{name}-{what}-{'-'.join(map(str, key))}", marks=marks))
    return params


@pytest.mark.parametrize("name,key,columns", _key_params())
def test_key_lesson_rows_have_a_source_that_is_not_weak(name, key, columns):
    frame = load(name)
    key_columns = ["year", "vintage"] if name == "shenzhen_gdp" else ["year"] if name == "hongkong_gdp" \
        else ["year", "period"]
    row = frame.set_index(key_columns).loc[key if len(key) > 1 else key[0]]
    kinds = {s["id"]: s["kind"] for s in RESOURCES[name]["sources"]}
    ids = [sid for c in columns for sid in source_ids(row[c])]
    assert ids, f"{name} {key}: no source id in {columns}"
    assert any(kinds[sid] not in WEAK_KINDS for sid in ids), f"{name} {key}: only weak sources {ids}"


def test_every_key_row_still_listed_as_weak_exists():
    listed = {(name, what, key) for name, what, key, _ in _key_rows()}
    assert KEY_ROWS_STILL_WEAK <= listed


def test_weak_row_helpers_explain_bad_arguments(tiny_package):
    from qianhai.data import DataError

    with pytest.raises(DataError, match="towns has no source-id column 'growth_source_id'; its source-id columns are source_id"):
        rows_on_weak_sources("towns", ("growth_source_id",))
    with pytest.raises(DataError, match="columns must be a tuple of column names"):
        rows_on_weak_sources("towns", "source_id")
    with pytest.raises(DataError, match=r"years must be two whole years.*got \(2015,\)"):
        weak_rows_note("towns", years=(2015,))
    with pytest.raises(DataError, match="No data resource called 'nope'"):
        weak_rows_note("nope")


def test_weak_rows_note_makes_descriptor_text_inert(tiny_package):
    # A source's publisher or title is data: in the note it must not become a link, emphasis or code.
    path = tiny_package / "descriptors" / "towns.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for source in descriptor["sources"]:
        if source["id"] == "X2":
            source["title"] = "[click](javascript:alert(1)) *loud* `code`"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    _write_towns(tiny_package, {"X1": "official", "X2": "mirror"})
    markdown = weak_rows_note("towns").markdown
    assert "[click](javascript" not in markdown and "\\[click\\]" in markdown
    assert "*loud*" not in markdown and "`code`" not in markdown


def test_a_long_source_list_folds_under_a_summary_that_counts_its_weak_sources():
    """A student met 5,700 words of sources at the end of notebook 03: a resource's list longer than six entries
    is folded under a summary (every id still in the Markdown, the weak ones still labelled); the static site's
    detailed page keeps every list open."""
    descriptor = json.loads((DATA / "descriptors" / "zone_effects.json").read_text(encoding="utf-8"))
    ids = [s["id"] for s in descriptor["sources"]]
    weak = sum(s["kind"] in ("mirror", "code", "reference") for s in descriptor["sources"])
    assert len(ids) > 6 and weak > 0
    markdown = sources_note(["zone_effects"]).markdown
    assert f"<details><summary>{len(ids)} sources, {weak} of them weak (click to show)</summary>" in markdown
    assert all(f"`{sid}`" in markdown for sid in ids) and markdown.count("(weak).**") == weak
    assert "<details>" not in sources_note(["zone_effects"], detail=True).markdown
