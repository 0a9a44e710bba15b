#!/usr/bin/env bash
# Run a throw-away Virtuoso (Debian's virtuoso-opensource 7.2) for the tests,
# in the foreground, until it is sent SIGTERM/SIGINT:
#
#   scripts/virtuoso-serve.sh DATA_DIR HTTP_PORT ISQL_PORT
#
# DATA_DIR/virtuoso.ini is Debian's /etc/virtuoso-opensource-7/virtuoso.ini with
# only these changes: the database, temp database, log and lock files in DATA_DIR;
# [Parameters] ServerPort = 127.0.0.1:ISQL_PORT; [HTTPServer] ServerPort =
# 127.0.0.1:HTTP_PORT (and [URIQA] DefaultHost, which names that port).  Nothing
# else is configured; in particular no default graph: the SPARQL endpoint is "as
# installed".  A new DATA_DIR gets a new database, whose DBA account is always
# dba / dba (Virtuoso's built-in default; Debian's debconf password only goes to
# the system database under /var/lib), so the tests know it.
#
# Then the one change our README tells users to make, so that the anonymous
# endpoints (/sparql's SPARQL Update and the Graph Store Protocol endpoint
# /sparql-graph-crud) accept writes; run as dba with isql-vt:
#
#   GRANT SPARQL_UPDATE TO "SPARQL";
#       those endpoints run as the SQL user "SPARQL", which as installed may
#       only read: an anonymous PUT of a named graph answers 403 Forbidden,
#       "Error 42000 SQ110:SECURITY: Permission denied for delete from
#       DB.DBA.RDF_QUAD (user ID = 107)".  After the grant it answers 201.
#
# Nothing else is needed (measured): graph-level security is off as installed,
# DB.DBA.RDF_GRAPH_USER_PERMS_GET (g, 'nobody') is 15 (read, write, sponge,
# list) for any graph, so no DB.DBA.RDF_DEFAULT_USER_PERMS_SET call.
# /sparql-graph-crud-auth (digest auth) needs no grant for dba.
#
# VIRTUOSO_MAX_COST_S, when set, replaces [SPARQL] MaxQueryCostEstimationTime
# (Debian's 400 s): Virtuoso refuses a query whose estimated time exceeds it,
# and the estimate varies from run to run (it samples the indexes); the
# engine suite runs once with half the default, so that a prepared
# query close to the limit fails every time instead of now and then.
#
# Prints "virtuoso-serve: ready" once the server answers and the grants ran;
# a caller waits for that line.  Needs virtuoso-t and isql-vt
# (scripts/install-engines.sh).
set -euo pipefail
if [[ $# -ne 3 ]]; then
  echo "usage: $0 DATA_DIR HTTP_PORT ISQL_PORT" >&2
  exit 2
fi
DATA_DIR="$(mkdir -p "$1" && cd "$1" && pwd)"
HTTP_PORT="$2"
ISQL_PORT="$3"
DEBIAN_INI=/etc/virtuoso-opensource-7/virtuoso.ini
for exe in virtuoso-t isql-vt; do
  command -v "$exe" >/dev/null || {
    echo "virtuoso-serve: $exe not found: run scripts/install-engines.sh" >&2
    exit 3
  }
done
[[ -r "$DEBIAN_INI" ]] || {
  echo "virtuoso-serve: $DEBIAN_INI not found: run scripts/install-engines.sh" >&2
  exit 3
}

# Section-aware rewrite of Debian's ini: only the keys named above change.
awk -v dir="$DATA_DIR" -v http="$HTTP_PORT" -v isql="$ISQL_PORT" -v cost="${VIRTUOSO_MAX_COST_S:-}" '
  /^[[:space:]]*\[/ { section = $0; gsub(/[[:space:]\[\]]/, "", section) }
  { value = "" }
  section == "Database" && $1 == "DatabaseFile"        { value = dir "/virtuoso.db" }
  section == "Database" && $1 == "ErrorLogFile"        { value = dir "/virtuoso.log" }
  section == "Database" && $1 == "LockFile"            { value = dir "/virtuoso.lck" }
  section == "Database" && $1 == "TransactionFile"     { value = dir "/virtuoso.trx" }
  section == "Database" && $1 == "xa_persistent_file"  { value = dir "/virtuoso.pxa" }
  section == "TempDatabase" && $1 == "DatabaseFile"    { value = dir "/virtuoso-temp.db" }
  section == "TempDatabase" && $1 == "TransactionFile" { value = dir "/virtuoso-temp.trx" }
  section == "Parameters" && $1 == "ServerPort"        { value = "127.0.0.1:" isql }
  section == "HTTPServer" && $1 == "ServerPort"        { value = "127.0.0.1:" http }
  section == "URIQA" && $1 == "DefaultHost"            { value = "127.0.0.1:" http }
  section == "SPARQL" && $1 == "MaxQueryCostEstimationTime" && cost != "" { value = cost }
  value != "" { printf "%-18s = %s\n", $1, value; next }
  { print }
' "$DEBIAN_INI" >"$DATA_DIR/virtuoso.ini"

cd "$DATA_DIR"  # Debian's DirsAllowed names "."
virtuoso-t +foreground +configfile "$DATA_DIR/virtuoso.ini" >"$DATA_DIR/virtuoso-t.out" 2>&1 &
VPID=$!
stop() {
  trap - TERM INT EXIT
  if kill -0 "$VPID" 2>/dev/null; then
    kill -TERM "$VPID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$VPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$VPID" 2>/dev/null || true
  fi
  wait "$VPID" 2>/dev/null || true
}
trap 'stop; exit 143' TERM
trap 'stop; exit 130' INT
trap stop EXIT

isql() {  # isql-vt as dba on the throw-away database; fails on any SQL error
  local out
  out="$(timeout 60 isql-vt "127.0.0.1:$ISQL_PORT" dba dba VERBOSE=OFF BANNER=OFF PROMPT=OFF \
    ERRORS=STDOUT exec="$1" 2>&1)" || { echo "$out" >&2; return 1; }
  if grep -q '\*\*\* Error' <<<"$out"; then echo "$out" >&2; return 1; fi
}

# Bounded wait for the SQL port (a new database takes a few seconds to create).
ready=""
for _ in $(seq 600); do
  kill -0 "$VPID" 2>/dev/null || break
  if timeout 5 isql-vt "127.0.0.1:$ISQL_PORT" dba dba exec="select 1;" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "virtuoso-serve: virtuoso-t did not start; its output and log:" >&2
  tail -n 30 "$DATA_DIR/virtuoso-t.out" "$DATA_DIR/virtuoso.log" >&2 2>/dev/null || true
  exit 1
fi

isql 'GRANT SPARQL_UPDATE TO "SPARQL";'
echo "virtuoso-serve: ready (http://127.0.0.1:$HTTP_PORT/sparql, isql 127.0.0.1:$ISQL_PORT, dba/dba)"
wait "$VPID"
