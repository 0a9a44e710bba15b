"""Write ``council-practice-2020.ipynb`` from the cells below (outputs stripped).

Why a generator: the notebook is reviewed as Python here, committed without
outputs or execution counts (so diffs show only what changed), and the test
suite checks that the committed file is exactly what this script writes,
then executes it.  Run ``python notebooks/build.py`` after editing a cell.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOK = Path(__file__).with_name("council-practice-2020.ipynb")

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """# The practice of the Security Council in 2020: a first walk through the graph

This notebook takes a new user from the bundled sample of the *Repertoire of the
Practice of the Security Council* (an excerpt of the Chinese edition for 2020) to
answers and pictures:

1. ingest the sample into a store of its own;
2. ask the graph prepared questions (`councilkg queries`);
3. the vote on draft resolution S/2020/797, as a table and a chart;
4. co-voting: how often members voted alike (a heatmap);
5. citations: which documents the Repertoire cites most;
6. the same questions through SPARQLWrapper against a SPARQL endpoint
   (`councilkg serve`), giving the same answers.

Everything below is the `councilkg` Python API; the command line offers the same
(`councilkg ingest`, `councilkg query`, `councilkg analyze`).""",
    ),
    (
        "code",
        """# Parameters: the year the sample covers and the draft whose vote we look at.
