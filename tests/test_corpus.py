"""The synthetic Repertoire (:mod:`bench.synth`): deterministic, sized by
``--scale``, written in the layouts of the real extraction, including those
that find faults (lines broken anywhere, rows and notes cut by pages, notes
past "z", vote notes in any order, counts where markers could stand…),
every one of which the 1x corpus exercises (by its manifest, and by its
text where that is cheap), with votes that follow the real membership and
Article 27, and with a truth that the ingest of the 1x corpus must equal
exactly (``councilkg facts``, diagnostics, nothing unparsed)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench import synth
from bench.common import child_env
from bench.synth import model, render, vocab
from bench.synth.check import check
from councilkg.ingest import membership
from councilkg.ingest.extract.names import actor_finder, finder
from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.layout import BlockKind
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.records import Briefer, Decision, Meeting, Passage
from councilkg.ingest.symbols import find_symbols


@pytest.fixture(scope="module")
def one_x() -> synth.Corpus:
    """The 1x corpus of seed 1 (one file of 2020)."""
    return synth.generate(synth.Spec(seed=1, scale=1))


@pytest.fixture(scope="module")
def one_x_ingest(one_x: synth.Corpus) -> IngestResult:
    f = one_x.files[0]
    return ingest_bytes(f.data, f.name)


@pytest.fixture(scope="module")
def one_x_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The manifest of the 1x corpus of seed 1, as :func:`bench.synth.write` writes it."""
    return synth.write(synth.Spec(seed=1, scale=1), tmp_path_factory.mktemp("one_x"))


# What the 1x corpus must exercise, by the names the manifest records them
# under: the layouts the Chinese edition prints and a parser can get wrong.
REQUIRED_FEATURES: dict[str, tuple[str, ...]] = {
    "tables": (
        "table-note-letter-past-z",  # notes a … z, then aa, ab …
        "vote-note-not-participating",  # 赞成/反对/弃权/未参加表决 …
        "vote-note-order-varied",  # … in any order …
        "vote-note-subset",  # … and subset
        "row-several-decisions:meetings",
        "row-several-decisions:videoconferences",
        "row-drafts-and-resolutions",  # drafts and resolutions in one row …
        "row-several-vote-notes",  # … each with its count and note letter …
        "row-several-written-procedures",  # … and written-procedure record
        "wrap-inside:cell:name",  # invitee lists wrapped inside a name
        "wrap-inside:cell:subitem",  # sub-item titles wrapped
        "wrap-inside:cell:decision",  # decision cells wrapped
        "cell-wrapped:date",
        "row-continued:meetings",  # a row continued after a page break
        "table-note-continued",  # a note continued after a page break
        "table-header-repeated",
        "table-notes-sharing-a-line",
        "table-note-over-several-lines",
        "count-unanimous-without-note",  # 15-0-0: votes derived, listed in the truth
        "table-sub-item",  # sub-items and other documents are not decisions
        "table-sub-item-naming-a-resolution",
        "table-other-documents",
    ),
    "footnotes": (
        "list-joined:footnote:和",
        "list-joined:footnote:以及",
        "list-joined:footnote:及",
        "wrap-inside:footnote:name",
        "footnote-cite:see",  # 见 X。
        "footnote-cite:see-also",  # 另见 X。
        "footnote-cite:paragraph",  # X，第 N 段。
        "footnote-cite:bare",
        "footnotes-several-in-block",
        "footnote-continued",
        "number-after-punctuation:body:count",  # "。113 个" with footnote 113 due
        "number-at-line-start:body:resolution",  # "第" / "2533(2020)号决议"
        "number-at-line-start:body:year",  # "收到美国" / "2020 年 8 月"
    ),
    "text": (
        "wrap-inside:body:name",
        "wrap-inside:body:date",  # "2020 年 7" / "月 29 日"
        "wrap-inside:body:resolution-after-number",  # "第 2533(2020)" / "号决议"
        "fullwidth-digits:body",
        "fullwidth-digits:footnote",
        "fullwidth-digits:cell",
        "halfwidth-punctuation:vote-note",
        "date-spacing-varied",
        "running-head:supplement",
        "running-head:part",
        "running-head-position:before",
        "running-head-position:after",
        "running-head-position:none",
        "sponsors-in-prose:由…提交的决议草案",
        "sponsors-in-prose:…提交的决议草案",
        "sponsors-in-prose:…提交了一份决议草案",
        "wrap-inside:body:sponsors",
        "speakers-together-in-prose",
        "wrap-inside:body:speakers",
        "letters-in-prose",
    ),
}


def test_seed_bytes_is_the_seeds_size() -> None:
    assert synth.SEED_FILE.stat().st_size == synth.SEED_BYTES


