#!/usr/bin/env bash
# Installs what building and testing Heimdall needs on Debian 12 (bookworm), idempotently.
# When everything is there it only asks dpkg and returns in well under a second.
#
#   scripts/deps.sh            build dependencies
#   scripts/deps.sh --tests    + Node.js/npm and the end-to-end suite's npm packages (tests/e2e)
#   scripts/deps.sh --bench    + nginx-light, wrk and gnuplot-nox (the benchmark harness; Node.js/npm for its
#                              body generator and the Portkey peer when there is no node)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

want_tests=0
want_bench=0
for arg in "$@"; do
  case "$arg" in
    --tests) want_tests=1 ;;
    --bench) want_bench=1 ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "deps.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential g++ cmake ninja-build ccache pkg-config git ca-certificates curl
  libboost1.81-all-dev libboost-json1.81-dev libboost-url1.81-dev
  libsimdjson-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libmimalloc-dev libssl-dev libbenchmark-dev
)
if [ "$want_bench" = 1 ]; then
  packages+=(nginx-light wrk gnuplot-nox)
fi
# Node: only from apt when there is no node at all. Machines that carry a Node outside Debian's packages
# (NodeSource, nvm) make `apt-get install nodejs npm` fail with held packages.
if { [ "$want_tests" = 1 ] || [ "$want_bench" = 1 ]; } && ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" != "ii " ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "deps.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Tests connect to "localhost". Minimal roots (debootstrap, some containers) have no /etc/hosts at all.
if ! getent hosts localhost >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps.sh: localhost does not resolve; adding it to /etc/hosts"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >>/etc/hosts
  else
    echo "deps.sh: warning: localhost does not resolve (no entry in /etc/hosts)" >&2
  fi
fi

if [ "$want_tests" = 1 ]; then
  command -v npm >/dev/null 2>&1 || { echo "deps.sh: node is installed but npm is not; install npm for it" >&2; exit 1; }
  e2e=$root/tests/e2e
  stamp=$e2e/node_modules/.heimdall-lock.sha256
  lock_sum=$(sha256sum "$e2e/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
    echo "deps.sh: npm ci in tests/e2e"
    # --ignore-scripts: nothing here needs an install script (Claude Code's postinstall only links its
    # platform binary, which the harness finds itself), and npm 9 and npm 11 treat scripts differently.
    (cd "$e2e" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$stamp"
  fi
fi
