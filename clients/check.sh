#!/usr/bin/env bash
# Can clients be generated from the served OpenAPI document and used? Dumps the document,
# generates a Python client (openapi-python-client) and TypeScript types (openapi-typescript)
# into a temporary directory, type-checks an ingest-and-read script against each
# (`mypy --strict`, `tsc --strict`), then runs both against a live server with an API key
# set. The generators and checkers are pinned here (requirements.txt, package-lock.json) and
# installed on first use into clients/.tools and clients/node_modules (not committed).
# Exits non-zero on the first failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
python=${PYTHON:-$repo/.venv/bin/python}
tools=$here/.tools
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf 'clients: %s\n' "$*" >&2; }

step "tools (pinned)"
stamp=$tools/.installed-$(sha256sum "$here/requirements.txt" | cut -c1-16)
if [ ! -e "$stamp" ]; then
  rm -rf "$tools"
  "$python" -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" \
    >"$work/pip.log" 2>&1 || { cat "$work/pip.log" >&2; exit 1; }
  touch "$stamp"
fi
(cd "$here" && npm ci --silent --no-audit --no-fund)

step "the served OpenAPI document"
(cd "$repo" && "$python" -c 'import json, sys; from app.main import create_app
json.dump(create_app().openapi(), sys.stdout)') > "$work/openapi.json"

step "generate: openapi-python-client, openapi-typescript"
# It warns that it skips the text/plain, text/html and NDJSON bodies: only JSON is typed.
"$tools/bin/openapi-python-client" generate --path "$work/openapi.json" --meta none \
  --config "$here/openapi-python-client.yaml" --output-path "$work/py/newsdesk_client" >"$work/py-generate.log" 2>&1 \
  || { cat "$work/py-generate.log" >&2; exit 1; }
mkdir -p "$work/ts"
"$here/node_modules/.bin/openapi-typescript" "$work/openapi.json" -o "$work/ts/schema.d.ts" >/dev/null

step "mypy --strict clients/ingest_and_read.py"
# From the temporary directory, so that the project's own mypy settings do not apply.
(cd "$work" && MYPYPATH="$work/py" "$tools/bin/mypy" --strict --no-incremental "$here/ingest_and_read.py")

step "tsc --strict clients/ingest_and_read.ts"
cp "$here/ingest_and_read.ts" "$here/tsconfig.json" "$work/ts/"
ln -s "$here/node_modules" "$work/ts/node_modules"
"$here/node_modules/.bin/tsc" -p "$work/ts"
"$here/node_modules/.bin/tsc" -p "$work/ts" --noEmit false --outDir "$work/ts/out"
echo '{"type": "module"}' >"$work/ts/out/package.json"

step "run both scripts against a live server"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key=clients-check-key
# PYTHONPATH: this checkout's app, whichever one the venv was installed from.
(cd "$work" && PYTHONPATH="$repo" NEWSDESK_DATABASE_URL="sqlite:///$work/newsdesk.db" NEWSDESK_API_KEYS=$key \
  exec "$python" -m app.cli serve --host 127.0.0.1 --port "$port" --workers 1) >"$work/server.log" 2>&1 &
server=$!
up() { "$python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/health', timeout=1)" 2>/dev/null; }
for _ in $(seq 240); do  # up to two minutes: the server loads spaCy first
  up && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
up || { echo "clients: the server did not answer /health" >&2; tail -20 "$work/server.log" >&2; exit 1; }
PYTHONPATH="$work/py" "$tools/bin/python" "$here/ingest_and_read.py" "http://127.0.0.1:$port" "$key" \
  || { tail -20 "$work/server.log" >&2; exit 1; }
node --input-type=module -e "
  const { ingestAndRead } = await import('$work/ts/out/ingest_and_read.js');
  await ingestAndRead('http://127.0.0.1:$port', '$key');" \
  || { tail -20 "$work/server.log" >&2; exit 1; }
step "ok"
