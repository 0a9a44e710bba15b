"""Language-neutral facts, read back from the graph through SPARQL, in the
shape of the gold files.

Why: this is the regression and cross-edition comparison tool.  The ingest
of an edition is right when the facts the graph holds equal the gold's, and
two editions of one supplement are consistent when their facts are equal.
Everything here comes out of the graph (the queries in ``queries/facts/``),
never out of the records, so it also tests the mapping.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from councilkg.ingest.language import LANGS
from councilkg.ingest.rdf import DOC_CLASS, POSITION
from councilkg.ingest.vocab import CKG
from councilkg.resources import resource_dir
from councilkg.store import GraphStore

KIND_OF_CLASS = {str(cls): kind for kind, cls in DOC_CLASS.items()}
# The key of a vote entry that lists the members who took a position (the
# record's position, written as a Python-style key).  Absent and
# not-participating members are positions of their own, never folded into
# the abstentions, so they get keys of their own.
POSITION_OF = {str(iri): key.replace("-", "_") for key, iri in POSITION.items()}
# Keys every vote entry has, even when nobody took that position; ``absent``
# and ``not_participating`` appear only when somebody did.
COUNTED_POSITIONS = ("for", "against", "abstaining")
RULES = {str(CKG.Rule37): "rule37_invitations", str(CKG.Rule39AndOther): "rule39_invitations"}

# Keys of the gold files that the Chinese text alone does not state; they
# annotate the gold and are not compared (see the gold file's header).
ANNOTATION_KEYS = frozenset({"complete_in_excerpt", "facts"})


def fact_query(name: str) -> str:
    """The text of the fact query ``queries/facts/<name>.rq`` (the test suite
    reads the graph through the same files)."""
    return resource_dir("queries").joinpath("facts", f"{name}.rq").read_text(encoding="utf-8")


def _query(store: GraphStore, name: str) -> list[dict[str, Any]]:
    result = store.query(fact_query(name))
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row: dict[str, Any] = {}
        for var in names:
            term = solution[var]
            if term is not None:
                row[var] = _python(term)
        rows.append(row)
    return rows


def _python(term: Any) -> Any:
    """A SPARQL result term as a plain Python value."""
    datatype = getattr(term, "datatype", None)
    value = term.value
    if datatype is None:
        return value
    dtype = datatype.value
    if dtype.endswith("#integer"):
        return int(value)
    if dtype.endswith("#boolean"):
        return value == "true"
    if dtype.endswith("#date"):
        return dt.date.fromisoformat(value)
    return value


def facts(store: GraphStore) -> dict[str, Any]:
    """All facts, as a dict shaped like the gold file."""
    return {
        "items": _items(store),
        "votes": _votes(store),
        "documents": sorted({r["symbol"] for r in _query(store, "documents")}),
        "document_kinds": _document_kinds(store),
        "footnotes": _footnotes(store),
        "letters": _letters(store),
        "document_citations": _document_citations(store),
        "speakers_by_event": _speakers(store),
        **_mentions(store),
        "editions": editions(store),
    }


def _decisions(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _query(store, "decisions"):
        d: dict[str, Any] = {
            "symbol": r["symbol"],
            "kind": KIND_OF_CLASS.get(r["class"], "document"),
        }
        if "for" in r:
            d["adopted"] = r.get("adopted")
            d["vote"] = {"for": r["for"], "against": r["against"], "abstaining": r["abstaining"]}
        if "writtenProcedure" in r:
            d["written_procedure_record"] = r["writtenProcedure"]
        out[r["event"]].append(d)
    return out


def _items(store: GraphStore) -> list[dict[str, Any]]:
    decisions = _decisions(store)
    invitations: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: {"rule37_invitations": [], "rule39_invitations": []}
    )
    for r in _query(store, "invitations"):
        invitations[r["event"]][RULES[r["rule"]]].append(r.get("iso3") or r.get("title", ""))
    speakers: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"all_council_members": False, "all_invitees": False, "notes": []}
    )
    for r in _query(store, "table-speakers"):
        entry = speakers[r["event"]]
        if r.get("participant") == str(CKG.AllCouncilMembers):
            entry["all_council_members"] = True
        elif r.get("participant") == str(CKG.AllInvitees):
            entry["all_invitees"] = True
        if "represented" in r:
            entry["notes"].append({"state": r["represented"], "represented_by": r["representedBy"]})
    others: dict[str, list[str]] = defaultdict(list)
    for r in _query(store, "other-documents"):
        others[r["m"]].append(r["symbol"])
    meetings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _query(store, "meetings"):
        m: dict[str, Any] = {"record": r["record"], "date": r["date"]}
        if "format" in r:
            m["format"] = r["format"]
        if "subItemZh" in r:
            m["sub_item_zh"] = r["subItemZh"]
        if "subItemEn" in r:
            m["sub_item_en"] = r["subItemEn"]
        m["other_documents"] = others.get(r["m"], [])
        m.update(invitations[r["m"]])
        table = speakers.get(
            r["m"], {"all_council_members": False, "all_invitees": False, "notes": []}
        )
        m["speakers"] = {k: v for k, v in table.items() if v or k != "notes"}
        m["decisions"] = decisions.get(r["m"], [])
        meetings[r["item"]].append(m)
    notes: dict[str, list[str]] = defaultdict(list)
    for r in _query(store, "record-notes"):
        notes[r["vc"]].append(r["symbol"])
    vcs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    open_count: dict[str, int] = defaultdict(int)
    for r in _query(store, "videoconferences"):
        v: dict[str, Any] = {"date": r["date"], "record": r.get("record")}
        if "recordClass" in r:
            v["record_kind"] = KIND_OF_CLASS.get(r["recordClass"], "document")
        if "recordDate" in r:
            v["record_date"] = r["recordDate"]
        if r.get("noRecord"):
            v["record_note_cites"] = notes.get(r["vc"], [])
        v["decisions"] = decisions.get(r["vc"], [])
        vcs[r["item"]].append(v)
        open_count[r["item"]] += bool(r.get("open"))
    briefers: dict[str, list[Any]] = defaultdict(list)
    for r in _query(store, "briefers"):
        briefers[r["item"]].append(
            {"role": r["role"], "state": r["iso3"]} if "iso3" in r else r["role"]
        )
    cited: dict[str, list[str]] = defaultdict(list)
    for r in _query(store, "item-citations"):
        for symbol in r["cites"].split():
            if symbol not in cited[r["item"]]:
                cited[r["item"]].append(symbol)
    items = []
    for r in _query(store, "items"):
        key = r["key"]
        item: dict[str, Any] = {"key": key}
        if "number" in r:
            item["number"] = r["number"]
        if "groupZh" in r:
            item["group_title_zh"] = r["groupZh"]
        if "subsection" in r:
            item["subsection"] = r["subsection"]
        item["title_zh"] = r.get("zh")
        if "en" in r:
            item["title_en"] = r["en"]
        if meetings.get(key):
            item["meetings"] = meetings[key]
            item["meetings_in_year"] = len(meetings[key])
        if vcs.get(key):
            item["videoconferences"] = vcs[key]
        if open_count.get(key):
            item["open_videoconferences_in_year"] = open_count[key]
        if briefers.get(key):
            item["briefers_in_year"] = briefers[key]
        if cited.get(key):
            item["documents_cited"] = cited[key]
        items.append(item)
    return items


def _votes(store: GraphStore) -> list[dict[str, Any]]:
    """Member-by-member votes, listed or derived from a unanimous vote alike
    (how a vote is known is in the graph, ``ckg:basis``, not in the facts:
    the facts are what the Repertoire says, the same whichever way it says it)."""
    sponsors: dict[str, list[str]] = defaultdict(list)
    for r in _query(store, "sponsors"):
        sponsors[r["draft"]].append(r["iso3"])
    votes: dict[str, dict[str, Any]] = {}
    for r in _query(store, "votes"):
        v = votes.setdefault(
            r["draft"],
            {
                "draft": r["draft"],
                "date": r["date"],
                "item": r.get("item"),
                "adopted": r.get("adopted"),
                **{key: [] for key in COUNTED_POSITIONS},
            },
        )
        v.setdefault(POSITION_OF[r["position"]], []).append(r["iso3"])
    for symbol, v in votes.items():
        v["sponsors"] = sponsors.get(symbol, [])
    return list(votes.values())


def _document_kinds(store: GraphStore) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for r in _query(store, "documents"):
        if "class" in r:
            kinds[r["symbol"]] = KIND_OF_CLASS.get(r["class"], "document")
    return dict(sorted(kinds.items()))


def _footnotes(store: GraphStore) -> dict[int, dict[str, Any]]:
    """Footnotes by number; the text keyed by its language (``text_zh``,
    ``text_en``), so that two editions of one footnote are one footnote
    whose language-neutral facts compare alike."""
    out: dict[int, dict[str, Any]] = {}
    for r in _query(store, "footnotes"):
        fn = out.get(r["number"])
        if fn is None:
            fn = out[r["number"]] = {"cites": r.get("cites", "").split()}
        if "states" in r:
            fn["states"] = r["states"].split()
        if "event" in r:
            fn["event"] = r["event"]
        if r.get("continued"):
            fn["continues_after_break"] = True
        fn[f"text_{r.get('language') or 'und'}"] = r["text"]
    return out


def editions(store: GraphStore) -> list[str]:
    """The languages of the editions the store holds (of its source files)."""
    rows = store.query(
        "PREFIX ckg: <https://w3id.org/councilkg/ontology#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT DISTINCT ?language WHERE { ?s a ckg:SourceFile ; dcterms:language ?language }"
    )
    return sorted(str(r["language"].value) for r in rows)


def _letters(store: GraphStore) -> list[dict[str, Any]]:
    letters: dict[str, dict[str, Any]] = {}
    for r in _query(store, "letters"):
        letter = letters.setdefault(
            r["symbol"],
            {"symbol": r["symbol"], "date": r.get("date"), "from": [], "on_behalf_of": []},
        )
        if r["sender"] not in letter["from"]:
            letter["from"].append(r["sender"])
        if "behalf" in r and r["behalf"] not in letter["on_behalf_of"]:
            letter["on_behalf_of"].append(r["behalf"])
    out = []
    for letter in letters.values():
        if len(letter["from"]) == 1:
            letter["from"] = letter["from"][0]
        if not letter["on_behalf_of"]:
            del letter["on_behalf_of"]
        out.append(letter)
    return out


def _document_citations(store: GraphStore) -> dict[str, list[str]]:
    """Cited symbol -> the documents that cite it, where the text says so."""
    out: dict[str, list[str]] = {}
    for r in _query(store, "document-citations"):
        out.setdefault(r["cited"], []).append(r["citing"])
    return out


def _speakers(store: GraphStore) -> dict[dt.date, dict[str, list[str]]]:
    out: dict[dt.date, dict[str, list[str]]] = {}
    for r in _query(store, "speakers"):
        entry = out.setdefault(r["date"], {"states": [], "roles": []})
        if "iso3" in r:
            entry["states"].append(r["iso3"])
        if "role" in r:
            entry["roles"].append(r["role"])
    return dict(sorted(out.items()))


def _mentions(store: GraphStore) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {
        "states_mentioned": [],
        "organizations_mentioned": [],
        "instruments_mentioned": [],
    }
    for r in _query(store, "mentions"):
        out[f"{r['kind']}s_mentioned"].append(r["id"])
    return out


GOLD_KEYS = (
    "items",
    "votes",
    "documents",
    "footnotes",
    "letters",
    "document_citations",
    "speakers_by_event",
    "states_mentioned",
)
# Lists whose order carries no meaning in the source (the senders of a joint
# letter are written in one order or another): compared as sets.
_UNORDERED = frozenset({"from", "on_behalf_of", "other_documents"})
# Lists of records that carry their own key: matched by that key, in any
# order (a letter told in the body and one listed in a later footnote come
# in the order of the text, which says nothing about the letters).
_KEYED = {"letters": "symbol", "votes": "draft"}
# Gold values given as samples: compared where the gold has them, ignoring
# whitespace (the PDF's line wraps are not part of the text).
_SAMPLED_TEXT = frozenset(f"text_{lang}" for lang in LANGS)
# Facts that are an edition's words: ``<name>_<language>``.  Facts read from
# editions in other languages cannot hold them, so the gold's values in a
# language the facts have no edition in are samples, not compared (the
# facts of the English edition compare with the gold of the Chinese on the
# language-neutral facts).
_LANGUAGE_TEXT = ("text", "title", "group_title", "sub_item")


def compare(
    found: dict[str, Any], gold: dict[str, Any], keys: tuple[str, ...] = GOLD_KEYS
) -> list[str]:
    """Differences between facts and a gold file, as readable lines (empty: equal).

    Every gold value is compared (annotation keys aside); a fact the gold
    does not have is a difference too, except sampled texts and the keys the
    gold leaves out of an item.
    """
    out: list[str] = []
    held = found.get("editions") or LANGS
    skip = frozenset(
        f"{name}_{lang}" for name in _LANGUAGE_TEXT for lang in LANGS if lang not in held
    )
    for key in keys:
        if key == "items":
            by_key = {i["key"]: i for i in found.get("items", [])}
            gold_keys = [i["key"] for i in gold.get("items", [])]
            for extra in sorted(set(by_key) - set(gold_keys)):
                out.append(f"items: {extra} not in the gold")
            for item in gold.get("items", []):
                got = by_key.get(item["key"])
                if got is None:
                    out.append(f"items: {item['key']} missing")
                    continue
                for field, value in item.items():
                    if field not in ANNOTATION_KEYS:
                        _compare(got.get(field), value, f"items[{item['key']}].{field}", out, skip)
        elif key == "footnotes":
            got_fns = found.get("footnotes", {})
            for number in sorted(set(got_fns) | set(gold.get("footnotes", {}))):
                g = gold.get("footnotes", {}).get(number)
                f = got_fns.get(number)
                if g is None or f is None:
                    out.append(
                        f"footnotes[{number}]: {'missing' if f is None else 'not in the gold'}"
                    )
                    continue
                for field in sorted(set(g) | set(f)):
                    if (field in _SAMPLED_TEXT and field not in g) or field in skip:
                        continue
                    _compare(f.get(field), g.get(field), f"footnotes[{number}].{field}", out)
        elif key == "document_citations":
            # Pairs, in any order: the text's order of citing documents says
            # nothing about the citations.
            got_pairs = _pairs(found.get(key) or {})
            want_pairs = _pairs(gold.get(key) or {})
            for cited, citing in sorted(want_pairs - got_pairs):
                out.append(f"{key}[{cited}]: {citing} missing")
            for cited, citing in sorted(got_pairs - want_pairs):
                out.append(f"{key}[{cited}]: {citing} not in the gold")
        else:
            _compare(found.get(key), gold.get(key), key, out, skip)
    return out


def _pairs(citations: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {(cited, citing) for cited, citing_all in citations.items() for citing in citing_all}


def _compare(
    got: Any, want: Any, path: str, out: list[str], skip: frozenset[str] = frozenset()
) -> None:
    """Differences between ``got`` and ``want`` at ``path``; fields named in
    ``skip`` (an edition's words in a language the facts lack) left out."""
    field = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if field in _KEYED and isinstance(want, list) and isinstance(got, list) and path == field:
        key = _KEYED[field]
        got_by = {str(g.get(key)): g for g in got if isinstance(g, dict)}
        want_by = {str(w.get(key)): w for w in want if isinstance(w, dict)}
        for k in sorted(set(got_by) | set(want_by)):
            if k not in want_by:
                out.append(f"{path}[{k}]: not in the gold")
            elif k not in got_by:
                out.append(f"{path}[{k}]: missing")
            else:
                _compare(got_by[k], want_by[k], f"{path}[{k}]", out, skip)
        return
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got), key=str):
            if str(k) not in skip:
                _compare(got.get(k), want.get(k), f"{path}.{k}", out, skip)
        return
    if isinstance(want, list) and isinstance(got, list):
        if field in _UNORDERED:
            if sorted(map(str, got)) != sorted(map(str, want)):
                out.append(f"{path}: {got!r} != gold {want!r}")
            return
        if len(got) != len(want):
            out.append(f"{path}: {len(got)} entries != gold {len(want)}: {got!r} vs {want!r}")
            return
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _compare(g, w, f"{path}[{i}]", out, skip)
        return
    if field in _UNORDERED and isinstance(want, str) and isinstance(got, str):
        pass
    if field in _SAMPLED_TEXT and isinstance(want, str) and isinstance(got, str):
        if "".join(got.split()) != "".join(want.split()):
            out.append(f"{path}: {got!r} != gold {want!r}")
        return
    if got != want:
        out.append(f"{path}: {got!r} != gold {want!r}")
