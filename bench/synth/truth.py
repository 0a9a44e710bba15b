"""The truth of a generated file, in the schema of the gold files
(``tests/data/000_e9c79a4311407cd1.gold.yaml``), language-neutral.

Why its own module: the truth is what the generator *meant*, written from
the content model (:mod:`bench.synth.model`) and what the layout did with
it (:mod:`bench.synth.render`: continued footnotes, page numbers, the lines
where diagnostics are due), never from the ingest's output.  Lists whose
order the source gives are in that order; the few whose order the source
does not fix are in the order ``councilkg facts`` reports them, which the
gold file's conventions define (votes by draft symbol, letters of one
sentence by symbol, notes by State).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bench.synth import model, render, vocab

PUBLICATION = "Repertoire of the Practice of the Security Council"
_MARKUP = re.compile(r"\{([SRMN<>]):([^}]*)\}")


def plain(markup: str, *, markers: bool = False) -> str:
    """The text a markup string reads as (footnote markers and spans left
    out; widths as written, which is ASCII: the renderer varies them only
    where reading folds them back)."""

    def one(m: re.Match[str]) -> str:
        kind, value = m.group(1), m.group(2)
        if kind == "S":
            return value
        if kind == "R":
            number, year = value.split(":")
            return f"第 {number}({year})号决议"
        if kind == "M":
            return value if markers else ""
        if kind == "N":
            raise ValueError("a count placeholder is resolved by the renderer only")
        return ""

    return _MARKUP.sub(one, markup)


def supplement(year: int) -> int:
    """The supplement's number (the 23rd covers 2020)."""
    return year - 1997


def _decision(d: model.Decision) -> dict[str, Any]:
    out: dict[str, Any] = {"symbol": d.symbol, "kind": d.kind}
    if d.counts is not None:
        out["adopted"] = d.adopted
        out["vote"] = {"for": d.counts[0], "against": d.counts[1], "abstaining": d.counts[2]}
    if d.written_procedure:
        out["written_procedure_record"] = d.written_procedure
    return out


def _invitations(entries: list[model.Invitee]) -> list[str]:
    out = []
    for e in entries:
        if e.kind == "state":
            out.append(e.ref)
        elif e.kind == "role":
            out.append(vocab.roles()[e.ref].en)
        else:
            out.append(vocab.organizations()[e.ref].en)
    return out


def _meeting(m: model.Meeting) -> dict[str, Any]:
    out: dict[str, Any] = {"record": m.record, "date": m.date}
    if m.format:
        out["format"] = m.format
    if m.sub_item:
        out["sub_item_zh"] = plain(m.sub_item[1])
        if m.sub_item[2]:
            out["sub_item_en"] = m.sub_item[2]
    out["other_documents"] = list(m.other_documents)
    out["rule37_invitations"] = _invitations(m.rule37)
    out["rule39_invitations"] = _invitations(m.rule39)
    groups = {e.ref for e in m.speakers if e.kind == "group"}
    speakers: dict[str, Any] = {
        "all_council_members": "all-council-members" in groups,
        "all_invitees": "all-invitees" in groups,
    }
    if m.representations:
        speakers["notes"] = [
            {"state": iso3, "represented_by": vocab.roles()[role].en}
            for iso3, role in sorted(m.representations)
        ]
    out["speakers"] = speakers
    out["decisions"] = [_decision(d) for d in m.decisions]
    return out


def _videoconference(v: model.Videoconference) -> dict[str, Any]:
    out: dict[str, Any] = {"date": v.date, "record": v.record}
    if v.record is not None:
        out["record_kind"] = "letter"
        out["record_date"] = v.record_date
    else:
        out["record_note_cites"] = list(v.note_cites)
    out["decisions"] = [_decision(d) for d in v.decisions]
    return out


