#!/usr/bin/env bash
# Install the SPARQL engines the engine tests compare councilkg against, from
# Debian's packages (tests/engines.py starts throw-away servers of them):
#
#   virtuoso-opensource   OpenLink Virtuoso 7.2 (virtuoso-t, isql-vt)
#   libapache-jena-java   Apache Jena 4.5 (ARQ; served by engines/jena/JenaServer.java)
#   default-jdk-headless  only if `javac` is missing: JenaServer.java is compiled
#
# Debian's Virtuoso asks for a DBA password through debconf and starts a system
# service from its postinst.  The tests need neither: they run their own
# virtuoso-t on a throw-away database (scripts/virtuoso-serve.sh).  So the
# install is non-interactive, service starts are refused while it runs (a
# temporary /usr/sbin/policy-rc.d exiting 101, the previous one put back
# afterwards), and the system service is stopped if it still came up, so that
# nothing is left listening on 8890/1111.
#
# Idempotent: installs nothing when everything is there.  Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "install-engines: $*"; }
die() { echo "install-engines: $*" >&2; exit 1; }

PACKAGES=(virtuoso-opensource libapache-jena-java)
command -v javac >/dev/null || PACKAGES+=(default-jdk-headless)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

SUDO=""
if [[ ${#missing[@]} -gt 0 && "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || die "need root or sudo to install ${missing[*]} (Debian packages)"
  SUDO="sudo"
fi

POLICY=/usr/sbin/policy-rc.d
backup=""
restore_policy() {
  if [[ -n "$backup" ]]; then
    $SUDO mv -f "$backup" "$POLICY"
  else
    $SUDO rm -f "$POLICY"
  fi
}

if [[ ${#missing[@]} -gt 0 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  if [[ -e "$POLICY" ]]; then
    backup="$(mktemp /tmp/policy-rc.d.XXXXXX)"
    $SUDO cp -p "$POLICY" "$backup"
  fi
  trap restore_policy EXIT
  printf '#!/bin/sh\n# install-engines.sh: no service starts during the install\nexit 101\n' \
    | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  log "installing ${missing[*]}"
  start=$(date +%s)
  apt_install() {
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  }
  if ! apt_install >/tmp/install-engines.log 2>&1; then
    $SUDO apt-get update -q >>/tmp/install-engines.log 2>&1 || true
    apt_install >>/tmp/install-engines.log 2>&1 \
      || die "apt-get install ${missing[*]} failed (last lines of /tmp/install-engines.log):
$(tail -n 20 /tmp/install-engines.log)"
  fi
  log "installed in $(($(date +%s) - start)) s (log: /tmp/install-engines.log)"
  restore_policy
  trap - EXIT
  # Installed by us: keep Debian's system Virtuoso from starting at boot too
  # (it would hold 8890/1111 with the system database).
  if [[ " ${missing[*]} " == *" virtuoso-opensource "* ]]; then
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
      $SUDO systemctl disable virtuoso-opensource-7 >/dev/null 2>&1 || true
    elif command -v update-rc.d >/dev/null; then
      $SUDO update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
    fi
    log "the system service virtuoso-opensource-7 is installed but disabled (the tests run their own)"
  fi
fi

# No system Virtuoso may be left running: the tests start their own.
if pgrep -x virtuoso-t >/dev/null 2>&1 && [[ -f /etc/init.d/virtuoso-opensource-7 ]]; then
  ${SUDO:-} /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
if command -v ss >/dev/null && ss -ltn | grep -Eq ':(8890|1111)\b'; then
  log "warning: something listens on 8890 or 1111 (a system Virtuoso?); the tests use other ports"
fi

# What is there now.
command -v virtuoso-t >/dev/null || die "virtuoso-t not found after the install"
command -v isql-vt >/dev/null || die "isql-vt not found after the install"
command -v javac >/dev/null || die "javac not found after the install"
[[ -f /usr/share/java/jena-arq.jar ]] || die "/usr/share/java/jena-arq.jar not found after the install"
log "virtuoso-opensource $(dpkg-query -W -f='${Version}' virtuoso-opensource-7 2>/dev/null || echo '?'):" \
  "$(command -v virtuoso-t), $(command -v isql-vt)"
log "libapache-jena-java $(dpkg-query -W -f='${Version}' libapache-jena-java): /usr/share/java/jena-*.jar"
log "$(javac -version 2>&1)"
# Debian's Jena needs an explicit class path (bench/jena.py): check that it runs.
python3 -m bench jena --check || die "Jena does not run: see the message above"
