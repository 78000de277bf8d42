#!/usr/bin/env bash
# Post-deploy smoke test: the service answers /healthz, serves one seeded document, byte for byte the same
# JSON as the file in content/, and answers a key that is not there with 404. The last check proves on real S3
# what no emulator can: that the task role's prefix-scoped s3:ListBucket lets S3 say NoSuchKey (a missing grant
# makes S3 answer AccessDenied, which the service turns into 502). Retries while a fresh deployment settles (the ALB registers new targets, ECS
# replaces old tasks); exits non-zero when the attempts run out, which stops the promotion to prod.
#
#   smoke-test.sh <base-url> <document-key> <expected-json-file>
#
# Tunables (environment): SMOKE_ATTEMPTS (default 30), SMOKE_DELAY_SECONDS (10), SMOKE_TIMEOUT_SECONDS (5).
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: smoke-test.sh <base-url> <document-key> <expected-json-file>" >&2
  exit 2
fi
base="${1%/}"
key="$2"
expected="$3"
attempts="${SMOKE_ATTEMPTS:-30}"
delay="${SMOKE_DELAY_SECONDS:-10}"
timeout="${SMOKE_TIMEOUT_SECONDS:-5}"

case "$base" in
  http://* | https://*) ;;
  *)
    echo "smoke test: base URL '$base' must start with http:// or https://" >&2
    exit 2
    ;;
esac
if [ ! -f "$expected" ]; then
  echo "smoke test: expected document $expected does not exist" >&2
  exit 2
fi

# A valid key (letters, '-', '_') that no content file may take: content/ has no such file (checked below).
missing="smoke-test-no-such-document_"
if [ -e "$(dirname "$expected")/$missing.json" ]; then
  echo "smoke test: $(dirname "$expected")/$missing.json exists; the missing-key check needs that name free" >&2
  exit 2
fi

body=$(mktemp)
trap 'rm -f "$body"' EXIT

# One GET; prints the status code (000 when the connection failed or timed out). Never fails the script.
get() {
  curl --silent --show-error --max-time "$timeout" --output "$body" --write-out '%{http_code}' "$1" 2>/dev/null ||
    true
}

# True when the body holds the same JSON value as the expected file (key order and spacing may differ).
same_json() {
  node -e '
    const fs = require("node:fs");
    const canon = (v) => Array.isArray(v) ? v.map(canon)
      : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v;
    const read = (f) => canon(JSON.parse(fs.readFileSync(f, "utf8")));
    try { process.exit(JSON.stringify(read(process.argv[1])) === JSON.stringify(read(process.argv[2])) ? 0 : 1); }
    catch { process.exit(1); }
  ' "$body" "$expected"
}

for attempt in $(seq 1 "$attempts"); do
  health=$(get "$base/healthz")
  if [ "$health" = "200" ]; then
    doc=$(get "$base/api/$key")
    if [ "$doc" = "200" ] && same_json; then
      absent=$(get "$base/api/$missing")
      if [ "$absent" = "404" ]; then
        echo "smoke test passed on attempt $attempt: $base/healthz is 200, $base/api/$key matches $expected, a missing key is 404"
        exit 0
      fi
      echo "attempt $attempt/$attempts: /healthz 200, /api/$key matches, but missing /api/$missing is $absent, not 404"
    else
      echo "attempt $attempt/$attempts: /healthz 200, /api/$key $doc (or a different document)"
    fi
  else
    echo "attempt $attempt/$attempts: /healthz $health"
  fi
  if [ "$attempt" -lt "$attempts" ]; then sleep "$delay"; fi
done

echo "smoke test failed: $base did not pass /healthz, /api/$key and a missing key's 404 within $attempts attempts" >&2
exit 1
