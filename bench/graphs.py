"""The input of every benchmark stage: a Council graph of a given size, as an
N-Quads file and an on-disk store, generated once and cached.

Why one function, :func:`graph_at`: the stages (store load, SHACL, prepared
queries, endpoint, export) must measure the same data, whichever its
source: the seed graph replicated by rewriting its IRIs (``bench/queries.py``;
the default), or the synthetic Repertoire (:mod:`bench.synth`, text files
with known truth) ingested.  Stages only see
``graph_at(scale) -> BenchGraph(nquads, store, meta)``.

Two flavours of the replica:

``spread``  exactly the graph of ``bench/queries.py``: copy *k* of the seed's
            source graph re-minted (``…/id/c{k}/…``, symbols ``/Add.{k}``)
            and moved back ``k mod 75`` years, so a one-year filter keeps
            about 1/75 of the copies, as in the real Repertoire.  Realistic
            for queries, but not valid: a copy moved to 1990 has the 2020
            members voting, so the shapes flag every vote of it.
``clean``   for SHACL: copies keep the seed's dates, the Council's annual
            report keeps its symbol (``A/75/2/Add.3`` is not in its series)
            and every source quote that prints a symbol prints the copy's
            symbol, and footnotes are renumbered per copy (+10,000 k):
            footnote numbers are unique within a supplement's period, and
            same-year copies would otherwise put 340 supplements' footnotes
            in one period at 1M, which makes the rule that markers resolve
            (a join on number and period) quadratic: an artefact of the
            replica, not a property of the Repertoire, where each period
            has its own supplement.  The clean replica is valid (the seed
            validates with no result), so every result is one of the
            **faults** injected into
            it, each with the shape it must trip: a flipped vote, a voter
            that was never a member, a malformed document symbol.  They are
            injected into copies 1, 11, 21, … (copy 0 when there is only
            one), so a cross-check of engines has known violations to find
            at every size.

Everything is cached under ``bench/results/cache/`` (git ignores
``bench/results/``), keyed by the flavour, the number of copies and a hash
of the seed's graphs and of this generator's version, so a second run of a
size costs nothing.  A cache entry is written to a temporary folder and
renamed, so an interrupted run leaves no half entry.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from bench import queries as replica
from bench.common import ROOT
from councilkg.ingest.iris import Minter
from councilkg.store import GraphStore

# COUNCILKG_BENCH_CACHE moves the cache (the smoke test uses a temporary folder)
CACHE = Path(os.environ.get("COUNCILKG_BENCH_CACHE") or ROOT / "bench" / "results" / "cache")
GENERATOR_VERSION = {"spread": 7, "clean": 8}  # bump when a flavour's output changes
FLAVOURS = ("spread", "clean")
FAULT_EVERY = 10  # faults go into copies 1, 11, 21, …

CKG = "https://w3id.org/councilkg/ontology#"
ORG = "http://www.w3.org/ns/org#"
# The literals that quote the source: a passage's text, a span's characters.
QUOTES = ("<http://www.w3.org/ns/oa#exact>", f"<{CKG}text>")
SCALES = {"tiny": 7_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
_ANNUAL_REPORT = re.compile(r"(A/[1-9][0-9]{0,2}/2)" + re.escape(replica.ADD))
# Footnote numbers, renumbered per clean copy (+ FOOTNOTE_OFFSET × k): see graph_at's doc.
FN_OPEN, FN_CLOSE = "\x06", "\x07"
FOOTNOTE_OFFSET = 10_000
_FOOTNOTE_NUMBER = re.compile(
    "( <" + re.escape(CKG) + '(?:footnoteNumber|footnoteMarker)> ")([0-9]+)(?=")'
)
_MARKED_FOOTNOTE = re.compile(FN_OPEN + "([0-9]+)" + FN_CLOSE)


class BenchGraph(NamedTuple):
    """One benchmark input: the named graphs as N-Quads, an on-disk store
    (read it, never write it: it is the cache) and what was generated."""

    nquads: Path
    store: Path
    meta: dict[str, Any]


@dataclass(frozen=True)
class Seed:
    """The seed's graphs as N-Triples lines, and the copy template."""

    sha: str
    source: list[str]
    reference: list[str]
    ontology: list[str]


@cache
def seed() -> Seed:
    """The bundled sample ingested (about a second; once per process)."""
    sha, source, reference, ontology = replica.seed_graphs()
    return Seed(sha, source, reference, ontology)