def _item(section: model.Section) -> dict[str, Any]:
    item: dict[str, Any] = {"key": section.item}
    if section.number is not None:
        item["number"] = section.number
    group = section.group or vocab.items()[section.item].group
    if group:
        item["group_title_zh"] = vocab.groups()[group].zh
    if section.subsection:
        item["subsection"] = section.subsection
    item["title_zh"] = section.title
    item["title_en"] = section.title_en
    if section.meetings:
        item["meetings"] = [
            _meeting(m) for m in sorted(section.meetings, key=lambda m: (m.date, m.record))
        ]
        item["meetings_in_year"] = len(section.meetings)
    if section.videoconferences:
        item["videoconferences"] = [
            _videoconference(v) for v in sorted(section.videoconferences, key=lambda v: v.date)
        ]
    if section.open_vcs:
        item["open_videoconferences_in_year"] = section.open_vcs
    if section.briefers:
        item["briefers_in_year"] = [
            {"role": vocab.roles()[role].en, "state": state} if state else vocab.roles()[role].en
            for role, state in section.briefers
        ]
    cited: list[str] = []
    for fn in sorted(section.footnotes, key=lambda f: f.number):
        for c in fn.cites:
            if c not in cited:
                cited.append(c)
    if cited:
        item["documents_cited"] = cited
    return item


def _votes(sections: list[model.Section]) -> list[dict[str, Any]]:
    """Member-by-member votes: those a note lists, and those a count of the
    whole Council in favour with no note implies (every member for, in the
    order of their English short names, as the Repertoire lists members)."""
    out = []
    for s in sections:
        events: list[tuple[dt.date, list[model.Decision]]] = [
            (m.date, m.decisions) for m in s.meetings
        ] + [(v.date, v.decisions) for v in s.videoconferences]
        for date, decisions in events:
            for d in decisions:
                vote = d.vote
                if vote is None:
                    vote = _unanimous(d, date)
                if vote is None:
                    continue
                entry: dict[str, Any] = {
                    "draft": d.symbol,
                    "date": date,
                    "item": s.item,
                    "adopted": d.adopted,
                    "for": list(vote["for"]),
                    "against": list(vote["against"]),
                    "abstaining": list(vote["abstaining"]),
                }
                if vote.get("not_participating"):
                    entry["not_participating"] = list(vote["not_participating"])
                entry["sponsors"] = list(d.sponsors)
                out.append(entry)
    return sorted(out, key=lambda v: v["draft"])


def _unanimous(d: model.Decision, date: dt.date) -> dict[str, list[str]] | None:
    """The vote a count of the whole Council in favour states without a note."""
    if d.kind not in ("resolution", "draft-resolution") or not vocab.membership_known(date.year):
        return None
    members = vocab.members(date.year)
    if d.counts != (len(members), 0, 0):
        return None
    names = vocab.states()
    return {
        "for": sorted(members, key=lambda iso3: (names[iso3].en, iso3)),
        "against": [],
        "abstaining": [],
    }