def test_deterministic(tmp_path: Path) -> None:
    spec = synth.Spec(seed=7, scale=2)
    first = synth.write(spec, tmp_path / "a")
    second = synth.write(spec, tmp_path / "b")
    assert first == second
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    other = synth.generate(synth.Spec(seed=8, scale=2))
    assert [f.data for f in other.files] != [
        (tmp_path / "a" / f["file"]).read_bytes() for f in first["files"]
    ]


@pytest.mark.parametrize("scale", [1, 3, 10])
def test_scale_maps_to_seed_bytes(scale: int) -> None:
    generated = synth.generate(synth.Spec(seed=1, scale=scale))
    ratio = generated.size / synth.SEED_BYTES / scale
    assert 0.8 <= ratio <= 1.25, ratio
    # Files hold whole items and stay near the chosen size, so large corpora are many files.
    assert all(len(f.data) < 2 * synth.FILE_BYTES for f in generated.files)


def test_one_x_ingests_to_its_truth(one_x: synth.Corpus) -> None:
    f = one_x.files[0]
    result = check(f.data, f.name, f.truth)
    assert result.differences == []
    assert result.unexpected == []
    assert result.missing == []
    assert result.unparsed == 0


def test_source_and_furniture(one_x: synth.Corpus, one_x_ingest: IngestResult) -> None:
    truth = one_x.files[0].truth
    doc = one_x_ingest.document
    footers = [f for f in doc.furniture if f.kind == "footer"]
    assert [f.printed_page for f in footers] == truth["source"]["printed_pages_seen"]
    assert {f.job_number for f in footers} == {truth["source"]["job_number"]}
    assert "(C)" in footers[0].line.text  # the first page's footer
    heads = [f for f in doc.furniture if f.kind == "running-header"]
    assert {f.year for f in heads if f.year is not None} == {2020}
    assert any(vocab.PART_TITLE in f.line.text for f in heads)  # the Part's title
    furniture = [x.replace(" ", "") for x in truth["page_furniture"]]
    for record in one_x_ingest.records:
        if isinstance(record, Passage):
            text = record.text.replace(" ", "")
            assert not any(x in text for x in furniture), record.text


def test_layout_features(one_x: synth.Corpus, one_x_ingest: IngestResult) -> None:
    """Each feature of the real extraction occurs, as the layout stage sees it."""
    truth = one_x.files[0].truth
    layout = truth["layout"]
    doc = one_x_ingest.document
    footnotes = doc.of_kind(BlockKind.FOOTNOTE)
    continued = [b for b in footnotes if b.continued]
    assert len(continued) == layout["footnote_continuations"] >= 1
    paragraphs = doc.of_kind(BlockKind.PARAGRAPH)
    assert sum(len(b.pages) > 1 for b in paragraphs) >= 1  # cut by a footnote block or a page
    rows = doc.of_kind(BlockKind.TABLE_ROW)
    assert sum(len(b.lines) > len(b.cells) for b in rows) >= 1  # a cell wrapped on several lines
    justified = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]")
    assert any(justified.search(line.text) for b in rows for line in b.lines)
    titles = doc.of_kind(BlockKind.TABLE_TITLE)
    headers = doc.of_kind(BlockKind.TABLE_HEADER)
    assert len(headers) - len(titles) == layout["repeated_headers"] >= 1
    assert len(doc.links) == layout["link_lines"] > 0
    assert {link.symbol for link in doc.links} <= set(truth["documents"])
    notes = [b.text for b in doc.of_kind(BlockKind.TABLE_NOTE)]
    assert any("赞成" in n for n in notes) and any("由" in n and "代表" in n for n in notes)
    passages = ["".join(r.text.split()) for r in one_x_ingest.records if isinstance(r, Passage)]
    for sentence in truth["reassembled_sentences"]:
        assert any("".join(sentence.split()) in p for p in passages), sentence
    assert truth["reassembled_sentences"]


