#!/usr/bin/env bash
# Install what the browser tests and CJK plots need, from Debian's packages:
# Chromium and its driver (driven by Playwright's Python client with
# executable_path=/usr/bin/chromium; no browser download) and the Noto CJK
# fonts (zh labels in screenshots and matplotlib plots).
#
# Idempotent: does nothing when everything is there.  Needs root or sudo.
set -euo pipefail
PACKAGES=(chromium chromium-driver fonts-noto-cjk)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "install-browser: need root or sudo to install ${missing[*]} (Debian packages)" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-browser: installing ${missing[*]}"
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
/usr/bin/chromium --version