def target_triples(scale: str | int) -> int:
    """``"10k"``, ``"1M"``, ``"tiny"`` or a number of triples → triples."""
    if isinstance(scale, int):
        return scale
    if scale in SCALES:
        return SCALES[scale]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", scale.strip())
    if m is None:
        raise ValueError(f"unknown scale {scale!r}: a number of triples (10k, 1M, 250000)")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    return int(float(m.group(1)) * factor)


def scale_name(triples: int) -> str:
    """``100000`` → ``"100k"`` (the name used in reports)."""
    for name, n in SCALES.items():
        if n == triples:
            return name
    if triples % 1_000_000 == 0:
        return f"{triples // 1_000_000}M"
    if triples % 1_000 == 0:
        return f"{triples // 1_000}k"
    return str(triples)


# ---------------------------------------------------------------------------
# Copies
# ---------------------------------------------------------------------------


def _clean_template(template: str, source: Sequence[str]) -> str:
    """The spread template made valid for same-year copies (module doc)."""
    text = _ANNUAL_REPORT.sub(r"\1", template)
    text = _FOOTNOTE_NUMBER.sub(lambda m: m.group(1) + FN_OPEN + m.group(2) + FN_CLOSE, text)
    printed = set()
    for line in source:
        m = replica._LINE.match(line.rstrip("\n"))
        if m and m.group(2) in replica.SYMBOL_PREDICATES and m.group(3).startswith('"'):
            value = m.group(3)[1 : m.group(3).rindex('"')]
            if not re.fullmatch(r"A/[1-9][0-9]{0,2}/2", value):
                printed.add(value)
    if not printed:
        return text
    symbols = re.compile(
        "(" + "|".join(re.escape(s) for s in sorted(printed, key=lambda s: (-len(s), s))) + ")"
        r"(?![0-9A-Za-z/])"
    )
    out = []
    for line in text.splitlines(keepends=True):
        for quote in QUOTES:
            if f" {quote} " in line:
                s, rest = line.split(f" {quote} ", 1)
                line = f"{s} {quote} " + symbols.sub(lambda m: m.group(1) + replica.ADD, rest)
        out.append(line)
    return "".join(out)


def make_copy(template: str, k: int, flavour: str) -> str:
    """Copy ``k`` of the seed's source graph as N-Triples text."""
    if flavour == "spread":
        return replica.make_copy(template, k)
    text = template.replace(replica.COPY, f"c{k}/" if k else "")
    text = text.replace(replica.ADD, f"/Add.{k}" if k else "")
    group = k // replica.YEARS_SPREAD
    text = text.replace(replica.GROUP, f"-g{group}" if group else "")
    text = _MARKED_FOOTNOTE.sub(lambda m: str(int(m.group(1)) + FOOTNOTE_OFFSET * k), text)
    return text.replace(replica.YEAR_OPEN, "").replace(replica.YEAR_CLOSE, "")


def copy_iri(iri: str, k: int, flavour: str) -> str:
    """The IRI that seed node ``iri`` has in copy ``k``."""
    template = replica._ID_IRI.sub(replica._remint_iri, f"<{iri}>")
    return make_copy(template, k, flavour)[1:-1]


# ---------------------------------------------------------------------------
# Faults (clean flavour)
# ---------------------------------------------------------------------------

_FAULT_TARGETS = {
    # a vote in favour by an elected member, in a vote event that lists its votes
    "flip-vote": f"""PREFIX ckg: <{CKG}> PREFIX org: <{ORG}>
        SELECT ?node WHERE {{
          ?node ckg:inVoteEvent ?ve ; ckg:position ckg:InFavour ; ckg:voter ?m .
          FILTER NOT EXISTS {{ ?t org:member ?m ; ckg:permanent true }}
        }} ORDER BY ?node LIMIT 1""",
    # another vote of the same kind, and a State that never sat on the Council
    "non-member-voter": f"""PREFIX ckg: <{CKG}> PREFIX org: <{ORG}>
        SELECT ?node ?other WHERE {{
          ?node ckg:inVoteEvent ?ve ; ckg:voter ?m .
          FILTER NOT EXISTS {{ ?t org:member ?m ; ckg:permanent true }}
          {{ SELECT ?other WHERE {{ ?other a ckg:MemberState .
             FILTER NOT EXISTS {{ ?t org:member ?other }} }} ORDER BY ?other LIMIT 1 }}
        }} ORDER BY DESC(?node) LIMIT 1""",
    # a document of the S/YYYY/N series that is not a decision
    "malformed-symbol": f"""PREFIX ckg: <{CKG}>
        SELECT ?node ?symbol WHERE {{
          ?node ckg:symbol ?symbol .
          FILTER (REGEX(?symbol, "^S/[0-9]{{4}}/[1-9][0-9]*$"))
          FILTER NOT EXISTS {{ ?node ckg:voteEvent ?ve }}
          FILTER NOT EXISTS {{ ?x ckg:decision ?node }}
        }} ORDER BY ?node LIMIT 1""",
}

