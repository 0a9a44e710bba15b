"""Linked-data export: the graph as files in the standard RDF formats.

``writers`` streams the store into each format (sorted, deduplicated, byte
for byte the same for the same graph), ``files`` reads and writes graph files
named by extension, ``void`` describes the dataset (VoID, DCAT).
"""
