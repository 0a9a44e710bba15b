#!/usr/bin/env bash
# Install Apache Jena's SHACL engine from Debian's packages, the independent
# engine of the SHACL benchmark's cross-check (python -m bench shacl):
# libapache-jena-java (Jena 4.5 and the libraries it needs) and a Java
# runtime.  Then check that `shacl.shacl` runs: Debian's package needs an
# explicit class path and Xerces' message files restored (bench/jena.py
# says why and does it, under bench/results/cache/jena/).
#
# Idempotent: installs nothing when everything is there.  Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(libapache-jena-java default-jre-headless)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# any Java runtime will do
if [[ " ${missing[*]} " == *" default-jre-headless "* ]] && command -v java >/dev/null; then
  missing=("${missing[@]/default-jre-headless}")
  read -r -a missing <<< "${missing[*]}"
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  SUDO=""
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null; then
      SUDO="sudo"
    else
      echo "install-jena: need root or sudo to install ${missing[*]} (Debian packages)" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "install-jena: installing ${missing[*]}"
  if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
python3 -m bench jena --check
