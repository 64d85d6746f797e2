#!/bin/sh
# Installs what tsrun's demo, tests and benchmark need on a Debian 12 controller (as root): the Debian packages
# listed in bin/packages.txt, then the npm dependencies. `--check` installs nothing: it names every package or
# command that is missing and exits 1 if any is (the preflight). `--list FILE` reads another list (tests use it).
set -eu
cd "$(dirname "$0")/.."
list=bin/packages.txt
check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --list) list="$2"; shift ;;
    *) echo "usage: bin/setup.sh [--check] [--list FILE]" >&2; exit 2 ;;
  esac
  shift
done
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# The packages of the list that are not installed, and the commands or files that are not there.
missing_pkgs=""
missing_bins=""
survey() {
  missing_pkgs=""
  missing_bins=""
  while read -r pkg provides uses why; do
    case "$pkg" in ''|\#*) continue ;; esac
    installed "$pkg" || missing_pkgs="$missing_pkgs $pkg"
    for p in $(echo "$provides" | tr ',' ' '); do
      case "$p" in
        /*) [ -e "$p" ] || missing_bins="$missing_bins $p($pkg)" ;;
        *) command -v "$p" >/dev/null 2>&1 || missing_bins="$missing_bins $p($pkg)" ;;
      esac
    done
  done < "$list"
}

survey
if [ "$check" = 1 ]; then
  if [ -n "$missing_pkgs$missing_bins" ]; then
    echo "tsrun preflight: this controller lacks what $list lists:" >&2
    [ -z "$missing_pkgs" ] || echo "  Debian packages not installed:$missing_pkgs" >&2
    [ -z "$missing_bins" ] || echo "  commands or files not found (package):$missing_bins" >&2
    echo "  fix: sh bin/setup.sh (as root), or apt-get install$missing_pkgs" >&2
    exit 1
  fi
  echo "tsrun preflight: every package in $list is installed"
  exit 0
fi

if [ -n "$missing_pkgs" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "tsrun setup: Debian packages missing:$missing_pkgs (run as root to install them)" >&2
    exit 1
  fi
  echo "tsrun setup: installing Debian packages:$missing_pkgs" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  # the packages' own services are not wanted on the controller (the lab starts its own); an existing
  # policy-rc.d is someone else's and stays
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  rc=0
  # shellcheck disable=SC2086 # a list of package names
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $missing_pkgs >/dev/null || rc=$?
  [ "$own_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || { echo "tsrun setup: apt-get install failed (exit $rc)" >&2; exit "$rc"; }
fi
survey
if [ -n "$missing_bins" ]; then
  echo "tsrun setup: installed, yet still not found:$missing_bins (is $list right?)" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "tsrun setup: npm ci" >&2
  npm ci --no-fund --no-audit --loglevel=error
fi
