"""Writing and reading the analytics graphs: GraphML, GEXF and JSON.

Why a conversion step: the graphs keep Python values that say what they
mean (None for "undefined", lists of footnotes, dates), but GraphML and
GEXF hold only scalars, and networkx refuses None there.  So, on export,
deterministically:

- None (an undefined kappa, a missing record) and NaN leave the attribute
  out — a reader sees "no value", never a fake 0 or the text "None";
- lists, tuples and sets become one string, items separated by spaces
  (the project's convention for lists of ISO3 codes and symbols);
- dates become ISO 8601 text; other non-scalars their ``str``;
- every node gets ``label`` (its ``label_en`` or ``label_zh``): the
  attribute Gephi shows.

JSON (networkx node-link data, ``"edges"`` key) keeps lists and nulls.
Output is byte-identical for equal graphs: nodes and edges in graph order,
and GEXF's ``lastmodifieddate`` (the day of writing) is left out.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import networkx as nx

__all__ = ["FORMATS", "export_graph", "graph_text", "read_graph", "write_graph"]

FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".json": "json"}
_GEXF_DATE = re.compile(r' lastmodifieddate="[^"]*"')


def format_of(path: str | Path) -> str:
    """The format named by a file's extension.

    Raises:
        ValueError: not ``.graphml``, ``.gexf`` or ``.json``.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"{path}: unknown graph format {suffix or '(no extension)'!r}; "
            f"expected one of {', '.join(FORMATS)}"
        )
    return FORMATS[suffix]


def _scalar(value: Any) -> Any:
    """A GraphML/GEXF-safe value, or None to leave the attribute out."""
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return " ".join(str(_scalar(v)) for v in value if _scalar(v) is not None)
    if isinstance(value, set | frozenset):
        return " ".join(sorted(str(_scalar(v)) for v in value if _scalar(v) is not None))
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def export_graph(g: Any, fmt: str, lang: str = "en") -> Any:
    """A copy of ``g`` whose attributes ``fmt`` can hold (see the module docstring)."""
    convert = _jsonable if fmt == "json" else _scalar

    def clean(attrs: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, val in attrs.items():
            conv = convert(val)
            if conv is not None or fmt == "json":
                out[key] = conv
        return out

    h = g.__class__()
    h.graph.update(clean(dict(g.graph)))
    for v, attrs in g.nodes(data=True):
        node = clean(dict(attrs))
        label = attrs.get(f"label_{lang}") or attrs.get("label_en")
        if label:
            node["label"] = label
        h.add_node(v, **node)
    for u, v, attrs in g.edges(data=True):
        h.add_edge(u, v, **clean(dict(attrs)))
    return h


def graph_text(g: Any, fmt: str, lang: str = "en") -> str:
    """``g`` serialised as ``graphml``, ``gexf`` or ``json`` text."""
    h = export_graph(g, fmt, lang)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(h)) + "\n"
    if fmt == "gexf":
        lines = [_GEXF_DATE.sub("", line) for line in nx.generate_gexf(h)]
        return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(lines) + "\n"
    if fmt == "json":
        data = nx.node_link_data(h, edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    raise ValueError(f"unknown graph format {fmt!r}; expected one of graphml, gexf, json")


def write_graph(g: Any, path: str | Path, lang: str = "en") -> Path:
    """Write ``g`` to ``path`` in the format its extension names
    (``.graphml``, ``.gexf``, ``.json``); ``label`` in ``lang``.

    Raises:
        ValueError: unknown extension.
    """
    target = Path(path)
    fmt = format_of(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(graph_text(g, fmt, lang), encoding="utf-8", newline="\n")
    return target


def read_graph(path: str | Path) -> Any:
    """Read a graph written by :func:`write_graph` (any of the three formats)."""
    source = Path(path)
    fmt = format_of(source)
    if fmt == "graphml":
        return nx.read_graphml(source)
    if fmt == "gexf":
        return nx.read_gexf(source)
    data = json.loads(source.read_text(encoding="utf-8"))
    return nx.node_link_graph(data, edges="edges")