# The shape each fault must trip (sh:sourceShape), and nothing else.
FAULT_SHAPES = {
    "flip-vote": ("https://w3id.org/councilkg/shapes#VoteRulesShape",),
    "non-member-voter": ("https://w3id.org/councilkg/shapes#VoterRulesShape",),
    "malformed-symbol": ("https://w3id.org/councilkg/shapes#DocumentSymbol-grammar",),
}
# Which node the result is about: the fault's node, or the vote event it is in.
_FAULT_FOCUS = {"flip-vote": "vote-event", "non-member-voter": "node", "malformed-symbol": "node"}


@dataclass(frozen=True)
class FaultSite:
    """Where a kind of fault goes in the seed: the node, the line replaced
    and its replacement (seed IRIs), the result's focus node."""

    kind: str
    node: str
    focus: str
    old: str
    new: str


@cache
def fault_sites() -> tuple[FaultSite, ...]:
    """Pick the faults' targets in the seed, by SPARQL over the seed and
    the reference graph (nothing here names a node of the sample)."""
    s = seed()
    store = ox.Store()
    text = "".join(s.source + s.reference).encode("utf-8")
    store.load(text, format=ox.RdfFormat.N_TRIPLES)
    sites = []
    for kind, query in _FAULT_TARGETS.items():
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)  # the targets are SELECT queries
        rows = list(solutions)
        if not rows:
            raise RuntimeError(f"the seed has no target for the fault {kind!r}")
        row = rows[0]
        node = row["node"].value
        if kind == "flip-vote":
            old = f"<{node}> <{CKG}position> <{CKG}InFavour> .\n"
            new = f"<{node}> <{CKG}position> <{CKG}Against> .\n"
        elif kind == "non-member-voter":
            voter = next(
                store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(CKG + "voter"), None)
            )
            old = f"<{node}> <{CKG}voter> <{_iri(voter.object)}> .\n"
            new = f"<{node}> <{CKG}voter> <{row['other'].value}> .\n"
        else:
            symbol = row["symbol"].value
            old = f'<{node}> <{CKG}symbol> "{symbol}" .\n'
            series, number = symbol.rsplit("/", 1)
            new = f'<{node}> <{CKG}symbol> "{series}/0{number}" .\n'
        focus = node
        if _FAULT_FOCUS[kind] == "vote-event":
            ve = next(
                store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(CKG + "inVoteEvent"), None)
            )
            focus = _iri(ve.object)
        sites.append(FaultSite(kind, node, focus, old, new))
    return tuple(sites)


def _iri(term: object) -> str:
    if not isinstance(term, ox.NamedNode):
        raise TypeError(f"expected an IRI, got {term!r}")
    return term.value


def fault_copies(copies: int) -> list[int]:
    """The copies that get faults: 1, 11, 21, … (copy 0 if it is alone)."""
    return [0] if copies == 1 else list(range(1, copies, FAULT_EVERY))


def inject(text: str, k: int, sites: Sequence[FaultSite]) -> tuple[str, list[dict[str, Any]]]:
    """Copy ``k`` (clean flavour) with every fault applied, and the faults."""
    faults = []
    for site in sites:
        old = _copy_line(site.old, k)
        new = _copy_line(site.new, k)
        if old not in text:
            raise RuntimeError(f"fault {site.kind}: line not found in copy {k}: {old!r}")
        text = text.replace(old, new)
        faults.append(
            {
                "kind": site.kind,
                "copy": k,
                "node": copy_iri(site.node, k, "clean"),
                "focus": copy_iri(site.focus, k, "clean"),
                "shapes": list(FAULT_SHAPES[site.kind]),
            }
        )
    return text, faults


def _copy_line(line: str, k: int) -> str:
    """A seed N-Triples line as it reads in clean copy ``k``."""
    subject, rest = line.split(" ", 1)
    subject = f"<{copy_iri(subject[1:-1], k, 'clean')}>"
    if rest.count("<") >= 2 and "/id/" in rest.rsplit("<", 1)[1]:
        pred, obj = rest.split(" ", 1)
        iri = obj[1 : obj.index(">")]
        rest = f"{pred} <{copy_iri(iri, k, 'clean')}>" + obj[obj.index(">") + 1 :]
    elif '"' in rest and k:
        pred, lit = rest.split(" ", 1)
        value = lit[1 : lit.rindex('"')]
        rest = f'{pred} "{value}/Add.{k}"' + lit[lit.rindex('"') + 1 :]
    return f"{subject} {rest}"


