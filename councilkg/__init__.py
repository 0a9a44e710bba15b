"""councilkg: a knowledge graph of the practice of the UN Security Council.

The ``ingest`` package turns Repertoire text into records and triples; this
package holds everything that uses the graph: the command line, the store,
and (as they land) queries, validation, the endpoint and analytics.
"""

__version__ = "0.1.0"
