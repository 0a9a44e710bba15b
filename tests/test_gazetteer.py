"""Tests of the States gazetteer (ingest/gazetteer.py, ingest/data/states.csv)."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

from councilkg.ingest.gazetteer import COLUMNS, Gazetteer, parse_states_csv
from councilkg.ingest.language import LANGS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
GOLD = ROOT / "tests" / "data" / "000_e9c79a4311407cd1.gold.yaml"

# CJK ideographs plus the middle dots the UN's Chinese text uses in names.
NAME_ZH = re.compile(r"[\u4e00-\u9fff·•・]+")


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return Gazetteer.load()


def _iso3s(gz: Gazetteer, text: str, lang: str) -> list[str]:
    return [st.iso3 for _, _, st in gz.find_all(text, lang)]


def _resource_text(name: str) -> str:
    return (files("councilkg.ingest") / "data" / name).read_text(encoding="utf-8")


# --- the data --------------------------------------------------------------


def test_csv_header_and_order() -> None:
    text = _resource_text("states.csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    codes = [row[0] for row in rows[1:]]
    assert codes == sorted(codes)


def test_all_193_members_and_two_observers(gz: Gazetteer) -> None:
    assert len(gz.members()) == 193
    assert {st.iso3 for st in gz.observers()} == {"VAT", "PSE"}
    assert len(gz) == 195
    assert gz.get("VAT").name_en == "Holy See"
    assert gz.get("PSE").name_en == "State of Palestine"
    assert not gz.get("PSE").is_member


def test_every_row_complete(gz: Gazetteer) -> None:
    for st in gz:
        assert re.fullmatch(r"[A-Z]{3}", st.iso3), st
        assert re.fullmatch(r"\d{3}", st.m49), st
        assert st.status in {"member", "observer"}, st
        for value in (st.name_en, st.formal_en, st.name_zh, st.formal_zh):
            assert value and value == value.strip(), st
        assert not st.formal_en.startswith(("the ", "The ")), st
        assert st.wikidata is None or re.fullmatch(r"Q[1-9]\d*", st.wikidata), st


def test_codes_unique(gz: Gazetteer) -> None:
    for field in ("iso3", "m49", "wikidata"):
        values = [getattr(st, field) for st in gz if getattr(st, field) is not None]
        dupes = [v for v, n in Counter(values).items() if n > 1]
        assert not dupes, f"duplicate {field}: {dupes}"


def test_name_zh_is_cjk_only(gz: Gazetteer) -> None:
    bad = [(st.iso3, st.name_zh) for st in gz if not NAME_ZH.fullmatch(st.name_zh)]
    assert not bad
    bad = [(st.iso3, st.formal_zh) for st in gz if not NAME_ZH.fullmatch(st.formal_zh)]
    assert not bad


def test_reference_values(gz: Gazetteer) -> None:
    bel = gz.get("BEL")
    assert (bel.m49, bel.formal_en, bel.name_zh, bel.formal_zh, bel.wikidata) == (
        "056",
        "Kingdom of Belgium",
        "比利时",
        "比利时王国",
        "Q31",
    )
    assert gz.get("VNM").name_en == "Viet Nam"
    assert gz.get("IRN").name_en == "Iran (Islamic Republic of)"
    assert gz.get("GBR").name_zh == "大不列颠及北爱尔兰联合王国"
    assert gz.get("USA").name_zh == "美利坚合众国"
    assert gz.get("CHN").formal_zh == "中华人民共和国"
    assert gz.get("COG").name_en == "Congo"
    wikidata = {"CHN": "Q148", "USA": "Q30", "GBR": "Q145", "RUS": "Q159", "FRA": "Q142"}
    for iso3, qid in wikidata.items():
        assert gz.get(iso3).wikidata == qid


def test_every_name_belongs_to_one_state(gz: Gazetteer) -> None:
    for lang in LANGS:
        owners: dict[str, set[str]] = {}
        for st in gz:
            for name in st.names(lang):
                key = "".join(name.split()).casefold()
                owners.setdefault(key, set()).add(st.iso3)
        shared = {name: iso3s for name, iso3s in owners.items() if len(iso3s) > 1}
        assert not shared, shared
        for st in gz:
            for name in st.names(lang):
                assert gz.lookup(name, lang) is st, (lang, name)


def test_collision_is_refused() -> None:
    rows = parse_states_csv(_resource_text("states.csv"))
    niger = next(st for st in rows if st.iso3 == "NER")
    clash = dataclasses.replace(niger, aliases_zh=("尼日利亚",))
    with pytest.raises(ValueError, match="collides"):
        Gazetteer([clash if st.iso3 == "NER" else st for st in rows])


def test_bad_header_is_refused() -> None:
    with pytest.raises(ValueError, match="columns"):
        parse_states_csv("iso3,name\nBEL,Belgium\n")


# --- lookup ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("联合王国", "GBR"),
        ("大不列颠及北爱尔兰联合王国", "GBR"),
        ("美国", "USA"),
        ("美利坚合众国", "USA"),
        ("越南", "VNM"),
        ("Viet Nam", "VNM"),
        ("圣文森特和格林纳丁斯", "VCT"),
        ("伊朗伊斯兰共和国", "IRN"),
        ("伊朗（伊斯兰共和国）", "IRN"),
        ("俄罗斯联邦", "RUS"),
        ("多米尼加共和国", "DOM"),
        ("多米尼克", "DMA"),
        ("沙特阿拉伯", "SAU"),
        ("也门", "YEM"),
        ("朝鲜民主主义人民共和国", "PRK"),
        ("尼日尔", "NER"),
        ("尼日利亚", "NGA"),
        ("刚果民主共和国", "COD"),
        ("the United Kingdom", "GBR"),
        ("UNITED STATES OF AMERICA", "USA"),
        ("the  Sudan", "SDN"),
        ("Côte d’Ivoire", "CIV"),
        ("Kingdom of Belgium", "BEL"),
        ("Ｃｈｉｎａ", "CHN"),
        ("伊朗 伊斯兰 共和国", "IRN"),
        ("Holy See", "VAT"),
        ("巴勒斯坦国", "PSE"),
    ],
)
def test_lookup(gz: Gazetteer, name: str, iso3: str) -> None:
    state = gz.lookup(name)
    assert state is not None, name
    assert state.iso3 == iso3


@pytest.mark.parametrize(
    "name",
    ["欧洲联盟", "国际原子能机构", "苏维埃社会主义共和国联盟", "刚果（金）以外", "", "Europe"],
)
def test_lookup_non_states(gz: Gazetteer, name: str) -> None:
    assert gz.lookup(name) is None


def test_lookup_respects_language(gz: Gazetteer) -> None:
    assert gz.lookup("美国", "en") is None
    assert gz.lookup("Japan", "zh") is None
    with pytest.raises(ValueError, match="language"):
        gz.lookup("Japan", "fr")


def test_get(gz: Gazetteer) -> None:
    assert gz.get("bel") is gz.get("BEL")
    assert "BEL" in gz
    assert "SUN" not in gz
    with pytest.raises(KeyError, match="SUN"):
        gz.get("SUN")


def test_names(gz: Gazetteer) -> None:
    gbr = gz.get("GBR")
    assert gbr.names("zh") == ("大不列颠及北爱尔兰联合王国", "联合王国", "英国")
    assert gbr.names("en")[0] == "United Kingdom of Great Britain and Northern Ireland"
    assert gz.get("BEL").names("en") == ("Belgium", "Kingdom of Belgium")


# --- find_all --------------------------------------------------------------


def test_find_all_list_zh(gz: Gazetteer) -> None:
    text = "尼日尔、圣文森特和格林纳丁斯、南非和突尼斯代表"
    found = gz.find_all(text, "zh")
    assert [st.iso3 for _, _, st in found] == ["NER", "VCT", "ZAF", "TUN"]
    assert [text[s:e] for s, e, _ in found] == ["尼日尔", "圣文森特和格林纳丁斯", "南非", "突尼斯"]


def test_find_all_longest_wins_zh(gz: Gazetteer) -> None:
    assert _iso3s(gz, "伊朗伊斯兰共和国代表和伊朗", "zh") == ["IRN", "IRN"]
    assert _iso3s(gz, "多米尼加共和国和多米尼克", "zh") == ["DOM", "DMA"]
    assert _iso3s(gz, "尼日利亚、尼日尔", "zh") == ["NGA", "NER"]
    assert _iso3s(gz, "刚果民主共和国和刚果", "zh") == ["COD", "COG"]
    assert _iso3s(gz, "南苏丹和苏丹", "zh") == ["SSD", "SDN"]
    assert _iso3s(gz, "几内亚比绍、赤道几内亚、巴布亚新几内亚、几内亚", "zh") == [
        "GNB",
        "GNQ",
        "PNG",
        "GIN",
    ]
    assert _iso3s(gz, "白俄罗斯和俄罗斯", "zh") == ["BLR", "RUS"]


def test_find_all_spaces_and_breaks_zh(gz: Gazetteer) -> None:
    text = "伊朗伊 斯兰共和国与圣文\n\n森特和格林纳丁斯"
    found = gz.find_all(text, "zh")
    assert [(text[s:e], st.iso3) for s, e, st in found] == [
        ("伊朗伊 斯兰共和国", "IRN"),
        ("圣文\n\n森特和格林纳丁斯", "VCT"),
    ]
    # Trailing whitespace is never swallowed into a match.
    assert gz.find_all("美国 和", "zh")[0][:2] == (0, 2)


def test_find_all_full_width_zh(gz: Gazetteer) -> None:
    assert _iso3s(gz, "刚果(布)与刚果（金）", "zh") == ["COG", "COD"]


def test_find_all_not_states_zh(gz: Gazetteer) -> None:
    assert _iso3s(gz, "美利坚合众国和苏维埃社会主义共和国联盟", "zh") == ["USA"]
    assert _iso3s(gz, "苏维埃社会主义共和国联盟", "zh") == []
    assert _iso3s(gz, "欧洲联盟和国际原子能机构", "zh") == []
    assert _iso3s(gz, "发展中国家、其中国际社会、拉美国家", "zh") == []
    assert _iso3s(gz, "几内亚湾海盗、乍得湖流域、约旦河西岸、朝鲜半岛", "zh") == []
    assert _iso3s(gz, "加勒比海地区和海地", "zh") == ["HTI"]
    assert _iso3s(gz, "2020 年 12 月 18 日本报告；日本", "zh") == ["JPN"]


def test_find_all_en(gz: Gazetteer) -> None:
    text = "the Niger, Nigeria, the Democratic Republic of the Congo and the Congo"
    assert _iso3s(gz, text, "en") == ["NER", "NGA", "COD", "COG"]
    assert _iso3s(gz, "Guinea-Bissau, Equatorial Guinea and Guinea", "en") == [
        "GNB",
        "GNQ",
        "GIN",
    ]
    assert _iso3s(gz, "Dominica and the Dominican Republic", "en") == ["DMA", "DOM"]
    koreas = "the Democratic People's Republic of Korea and the Republic of Korea"
    assert _iso3s(gz, koreas, "en") == ["PRK", "KOR"]
    assert _iso3s(gz, "Viet\nNam, Côte d’Ivoire and Iran (Islamic Republic of)", "en") == [
        "VNM",
        "CIV",
        "IRN",
    ]
    assert _iso3s(gz, "the Gulf of Guinea, Lake Chad and Northern Ireland", "en") == []
    assert _iso3s(gz, "Somaliland, Indian Ocean, Omani, Malian", "en") == []


def test_find_all_offsets_en(gz: Gazetteer) -> None:
    text = "The United Kingdom of Great Britain and Northern Ireland voted."
    ((start, end, state),) = gz.find_all(text, "en")
    assert state.iso3 == "GBR"
    assert text[start:end] == "United Kingdom of Great Britain and Northern Ireland"


def test_find_all_sample_matches_gold(gz: Gazetteer) -> None:
    """The Chinese sample names exactly the States its gold file lists."""
    yaml = pytest.importorskip("yaml")
    if not (SAMPLE.exists() and GOLD.exists()):
        pytest.skip("sample or gold file absent")
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    found = {st.iso3 for _, _, st in gz.find_all(SAMPLE.read_text(encoding="utf-8"), "zh")}
    assert found == set(gold["states_mentioned"])


# --- council membership ----------------------------------------------------


def _membership() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_resource_text("council-membership.csv"))))


def test_council_membership_resolves(gz: Gazetteer) -> None:
    rows = _membership()
    assert rows
    for row in rows:
        state = gz.get(row["iso3"])
        assert state.is_member, row
        assert gz.lookup(row["name_zh"], "zh") is state, row
        assert gz.lookup(row["name_en"], "en") is state, row


def test_council_has_fifteen_members_each_full_year() -> None:
    rows = _membership()
    first = min(int(r["first_year"]) for r in rows if r["permanent"] == "false")
    last = max(int(r["last_year"]) for r in rows if r["last_year"])
    seats: Counter[int] = Counter()
    for row in rows:
        end = int(row["last_year"]) if row["last_year"] else last
        for year in range(max(int(row["first_year"]), first), end + 1):
            seats[year] += 1
    # The first and last years covered hold only one elected cohort.
    for year in range(first + 1, last):
        assert seats[year] == 15, (year, seats[year])
