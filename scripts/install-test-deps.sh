#!/usr/bin/env bash
# Install what the test suite needs on Debian 12, idempotently: only missing packages are
# installed, and when nothing is missing the script returns after one dpkg-query.
#
# usage: install-test-deps.sh [--toolchain]
#   (no option)   postgresql, rabbitmq-server, qemu-utils, and the tempest/openstack CLI
#                 packages of $SHARED/tools/tempest/install.sh
#   --toolchain   only make, g++ and python3 (node-gyp builds better-sqlite3 during npm ci)
#
# SHARED is $NUBIS_SHARED_DIR, else the `shared` directory beside the repository.
# Installing needs root (or sudo). Services are not started system-wide: the tests run
# private instances (scripts/services/*.sh).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${NUBIS_SHARED_DIR:-$REPO/../shared}
TEMPEST_INSTALL=$SHARED/tools/tempest/install.sh

BASE_PKGS=(postgresql rabbitmq-server qemu-utils)
TOOLCHAIN_PKGS=(make g++ python3)

die() {
  echo "install-test-deps.sh: $*" >&2
  exit 1
}

# Prints the given packages that are not fully installed.
missing_of() {
  local installed
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
    awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }') || true
  local p
  for p in "$@"; do
    grep -qxF "$p" <<<"$installed" || echo "$p"
  done
}

SUDO=()
[[ $(id -u) == 0 ]] || SUDO=(sudo)

# NOTE: a temporary policy-rc.d keeps apt from starting system-wide PostgreSQL/RabbitMQ
# (tests use private instances on other ports); an existing policy is left alone.
added_policy=
cleanup_policy() { [[ -z $added_policy ]] || "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d; }
trap cleanup_policy EXIT

apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: $*"
  echo "install-test-deps.sh: installing $*"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${SUDO[@]}" chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  local apt=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
  local t0=$SECONDS
  "${apt[@]}" update -qq </dev/null
  "${apt[@]}" install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
  echo "install-test-deps.sh: installed in $((SECONDS - t0))s"
  cleanup_policy
  added_policy=
}

if [[ ${1:-} == --toolchain ]]; then
  mapfile -t missing < <(missing_of "${TOOLCHAIN_PKGS[@]}")
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: install-test-deps.sh [--toolchain]"

[[ -f $TEMPEST_INSTALL ]] ||
  die "$TEMPEST_INSTALL not found (set NUBIS_SHARED_DIR to the shared directory)"

# The tempest package list is owned by install.sh; read it so one apt transaction (with the
# lock timeout) installs everything. If it cannot be read, install.sh runs every time.
tempest_pkgs=()
pkgs_line=$(grep -m1 -E '^PKGS=\(' "$TEMPEST_INSTALL" || true)
if [[ $pkgs_line =~ ^PKGS=\(([a-z0-9.+\ -]+)\)$ ]]; then
  read -r -a tempest_pkgs <<<"${BASH_REMATCH[1]}"
fi

mapfile -t missing < <(missing_of "${BASE_PKGS[@]}" "${tempest_pkgs[@]}")
if ((${#missing[@]} > 0)); then
  apt_install "${missing[@]}"
fi
if ((${#missing[@]} > 0 || ${#tempest_pkgs[@]} == 0)); then
  # Verifies the tempest tools and prints their versions (installs whatever is still missing).
  bash "$TEMPEST_INSTALL" </dev/null
fi

# ---- vcsim (Go) ------------------------------------------------------------------------
# VMware's vCenter simulator, built from Debian's govmomi by the shared tool (apt-installs
# golang-go + govmomi when missing; a stamp makes a rebuild a no-op). The vSphere tests find
# the binary in $VCSIM_HOME (default ~/.cache/vcsim). First build: 1-2 minutes.
if [[ -f $SHARED/tools/vcsim/install.sh ]]; then
  echo "install-test-deps.sh: vcsim"
  bash "$SHARED/tools/vcsim/install.sh" >/dev/null || {
    echo "install-test-deps.sh: building vcsim failed" >&2
    exit 1
  }
fi

exit 0