def _footnotes(sections: list[model.Section]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for s in sections:
        for fn in s.footnotes:
            entry: dict[str, Any] = {"cites": list(dict.fromkeys(fn.cites))}
            if fn.states:
                entry["states"] = list(fn.states)
                if fn.event is not None:
                    entry["event"] = fn.event
            if fn.continued:
                entry["continues_after_break"] = True
            entry["text_zh"] = plain(fn.text)
            out[fn.number] = entry
    return dict(sorted(out.items()))


def _letters(sections: list[model.Section]) -> list[dict[str, Any]]:
    rows: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
    for s in sections:
        for fn in s.footnotes:
            for letter in fn.letters:
                entry: dict[str, Any] = {"symbol": letter.symbol, "date": letter.date}
                entry["from"] = (
                    letter.senders[0] if len(letter.senders) == 1 else list(letter.senders)
                )
                if letter.on_behalf_of:
                    entry["on_behalf_of"] = list(letter.on_behalf_of)
                rows.append(((fn.number, letter.segment, letter.symbol), entry))
    return [entry for _, entry in sorted(rows, key=lambda r: r[0])]


def _speakers(sections: list[model.Section]) -> dict[dt.date, dict[str, list[str]]]:
    out: dict[dt.date, dict[str, list[str]]] = {}
    for s in sections:
        for date, kind, ref in s.speakers:
            entry = out.setdefault(date, {"states": [], "roles": []})
            if kind == "state" and ref not in entry["states"]:
                entry["states"].append(ref)
            elif kind == "role" and vocab.roles()[ref].en not in entry["roles"]:
                entry["roles"].append(vocab.roles()[ref].en)
    return dict(sorted(out.items()))


def truth(
    name: str,
    year: int,
    job: str,
    sections: list[model.Section],
    rec: render.Record,
    generator: dict[str, Any],
) -> dict[str, Any]:
    """The truth of one file, keyed like the gold files."""
    documents: dict[str, str | None] = {}
    for s in sections:
        for key, kind in s.documents.items():
            if kind is not None or key not in documents:
                documents[key] = kind if kind is not None else documents.get(key)
    states = sorted(set().union(*(s.states for s in sections)))
    orgs = sorted(
        vocab.organizations()[k].en for k in set().union(*(s.organizations for s in sections))
    )
    instruments = sorted(
        vocab.instruments()[k].en for k in set().union(*(s.instruments for s in sections))
    )
    return {
        "source": {
            "file": name,
            "publication": PUBLICATION,
            "supplement": supplement(year),
            "period": str(year),
            "language": "zh",
            "job_number": job,
            "printed_pages_seen": list(rec.printed_pages),
        },
        "generator": generator,
        "page_furniture": list(rec.furniture),
        "items": [_item(s) for s in sections],
        "votes": _votes(sections),
        "documents": sorted(documents),
        "document_kinds": {k: v for k, v in sorted(documents.items()) if v is not None},
        "footnotes": _footnotes(sections),
        "letters": _letters(sections),
        "speakers_by_event": _speakers(sections),
        "states_mentioned": states,
        "organizations_mentioned": orgs,
        "instruments_mentioned": instruments,
        "expected_diagnostics": [
            {"code": code, "line": line}
            for code, line in sorted(rec.expected, key=lambda x: (x[1], x[0]))
        ],
        "layout": {
            "pages": len(rec.printed_pages),
            "footnote_blocks": rec.footnote_blocks,
            "footnote_continuations": rec.footnote_continuations,
            "paragraphs_cut_by_page_or_footnotes": len(rec.cut_paragraphs),
            "table_page_breaks": rec.table_page_breaks,
            "repeated_headers": rec.repeated_headers,
            "wrapped_cells": rec.wrapped_cells,
            "justified_cells": rec.justified_cells,
            "link_lines": rec.link_lines,
        },
        "reassembled_sentences": [p.strip() for p in rec.cut_paragraphs[:5]],
    }


def counts(t: dict[str, Any]) -> dict[str, int]:
    """Expected record counts of a truth, for the manifest."""
    items = t["items"]
    return {
        "items": len(items),
        "meetings": sum(len(i.get("meetings", [])) for i in items),
        "videoconferences": sum(len(i.get("videoconferences", [])) for i in items),
        "decisions": sum(
            len(e["decisions"])
            for i in items
            for e in i.get("meetings", []) + i.get("videoconferences", [])
        ),
        "member_votes": sum(
            len(v["for"]) + len(v["against"]) + len(v["abstaining"]) for v in t["votes"]
        ),
        "footnotes": len(t["footnotes"]),
        "positions": sum(1 for f in t["footnotes"].values() if "states" in f),
        "letters": len(t["letters"]),
        "documents": len(t["documents"]),
        "speaker_events": len(t["speakers_by_event"]),
        "expected_diagnostics": len(t["expected_diagnostics"]),
    }