# ---------------------------------------------------------------------------
# Generation and cache
# ---------------------------------------------------------------------------


def copies_for(triples: int) -> int:
    """Copies of the seed's source graph that give about ``triples`` triples
    with the reference and ontology graphs."""
    s = seed()
    fixed = len(s.reference) + len(s.ontology) + len(s.source)
    per_copy = len(s.source)  # close enough: copies share a few nodes
    return max(1, round((triples - fixed) / per_copy) + 1)


def named_graphs(copies: int, flavour: str) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    """(graph IRI, N-Triples text, faults) of every named graph."""
    s = seed()
    minter = Minter()
    template = replica.copy_template(s.source)
    if flavour == "clean":
        template = _clean_template(template, s.source)
    yield str(minter.reference_graph()), "".join(s.reference), []
    yield str(minter.ontology_graph()), "".join(s.ontology), []
    faulty = set(fault_copies(copies)) if flavour == "clean" else set()
    sites = fault_sites() if faulty else ()
    for k in range(copies):
        text = make_copy(template, k, flavour)
        faults: list[dict[str, Any]] = []
        if k in faulty:
            text, faults = inject(text, k, sites)
        yield f"{minter.graph(s.sha)}{f'-c{k}' if k else ''}", text, faults


def _key(copies: int, flavour: str) -> str:
    s = seed()
    h = hashlib.sha256()
    for part in (s.sha, *s.source, *s.reference, *s.ontology):
        h.update(part.encode("utf-8"))
    h.update(f"{GENERATOR_VERSION[flavour]}|{flavour}|{copies}".encode())
    return f"replica-{flavour}-{copies}-{h.hexdigest()[:12]}"


def graph_at(
    scale: str | int,
    *,
    flavour: str = "spread",
    cache_dir: Path = CACHE,
    source: str | None = None,
) -> BenchGraph:
    """The benchmark graph of about ``scale`` triples (``"10k"``, ``"1M"``…),
    generated on first use and cached.

    ``source="corpus"`` ingests the synthetic Repertoire of
    :mod:`bench.synth` instead of replicating the seed (one graph for both
    flavours, no injected faults); the default is ``$COUNCILKG_BENCH_SOURCE``
    or ``replica``.
    """
    source = source or os.environ.get("COUNCILKG_BENCH_SOURCE") or "replica"
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}; expected one of {', '.join(FLAVOURS)}")
    triples = target_triples(scale)
    if source == "corpus":
        return _corpus_graph(triples, cache_dir)
    if source != "replica":
        raise ValueError(f"unknown source {source!r}: replica or corpus")
    copies = copies_for(triples)
    entry = cache_dir / _key(copies, flavour)
    meta_file = entry / "meta.json"
    if meta_file.exists():
        meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8"))
        meta["cached"] = True
        return BenchGraph(entry / "graph.nq", entry / "store", meta)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache_dir))
    try:
        meta = _generate(tmp, copies, flavour)
        meta.update(scale=scale_name(triples), target_triples=triples)
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True), "utf-8")
        try:
            tmp.rename(entry)
        except OSError:  # another run made it meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    meta["cached"] = False
    return BenchGraph(entry / "graph.nq", entry / "store", meta)


