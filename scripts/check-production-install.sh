#!/usr/bin/env bash
# The production install, as the Dockerfile's runtime stage and App Service run it: the runtime files
# only (package*.json, dist/, cards/, bin/), `npm ci --omit=dev`, then `node dist/index.js` must answer
# GET /readyz with 200 on a fresh SQLite store. Needs a built dist/ (npm run build). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
test -f dist/index.js || { echo "check-production-install: build dist/ first (npm run build)" >&2; exit 1; }

dir=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

mkdir -p "$dir/scripts"
cp package.json package-lock.json "$dir/"
cp scripts/prepare.cjs "$dir/scripts/"
cp -r dist cards bin "$dir/"
(cd "$dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
if [ -d "$dir/node_modules/typescript" ] || [ -d "$dir/node_modules/jest" ]; then
  echo "check-production-install: development dependencies were installed" >&2
  exit 1
fi

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
(cd "$dir" && PORT=$port DATABASE_URL="sqlite:$dir/data/fedtrust.db" LOG_LEVEL=warn exec node dist/index.js) &
pid=$!
for _ in $(seq 1 60); do
  if status=$(node -e "fetch('http://127.0.0.1:$port/readyz').then(async r=>{console.log(r.status+' '+await r.text());process.exit(r.ok?0:1)},()=>process.exit(1))" 2>/dev/null); then
    echo "production install: $(du -sh "$dir/node_modules" | cut -f1) of dependencies; GET /readyz → $status"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { echo "check-production-install: the bot exited" >&2; exit 1; }
  sleep 1
done
echo "check-production-install: /readyz never answered 200" >&2
exit 1