def test_content_features(one_x: synth.Corpus, one_x_ingest: IngestResult) -> None:
    """Written procedures, rule 37 and 39 invitations, briefers, letters with
    senders (and on whose behalf), positions, member-by-member votes."""
    truth = one_x.files[0].truth
    records = one_x_ingest.records
    assert any(isinstance(r, Decision) and r.written_procedure_record for r in records)
    meetings = [r for r in records if isinstance(r, Meeting)]
    assert any(m.rule37 for m in meetings) and any(m.rule39 for m in meetings)
    assert any(i.get("briefers_in_year") for i in truth["items"])
    assert truth["letters"] and any("on_behalf_of" in x for x in truth["letters"])
    assert any("states" in f for f in truth["footnotes"].values())
    assert truth["votes"] and any(not v["adopted"] for v in truth["votes"])
    assert any(v["sponsors"] for v in truth["votes"])
    # Invitees in the order written, not the order of their IRIs.
    rule37 = [m["rule37_invitations"] for i in truth["items"] for m in i.get("meetings", [])]
    assert any(invitees != sorted(invitees) for invitees in rule37)
    # Two events in one paragraph: a marker after the first one's full stop is the first one's.
    opening = re.compile(r"\d+\s*月\s*\d+\s*日，")
    paragraphs = [r.text for r in records if isinstance(r, Passage) and r.kind == "paragraph"]
    assert any(len(opening.findall(p)) >= 2 for p in paragraphs)
    no_record = [
        v for i in truth["items"] for v in i.get("videoconferences", []) if not v["record"]
    ]
    assert no_record and all(v["record_note_cites"] for v in no_record)


def test_every_feature_in_one_x(one_x: synth.Corpus, one_x_manifest: dict[str, object]) -> None:
    """The 1x corpus exercises every layout of the list, by its manifest."""
    files = one_x_manifest["files"]
    assert isinstance(files, list)
    per_file: set[str] = set()
    for entry in files:
        per_file |= set(entry["features"])
    totals = one_x_manifest["features"]
    assert isinstance(totals, dict)
    assert set(totals) == per_file
    missing = {
        group: [name for name in names if name not in per_file]
        for group, names in REQUIRED_FEATURES.items()
    }
    assert missing == {group: [] for group in REQUIRED_FEATURES}
    # The manifest and the generated corpus agree.
    assert [f.features for f in one_x.files] == [entry["features"] for entry in files]


def test_features_on_the_text(one_x: synth.Corpus) -> None:
    """Where cheap, the features are checked on the text itself."""
    text = one_x.files[0].text
    folded = render.fold(text)
    truth = one_x.files[0].truth
    # Tables: a note lettered past "z", a member not participating, a vote
    # note whose groups are out of their usual order, a unanimous count
    # without a note.
    assert re.search(r"(?m)(?:^| )a[a-z] \S", text)
    assert "未参加表决" in text
    out_of_order = (
        r"(?:反对|弃权|未参加表决)[：:][^。]*赞成[：:]|(?:弃权|未参加表决)[：:][^。]*反对[：:]"
    )
    assert re.search(out_of_order, text)
    assert re.search(r"(?m)^15[-–]0[-–]0 $", folded)
    # The truth lists the votes a unanimous count implies, by English name.
    members = vocab.members(2020)
    names = vocab.states()
    unanimous = [v for v in truth["votes"] if len(v["for"]) == len(members)]
    assert unanimous
    for vote in unanimous:
        assert vote["for"] == sorted(members, key=lambda iso3: (names[iso3].en, iso3))
        assert vote["against"] == vote["abstaining"] == []
    # Footnotes: the citation forms and the joiners of State lists.
    assert "另见 " in text and re.search(r"，第 \d+ (?:和 \d+ )?段。", text)
    assert "以及" in text and re.search(r"[^以]及", text)
    # Numbers that are not markers where a marker could stand.
    assert re.search(r"。\d+ ?(?:\n\n)?个", folded)
    assert re.search(r"(?m)^\d{3,4}\(\d{4}\)号", folded)
    # Widths and spacing: full-width digits, half-width colons, dates unspaced.
    assert re.search(r"[０-９]", text) and "赞成:" in text
    assert re.search(r"\d年\s?\d+月", folded)
    # Running heads: the supplement's title and the Part's.
    assert "2020 年安全理事会惯例汇辑" in text and vocab.PART_TITLE in text
    # Sponsors and letters told in prose (read across the line wraps).
    flat = re.sub(r"\s+", "", text)
    assert re.search(r"由[^，。]+提交的决议草案", flat) and "提交了一份决议草案" in flat
    assert "的信函后" in flat


def _article27(vote: dict[str, object], year: int) -> bool:
    in_favour = vote["for"]
    against = vote["against"]
    assert isinstance(in_favour, list) and isinstance(against, list)
    return len(in_favour) >= 9 and not set(against) & membership.permanent_members(year)


def test_votes_follow_membership_and_article_27() -> None:
    density = dataclasses.replace(model.Density(), contradictions=0.0)
    spec = synth.Spec(seed=3, scale=4, years=(2014, 2016, 2020, 2027), density=density)
    votes = 0
    for f in synth.generate(spec).files:
        year = f.year
        if not membership.covered(year):  # 2027: the table lacks members; no votes invented
            assert f.truth["votes"] == []
            continue
        for vote in f.truth["votes"]:
            voters = vote["for"] + vote["against"] + vote["abstaining"]
            voters += vote.get("not_participating", [])
            assert sorted(voters) == sorted(membership.members(year)), (year, vote["draft"])
            assert vote["adopted"] is _article27(vote, year), vote["draft"]
            votes += 1
    assert votes >= 4


