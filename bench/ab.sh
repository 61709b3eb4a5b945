#!/usr/bin/env bash
# A/B of two heimdall builds on a shared, noisy machine. Both run side by side in front of one mock
# provider, and short wrk runs alternate between them, the order flipped every pair: a burst of
# load from another tenant, or an hour when the host is slower, hits both alike. Reports, per path,
# the medians of the per-pair ratios new/base of RPS and of CPU time per request. (bench/run.sh
# compares heimdall with nginx; its figures move by tens of percent from one hour to the next here,
# so it cannot tell a 5 % change in heimdall from the weather.)
#
#   bench/ab.sh --base DIR [--new DIR] [--pairs N] [--seconds S] [--conns C] [--paths LIST] [--pin]
#
#   --base DIR    Release build tree of the base (heimdall at its top), e.g. of an older commit:
#                   git worktree add /tmp/base REV && cmake -S /tmp/base -B /tmp/base/build -G Ninja \
#                     -DCMAKE_BUILD_TYPE=Release && ninja -C /tmp/base/build heimdall
#   --new DIR     Release build tree of the new heimdall (default build/release); its mock is used
#   --pairs N     alternating pairs per path (default 16)
#   --seconds S   length of each wrk run (default 2)
#   --conns C     wrk connections (default 64)
#   --paths LIST  comma-separated, of fast_a, fast_o, tr_a2o, tr_o2a (default fast_a,tr_o2a): the 2 KB
#                 bodies and routes of bench/run.sh
#   --pin         wrk on CPU0; the mock and both gateways on CPU1 (bench/run.sh --pin)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA="$ROOT/bench/data"
BASE=""
NEW="$ROOT/build/release"
PAIRS=16
SECONDS_EACH=2
CONNS=64
PATHS="fast_a,tr_o2a"
PIN=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) BASE="$2"; shift ;;
    --new) NEW="$2"; shift ;;
    --pairs) PAIRS="$2"; shift ;;
    --seconds) SECONDS_EACH="$2"; shift ;;
    --conns) CONNS="$2"; shift ;;
    --paths) PATHS="$2"; shift ;;
    --pin) PIN=1 ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ab.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "[ab] $*" >&2; }
die() { echo "[ab] ERROR: $*" >&2; exit 1; }
[[ -n "$BASE" ]] || die "--base DIR is required"
for bin in "$BASE/heimdall" "$NEW/heimdall" "$NEW/tools/mock-provider/heimdall-mock-provider"; do
  [[ -x "$bin" ]] || die "$bin not found (build it in Release first)"
done
command -v wrk >/dev/null || die "wrk not found (scripts/deps.sh --bench)"

source "$ROOT/bench/lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/heimdall-ab.XXXXXX")
PIDS=()
trap 'stop_pids "${PIDS[@]}"; rm -rf "$TMP"' EXIT
PIN_LOAD=()
PIN_SERVERS=()
if [[ $PIN -eq 1 ]]; then
  PIN_LOAD=(taskset -c 0)
  PIN_SERVERS=(taskset -c 1)
fi

"${PIN_SERVERS[@]}" "$NEW/tools/mock-provider/heimdall-mock-provider" --host 127.0.0.1 --port 0 \
  --workers 1 >"$TMP/mock.log" 2>&1 &
PIDS+=($!)
MOCK_PORT=$(wait_listen "$TMP/mock.log" "mock-provider listening on 127.0.0.1:" "${PIDS[-1]}")
mkdir -p "$TMP/gateway"
write_gateway_config "$TMP/gateway" "$MOCK_PORT"
declare -A PID PORT
for side in base new; do
  dir=$BASE
  [[ $side == new ]] && dir=$NEW
  "${PIN_SERVERS[@]}" "$dir/heimdall" --app-dir "$TMP/gateway" --host 127.0.0.1 --port 0 \
    --workers 1 >"$TMP/$side.log" 2>&1 &
  PIDS+=($!)
  PID[$side]=$!
  PORT[$side]=$(wait_listen "$TMP/$side.log" "heimdall listening on 127.0.0.1:" "${PID[$side]}")
