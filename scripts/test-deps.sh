#!/usr/bin/env bash
# Makes sure the real programs the test suite runs are installed: Debian's docker-registry (CNCF
# distribution), redis-server, htpasswd and chromium. Runs as `npm test`'s pretest step, so the README's test
# command works on a fresh machine with only Node and apt; `npm run demo` runs it too, for docker-registry
# alone (`bash scripts/test-deps.sh docker-registry`). Installs with apt-get when run as root;
# otherwise prints the one command to run and fails, rather than letting tests fail obscurely later.
set -euo pipefail

declare -A package_for=(
  [docker-registry]=docker-registry
  [redis-server]=redis-server
  [htpasswd]=apache2-utils
  # The GraphiQL end-to-end test drives the distribution's Chromium (never a downloaded browser).
  [chromium]=chromium
)

# With arguments, only those programs are checked (`npm run demo` needs only docker-registry).
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=("${!package_for[@]}")

missing=()
for binary in "${wanted[@]}"; do
  [ -n "${package_for[$binary]:-}" ] || { echo "test-deps: unknown program $binary" >&2; exit 2; }
  command -v "$binary" >/dev/null 2>&1 || missing+=("${package_for[$binary]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "test-deps: installing ${missing[*]} (Debian packages the tests and the demo run for real)" >&2
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's packages try to start their system services; tests start their own instances on
  # random loopback ports, so the system ones are neither needed nor in the way.
else
  echo "test-deps: please run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
