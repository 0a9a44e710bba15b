"""The synthetic Repertoire corpus: the plan of a corpus (:class:`Spec`), its
files generated year by year, and the folder written with every file's truth
and ``manifest.json``.

It writes Chinese Repertoire text in the layout of the real edition as the
PDF extractor gives it (``data/samples/``: two columns, footnote blocks that
cut sentences and continue across pages, running headers and job-number
footers, page-end link lists, meetings and videoconferences tables with
wrapped cells, repeated headers and vote notes), one file per part of a
year, each with its truth in the gold file's schema (``*.truth.yaml``) and a
``manifest.json`` (files, bytes, SHA-256, expected record counts, and the
layout and content features each file exercises, by name and count: what a
parser must read right for the file to ingest to its truth).  Items,
roles, organizations, instruments and States come from the ingest's curated
tables, the voters of each year from the real Council membership, and every
outcome follows Article 27 unless ``Density.contradictions`` injects a
contradiction, which the truth lists as an expected diagnostic.

Why this module: it is where the budget is spent.  The scale sets a byte
budget, the years and items share it, and files are cut at about
``file_bytes``; the content comes from :mod:`bench.synth.model`, the
layout from :mod:`bench.synth.render`, the truth from
:mod:`bench.synth.truth`.  Seeded and deterministic: the same spec gives
the same bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.synth import model, render, vocab
from bench.synth import truth as truths

ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
SEED_BYTES = 23_818  # the seed's size; checked against SEED_FILE by the tests
GENERATOR = "councilkg-corpus/2"  # 2: layouts that find faults, features in the manifest
# One file holds about ten seeds (~240 kB, some eighty printed pages): the
# size of a chapter of a Part as the United Nations publishes it.  So 1x is
# one file, 1,000x some seventy, and per-file costs (and memory) stay those
# of a real file while the corpus grows.
FILE_BYTES = 10 * SEED_BYTES
# Bytes of one item section per event, and of its fixed part (calibrated on
# generated text; only used to size the plan, the byte budget then decides).
BYTES_PER_EVENT = 2_400
BYTES_PER_SECTION = 2_000


@dataclass(frozen=True, slots=True)
class Spec:
    """What to generate.  ``scale`` sets the byte budget (× the seed's size);
    the rest are the parameters the budget is spent on."""

    seed: int = 1
    scale: float = 1.0
    years: tuple[int, ...] = ()
    items_per_year: int | None = None
    file_bytes: int = FILE_BYTES
    density: model.Density = field(default_factory=model.Density)

    @property
    def target_bytes(self) -> int:
        """The corpus size asked for."""
        return round(self.scale * SEED_BYTES)

    def all_years(self) -> tuple[int, ...]:
        """The years, by default from the scale: one year for 1x (2020, the
        seed's), two for up to 10x, then 2014-2027 (the membership table's
        span; 2027, whose elected members it does not have, gets no
        member-by-member votes)."""
        if self.years:
            return self.years
        if self.scale <= 1:
            return (2020,)
        if self.scale <= 10:
            return (2020, 2021)
        return tuple(range(2014, 2028))


@dataclass(slots=True)
class GeneratedFile:
    """One file of the corpus: text, truth and what its layout did."""

    name: str
    year: int
    text: str
    truth: dict[str, Any]
    features: dict[str, int] = field(default_factory=dict)  # feature → occurrences

    @property
    def data(self) -> bytes:
        """The file's bytes."""
        return self.text.encode("utf-8")


@dataclass(slots=True)
class Corpus:
    """The generated files, in order."""

    spec: Spec
    files: list[GeneratedFile] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Total bytes."""
        return sum(len(f.data) for f in self.files)


def _job_number(seed: int, year: int) -> str:
    rng = random.Random(f"councilkg-corpus-job:{seed}:{year}")
    return f"{(year + 1) % 100:02d}-{rng.randrange(10000, 99999)}"


def _events_scale(budget: float, n_items: int, density: model.Density, vc_year: bool) -> float:
    lo, hi = density.meetings
    mean = (lo + hi) / 2
    if vc_year:
        lo, hi = density.videoconferences
        mean += (lo + hi) / 2
    per_item = 1.25 * budget / max(n_items, 1)  # a margin: the byte budget decides
    events = max((per_item - BYTES_PER_SECTION) / BYTES_PER_EVENT, 1.0)
    return max(events / mean, 0.34)


def _units(sections: list[model.Section]) -> list[list[model.Section]]:
    units: list[list[model.Section]] = []
    for s in sections:
        if units and units[-1][-1].unit == s.unit:
            units[-1].append(s)
        else:
            units.append([s])
    return units


def generate(spec: Spec) -> Corpus:
    """Generate the corpus ``spec`` describes, in memory."""
    return Corpus(spec, list(iter_files(spec)))


def iter_files(spec: Spec) -> Iterator[GeneratedFile]:
    """The corpus's files one after the other (a year is planned at a time,
    so a 1,000x corpus never has to be held in memory)."""
    years = spec.all_years()
    per_year = spec.target_bytes / len(years)
    numbering = model.Numbering.starting(years[0])
    pool = len(vocab.PLANS)
    for year in years:
        writer = model.YearWriter(spec.seed, year, spec.density, numbering)
        n_items = spec.items_per_year or pool
        if spec.items_per_year is None:
            # Small budgets: fewer, smaller sections, so the budget is met closely.
            n_items = max(3, min(pool, round(per_year / 6_000)))
        scale = _events_scale(per_year, n_items, spec.density, year in spec.density.vc_years)
        sections = writer.write(writer.plan(n_items, scale))
        yield from _render_year(spec, year, sections, per_year)


def _render_year(
    spec: Spec, year: int, sections: list[model.Section], budget: float
) -> Iterator[GeneratedFile]:
    """Lay the year's sections out into files of about ``spec.file_bytes``,
    whole items (or groups of items) per file, until the year's budget."""
    job = _job_number(spec.seed, year)
    rng = random.Random(f"councilkg-corpus-layout:{spec.seed}:{year}")
    footnotes = {fn.number: fn for s in sections for fn in s.footnotes}
    page = 1 + rng.randrange(40)
    done = 0
    part = 0
    composer: render.Composer | None = None
    in_file: list[model.Section] = []

    def close(composer: render.Composer) -> GeneratedFile:
        nonlocal done, part, page, in_file
        composer.finish()
        part += 1
        name = f"repertoire-{year}-part{part:03d}.txt"
        generator = {
            "name": GENERATOR,
            "seed": spec.seed,
            "scale": spec.scale,
            "year": year,
            "part": part,
        }
        truth = truths.truth(name, year, job, in_file, composer.rec, generator)
        features: Counter[str] = Counter(composer.rec.features)
        for section in in_file:
            features.update(section.features)
        text = composer.text()
        done += len(text.encode("utf-8"))
        page = composer.page
        in_file = []
        return GeneratedFile(name, year, text, truth, dict(sorted(features.items())))

    for unit in _units(sections):
        current = composer.size if composer is not None else 0
        estimate = sum(_estimate(s) for s in unit)
        if done + current + estimate / 2 >= budget and (done or current):
            break
        if composer is None:
            composer = render.Composer(rng, year, job, page, footnotes)
            composer.want_cut = True  # every file has a footnote continued after a break
        for section in unit:
            _render_section(composer, section)
            in_file.append(section)
        if composer.size >= spec.file_bytes:
            yield close(composer)
            composer = None
    if composer is not None:
        yield close(composer)


