"""The command line of the synthetic corpus generator: options onto a
:class:`~bench.synth.corpus.Spec`, the corpus written into a folder.

Usage::

    python -m bench.synth --scale 10 --seed 1 --out DIR
    python -m bench.synth --years 2019-2021 --items-per-year 6 --out DIR

Why apart from the generator: the library (:mod:`bench.synth`) is imported
by the benchmarks and the tests, which describe a corpus with a ``Spec``;
only a person at a shell needs ranges and shares parsed from text.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.synth import model
from bench.synth.corpus import FILE_BYTES, Spec, write

DESCRIPTION = "A synthetic Repertoire corpus with known truth, for benchmarks at scale."


def _years(text: str) -> tuple[int, ...]:
    try:
        if "-" in text:
            a, b = text.split("-", 1)
            return tuple(range(int(a), int(b) + 1))
        return tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--years: expected 2019-2021 or 2019,2020: {text!r}"
        ) from None


def _range(text: str) -> tuple[int, int]:
    try:
        a, _, b = text.partition("-")
        lo, hi = int(a), int(b or a)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or N-M: {text!r}") from None
    if lo < 0 or hi < lo:
        raise argparse.ArgumentTypeError(f"expected 0 <= N <= M: {text!r}")
    return lo, hi


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1: {text!r}")
    return value


def spec_from_args(args: argparse.Namespace) -> Spec:
    """The spec the command line describes."""
    d = model.Density()
    changes: dict[str, Any] = {}
    for name in ("meetings", "videoconferences", "speakers"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    for name in (
        "decisions",
        "failed",
        "positions",
        "letters",
        "contradictions",
        "other_documents",
    ):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    return Spec(
        seed=args.seed,
        scale=args.scale,
        years=args.years or (),
        items_per_year=args.items_per_year,
        file_bytes=args.file_bytes,
        density=dataclasses.replace(d, **changes),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Write the corpus the command line describes; the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=DESCRIPTION)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--scale", type=float, default=1.0, help="size as a multiple of the seed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=_years, default=None, help="2019-2021 or 2019,2021")
    parser.add_argument("--items-per-year", type=int, default=None)
    parser.add_argument(
        "--file-bytes", type=int, default=FILE_BYTES, help="about this many per file"
    )
    parser.add_argument("--meetings", type=_range, default=None, help="per item, N or N-M")
    parser.add_argument(
        "--videoconferences", type=_range, default=None, help="per item (2020-2021)"
    )
    parser.add_argument("--speakers", type=_range, default=None, help="speaker sentences per event")
    parser.add_argument("--decisions", type=_rate, default=None, help="share of events deciding")
    parser.add_argument("--failed", type=_rate, default=None, help="share of drafts failing")
    parser.add_argument("--positions", type=_rate, default=None, help="share of events with one")
    parser.add_argument("--letters", type=_rate, default=None, help="share of events with letters")
    parser.add_argument("--contradictions", type=_rate, default=None, help="share of votes")
    parser.add_argument("--other-documents", type=_rate, default=None, help="share of meetings")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    manifest = write(spec_from_args(args), args.out)
    print(
        f"{len(manifest['files'])} file(s), {manifest['bytes']:,} bytes "
        f"({manifest['ratio_to_seed']}x the seed) in {args.out}",
        file=sys.stderr,
    )
    return 0
