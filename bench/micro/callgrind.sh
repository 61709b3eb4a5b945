#!/bin/bash
# Instructions per call of a codec function inside one micro-benchmark, from callgrind: a figure
# that does not move with the load of a shared machine, unlike ns/op. Only the named functions
# (and what they call) are counted; the count of calls to the first one gives the divisor.
#
#   bench/micro/callgrind.sh BINARY BENCH_REGEX COUNTED_FUNCTION GLOB [GLOB...]
#   bench/micro/callgrind.sh build/bench/bench/micro/heimdall_codec_bench \
#     'BM_AnthropicToOpenAiRequest_2K$' 'anthropic_detail::decode_request' \
#     '*anthropic_detail::decode_request*' '*openai_chat::encode_request*'
set -eu  # no pipefail: awk stops reading early on purpose
bin=$1 re=$2 counted=$3
shift 3
args=()
for glob in "$@"; do
  args+=("--toggle-collect=$glob")
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" "${args[@]}" "$bin" \
  --benchmark_filter="$re" --benchmark_min_time=0.3 >/dev/null 2>&1
total=$(callgrind_annotate "$out" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
# In the caller tree, the "< caller (Nx)" lines above "* function" say how often it was called.
calls=$(callgrind_annotate --threshold=100 --tree=caller "$out" | awk -v fn="$counted" '
  /^ *[0-9,]+ .*< / { if (match($0, /\([0-9,]+x\)/)) { n = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", n); sum += n } next }
  /\*  / { if ($0 ~ fn) { print sum; exit } sum = 0; next }
  /^$/ { sum = 0 }')
echo "$re instructions/op=$((total / calls)) (total=$total calls=$calls)"
