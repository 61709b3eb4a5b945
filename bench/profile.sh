#!/usr/bin/env bash
# Instructions per request of heimdall's request paths, counted by callgrind, so the figure does not
# depend on how busy the (shared) machine is. A Release heimdall with 1 worker runs under
# `valgrind --tool=callgrind` in front of the mock provider (run natively); wrk drives exactly N
# keep-alive requests per path (bench/wrk/post.lua, the bodies and headers of bench/run.sh). The
# counters are zeroed before and dumped after each path, so start-up and warm-up are not counted; an
# idle stretch measured the same way is subtracted in proportion to each path's wall time.
#
#   bench/profile.sh [--requests N] [--conns C] [--paths LIST] [--top K] [--rebuild] [--keep DIR]
#
#   --requests N  requests per path (default 2000)
#   --conns C     wrk connections (default 1; with C > 1 up to C-1 requests beyond N are in flight
#                 when wrk stops, so the figure is a little high)
#   --paths LIST  comma-separated path ids (default: all of the 2 KB ones): fast_a, tr_a2o, fast_o,
#                 tr_o2a (as in bench/run.sh), the streaming fast paths sfast_a, sfast_o and the
#                 translated stream str_a2o (Anthropic caller, OpenAI provider); streams get one
#                 upstream chunk per SSE event. Not in the default: fast_a, tr_a2o and tr_o2a with
#                 scenario 5's long conversations (bench/data/gen_sizes.mjs, needs node), ids with
#                 _50k or _1m appended (use --requests 200 or fewer for _1m)
#   --event-delay MS  pause between the upstream's stream events (default 0: the events leave
#                 back to back, so several may reach heimdall in one read; with a few ms each
#                 arrives alone and the figure is the relay's cost per chunk)
#   --top K       functions listed per path, by self cost and by inclusive cost of heimdall's own
#                 functions (default 25; 0: none)
#   --rebuild     run ninja even when the binaries exist
#   --keep DIR    keep the callgrind dumps there (`callgrind_annotate --inclusive=yes DIR/<path>.out`)
#
# Environment: PROFILE_BUILD_DIR (default build/release) holds heimdall and
# tools/mock-provider/heimdall-mock-provider.
# Output: a Markdown report on stdout: Ir per request per path, then each path's top functions.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="${PROFILE_BUILD_DIR:-$ROOT/build/release}"
DATA="$ROOT/bench/data"
LUA="$ROOT/bench/wrk/post.lua"

REQUESTS=2000
CONNS=1
PATHS="fast_a,tr_a2o,fast_o,tr_o2a,sfast_a,sfast_o,str_a2o"
TOP=25
EVENT_DELAY=0
REBUILD=0
KEEP=""
WARMUP_REQUESTS=200
IDLE_SECONDS=3

while [[ $# -gt 0 ]]; do
  case "$1" in
    --requests) REQUESTS="$2"; shift ;;
    --conns) CONNS="$2"; shift ;;
    --paths) PATHS="$2"; shift ;;
    --top) TOP="$2"; shift ;;
    --event-delay) EVENT_DELAY="$2"; shift ;;
    --rebuild) REBUILD=1 ;;
    --keep) KEEP="$2"; shift ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "profile.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "[profile] $*" >&2; }
die() { echo "[profile] ERROR: $*" >&2; exit 1; }

for tool in valgrind callgrind_control callgrind_annotate wrk curl; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install valgrind wrk curl)"
done

MOCK_BIN="$BUILD/tools/mock-provider/heimdall-mock-provider"
HEIMDALL_BIN="$BUILD/heimdall"
if [[ $REBUILD -eq 1 || ! -x "$MOCK_BIN" || ! -x "$HEIMDALL_BIN" ]]; then
  log "building Release binaries into $BUILD"
  if [[ ! -f "$BUILD/build.ninja" ]]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEIMDALL_TESTS=OFF >&2
  fi
  ninja -C "$BUILD" heimdall heimdall-mock-provider >&2 || die "Release build failed"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/heimdall-profile.XXXXXX")
