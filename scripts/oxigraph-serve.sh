#!/usr/bin/env bash
# Start a local Oxigraph SPARQL server (the `oxigraph` binary of the PyPI
# package `oxigraph`, installed into .venv if it is missing), for
# `councilkg push` / `councilkg query --endpoint`:
#
#   scripts/oxigraph-serve.sh [DATA_DIR] [HOST:PORT]     # default .councilkg-oxigraph/ 127.0.0.1:7878
#   .venv/bin/councilkg push  --endpoint http://127.0.0.1:7878/store
#   .venv/bin/councilkg query votes-on-draft --param symbol=S/2020/797 \
#       --endpoint http://127.0.0.1:7878/query
#
# The server runs with its default settings: queries see the default graph
# only (no --union-default-graph), which `councilkg push` fills with the
# merge of the named graphs, so prepared queries answer as on the store.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.5.13
DATA=${1:-.councilkg-oxigraph}
BIND=${2:-127.0.0.1:7878}
if [ ! -x .venv/bin/oxigraph ]; then
    .venv/bin/python -m pip install --quiet "oxigraph==${VERSION}"
fi
mkdir -p "$DATA"
exec .venv/bin/oxigraph serve --location "$DATA" --bind "$BIND"
