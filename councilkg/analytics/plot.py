"""Plots of the analytics graphs: a heatmap for co-voting, a drawn network
for the other views, written as PNG or SVG.

Why no pyplot: figures are built as :class:`matplotlib.figure.Figure`
objects and saved through the Agg canvas, so plotting touches no global
state, needs no display, and works the same in a script, a server and a
notebook (which can show the returned figure).

Why a font check: Chinese labels drawn with a font that lacks the glyphs
come out as empty boxes, silently.  Labels in Chinese (``lang="zh"``, or any
label with CJK characters) therefore need a CJK font, found through
matplotlib's font manager (Noto Sans/Serif CJK from Debian's
``fonts-noto-cjk`` first); without one, :class:`FontError` says which
package to install.  English labels need no CJK font.  matplotlib lists the
fonts it knows in a cache built on its first run, which does not know a
font installed later (``make demo``, then ``make test`` installing
``fonts-noto-cjk``); when it lists no CJK font, the CJK font files on disk
are added to it, so no cache has to be cleared by hand.

Outputs are deterministic: layouts are seeded, SVG ids are salted with a
constant and the SVG carries no date.  The words of the titles, in en and
zh, are in ``titles.toml`` beside this module.
"""

from __future__ import annotations

import math
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

__all__ = [
    "PLOT_FORMATS",
    "FontError",
    "PlotInfo",
    "covoting_figure",
    "figure_for",
    "find_cjk_font",
    "network_figure",
    "save_plot",
]

PLOT_FORMATS = (".png", ".svg")
CJK_PREFERRED = (
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Noto Serif CJK TC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
LATIN = "DejaVu Sans"
INSTALL_HINT = (
    "install a CJK font: on Debian/Ubuntu `apt-get install fonts-noto-cjk` (Noto Sans CJK)"
)
# How the files of the CJK_PREFERRED families are named (Noto and Source Han
# "…CJK…", WenQuanYi "wqy-…", AR PL "uming"/"ukai", Droid "DroidSansFallback…"),
# lower case: the files worth adding to matplotlib's list when its cache
# predates them (opening every font on the machine to look for 中 would not be).
CJK_FILE_HINTS = ("cjk", "sourcehan", "wqy", "uming", "ukai", "droidsansfallback")
MAX_NODES = 150  # a drawn network stays readable (and small for the layout)
SEED = 7


@cache
def _words() -> dict[str, Any]:
    """The words of the titles (``titles.toml`` beside this module)."""
    text = resources.files("councilkg.analytics").joinpath("titles.toml").read_text("utf-8")
    return tomllib.loads(text)


def _phrase(name: str, lang: str, **values: object) -> str:
    return str(_words()["phrase"][name][lang]).format(**values)


class FontError(RuntimeError):
    """Chinese labels were asked for and no CJK font is installed."""


@dataclass(frozen=True, slots=True)
class PlotInfo:
    """What :func:`save_plot` wrote and with which fonts."""

    path: Path
    format: str
    fonts: tuple[str, ...]  # the font families, in matplotlib's fallback order
    cjk_font: str | None  # the CJK family, when one was found
    cjk_font_file: str | None
    texts: tuple[str, ...]  # every text drawn: title, tick labels, node labels


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds CJK characters (ideographs, kana, full-width forms).

    >>> has_cjk("China"), has_cjk("中国"), has_cjk("S/RES/2231 (2015)")
    (False, True, False)
    """
    return any(
        unicodedata.east_asian_width(ch) in "WF" and not ch.isspace() and ch.isprintable()
        for ch in text
    )


def find_cjk_font() -> tuple[str, str] | None:
    """A CJK font family known to matplotlib and its file, or None.

    The preferred families first (Noto Sans CJK SC …), then any family whose
    name says CJK; a family counts only if the face matplotlib would use for
    it has the glyph 中.
    """
    from matplotlib import font_manager

    found = _known_cjk_font(font_manager)
    if found is None and _add_cjk_files_on_disk(font_manager):
        found = _known_cjk_font(font_manager)
    return found


def _add_cjk_files_on_disk(font_manager: Any) -> bool:
    """Add the CJK font files on this machine to matplotlib's list.

    matplotlib keeps its font list in a cache built the first time it runs;
    a font installed after that (``apt-get install fonts-noto-cjk`` after a
    first plot) is not in it.  Only this process's list changes (the cache
    file is matplotlib's to write); looking the files up again costs some 50
    ms a process, and only in processes that draw Chinese.  Returns whether
    any file was added.
    """
    added = False
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in sorted(font_manager.findSystemFonts()):
        name = Path(path).name.lower().replace("-", "").replace("_", "")
        if path in known or not any(hint in name for hint in CJK_FILE_HINTS):
            continue
        try:
            font_manager.fontManager.addfont(path)
            added = True
        except (OSError, RuntimeError, ValueError):  # unreadable: try the next
            continue
    return added


def _known_cjk_font(font_manager: Any) -> tuple[str, str] | None:
    """The preferred CJK family in matplotlib's list whose face has 中."""
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    candidates = [n for n in CJK_PREFERRED if n in names]
    candidates += sorted(n for n in names if "CJK" in n and n not in candidates)
    for name in candidates:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=name), fallback_to_default=False
            )
            if font_manager.get_font(path).get_char_index(ord("中")):
                return name, str(path)
        except (OSError, RuntimeError, ValueError):  # unreadable or vanished: try the next
            continue
    return None