PIDS=()
source "$ROOT/bench/lib.sh"
cleanup() {
  stop_pids "${PIDS[@]}"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


"$MOCK_BIN" --host 127.0.0.1 --port 0 --workers 1 >"$TMP/mock.log" 2>&1 &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
MOCK_PORT=$(wait_listen "$TMP/mock.log" "mock-provider listening on 127.0.0.1:" "$MOCK_PID" 1200)

mkdir -p "$TMP/heimdall"
write_gateway_config "$TMP/heimdall" "$MOCK_PORT"
valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind.out" \
  "$HEIMDALL_BIN" --app-dir "$TMP/heimdall" --host 127.0.0.1 --port 0 --workers 1 \
  >"$TMP/heimdall.log" 2>&1 &
HEIMDALL_PID=$!
PIDS+=("$HEIMDALL_PID")
HEIMDALL_PORT=$(wait_listen "$TMP/heimdall.log" "heimdall listening on 127.0.0.1:" "$HEIMDALL_PID" 1200)
log "heimdall (callgrind) pid $HEIMDALL_PID on 127.0.0.1:$HEIMDALL_PORT, mock on $MOCK_PORT"

# Streaming bodies: the 2 KB bodies with "stream": true; the x-bf-eh- header reaches the mock as
# x-mock-event-delay-ms ($EVENT_DELAY), which sends each SSE event as its own chunk, as real
# providers do.
sed 's/^{/{"stream":true,/' "$DATA/anthropic_2k.json" >"$TMP/anthropic_2k_stream.json"
sed 's/^{/{"stream":true,"stream_options":{"include_usage":true},/' "$DATA/openai_2k.json" \
  >"$TMP/openai_2k_stream.json"
sed 's/^{/{"stream":true,/' "$DATA/anthropic_2k_to_openai.json" >"$TMP/anthropic_2k_stream_to_openai.json"

H_A='content-type: application/json|anthropic-version: 2023-06-01|x-api-key: sk-bench'
H_O='content-type: application/json|authorization: Bearer sk-bench'
H_EV="x-bf-eh-x-mock-event-delay-ms: $EVENT_DELAY"
H="http://127.0.0.1:$HEIMDALL_PORT"
# id ; label ; url ; body ; headers
# Scenario 5's bodies, for the _50k and _1m ids.
if [[ ",$PATHS," == *_50k,* || ",$PATHS," == *_1m,* ]]; then
  node "$DATA/gen_sizes.mjs" "$TMP" || die "node $DATA/gen_sizes.mjs failed"
fi
ALL_PATHS=(
  "fast_a;fast path (Anthropic);$H/anthropic/v1/messages;$DATA/anthropic_2k.json;$H_A"
  "tr_a2o;translated (Anthropic → OpenAI);$H/anthropic/v1/messages;$DATA/anthropic_2k_to_openai.json;$H_A"
  "fast_o;fast path (OpenAI);$H/openai/v1/chat/completions;$DATA/openai_2k.json;$H_O"
  "tr_o2a;translated (OpenAI → Anthropic);$H/openai/v1/chat/completions;$DATA/openai_2k_to_anthropic.json;$H_O"
  "sfast_a;fast path stream (Anthropic);$H/anthropic/v1/messages;$TMP/anthropic_2k_stream.json;$H_A|$H_EV"
  "sfast_o;fast path stream (OpenAI);$H/openai/v1/chat/completions;$TMP/openai_2k_stream.json;$H_O|$H_EV"
  "str_a2o;translated stream (Anthropic → OpenAI);$H/anthropic/v1/messages;$TMP/anthropic_2k_stream_to_openai.json;$H_A|$H_EV"
)
for size in 50k 1m; do
  ALL_PATHS+=(
    "fast_a_$size;fast path (Anthropic), $size body;$H/anthropic/v1/messages;$TMP/anthropic_$size.json;$H_A"
    "tr_a2o_$size;translated (Anthropic → OpenAI), $size body;$H/anthropic/v1/messages;$TMP/anthropic_${size}_to_openai.json;$H_A"
    "tr_o2a_$size;translated (OpenAI → Anthropic), $size body;$H/openai/v1/chat/completions;$TMP/openai_${size}_to_anthropic.json;$H_O"
  )
done

# post.lua plus a response() that stops after exactly $REQUESTS responses. wrk's main thread sleeps
# for the whole -d unless SIGINT wakes it; os.execute (system()) ignores SIGINT while it runs, so
# the signal is sent from a background shell once it has returned (that shell's parent is wrk).
cat >"$TMP/count.lua" <<'EOF'
dofile(os.getenv("POST_LUA"))
local limit = tonumber(os.getenv("REQUESTS"))
local seen = 0
function response(status, headers, body)
  seen = seen + 1
  if seen == limit then
    wrk.thread:stop()
    os.execute("(sleep 0.2; kill -INT $PPID) >/dev/null 2>&1 &")
  end
end
EOF

# drive BODY HEADERS URL N OUT: exactly N responses over $CONNS connections.
drive() {
  POST_LUA="$LUA" BODY="$1" HEADERS="$2" REQUESTS="$4" \
    wrk -t1 -c"$CONNS" -d3600s --timeout 60s -s "$TMP/count.lua" "$3" >"$5" 2>&1 ||
    { cat "$5" >&2; die "wrk failed on $3"; }
  grep -q '^BENCH_RESULT' "$5" || { cat "$5" >&2; die "no result from wrk on $3"; }
}

DUMPS=0
# dump NAME: writes the counters since the last zeroing to $TMP/NAME.out and zeroes them.
dump() {
  callgrind_control -d "$1" "$HEIMDALL_PID" >/dev/null 2>&1 || die "callgrind_control -d failed"
  DUMPS=$((DUMPS + 1))
  local file="$TMP/callgrind.out.$DUMPS"
  for _ in $(seq 1 200); do [[ -s "$file" ]] && break; sleep 0.05; done
  [[ -s "$file" ]] || die "callgrind dump $file did not appear"
  mv "$file" "$TMP/$1.out"
}
total_ir() { awk '/^(summary|totals):/ { print $2; exit }' "$1"; }
# codec_ir FILE: inclusive Ir of the dialect codecs' request/response entry points (the translated
# paths' JSON work, owned by src/dialects), so the rest of a path can be told apart.
codec_ir() {
  callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
    awk '/dialects::\(anonymous namespace\)::[A-Za-z]+Codec::(decode|encode)_(request|response)\(/ {
      v = $1; gsub(",", "", v); s += v
    } END { printf "%d\n", s }'
}