def _estimate(section: model.Section) -> float:
    events = len(section.meetings) + len(section.videoconferences)
    return BYTES_PER_SECTION + BYTES_PER_EVENT * events


def _render_section(composer: render.Composer, section: model.Section) -> None:
    for heading in section.headings:
        composer.add_text(heading, kind="heading")
    for paragraph in section.paragraphs:
        composer.add_text(paragraph, cut_record=True)
    for table in section.tables:
        force = composer.rec.repeated_headers == 0 and len(table.rows) > 1
        composer.add_table(table, force_break=force)


# --------------------------------------------------------------------------
# writing


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: a date shared by two facts is written twice."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_truth(truth: dict[str, Any]) -> str:
    """YAML of a truth (dates as YAML dates, keys in schema order)."""
    return yaml.dump(truth, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write(spec: Spec, out: Path, files_in: Iterable[GeneratedFile] | None = None) -> dict[str, Any]:
    """Generate (or take) the files, write them, their truths and
    ``manifest.json`` into ``out``; the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for f in files_in if files_in is not None else iter_files(spec):
        data = f.data
        (out / f.name).write_bytes(data)
        truth_name = f.name.removesuffix(".txt") + ".truth.yaml"
        (out / truth_name).write_text(dump_truth(f.truth), encoding="utf-8")
        files.append(
            {
                "file": f.name,
                "truth": truth_name,
                "year": f.year,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "expected": truths.counts(f.truth),
                "features": f.features,
            }
        )
    manifest = manifest_of(spec, files)
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def manifest_of(spec: Spec, files: list[dict[str, Any]]) -> dict[str, Any]:
    """The manifest: what was asked, and each file with its size, hash and counts."""
    totals: dict[str, int] = {}
    features: Counter[str] = Counter()
    for f in files:
        for k, v in f["expected"].items():
            totals[k] = totals.get(k, 0) + v
        features.update(f.get("features", {}))
    return {
        "generator": GENERATOR,
        "spec": {
            "seed": spec.seed,
            "scale": spec.scale,
            "years": list(spec.all_years()),
            "items_per_year": spec.items_per_year,
            "file_bytes": spec.file_bytes,
            "density": dataclasses.asdict(spec.density),
        },
        "seed_bytes": SEED_BYTES,
        "target_bytes": spec.target_bytes,
        "bytes": sum(f["bytes"] for f in files),
        "ratio_to_seed": round(sum(f["bytes"] for f in files) / SEED_BYTES, 3),
        "files": files,
        "expected": totals,
        "features": dict(sorted(features.items())),
    }
