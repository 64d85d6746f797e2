#!/bin/sh
# The quick start's first command: `npm run demo [-- --name NAME] [-- PLAYBOOK OPTIONS]`. Installs what is
# needed, brings up the lab NAME (default $TSRUN_DEMO_LAB, else `demo`; an existing healthy lab of that name is
# reused as it is) and runs playbooks/site.yml on it. Options other than --name go to `tsrun playbook`.
set -eu
cd "$(dirname "$0")/.."
name="${TSRUN_DEMO_LAB:-demo}"
if [ "${1:-}" = "--name" ]; then
  [ $# -ge 2 ] || { echo "demo: --name needs a lab name" >&2; exit 2; }
  name="$2"
  shift 2
fi
sh bin/setup.sh
inventory=$(node bin/tsrun.js lab up --name "$name")
echo "demo: lab $name is up; its inventory: $inventory (take it down with: node bin/tsrun.js lab down --name $name)" >&2
exec node bin/tsrun.js playbook playbooks/site.yml -i "$inventory" "$@"
