#!/usr/bin/env bash
# Installs what cachefleet needs on a fresh Debian machine, then builds it. Safe to run again:
# every step is skipped when already done.
#   scripts/setup.sh          # to run the service
#   scripts/setup.sh --test   # also the clients the test suite drives (aws CLI, boto3, redis-py)
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
if [ "${1:-}" = "--test" ]; then
  command -v aws >/dev/null 2>&1 || need_pkgs+=(awscli)
  python3 -c 'import boto3' >/dev/null 2>&1 || /usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || need_pkgs+=(python3-boto3)
  /usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || python3 -c 'import redis' >/dev/null 2>&1 || need_pkgs+=(python3-redis)
fi
command -v redis-server >/dev/null 2>&1 || need_pkgs+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need_pkgs+=(redis-tools)
command -v nft >/dev/null 2>&1 || need_pkgs+=(nftables)
command -v conntrack >/dev/null 2>&1 || need_pkgs+=(conntrack)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_pkgs[*]} from Debian's packages…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "setup: missing ${need_pkgs[*]}; install them with your package manager (as root: apt-get install ${need_pkgs[*]})" >&2
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages…"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -f dist/src/cli/main.js ] || [ -n "$(find src -newer dist/src/cli/main.js -name '*.ts' -print -quit 2>/dev/null)" ]; then
  echo "setup: building…"
  node node_modules/typescript/bin/tsc -p tsconfig.json
fi