# top_table REQUESTS TOTAL REGEX: callgrind_annotate's function list (stdin) as a Markdown table of
# the first $TOP functions matching REGEX, without the thread entry points that hold everything.
top_table() {
  echo "| Ir/req | % | function |"
  echo "|---:|---:|---|"
  awk -v n="$1" -v total="$2" -v re="$3" -v top="$TOP" '
    /file:function/ { body = 1; next }
    body && $1 ~ /^[0-9,]+$/ && shown < top {
      ir = $1; gsub(",", "", ir); ir += 0
      if (ir > 0.98 * total) next
      line = $0; sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "", line)
      sub(/^[^:]*:/, "", line)                  # the source file, "???" without debug info
      sub(/ \[[^]]*\]$/, "", line)              # the object file
      if (line !~ re || line ~ /_M_run|Server::start/) next
      gsub(/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/, "std::string", line)
      gsub(/std::basic_string_view<char, std::char_traits<char> >/, "std::string_view", line)
      if (length(line) > 150) line = substr(line, 1, 147) "..."
      gsub(/\|/, "\\|", line)
      printf "| %d | %.1f | `%s` |\n", ir / n, 100 * ir / total, line
      shown++
    }'
}

now_ms() { date +%s%3N; }

# Idle baseline: what the process burns while no request is in flight (timers, the log flusher).
callgrind_control -z "$HEIMDALL_PID" >/dev/null 2>&1
t0=$(now_ms)
sleep "$IDLE_SECONDS"
dump idle
IDLE_MS=$(($(now_ms) - t0))
IDLE_IR=$(total_ir "$TMP/idle.out")
log "idle: $IDLE_IR Ir in $IDLE_MS ms"

