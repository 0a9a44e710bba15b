"""Linked-data export: the graph as files in the standard RDF formats.

``formats`` is the one registry of RDF graph formats (names, extensions,
media types, writers), ``serializers`` holds the deterministic writers,
``writers`` streams the store into any export format (sorted, deduplicated,
byte for byte the same for the same graph), ``files`` reads and writes graph
files named by extension, ``void`` describes the dataset (VoID, DCAT).
"""
