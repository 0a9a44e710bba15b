"""The ingest: Repertoire text → typed records → RDF, with provenance.

The folder sits at the top of the repository, where readers look for it, and
is the package ``councilkg.ingest`` (``councilkg/ingest`` links here; the wheel
ships it there), so the project installs no top-level package but its own.
Imported under any other name (``import ingest`` from the checkout) it would be
a second copy of every module, with classes that do not compare equal to the
first copy's; that is refused here rather than found later.
"""

if __name__ != "councilkg.ingest":  # pragma: no cover - a wrong import path
    raise ImportError(f"import this package as councilkg.ingest, not {__name__}")
