#!/usr/bin/env bash
# Long fuzzing runs (kept out of the test command, which only replays the corpora): builds the libFuzzer
# targets of tests/fuzz with clang into build/fuzz and runs each for a bounded time.
#   bench/fuzz.sh [seconds per target, default 60] [target …]
# New inputs that grow coverage land in build/fuzz/corpus/<target>; a crash leaves crash-* files there —
# make each one a golden case under tests/data with the fix (STYLE.md rule 23).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(codec_request_fuzz codec_response_fuzz codec_stream_fuzz body_peek_fuzz)

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DHEIMDALL_FUZZ=ON -DHEIMDALL_MIMALLOC=OFF >/dev/null
cmake --build build/fuzz --target "${targets[@]}"

status=0
for target in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$target
  mkdir -p "$corpus"
  echo "fuzz.sh: $target for ${seconds}s"
  (cd "$corpus" && "$root/build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -max_len=65536 . "$root/tests/fuzz/seeds" "$root/tests/data") || status=1
done
exit $status