@contextmanager
def _fonts(
    texts: Iterable[str], lang: str
) -> Iterator[tuple[tuple[str, ...], tuple[str, str] | None]]:
    """matplotlib settings for drawing ``texts``: the font families and the
    CJK font (None if not needed and not found).

    Raises:
        FontError: CJK text (or ``lang == "zh"``) and no CJK font.
    """
    import matplotlib as mpl

    needs = lang == "zh" or any(has_cjk(t) for t in texts)
    cjk = find_cjk_font()
    if needs and cjk is None:
        raise FontError(f"Chinese labels need a CJK font and matplotlib finds none: {INSTALL_HINT}")
    if cjk is None:
        families: tuple[str, ...] = (LATIN,)
    elif lang == "zh":
        families = (cjk[0], LATIN)
    else:
        families = (LATIN, cjk[0])
    settings: Any = {
        "font.family": list(families),
        "svg.hashsalt": "councilkg",
        "axes.unicode_minus": False,
    }
    with mpl.rc_context(settings):
        yield families, cjk


def _label(attrs: dict[str, Any], lang: str) -> str:
    return str(attrs.get(f"label_{lang}") or attrs.get("label_en") or attrs.get("iri", ""))


def _title(g: Any, lang: str, extra: str = "") -> str:
    view = str(g.graph.get("view", ""))
    words = str(_words()["view"].get(view, {}).get(lang, view))
    year = g.graph.get("year")
    when = str(year) if year is not None else _phrase("all_years", lang)
    return f"{words} — {when}" + (f" ({extra})" if extra else "")


def covoting_figure(g: Any, lang: str = "en") -> Any:
    """The co-voting graph as a heatmap of agreement (members in ISO3 order;
    blank where two members never voted on the same text)."""
    from matplotlib.figure import Figure

    members = sorted(g.nodes, key=lambda v: (g.nodes[v].get("iso3", ""), v))
    names = [_label(g.nodes[v], lang) for v in members]
    title = _title(g, lang, _phrase("vote_events", lang, n=g.graph.get("vote_events", 0)))
    with _fonts([*names, title], lang):
        n = len(members)
        size = max(4.0, 0.45 * n + 2.5)
        fig = Figure(figsize=(size + 1.2, size), layout="constrained")
        ax = fig.add_subplot()
        ax.set_title(title)
        if n == 0:
            ax.set_axis_off()
            return fig
        matrix = [
            [
                1.0 if a == b else (g.edges[a, b]["agreement"] if g.has_edge(a, b) else math.nan)
                for b in members
            ]
            for a in members
        ]
        image = ax.imshow(matrix, cmap="RdYlGn", vmin=0.0, vmax=1.0)
        ax.set_xticks(range(n), names, rotation=90)
        ax.set_yticks(range(n), names)
        if n <= 20:
            for i, row in enumerate(matrix):
                for j, cell in enumerate(row):
                    if not math.isnan(cell):
                        ax.text(j, i, f"{cell:.2f}", ha="center", va="center", fontsize=7)
        fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def _subgraph(g: Any, max_nodes: int) -> Any:
    """The ``max_nodes`` best-connected nodes (degree, then id), induced."""
    if g.number_of_nodes() <= max_nodes:
        return g
    ranked = sorted(g.nodes, key=lambda v: (-g.degree(v), str(v)))
    keep = set(ranked[:max_nodes])
    return g.subgraph([v for v in g.nodes if v in keep])


def _column(nodes: list[Any], x: float) -> dict[Any, tuple[float, float]]:
    if len(nodes) == 1:
        return {nodes[0]: (x, 0.0)}
    step = 2.0 / (len(nodes) - 1)
    return {v: (x, 1.0 - i * step) for i, v in enumerate(nodes)}


def _layout(g: Any) -> dict[Any, tuple[float, float]]:
    """Positions: actors left and events right (by date) for participation,
    a seeded force layout otherwise (deterministic for equal graphs)."""
    if g.graph.get("view") == "participation":
        actors = [v for v, a in g.nodes(data=True) if a.get("bipartite") == 0]
        events = [v for v, a in g.nodes(data=True) if a.get("bipartite") != 0]
        if actors and events:
            actors.sort(key=lambda v: (str(g.nodes[v].get("kind")), str(v)))
            events.sort(key=lambda v: (str(g.nodes[v].get("date", "")), str(v)))
            return {**_column(actors, -1.0), **_column(events, 1.0)}
    pos = nx.spring_layout(g.to_undirected(as_view=True), seed=SEED, method="force")
    return {v: (float(x), float(y)) for v, (x, y) in pos.items()}