YEAR = 2020
DRAFT = "S/2020/797\"""",
    ),
    ("md", "## 1. Ingest the bundled sample into a temporary store"),
    (
        "code",
        """import gc
import tempfile
from pathlib import Path

from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.store import GraphStore

workdir = Path(tempfile.mkdtemp(prefix="councilkg-notebook-"))
store_path = workdir / "store"
writer = GraphStore(store_path)
report = load([sample_path()], store=writer, minter=Minter(), progress=False)
for f in report.files:
    print(f"{Path(f.path).name}: {f.records} records, {f.triples} triples")
print(f"reference graph: {report.reference_triples} triples")
# Close the writer and reopen the store read-only, so a server can share it.
del writer
gc.collect()
store = GraphStore(store_path, read_only=True)
print(f"{store.count():,} triples in the merged default graph")""",
    ),
    (
        "md",
        """## 2. Prepared queries

Each question is a reviewed SPARQL file with typed parameters; values are
validated (a UN symbol, a State by ISO3 or name, an item by key or title) and
bound as RDF terms.""",
    ),
    (
        "code",
        """from councilkg.queries import bind, format_catalogue, run

print(format_catalogue("en"))""",
    ),
    (
        "code",
        """meetings = run(bind("meetings-by-item", {"year": YEAR}), store=store, labels=True)
print(meetings.to_table("en"))""",
    ),
    (
        "md",
        """## 3. The vote on S/2020/797

Each member's position, and whether it sat as a permanent or an elected member
on the day of the vote.""",
    ),
    (
        "code",
        """votes = run(bind("votes-on-draft", {"symbol": DRAFT}), store=store, labels=True)
print(votes.to_table("en"))
print(votes.to_table("zh"))""",
    ),
    (
        "code",
        """from collections import defaultdict

import matplotlib.pyplot as plt

members_by_position = defaultdict(list)
for row in votes.records():
    position = votes.label(row["position"].value, "en")
    members_by_position[position].append(row["iso3"].value)
order = sorted(members_by_position, key=lambda p: -len(members_by_position[p]))
fig, ax = plt.subplots(figsize=(8, 3))
bars = ax.barh(order, [len(members_by_position[p]) for p in order], color="#4C72B0")
for bar, position in zip(bars, order, strict=True):
    ax.text(
        bar.get_width() + 0.1,
        bar.get_y() + bar.get_height() / 2,
        " ".join(sorted(members_by_position[position])),
        va="center",
        fontsize=8,
    )
ax.set_xlabel("members")
ax.set_title(f"Vote on {DRAFT}")
ax.set_xlim(0, 16)
plt.show()""",
    ),
    (
        "md",
        """## 4. Co-voting

Members are linked by their **agreement**: the share of the vote events both took
part in where they took the same position (failed drafts included). With a
single vote, agreement is 0 or 1 and Cohen's kappa is mostly undefined (`None`);
over a full year of votes kappa corrects agreement for chance.""",
    ),
    (
        "code",
        """from IPython.display import Image, display

from councilkg.analytics import covoting_graph, save_plot
from councilkg.analytics.summary import summary_line, summary_table

covoting = covoting_graph(store, year=YEAR)
print(summary_line(covoting))
print(summary_table(covoting, "en", top=5))
heatmap = save_plot(covoting, workdir / "covoting.png", lang="en")
display(Image(filename=str(heatmap.path)))""",
    ),
    (
        "code",
        """# The same heatmap with Chinese labels (drawn with a CJK font).
heatmap_zh = save_plot(covoting, workdir / "covoting-zh.png", lang="zh")
print("font:", heatmap_zh.cjk_font)
display(Image(filename=str(heatmap_zh.path)))""",
    ),
    (
        "md",
        """## 5. Citations

Footnotes, passages and videoconference record notes → the documents they cite.
The most cited documents have the highest in-degree; PageRank breaks ties (a
footnote listing ten letters counts less for each of them).""",
    ),
    (
        "code",
        """from councilkg.analytics import citation_graph, most_cited

citations = citation_graph(store, year=YEAR)
print(summary_line(citations))
for doc in most_cited(citations, 5):
    print(f"{doc.symbol:<18} {doc.kind:<22} cited by {doc.in_degree}  pagerank {doc.pagerank:.3f}")
network = save_plot(citations, workdir / "citations.png", lang="en")
display(Image(filename=str(network.path)))""",
    ),
    (
        "code",
        """# Coalitions (States listed together in footnote positions) and the timeline of items.
from councilkg.analytics import coalition_graph, item_timeline

coalitions = coalition_graph(store, year=YEAR)
print(summary_table(coalitions, "en", top=5))
print(item_timeline(store, year=YEAR).to_table("en"))""",
    ),
    (
        "md",
        """## 6. The same questions through a SPARQL endpoint

`councilkg serve` publishes the store over the SPARQL 1.1 Protocol. If the
environment variable `COUNCILKG_ENDPOINT` names an endpoint (the test suite
sets it), the notebook uses it; otherwise it starts `councilkg serve` for its
own store on 127.0.0.1 and stops it at the end.""",
    ),
    (
        "code",
        """import os

from councilkg.server import start_server

endpoint = os.environ.get("COUNCILKG_ENDPOINT")
server = None
if not endpoint:
    server = start_server(store_path, workers=1)
    endpoint = server.endpoint
print("endpoint:", endpoint)""",
    ),
    (
        "code",
        """from SPARQLWrapper import JSON, SPARQLWrapper

# The prepared query's text, with the draft bound, sent as is.
client = SPARQLWrapper(endpoint)
client.setQuery(bind("votes-on-draft", {"symbol": DRAFT}).sparql)
client.setReturnFormat(JSON)
answer = client.queryAndConvert()
remote = {b["iso3"]["value"]: b["position"]["value"] for b in answer["results"]["bindings"]}
local = {r["iso3"].value: r["position"].value for r in votes.records()}
assert remote == local, "the endpoint and the embedded store disagree"
print(f"{len(remote)} votes on {DRAFT}, the same from the endpoint and from the store")""",
    ),
    (
        "code",
        """# The analytics read any endpoint too: the same graphs, attribute for attribute.
remote_covoting = covoting_graph(endpoint, year=YEAR)
remote_citations = citation_graph(endpoint, year=YEAR)
assert list(remote_covoting.edges(data=True)) == list(covoting.edges(data=True))
assert [d.symbol for d in most_cited(remote_citations, 5)] == [
    d.symbol for d in most_cited(citations, 5)
]
print("co-voting and citations: the same graphs from the endpoint")""",
    ),
    (
        "code",
        """# Clean up: stop the server this notebook started, remove the temporary store.
import shutil

if server is not None:
    server.stop()
del store
gc.collect()
shutil.rmtree(workdir, ignore_errors=True)
print("done")""",
    ),
]


def build() -> Any:
    """The notebook (an ``nbformat.NotebookNode``), without outputs, with stable cell ids."""
    cells = []
    for i, (kind, source) in enumerate(CELLS, start=1):
        make: Any = new_markdown_cell if kind == "md" else new_code_cell
        cell = make(source)
        cell["id"] = f"cell-{i:02d}"
        cells.append(cell)
    nb = new_notebook(cells=cells)  # type: ignore[no-untyped-call]
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    return nb


def text() -> str:
    """The notebook file's text."""
    body: str = nbformat.writes(build())  # type: ignore[no-untyped-call]
    return body + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the notebook (``--check``: exit 1 if the committed file differs)."""
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        same = NOTEBOOK.exists() and NOTEBOOK.read_text(encoding="utf-8") == text()
        print(f"{NOTEBOOK.name}: {'up to date' if same else 'out of date'}")
        return 0 if same else 1
    NOTEBOOK.write_text(text(), encoding="utf-8")
    print(f"wrote {NOTEBOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