done
log "mock on $MOCK_PORT; base ($BASE) on ${PORT[base]}; new ($NEW) on ${PORT[new]}"

H_A='content-type: application/json|anthropic-version: 2023-06-01|x-api-key: sk-bench'
H_O='content-type: application/json|authorization: Bearer sk-bench'
declare -A ROUTE BODY HEADERS
ROUTE=([fast_a]=/anthropic/v1/messages [tr_a2o]=/anthropic/v1/messages
       [fast_o]=/openai/v1/chat/completions [tr_o2a]=/openai/v1/chat/completions)
BODY=([fast_a]=anthropic_2k.json [tr_a2o]=anthropic_2k_to_openai.json [fast_o]=openai_2k.json
      [tr_o2a]=openai_2k_to_anthropic.json)
HEADERS=([fast_a]=$H_A [tr_a2o]=$H_A [fast_o]=$H_O [tr_o2a]=$H_O)
TICK_US=$((1000000 / $(getconf CLK_TCK)))

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure PATH SIDE: one wrk run; appends "rps cpu_us_per_request" to $TMP/PATH.SIDE
measure() {
  local path=$1 side=$2 before result requests rps
  before=$(cpu_ticks "${PID[$side]}")
  result=$(BODY="$DATA/${BODY[$path]}" HEADERS="${HEADERS[$path]}" "${PIN_LOAD[@]}" wrk -t1 \
    -c"$CONNS" -d"${SECONDS_EACH}s" --timeout 5s -s "$ROOT/bench/wrk/post.lua" \
    "http://127.0.0.1:${PORT[$side]}${ROUTE[$path]}" | grep BENCH_RESULT)
  requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$result")
  rps=$(sed 's/.* rps=\([0-9.]*\).*/\1/' <<<"$result")
  [[ "$result" == *"non2xx=0"* && $requests -gt 0 ]] || die "$path on $side failed: $result"
  echo "$rps $(( ($(cpu_ticks "${PID[$side]}") - before) * TICK_US * 1000 / requests ))" \
    >>"$TMP/$path.$side"
}

IFS=, read -r -a PATH_LIST <<<"$PATHS"
for path in "${PATH_LIST[@]}"; do
  [[ -n "${ROUTE[$path]:-}" ]] || die "unknown path id: $path"
  measure "$path" base  # warm-up of both, not counted
  measure "$path" new
  : >"$TMP/$path.base"
  : >"$TMP/$path.new"
done
for pair in $(seq 1 "$PAIRS"); do
  for path in "${PATH_LIST[@]}"; do
    if (( pair % 2 )); then order=(base new); else order=(new base); fi
    for side in "${order[@]}"; do measure "$path" "$side"; done
  done
  log "pair $pair of $PAIRS done"
done

echo "A/B, $(nproc) CPUs$([[ $PIN -eq 1 ]] && echo ', pinned'): $PAIRS alternating pairs of wrk -c$CONNS" \
  "${SECONDS_EACH}s per path; base $BASE, new $NEW; CPU = heimdall's user+system time (ns)."
echo
echo "| path | base RPS (median) | new RPS (median) | new / base RPS (median of pairs) | base CPU ns/req | new CPU ns/req | new / base CPU per request (median of pairs) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for path in "${PATH_LIST[@]}"; do
  paste -d' ' "$TMP/$path.base" "$TMP/$path.new" | awk -v path="$path" '
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { n++; br[n] = $1; bc[n] = $2; nr[n] = $3; nc[n] = $4; rr[n] = $3 / $1; rc[n] = $4 / $2 }
    END {
      printf "| %s | %.0f | %.0f | %.3f | %.0f | %.0f | %.3f |\n", path, median(br, n), median(nr, n),
             median(rr, n), median(bc, n), median(nc, n), median(rc, n)
    }'
done
