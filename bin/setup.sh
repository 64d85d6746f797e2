#!/bin/sh
# Installs what tsrun's lab, tests and demo need on a fresh Debian 12 machine (as root), once.
set -eu
cd "$(dirname "$0")/.."

need=""
for pkg in debootstrap systemd-container iproute2 openssh-client openssh-server tinyproxy docker-registry nginx-light libnginx-mod-stream; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need="$need $pkg"
done
if [ -n "$need" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "tsrun setup: Debian packages missing:$need (run as root to install them)" >&2
  else
    echo "tsrun setup: installing Debian packages:$need" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # the packages' own services are not wanted on the controller; the lab starts its own
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends $need >/dev/null
    rm -f /usr/sbin/policy-rc.d
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "tsrun setup: npm ci" >&2
  npm ci --no-fund --no-audit --loglevel=error
fi
