#!/usr/bin/env sh
# Installs the Node.js interop peers (tests/interop) from the committed lock file, once.
# Called by the build of test projects that set UsesNodeInterop (eng/NodeInterop.targets); safe to run in parallel.
set -eu
dir="$(cd "$(dirname "$0")/../tests/interop" && pwd)"
cd "$dir"
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm (Node.js 18+) is required for the interop tests; install nodejs and npm (Debian: apt-get install -y nodejs npm)." >&2
  exit 1
fi
exec 9>"$dir/.npm-ci.lock"
flock 9
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
