#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (build/asan), runs the unit tests
# (ctest) and then the end-to-end suite (tests/e2e: the official Anthropic and OpenAI SDKs and Claude Code
# against Heimdall, with the mock provider as the upstream). Exits non-zero on any failure.
#   ./scripts/test.sh                 everything
#   E2E_ONLY=1 ./scripts/test.sh      skip the build and ctest (binaries from a previous run)
#   E2E_ONLY=1 ./scripts/test.sh tests/e2e/X.test.mjs   only some e2e files, e.g. ./scripts/test.sh tests/e2e/openai_sdk.test.mjs
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build=${HEIMDALL_TEST_BUILD_DIR:-build/asan}

./scripts/deps.sh --tests

unit_rc=0
if [ "${E2E_ONLY:-0}" != 1 ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHEIMDALL_SANITIZE=ON
  cmake --build "$build"
  # A unit failure still lets the e2e suite run (more to read per CI run); the exit status reports both.
  ctest --test-dir "$build" --output-on-failure -j2 || unit_rc=$?
fi

# Sanitizer reports make a process fail loudly; the e2e harness also scans the gateway's log for them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export HEIMDALL_BIN=${HEIMDALL_BIN:-$root/$build/heimdall}
export MOCK_BIN=${MOCK_BIN:-$root/$build/tools/mock-provider/heimdall-mock-provider}

files=()
if [ "$#" -gt 0 ]; then
  for f in "$@"; do files+=("$(realpath "$f")"); done
else
  files=("$root"/tests/e2e/*.test.mjs)
fi
cd tests/e2e
# Each file starts its own mock + gateway on free ports; every test carries its own timeout.
e2e_rc=0
node --test "${files[@]}" || e2e_rc=$?

if [ "$unit_rc" != 0 ] || [ "$e2e_rc" != 0 ]; then
  echo "test.sh: FAILED (ctest exit $unit_rc, e2e exit $e2e_rc)" >&2
  exit 1
fi
echo "test.sh: all tests passed"
