"""The one accessor for the declarative artefacts: ontology, shapes, queries
and the bundled sample.

In a wheel they are package data under ``councilkg/_resources/`` (see
``pyproject.toml``); in a source checkout (editable install, tests) they are
the top-level folders of the repository.  Code never builds these paths
itself.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

KINDS = ("ontology", "shapes", "queries", "samples")
_REPO_DIRS = {
    "ontology": "ontology",
    "shapes": "shapes",
    "queries": "queries",
    "samples": "data/samples",
}


def resource_dir(kind: str) -> Traversable:
    """The folder of one kind of artefact.

    Raises:
        KeyError: unknown kind.
        FileNotFoundError: the artefacts are neither packaged nor in a checkout.
    """
    if kind not in KINDS:
        raise KeyError(f"unknown resource kind {kind!r}; expected one of {', '.join(KINDS)}")
    packaged = resources.files("councilkg").joinpath("_resources", kind)
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[1] / _REPO_DIRS[kind]
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"no {kind} folder: neither packaged nor in a source checkout")


def resource_files(kind: str, suffix: str = "") -> list[Traversable]:
    """Files of one kind, sorted by name, optionally filtered by suffix."""
    return sorted(
        (f for f in resource_dir(kind).iterdir() if f.is_file() and f.name.endswith(suffix)),
        key=lambda f: f.name,
    )


def read_text(kind: str, name: str) -> str:
    """The text of one artefact file."""
    return resource_dir(kind).joinpath(name).read_text(encoding="utf-8")


def ontology_text() -> str:
    """The ontology in Turtle."""
    return read_text("ontology", "councilkg.ttl")


def ontology_lines() -> list[str]:
    """The ontology as sorted N-Triples lines (to load it as a named graph)."""
    import pyoxigraph as ox

    triples = ox.parse(ontology_text(), format=ox.RdfFormat.TURTLE)
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert text is not None
    return sorted(set(text.decode("utf-8").splitlines(keepends=True)))


def sample_path() -> Path:
    """The bundled sample (the 2020 Chinese excerpt) as a filesystem path."""
    f = resource_dir("samples").joinpath("000_e9c79a4311407cd1.txt")
    return Path(str(f))


def context_path() -> Path:
    """The published JSON-LD ``@context`` (``ontology/context.jsonld``) as a
    filesystem path, to be served as-is."""
    return Path(str(resource_dir("ontology").joinpath("context.jsonld")))


def context_text() -> str:
    """The text of the published JSON-LD ``@context``."""
    return read_text("ontology", "context.jsonld")