def test_injected_contradictions_are_expected() -> None:
    density = dataclasses.replace(model.Density(), contradictions=1.0)
    codes: set[str] = set()
    for seed in (1, 2, 3):  # the kinds are drawn at random: a few seeds cover all three
        spec = synth.Spec(seed=seed, scale=3, years=(2020,), density=density)
        for f in synth.generate(spec).files:
            result = check(f.data, f.name, f.truth)
            assert result.ok, (result.differences, result.unexpected, result.missing)
            codes |= {e["code"] for e in f.truth["expected_diagnostics"]}
        if {"E001", "E002", "E004"} <= codes:
            break
    assert {"E001", "E002", "E004"} <= codes


def test_vocabulary_annotations() -> None:
    """What fixed strings name by the way is annotated by hand in
    :mod:`bench.synth.vocab`; the ingest's own finders must agree."""
    gz = default_gazetteer()
    actors = actor_finder("zh")

    def named(text: str) -> tuple[set[str], set[str], set[str]]:
        states = {st.iso3 for _, _, st in gz.find_all(text, "zh")}
        orgs = {
            m.candidates[0].key for m in actors.find(text) if m.candidates[0].kind == "organization"
        }
        symbols = {m.symbol.key for m in find_symbols(text)}
        return states, orgs, symbols

    for plan in vocab.PLANS:
        expect = vocab.ITEM_NAMES.get(plan.key, vocab.Names())
        assert named(vocab.items()[plan.key].zh) == (set(expect.states), set(), set())
        for key in (*plan.briefers, *([plan.facilitator] if plan.facilitator else [])):
            expect = vocab.ROLE_NAMES.get(key, vocab.Names())
            got = named(vocab.roles()[key].zh.replace("第", "第 "))
            assert got == (set(expect.states), set(expect.organizations), set(expect.cites)), key
        for key in plan.instruments:
            expect = vocab.INSTRUMENT_NAMES.get(key, vocab.Names())
            got = named(vocab.instruments()[key].zh)
            assert got == (set(expect.states), set(expect.organizations), set()), key
    for iso3 in vocab.INVITEE_POOL + vocab.members(2020):
        state = gz.lookup(vocab.states()[iso3].zh, "zh")
        assert state is not None and state.iso3 == iso3


def test_neutral_words_name_nothing() -> None:
    roles = finder("role", "zh")
    words = (
        vocab.FILLER
        + vocab.PADDING
        + vocab.POSITION_PHRASES
        + vocab.POSITION_SUBJECTS
        + vocab.DRAFT_ACTIONS
        + vocab.RESOLUTION_PHRASES
        + vocab.COUNT_PHRASES
    )
    for text in words:
        assert not re.search(r"[\d《》]|代表|举行了|听取了|提交了|提出了", text), text
        assert default_gazetteer().find_all(text, "zh") == [], text
        assert actor_finder("zh").find(text) == [], text
        assert roles.find(text) == [], text


def test_command_line_writes_manifest(tmp_path: Path) -> None:
    out = tmp_path / "c"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.synth", "--scale", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["bytes"] == sum(f["bytes"] for f in manifest["files"])
    for entry in manifest["files"]:
        data = (out / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        truth = yaml.safe_load((out / entry["truth"]).read_text(encoding="utf-8"))
        assert truth["source"]["file"] == entry["file"]
        assert entry["expected"]["footnotes"] == len(truth["footnotes"]) > 0


def test_briefer_held_by_a_state_whose_name_has_he() -> None:
    """Found by the corpus: "圣文森特和格林纳丁斯代表作为…协调人" named no holder,
    because the lexicon's holder pattern stopped at 和."""
    lines = [
        "32.  与不扩散有关的项目 ",
        " A. 不扩散 ",
        " 在该项目下，安理会成员听取了裁军事务高级代表和圣文森特和格林纳丁斯代表作为执行第",
        "2231(2015)号决议安全理事会协调人的通报。 ",
        "",
    ]
    result = ingest_bytes("\n\n".join(lines).encode("utf-8"), "holder.txt")
    briefers = [(b.role, b.state) for b in result.records if isinstance(b, Briefer)]
    assert briefers == [
        ("high-representative-for-disarmament-affairs", None),
        ("facilitator-resolution-2231", "VCT"),
    ]