def _generate(folder: Path, copies: int, flavour: str) -> dict[str, Any]:
    started = time.perf_counter()
    store = GraphStore(folder / "store")
    ox_store = store.oxigraph
    graphs: list[dict[str, Any]] = []
    faults: list[dict[str, Any]] = []
    quads = 0
    merged = folder / "default.nt"
    with (folder / "graph.nq").open("w", encoding="utf-8") as nq, merged.open("w") as nt:
        for iri, text, injected in named_graphs(copies, flavour):
            nq.write(text.replace(" .\n", f" <{iri}> .\n"))
            nt.write(text)
            n = text.count("\n")
            quads += n
            graphs.append({"graph": iri, "triples": n, "faults": len(injected)})
            faults.extend(dict(f, graph=iri) for f in injected)
    # two bulk loads: the named graphs, then their merge as the default graph
    ox_store.bulk_load(path=str(folder / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    ox_store.bulk_load(path=str(merged), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    merged.unlink()
    store.flush()
    # Compacted, as the stores `councilkg ingest` writes are: it loads in
    # batches of a few megabytes, between which RocksDB compacts, and a
    # store it wrote reads no faster after `optimize` (1.5M quads, 28
    # documents: the 21 prepared queries in 4,298 ms before and after).  Two
    # bulk loads of the whole replica, closed at once, leave it uncompacted
    # (30 tables instead of 22 at 1M triples), and every prepared query read
    # it 13-26 % slower: the bench measured a store no user has.
    ox_store.optimize()
    count = ox_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(count, ox.QuerySolutions)
    triples = int(next(iter(count))["n"].value)
    del store, ox_store
    minter = Minter()
    return {
        "schema": 1,
        "generator": "replica",
        "generator_version": GENERATOR_VERSION[flavour],
        "flavour": flavour,
        "copies": copies,
        "triples": triples,
        "quads": quads,
        "nquads_bytes": (folder / "graph.nq").stat().st_size,
        "reference_graph": str(minter.reference_graph()),
        "ontology_graph": str(minter.ontology_graph()),
        "graphs": graphs,
        "faults": faults,
        "generated_s": round(time.perf_counter() - started, 3),
    }


def _corpus_graph(triples: int, cache_dir: Path) -> BenchGraph:
    """The synthetic corpus (:mod:`bench.synth`, sized as a multiple of the
    seed's bytes: the copies the replica would use) ingested into a store
    the way ``councilkg ingest`` does, and exported as N-Quads.  It carries
    no injected faults: its truth files list the contradictions it has."""
    from bench import synth
    from councilkg.export.writers import export_store
    from councilkg.ingesting import load

    copies = copies_for(triples)
    entry = cache_dir / f"corpus-{copies}"
    meta_file = entry / "meta.json"
    if not meta_file.exists():
        shutil.rmtree(entry, ignore_errors=True)
        texts = entry / "texts"
        synth.write(synth.Spec(seed=1, scale=float(copies)), texts)
        started = time.perf_counter()
        store = GraphStore(entry / "store")
        load(sorted(texts.glob("*.txt")), store=store, minter=Minter(), progress=False)
        store.flush()
        export_store(store, "nquads", entry / "graph.nq")
        minter = Minter()
        graph_names = store.graphs()
        meta = {
            "schema": 1,
            "generator": "corpus",
            "flavour": "corpus",
            "copies": copies,
            "triples": store.count(),
            "quads": sum(store.count(g) for g in graph_names),
            "nquads_bytes": (entry / "graph.nq").stat().st_size,
            "reference_graph": str(minter.reference_graph()),
            "ontology_graph": str(minter.ontology_graph()),
            "graphs": [{"graph": g, "triples": store.count(g), "faults": 0} for g in graph_names],
            "faults": [],
            "generated_s": round(time.perf_counter() - started, 3),
            "scale": scale_name(triples),
            "target_triples": triples,
        }
        del store
        meta_file.write_text(json.dumps(meta, indent=1, sort_keys=True), "utf-8")
    meta = json.loads(meta_file.read_text("utf-8"))
    meta["cached"] = True
    return BenchGraph(entry / "graph.nq", entry / "store", meta)


def dump_nt(graph: BenchGraph, sources: Sequence[str | None], out: Path) -> Path:
    """Named graphs of the cached store (None: the default graph) as one
    N-Triples file, written once."""
    if out.exists():
        return out
    store = ox.Store.read_only(str(graph.store / "oxigraph"))
    tmp = out.with_suffix(".tmp")
    with tmp.open("wb") as f:
        for g in sources:
            target = ox.NamedNode(g) if g is not None else ox.DefaultGraph()
            store.dump(f, ox.RdfFormat.N_TRIPLES, from_graph=target)
    tmp.rename(out)
    return out


def merged_nt(graph: BenchGraph) -> Path:
    """The default graph (the merge of the named graphs) as N-Triples."""
    return dump_nt(graph, [None], graph.nquads.parent / "merged.nt")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench graphs 10k 100k``: generate (or find) and describe."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.graphs",
        description="Generate (or find in the cache) the benchmark graphs and describe them.",
    )
    parser.add_argument("sizes", nargs="*", default=["tiny"], help="tiny, 10k, 100k, 1M, 10M…")
    args = parser.parse_args(argv)
    for arg in args.sizes:
        for flavour in FLAVOURS:
            g = graph_at(arg, flavour=flavour)
            m = g.meta
            print(
                f"{arg:>6} {flavour:6} copies {m['copies']:>5} triples {m['triples']:>10,} "
                f"faults {len(m['faults']):>3} cached {m['cached']} "
                f"({m['generated_s']} s) {g.nquads.parent}",
                file=sys.stderr if os.environ.get("QUIET") else sys.stdout,
            )

    return 0


if __name__ == "__main__":
    sys.exit(main())