ROWS=""
TOPS=""
IFS=',' read -r -a WANTED <<<"$PATHS"
for want in "${WANTED[@]}"; do
  found=0
  for p in "${ALL_PATHS[@]}"; do
    IFS=';' read -r id label url body hdrs <<<"$p"
    [[ "$id" == "$want" ]] || continue
    found=1
    log "$label: $WARMUP_REQUESTS warm-up requests, then $REQUESTS measured"
    drive "$body" "$hdrs" "$url" "$WARMUP_REQUESTS" "$TMP/warm_$id.txt"
    callgrind_control -z "$HEIMDALL_PID" >/dev/null 2>&1
    t0=$(now_ms)
    drive "$body" "$hdrs" "$url" "$REQUESTS" "$TMP/wrk_$id.txt"
    dump "$id"
    ms=$(($(now_ms) - t0))
    result=$(grep '^BENCH_RESULT' "$TMP/wrk_$id.txt")
    responses=$(sed 's/.* requests=\([0-9]*\).*/\1/' <<<"$result")
    bad=$(sed 's/.* non2xx=\([0-9]*\).*/\1/' <<<"$result")
    [[ "$bad" == 0 ]] || die "$label: $bad of $responses responses were not 2xx"
    ir=$(total_ir "$TMP/$id.out")
    idle=$((IDLE_IR * ms / IDLE_MS))
    per=$(((ir - idle) / responses))
    codec=$(($(codec_ir "$TMP/$id.out") / responses))
    ROWS+="| $label | \`$id\` | $responses | $ir | $idle | **$per** | $codec | $((per - codec)) |"$'\n'
    log "  $label: $per Ir/request"
    if [[ $TOP -gt 0 ]]; then
      TOPS+=$'\n'"### $label"$'\n\n'"Self cost (Ir per request):"$'\n\n'
      TOPS+=$(callgrind_annotate --threshold=100 "$TMP/$id.out" 2>/dev/null | top_table "$responses" "$ir" '.')
      TOPS+=$'\n\n'"Inclusive cost of heimdall's own functions (coroutine bodies count only the part run"
      TOPS+=" before their first suspension and after each resumption they start):"$'\n\n'
      TOPS+=$(callgrind_annotate --inclusive=yes --threshold=100 "$TMP/$id.out" 2>/dev/null |
        top_table "$responses" "$ir" 'heimdall::')
      TOPS+=$'\n'
    fi
  done
  [[ $found -eq 1 ]] || die "unknown path id: $want"
done

if [[ -n "$KEEP" ]]; then
  mkdir -p "$KEEP"
  cp "$TMP"/*.out "$KEEP"/
  log "callgrind dumps kept in $KEEP"
fi

cat <<EOF
# heimdall instructions per request (callgrind)

- Binary: $HEIMDALL_BIN ($(date -u -r "$HEIMDALL_BIN" +%Y-%m-%dT%H:%MZ)), HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no -- src 2>/dev/null)" ]] && echo ", src/ modified")
- 1 worker under valgrind $(valgrind --version | sed 's/valgrind-//'); mock provider native; wrk -t1 -c$CONNS, $REQUESTS keep-alive requests per path after $WARMUP_REQUESTS warm-up ones; 2 KB bodies (bench/data); streams paced $EVENT_DELAY ms per event.
- Idle baseline: $IDLE_IR Ir over $IDLE_MS ms, subtracted in proportion to each path's wall time.
- "codecs": inclusive Ir of the dialect codecs' decode/encode_request/response (src/dialects); "rest" is
  everything else (HTTP, routing, relay).

| path | id | requests | total Ir | idle Ir | Ir / request | codecs Ir / request | rest Ir / request |
|---|---|---:|---:|---:|---:|---:|---:|
$ROWS$TOPS
EOF