_INVITED = "#C44E52"  # participation edges of an invitation
_COLOURS = {
    "State": "#4C72B0",
    "Role": "#DD8452",
    "Organization": "#55A868",
    "Meeting": "#8172B3",
    "Videoconference": "#937860",
    "Footnote": "#B0B0B0",
    "SourcePassage": "#D0D0D0",
}


def network_figure(g: Any, lang: str = "en", max_nodes: int = MAX_NODES) -> Any:
    """A drawn network: node size by weight of ties (or in-degree for
    documents), edge width by weight, labels in ``lang``.  Citing units of
    the citation graph are drawn unlabelled (they are many)."""
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    h = _subgraph(g, max_nodes)
    shown = h.number_of_nodes()
    extra = (
        _phrase("shown", lang, shown=shown, total=g.number_of_nodes())
        if shown < g.number_of_nodes()
        else ""
    )
    title = _title(g, lang, extra)
    labelled = [v for v, a in h.nodes(data=True) if a.get("role") != "citing"]
    names = {v: _label(h.nodes[v], lang) for v in labelled}
    with _fonts([*names.values(), title], lang):
        fig = Figure(figsize=(11, 8.5), layout="constrained")
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_title(title)
        if shown == 0:
            return fig
        pos = _layout(h)
        weights = [float(a.get("weight", 1) or 1) for _, _, a in h.edges(data=True)]
        top = max(weights, default=1.0)
        segments = [(pos[u], pos[v]) for u, v in h.edges]
        colours = [_INVITED if a.get("invited") else "#999999" for _, _, a in h.edges(data=True)]
        ax.add_collection(
            LineCollection(
                segments,
                linewidths=[0.5 + 2.5 * w / top for w in weights],
                colors=colours,
                alpha=0.6,
                zorder=1,
            )
        )
        order = list(h.nodes)
        strength = [
            float(h.nodes[v].get("in_degree", h.degree(v, weight="weight")) or 0) for v in order
        ]
        biggest = max(strength, default=1.0) or 1.0
        ax.scatter(
            [pos[v][0] for v in order],
            [pos[v][1] for v in order],
            s=[40 + 400 * s / biggest for s in strength],
            c=[_COLOURS.get(str(h.nodes[v].get("kind")), "#C44E52") for v in order],
            edgecolors="white",
            linewidths=0.5,
            zorder=2,
        )
        bipartite = h.graph.get("view") == "participation"
        for v, name in names.items():
            side = h.nodes[v].get("bipartite", -1) if bipartite else -1
            ha, dx, dy = {0: ("right", -8, 0), 1: ("left", 8, 0)}.get(side, ("center", 0, 7))
            ax.annotate(
                name,
                pos[v],
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=8,
                ha=ha,
                va="center" if side in (0, 1) else "bottom",
                zorder=3,
            )
        ax.autoscale_view()
        ax.margins(x=0.05 if bipartite else 0.12, y=0.08)
    return fig


def figure_for(g: Any, lang: str = "en") -> Any:
    """The plot that suits the graph's view: a heatmap for co-voting, a network otherwise."""
    if g.graph.get("view") == "covoting":
        return covoting_figure(g, lang)
    return network_figure(g, lang)


def save_plot(g: Any, path: str | Path, lang: str = "en") -> PlotInfo:
    """Draw ``g`` (:func:`figure_for`) and save it as PNG or SVG (from the extension).

    Raises:
        ValueError: not ``.png`` or ``.svg``.
        FontError: Chinese labels and no CJK font.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in PLOT_FORMATS:
        raise ValueError(
            f"{path}: unknown plot format {suffix or '(no extension)'!r}; "
            f"expected one of {', '.join(PLOT_FORMATS)}"
        )
    fig = figure_for(g, lang)
    texts = [t.get_text() for t in fig.findobj(_is_text)]
    target.parent.mkdir(parents=True, exist_ok=True)
    with _fonts(texts, lang) as (families, cjk):
        metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
        fig.savefig(target, format=suffix[1:], dpi=150, metadata=metadata, bbox_inches="tight")
    return PlotInfo(
        path=target,
        format=suffix[1:],
        fonts=families,
        cjk_font=cjk[0] if cjk else None,
        cjk_font_file=cjk[1] if cjk else None,
        texts=tuple(t for t in texts if t),
    )


def _is_text(artist: Any) -> bool:
    from matplotlib.text import Text

    return isinstance(artist, Text)
