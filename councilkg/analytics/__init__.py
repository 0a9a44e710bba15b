"""Graph analytics of Council practice: networkx views built from the
prepared queries, on the embedded store or any SPARQL endpoint.

- :func:`covoting_graph` — members weighted by voting agreement (and Cohen's kappa);
- :func:`citation_graph` — footnotes and passages → the documents they cite
  (:func:`most_cited`: in-degree and PageRank);
- :func:`coalition_graph` — States co-listed in the same footnote positions;
- :func:`participation_graph` — actors ↔ meetings and videoconferences,
  with the rule of invitation on the edge;
- :func:`item_timeline` — events per agenda item and month, as a table;
- :func:`write_graph` / :func:`read_graph` — GraphML, GEXF, JSON;
  :func:`save_plot` — PNG or SVG (heatmap or network).

Each view takes a :class:`~councilkg.store.GraphStore`, an endpoint URL or a
:class:`Source`, and an optional year.
"""

from __future__ import annotations

from councilkg.analytics.citations import CitedDocument, citation_graph, most_cited, pagerank
from councilkg.analytics.coalitions import coalition_graph
from councilkg.analytics.covoting import Agreement, agreement, cohen_kappa, covoting_graph
from councilkg.analytics.io import read_graph, write_graph
from councilkg.analytics.participation import participation_graph
from councilkg.analytics.plot import FontError, PlotInfo, figure_for, find_cjk_font, save_plot
from councilkg.analytics.source import Labels, Source, as_source
from councilkg.analytics.timeline import Timeline, TimelineRow, item_timeline

VIEWS = {
    "covoting": covoting_graph,
    "citations": citation_graph,
    "coalitions": coalition_graph,
    "participation": participation_graph,
}

__all__ = [
    "VIEWS",
    "Agreement",
    "CitedDocument",
    "FontError",
    "Labels",
    "PlotInfo",
    "Source",
    "Timeline",
    "TimelineRow",
    "agreement",
    "as_source",
    "citation_graph",
    "coalition_graph",
    "cohen_kappa",
    "covoting_graph",
    "figure_for",
    "find_cjk_font",
    "item_timeline",
    "most_cited",
    "pagerank",
    "participation_graph",
    "read_graph",
    "save_plot",
    "write_graph",
]
