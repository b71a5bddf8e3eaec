#!/usr/bin/env bash
# Runs the built service (dist/, `npm run build` first) the way deploy/base runs the image: as UID/GID
# 65532, on a read-only root filesystem, with only /tmp and /var/cache/imprimatur writable (the
# manifests' two emptyDirs) and the ConfigMap's paths. Checks that it starts, is healthy and ready,
# answers a query, writes only there, and stops on SIGTERM. Needs root (a private mount namespace
# via unshare); changes nothing outside it except creating the empty mount point
# /var/cache/imprimatur if missing (removed again). Not a container: the same code and user, not the
# distroless image, which cannot be built where base images are unreachable.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/main.js ] || { echo "restricted-run-check: run npm run build first" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "restricted-run-check: needs root (unshare -m)" >&2; exit 1; }
created=0
[ -d /var/cache/imprimatur ] || { mkdir -p /var/cache/imprimatur; created=1; }
trap '[ "$created" -eq 1 ] && rmdir /var/cache/imprimatur' EXIT
port="${PORT_FOR_CHECK:-4599}"
unshare -m bash -s "$PWD" "$port" <<'INNER'
set -euo pipefail
repo="$1"; port="$2"
mount --make-rprivate /
mount -o remount,bind,ro /
mount -t tmpfs -o size=16m,mode=1777 tmpfs /tmp
mount -t tmpfs -o size=64m,mode=1777 tmpfs /var/cache/imprimatur
cd "$repo"
if touch "$repo/.restricted-run-probe" 2>/dev/null; then echo "root filesystem is writable" >&2; exit 1; fi
setpriv --reuid 65532 --regid 65532 --clear-groups env -i PATH=/usr/bin:/bin HOME=/home/nonroot \
  NODE_ENV=production IMPRIMATUR_HOST=127.0.0.1 IMPRIMATUR_PORT="$port" IMPRIMATUR_GRAPHIQL=false \
  IMPRIMATUR_TUF_CACHE_DIR=/var/cache/imprimatur/tuf \
  IMPRIMATUR_REGISTRY_AUTH_FILE=/var/run/secrets/imprimatur/registry/config.json \
  NODE_OPTIONS=--max-old-space-size=320 node dist/main.js >/tmp/service.log 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.5; done
fail() { echo "restricted-run-check: $1" >&2; tail -20 /tmp/service.log >&2; kill -KILL "$pid" 2>/dev/null; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ] || fail "/healthz is not 200"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] || fail "/readyz is not 200"
curl -s -X POST -H 'content-type: application/json' \
  -d '{"query":"{ image(ref: \"UPPER/case\") { digest } }"}' "http://127.0.0.1:$port/graphql" |
  grep -q INVALID_REFERENCE || fail "a query was not answered"
if grep -E 'EROFS|EACCES' /tmp/service.log; then fail "a write outside the writable volumes was refused"; fi
kill -TERM "$pid"
wait "$pid" || fail "did not stop cleanly on SIGTERM"
echo "restricted-run-check: ok (UID 65532, read-only root; written under /var/cache/imprimatur:"
find /var/cache/imprimatur -type f | sed 's/^/  /'
echo ")"
INNER
