#!/usr/bin/env bash
# Heimdall benchmark harness (issue 3). One command runs the scenarios against the project's mock provider
# and writes bench/results/<UTC date-time>.md (tables, machine, versions, exact commands) and .png (chart).
#
#   bench/run.sh [--quick] [--pin] [--duration S] [--rebuild] [--soak] [--only LIST] [--note TEXT]
#
#   --quick      short runs (about 2 minutes in all) instead of the full set (under 10 minutes)
#   --duration S seconds of scenario 2's c=64 load per path (default 6, --quick 2), split into round-robin
#                rounds (3, --quick 2); its c=16 run lasts S/2
#   --pin        load generators on CPU0; the mock and the server under test on CPU1 (STACK.md §3 "pinned")
#   --rebuild    run ninja even when the Release binaries already exist
#   --soak       add scenario 6's 5-minute soak (RSS sampled every 10 s under load, slope reported)
#   --only LIST  comma-separated scenarios to run, of 12 (latency + throughput, with 7), 3, 4, 5, 7;
#                default all. Memory (6) is always reported (--only 6 --soak: the soak alone).
#   --note TEXT  a sentence added to the results file (e.g. "machine busy with other builds")
#
# Scenarios: 1 added latency at c=1, 2 max throughput and CPU per request, 3 sustained arrival rate with a
# 20 ms mock (open loop, bench/loadgen --rate), 4 streaming (TTFT, inter-token gaps, concurrent streams
# ramp), 5 request body sizes, 6 memory, 7 Portkey side by side (on 1-2). Everything listens on 127.0.0.1;
# every process started here is stopped on exit; every run has a bounded duration, so it stops by itself.
set -euo pipefail
# The whole script is one compound command, so bash parses it completely before running it: editing or
# pulling bench/run.sh during a run cannot change what the run executes.
{

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="${BENCH_BUILD_DIR:-$ROOT/build/release}"   # override only to test the harness itself
BENCH="$ROOT/bench"
DATA="$BENCH/data"
LUA="$BENCH/wrk/post.lua"

DURATION=6
DURATION_SET=0
QUICK=0
PIN=0
REBUILD=0
SOAK=0
ONLY="12,3,4,5,7"
NOTE=""
WARMUP=1          # seconds of unmeasured c=64 load before each target's runs
CONNS_HIGH=64
INVOCATION="bench/run.sh $*"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --pin) PIN=1 ;;
    --rebuild) REBUILD=1 ;;
    --soak) SOAK=1 ;;
    --duration) DURATION="$2"; DURATION_SET=1; shift ;;
    --only) ONLY="$2"; shift ;;
    --note) NOTE="$2"; shift ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }

if [[ $QUICK -eq 1 ]]; then
  [[ $DURATION_SET -eq 1 ]] || DURATION=2
  PAUSE=0.1
  WARMUP=0   # scenario 2's c=16 run warms each path instead
  S3_RATES="2000 8000"; S3_DUR=1; S3_PATHS="direct_a hfast_a"
  S4_K=4; S4_ROUNDS=1; RAMP_LEVELS="100 1000"
  S5_DUR=1; S5_PATHS="direct_a hfast_a"; S5_CONNS="1 16"
else
  PAUSE=0.3
  S3_RATES="1000 2000 4000 6000 8000 12000 16000"; S3_DUR=3; S3_PATHS="direct_a nginx_a hfast_a htr_a2o htr_o2a"
  S4_K=8; S4_ROUNDS=3; RAMP_LEVELS="100 1000 5000 10000"
  S5_DUR=2; S5_PATHS="direct_a nginx_a hfast_a htr_a2o htr_o2a"; S5_CONNS="1 16"
fi
S1_ROUNDS=5; [[ $QUICK -eq 1 ]] && S1_ROUNDS=2 # scenario 1: rounds, each one cycle run over the paths (+ Portkey alone)
S2_ROUNDS=3; [[ $QUICK -eq 1 ]] && S2_ROUNDS=2 # scenario 2: c=64 rounds, each path once per round (round-robin)
S1_DUR=2; [[ $QUICK -eq 1 ]] && S1_DUR=1      # seconds per path and round (the cycle run lasts paths × S1_DUR)
CONNS_MID=16
S2_MID_DUR=$(( DURATION / 2 )); [[ $S2_MID_DUR -ge 1 ]] || S2_MID_DUR=1
S2_ROUND_DUR=$(( DURATION / S2_ROUNDS )); [[ $S2_ROUND_DUR -ge 1 ]] || S2_ROUND_DUR=1
S3_MAX_CONNS=4096   # the open-loop generator's connection cap
S3_CONNECTS=64      # its connects in flight at most (no connect storm on a server that falls behind)
S3_DRAIN=2          # seconds a level waits for answers after its last due time
SOAK_SECONDS=${BENCH_SOAK_SECONDS:-300}   # override only to test the harness itself
SOAK_EVERY=10

log() { echo "[bench] $(date -u +%H:%M:%S) $*" >&2; }
die() { echo "[bench] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- processes and cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/heimdall-bench.XXXXXX")
PIDS=()       # long-lived servers (stopped at exit)
CHILD=""      # the load generator running now (wrk, loadgen), if any
OK=0
source "$ROOT/bench/lib.sh"
cleanup() {
  [[ -n "$CHILD" ]] && kill -TERM "$CHILD" 2>/dev/null || true
  stop_pids "${PIDS[@]}"
  if [[ $OK -eq 1 && -z "${BENCH_KEEP_TMP:-}" ]]; then
    rm -rf "$TMP"
  else
    echo "[bench] logs kept in $TMP" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command in the background (so an interrupted run kills it too) and waits for it. Only the one
# running child is remembered: a finished child's pid may be reused by someone else's process.
run_child() {
  "$@" &
  CHILD=$!
  local rc=0
  wait "$CHILD" || rc=$?
  CHILD=""
  return $rc
}

# All processes inherit the raised fd limit (concurrent streams need 2 fds per stream in a gateway).
FD_HARD=$(ulimit -Hn)
ulimit -n "$FD_HARD" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)

if [[ $PIN -eq 1 ]]; then
  [[ $(nproc) -ge 2 ]] || die "--pin needs at least 2 CPUs"
  PIN_WRK=(taskset -c 0)
  PIN_SRV=(taskset -c 1)
else
  PIN_WRK=()
  PIN_SRV=()
fi

# A port no socket uses, below the ephemeral range (load generators fill that range with client sockets,
# and a port taken by one makes bind() fail); the small race with other users is acceptable.
EPHEMERAL_LOW=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
  local p span=$((EPHEMERAL_LOW - 10000))
  [[ $span -gt 1000 ]] || span=20000
  for _ in $(seq 1 100); do
    p=$((10000 + RANDOM % span))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
    if command -v ss >/dev/null && [[ -n "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ]]; then continue; fi
    echo "$p"; return 0
  done
  die "no free port found"
}


wait_port() {
  local port=$1 pid=$2 tries=${3:-200}
  for _ in $(seq 1 "$tries"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

CLK_TCK=$(getconf CLK_TCK)
# Sum of utime+stime (clock ticks) of the given PIDs; all threads of each process are included.
cpu_ticks() {
  local total=0 pid rest
  for pid in "$@"; do
    rest=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    # after "pid (comm) ": field 1 is state, so utime/stime (stat fields 14/15) are 12/13
    total=$((total + $(awk '{print $12 + $13}' <<<"$rest")))
  done
  echo "$total"
}
# kB of VmRSS / VmHWM of a process
vm() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# ---------------------------------------------------------------- binaries and tools
MOCK_BIN="$BUILD/tools/mock-provider/heimdall-mock-provider"
HEIMDALL_BIN="$BUILD/heimdall"
LOADGEN_BIN="$BUILD/bench/loadgen/heimdall-loadgen"
CMAKE_ARGS=(-S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEIMDALL_TESTS=OFF -DHEIMDALL_BENCH_TOOLS=ON)
BUILD_CMDS=(
  "cmake -S . -B ${BUILD#$ROOT/} -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEIMDALL_TESTS=OFF -DHEIMDALL_BENCH_TOOLS=ON"
  "ninja -C ${BUILD#$ROOT/} heimdall heimdall-mock-provider heimdall-loadgen"
)
if [[ $REBUILD -eq 1 || ! -x "$MOCK_BIN" || ! -x "$HEIMDALL_BIN" || ! -x "$LOADGEN_BIN" ]]; then
  log "building Release binaries into $BUILD"
  if [[ ! -f "$BUILD/build.ninja" ]] || ! grep -q '^HEIMDALL_BENCH_TOOLS:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null; then
    cmake "${CMAKE_ARGS[@]}" >&2
  fi
  ninja -C "$BUILD" heimdall heimdall-mock-provider heimdall-loadgen >&2 ||
    die "Release build failed (another area mid-change? retry later)"
fi
[[ -x "$MOCK_BIN" && -x "$HEIMDALL_BIN" && -x "$LOADGEN_BIN" ]] || die "binaries missing after the build"

NGINX=$(command -v nginx || true)
[[ -z "$NGINX" && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z "$(command -v wrk || true)" || -z "$NGINX" || -z "$(command -v gnuplot || true)" ]]; then
  log "installing the --bench packages (scripts/deps.sh --bench)"
  "$ROOT/scripts/deps.sh" --bench >&2
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
command -v wrk >/dev/null || die "wrk not found"
[[ -x "$NGINX" ]] || die "nginx not found"
command -v curl >/dev/null || die "curl not found"
HAVE_GNUPLOT=0; command -v gnuplot >/dev/null && HAVE_GNUPLOT=1
HAVE_NODE=0; command -v node >/dev/null && HAVE_NODE=1

# The tree is shared and moves: note what HEAD was when the run started, and whether the binaries predate it.
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
GIT_DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | wc -l)
BIN_TIME=$(stat -c %Y "$HEIMDALL_BIN")
STALE=""
NEWER=$(git -C "$ROOT" log --since="@$BIN_TIME" --format=%h -- . ':!bench' 2>/dev/null | wc -l)
if [[ $NEWER -gt 0 ]]; then
  STALE=" ⚠ $NEWER commit(s) outside bench/ are newer than the heimdall binary (run with --rebuild to measure HEAD)"
  log "warning:${STALE# ⚠}"
fi

# Scenario 5's bodies (1 KB, 50 KB, 1 MB) are generated, not committed.
if want 5; then
  if [[ $HAVE_NODE -eq 1 ]]; then
    mkdir -p "$TMP/bodies"
    node "$DATA/gen_sizes.mjs" "$TMP/bodies"
  else
    log "node not found: scenario 5 (body sizes) skipped"
    ONLY=${ONLY//5/}
  fi
fi

# ---------------------------------------------------------------- servers
RUN_START=$(date +%s)
log "temp dir $TMP; fd limit $FD_LIMIT"
SERVER_CMDS=()

# launch NAME WORKERS READY CMD...: starts CMD (pinned when asked), waits for "READY<port>" in its log,
# sets ${NAME}_PID and ${NAME}_PORT, and records the command for the report.
launch() {
  local name=$1 workers=$2 ready=$3 pid port cmd
  shift 3
  "${PIN_SRV[@]}" "$@" >"$TMP/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  port=$(wait_listen "$TMP/$name.log" "$ready" "$pid")
  printf -v "${name}_PID" '%s' "$pid"
  printf -v "${name}_PORT" '%s' "$port"
  cmd="$*"
  SERVER_CMDS+=("${PIN_SRV[*]:+${PIN_SRV[*]} }${cmd//$TMP/\$TMP}   # $name")
  log "$name pid $pid on 127.0.0.1:$port ($workers worker(s))"
}

start_mock() {  # NAME WORKERS -> sets ${NAME}_PID ${NAME}_PORT
  launch "$1" "$2" "mock-provider listening on 127.0.0.1:" \
    "$MOCK_BIN" --host 127.0.0.1 --port 0 --workers "$2"
}

start_heimdall() {  # NAME WORKERS MOCK_PORT [PORT] -> sets ${NAME}_PID ${NAME}_PORT
  local name=$1 workers=$2 mport=$3 lport=${4:-0} dir="$TMP/$1"
  mkdir -p "$dir"
  write_gateway_config "$dir" "$mport"
  launch "$name" "$workers" "heimdall listening on 127.0.0.1:" \
    "$HEIMDALL_BIN" --app-dir "$dir" --host 127.0.0.1 --port "$lport" --workers "$workers"
}

start_mock mock 1
MOCK_PORT=$mock_PORT; MOCK_PID=$mock_PID

NGX="$TMP/nginx"
mkdir -p "$NGX"
NGINX_PORT=$(free_port)
NGINX_USER=""
if [[ $EUID -eq 0 ]]; then NGINX_USER="user $(id -un) $(id -gn);"; fi
cat >"$NGX/nginx.conf" <<EOF
$NGINX_USER
worker_processes 1;
worker_rlimit_nofile $FD_LIMIT;
daemon off;
master_process on;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections $((FD_LIMIT / 2 - 16)); }
http {
  access_log off;
  client_max_body_size 100m;
  client_body_buffer_size 1m;
  client_body_temp_path $NGX/client_body;
  proxy_temp_path $NGX/proxy;
  fastcgi_temp_path $NGX/fastcgi;
  uwsgi_temp_path $NGX/uwsgi;
  scgi_temp_path $NGX/scgi;
  keepalive_requests 1000000;
  upstream mock {
    server 127.0.0.1:$MOCK_PORT;
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
EOF
"${PIN_SRV[@]}" "$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" >"$NGX/stdout.log" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
SERVER_CMDS+=("${PIN_SRV[*]:+${PIN_SRV[*]} }$NGINX -p \$TMP/nginx -c \$TMP/nginx/nginx.conf -e \$TMP/nginx/error.log")
wait_port "$NGINX_PORT" "$NGINX_PID" || die "nginx did not start: $(cat "$NGX/error.log")"
NGINX_WORKERS=""
for _ in $(seq 1 100); do   # the port accepts as soon as the master listens, maybe before the fork
  NGINX_WORKERS=$(ps -o pid= --ppid "$NGINX_PID" | tr -s ' \n' ' ' || true)
  [[ -n "${NGINX_WORKERS// /}" ]] && break
  sleep 0.05
done
[[ -n "${NGINX_WORKERS// /}" ]] || die "nginx started no worker process"
read -r -a NGINX_WORKER_PIDS <<<"$NGINX_WORKERS"
PIDS+=("${NGINX_WORKER_PIDS[@]}")
log "nginx master $NGINX_PID workers [${NGINX_WORKERS# }] on 127.0.0.1:$NGINX_PORT"

start_heimdall heimdall 1 "$MOCK_PORT"
HEIMDALL_PID=$heimdall_PID; HEIMDALL_PORT=$heimdall_PORT
sleep 0.5
RSS_IDLE=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$HEIMDALL_PID/status")
HWM_IDLE=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$HEIMDALL_PID/status")
HDIR="$TMP/heimdall"

# Portkey (scenario 7): pinned by bench/peers/package-lock.json; installed there with npm ci when missing.
PORTKEY_STATUS="not run"
PORTKEY_PID=""
PORTKEY_PORT=""
PORTKEY_V=""
PEERS="$BENCH/peers"
PORTKEY_JS="$PEERS/node_modules/@portkey-ai/gateway/build/start-server.js"
if want 7 && want 12; then
  if [[ $HAVE_NODE -eq 0 ]]; then
    PORTKEY_STATUS="not run: node not found"
  else
    if [[ ! -f "$PORTKEY_JS" ]]; then
      log "npm ci in bench/peers (Portkey 1.15.2)"
      (cd "$PEERS" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2 ||
        PORTKEY_STATUS="not run: npm ci failed in bench/peers"
    fi
    if [[ -f "$PORTKEY_JS" ]]; then
      PORTKEY_V=$(node -p "require('$PEERS/node_modules/@portkey-ai/gateway/package.json').version")
      PORTKEY_PORT=$(free_port)
      "${PIN_SRV[@]}" node --require "$PEERS/loopback.cjs" "$PORTKEY_JS" --port="$PORTKEY_PORT" --headless \
        >"$TMP/portkey.log" 2>&1 &
      PORTKEY_PID=$!
      PIDS+=("$PORTKEY_PID")
      SERVER_CMDS+=("${PIN_SRV[*]:+${PIN_SRV[*]} }node --require bench/peers/loopback.cjs bench/peers/node_modules/@portkey-ai/gateway/build/start-server.js --port=$PORTKEY_PORT --headless")
      if wait_port "$PORTKEY_PORT" "$PORTKEY_PID" 400; then
        PORTKEY_STATUS="ok"
        log "portkey $PORTKEY_V pid $PORTKEY_PID on 127.0.0.1:$PORTKEY_PORT"
      else
        PORTKEY_STATUS="not run: did not start ($(tail -c 300 "$TMP/portkey.log" | tr '\n' ' '))"
        PORTKEY_PID=""
      fi
    fi
  fi
fi

AFFINITY=""
for pid in "$MOCK_PID" "$NGINX_PID" $NGINX_WORKERS "$HEIMDALL_PID" $PORTKEY_PID; do
  AFFINITY+="$(ps -o comm= -p "$pid") $(taskset -pc "$pid" 2>/dev/null | sed 's/.*: //'); "
done

# ---------------------------------------------------------------- paths
H_A='content-type: application/json|anthropic-version: 2023-06-01|x-api-key: sk-bench'
H_O='content-type: application/json|authorization: Bearer sk-bench'
H_P="content-type: application/json|x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$MOCK_PORT/v1|authorization: Bearer sk-bench"
M="http://127.0.0.1:$MOCK_PORT"
N="http://127.0.0.1:$NGINX_PORT"
H="http://127.0.0.1:$HEIMDALL_PORT"
P="http://127.0.0.1:$PORTKEY_PORT"
# id ; label ; proxy (none|nginx|heimdall|portkey) ; url ; body ; headers ; client dialect ; upstream path ; direct baseline
SCENARIOS=(
  "direct_a;direct → mock (Anthropic);none;$M/v1/messages;anthropic_2k.json;$H_A;anthropic;/v1/messages;"
  "direct_o;direct → mock (OpenAI);none;$M/v1/chat/completions;openai_2k.json;$H_O;openai;/v1/chat/completions;"
  "nginx_a;nginx → mock (Anthropic);nginx;$N/v1/messages;anthropic_2k.json;$H_A;anthropic;/v1/messages;direct_a"
  "nginx_o;nginx → mock (OpenAI);nginx;$N/v1/chat/completions;openai_2k.json;$H_O;openai;/v1/chat/completions;direct_o"
  "hfast_a;heimdall fast path (Anthropic);heimdall;$H/anthropic/v1/messages;anthropic_2k.json;$H_A;anthropic;/v1/messages;direct_a"
  "htr_a2o;heimdall translated (Anthropic → OpenAI);heimdall;$H/anthropic/v1/messages;anthropic_2k_to_openai.json;$H_A;anthropic;/v1/chat/completions;direct_o"
  "hfast_o;heimdall fast path (OpenAI);heimdall;$H/openai/v1/chat/completions;openai_2k.json;$H_O;openai;/v1/chat/completions;direct_o"
  "htr_o2a;heimdall translated (OpenAI → Anthropic);heimdall;$H/openai/v1/chat/completions;openai_2k_to_anthropic.json;$H_O;openai;/v1/messages;direct_a"
)
[[ $PORTKEY_STATUS == ok ]] &&
  SCENARIOS+=("portkey_o;Portkey $PORTKEY_V (OpenAI → OpenAI);portkey;$P/v1/chat/completions;openai_2k.json;$H_P;openai;/v1/chat/completions;direct_o")
declare -A S_LABEL S_PROXY S_URL S_BODY S_HDRS S_DIALECT S_UPATH S_BASE
for s in "${SCENARIOS[@]}"; do
  IFS=';' read -r id label proxy url body hdrs dialect upath base <<<"$s"
  S_LABEL[$id]=$label; S_PROXY[$id]=$proxy; S_URL[$id]=$url; S_BODY[$id]=$body; S_HDRS[$id]=$hdrs
  S_DIALECT[$id]=$dialect; S_UPATH[$id]=$upath; S_BASE[$id]=$base
done

# The request body of a path in scenario 3 (20 ms mock) and scenario 5 (SIZE), in the path's client dialect
# and naming the model of the path's upstream.
s3_body() {  # ID
  case $1 in
    htr_a2o) echo "$DATA/anthropic_delay20_to_openai.json" ;;
    htr_o2a) echo "$DATA/openai_delay20_to_anthropic.json" ;;
    *) echo "$DATA/anthropic_delay20.json" ;;
  esac
}
s5_body() {  # ID SIZE
  case $1 in
    htr_a2o) echo "$TMP/bodies/anthropic_$2_to_openai.json" ;;
    htr_o2a) echo "$TMP/bodies/openai_$2_to_anthropic.json" ;;
    *) echo "$TMP/bodies/anthropic_$2.json" ;;
  esac
}

curl_headers() {  # HEADERS string -> curl -H arguments, one per line
  local IFS='|' h
  for h in $1; do printf -- '-H\n%s\n' "$h"; done
}
# in_round_order ROUND ITEM...: the items in order in odd rounds and reversed in even ones (ABBA), so
# a drift or a burst from another tenant during a round does not always land on the same paths, and
# nginx and the gateway paths swap places from one round to the next.
in_round_order() {
  local round=$1 i
  shift
  if ((round % 2)); then
    printf '%s\n' "$@"
  else
    for ((i = $#; i >= 1; i--)); do printf '%s\n' "${!i}"; done
  fi
}

loadgen_headers() {  # HEADERS string -> loadgen -H arguments, one per line (content-type is its default)
  local IFS='|' h
  for h in $1; do [[ ${h,,} == content-type:* ]] || printf -- '-H\n%s\n' "$h"; done
}

# check ID BODYFILE [UPATH]: one request must answer 200 in the client's dialect and reach the upstream route.
CHECKS=""
check() {
  local id=$1 bodyf=$2 upath=${3:-${S_UPATH[$1]}} label=${S_LABEL[$1]} out="$TMP/check_$1_$(basename "$2")" code resp seen
  curl -sS -X DELETE "$M/__requests" >/dev/null
  mapfile -t hargs < <(curl_headers "${S_HDRS[$id]}")
  code=$(curl -sS -m 30 -o "$out" -w '%{http_code}' "${hargs[@]}" --data-binary "@$bodyf" "${S_URL[$id]}") ||
    die "$label: curl failed"
  resp=$(head -c 400 "$out")
  [[ "$code" == 200 ]] || die "$label ($(basename "$bodyf")): HTTP $code: $resp"
  if [[ ${S_DIALECT[$id]} == anthropic ]]; then
    grep -q '"type":"message"' "$out" || die "$label: not an Anthropic message: $resp"
  else
    grep -q '"object":"chat.completion"' "$out" || die "$label: not an OpenAI completion: $resp"
  fi
  seen=$(curl -sS "$M/__requests" | grep -o '"path":"[^"]*"' | sed 's/"path":"\(.*\)"/\1/' | tr '\n' ' ')
  [[ "$seen" == "$upath " ]] || die "$label: upstream saw [$seen], expected [$upath]"
  CHECKS+="| $label | $(basename "$bodyf") | $code | $(wc -c <"$out") B | $upath |"$'\n'
  log "  ok  $label ($(basename "$bodyf")): HTTP $code, upstream $upath"
}

log "pre-flight checks"
for s in "${SCENARIOS[@]}"; do
  id=${s%%;*}
  check "$id" "$DATA/${S_BODY[$id]}"
done
if want 3; then
  for id in $S3_PATHS; do check "$id" "$(s3_body "$id")"; done
fi
if want 5; then
  for id in $S5_PATHS; do
    for sz in 1k 50k 1m; do check "$id" "$(s5_body "$id" "$sz")"; done
  done
fi
curl -sS -X DELETE "$M/__requests" >/dev/null

# ---------------------------------------------------------------- runs
WRK_TSV="$TMP/wrk.tsv"   # scenario id label proxy conns load proxy_ticks mock_ticks kv size
: >"$WRK_TSV"
RAW="$TMP/raw.txt"
: >"$RAW"
CMDS=""

proxy_pids() {
  case "$1" in
    nginx) echo "$NGINX_PID $NGINX_WORKERS" ;;
    heimdall) echo "$HEIMDALL_PID" ;;
    portkey) echo "$PORTKEY_PID" ;;
    *) echo "" ;;
  esac
}

# run_wrk SCENARIO ID BODYFILE CONNS DURATION MEASURE(0|1) [TAG]
run_wrk() {
  local sc=$1 id=$2 bodyf=$3 conns=$4 dur=$5 measure=$6 tag=${7:-}
  local label=${S_LABEL[$id]} proxy=${S_PROXY[$id]} url=${S_URL[$id]} hdrs=${S_HDRS[$id]}
  local out="$TMP/wrk_${sc}_${id}_c${conns}${tag:+_$tag}.txt" ppids p0 p1 m0 m1 load threads=1
  [[ $conns -ge 512 ]] && threads=2
  ppids=$(proxy_pids "$proxy")
  load=$(cut -d' ' -f1 /proc/loadavg)
  p0=$(cpu_ticks $ppids); m0=$(cpu_ticks "$MOCK_PID")
  BODY="$bodyf" HEADERS="$hdrs" run_child "${PIN_WRK[@]}" wrk -t$threads -c"$conns" -d"${dur}s" --timeout 5s --latency \
    -s "$LUA" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $label c=$conns"; }
  p1=$(cpu_ticks $ppids); m1=$(cpu_ticks "$MOCK_PID")
  [[ $measure -eq 1 ]] || return 0
  local line
  line=$(grep '^BENCH_RESULT' "$out") || { cat "$out" >&2; die "no BENCH_RESULT from wrk for $label c=$conns"; }
  CMDS+="BODY=${bodyf#$ROOT/} HEADERS='$hdrs' ${PIN_WRK[*]:+${PIN_WRK[*]} }wrk -t$threads -c$conns -d${dur}s --timeout 5s --latency -s bench/wrk/post.lua $url"$'\n'
  { echo "### scenario $sc: $label, c=$conns ${tag}"; cat "$out"; echo; } >>"$RAW"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sc" "$id" "$label" "$proxy" "$conns" "$load" \
    "$((p1 - p0))" "$((m1 - m0))" "${line#BENCH_RESULT }" "$tag" >>"$WRK_TSV"
  log "  [$sc] $label c=$conns $tag: $(sed 's/ err_connect.*//' <<<"${line#BENCH_RESULT }")"
}

kv_of() {  # KEY "k=v k=v ..." -> v
  local k=$1 s=" $2 "
  s=${s#* $k=}
  echo "${s%% *}"
}

MEM_ROWS="| heimdall idle (just started, no request yet) | $(mb "$RSS_IDLE") | $(mb "$HWM_IDLE") |"$'\n'
mem_note() {  # LABEL PID [PID...]: the sum over the processes
  local label=$1 rss=0 hwm=0 pid
  shift
  for pid in "$@"; do
    rss=$((rss + $(vm "$pid" VmRSS))); hwm=$((hwm + $(vm "$pid" VmHWM)))
  done
  MEM_ROWS+="| $label | $(mb "$rss") | $(mb "$hwm") |"$'\n'
}
sleep 1
mem_note "heimdall after the pre-flight (one request per path and body, up to 1 MB)" "$HEIMDALL_PID"

# Scenario 1's cycle: every path but Portkey, one line each in the --targets file of heimdall-loadgen --cycle.
S1_TARGETS="$TMP/s1_targets.tsv"
: >"$S1_TARGETS"
for s in "${SCENARIOS[@]}"; do
  id=${s%%;*}
  [[ ${S_PROXY[$id]} == portkey ]] && continue
  printf '%s\t%s\t%s\t%s\n' "$id" "${S_URL[$id]}" "$DATA/${S_BODY[$id]}" "${S_HDRS[$id]}" >>"$S1_TARGETS"
done
S1_NPATHS=$(wc -l <"$S1_TARGETS")
S1_CYCLE_DUR=$((S1_NPATHS * S1_DUR))   # so each path gets about the samples of S1_DUR s of wrk -c1 alone
S1_TIMEOUT=5                            # seconds per request, as wrk --timeout
# run_cycle ROUND: one heimdall-loadgen --cycle run over scenario 1's paths (seed = the round, so every
# round has its own orders); a row per path in WRK_TSV, tagged like run_wrk's, with rps = 1e6 / mean.
run_cycle() {
  local r=$1 out="$TMP/cycle_r$1.txt" load line id rps args
  args="--cycle --targets $S1_TARGETS --duration-s $S1_CYCLE_DUR --seed $r --timeout-s $S1_TIMEOUT"
  load=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2086  # args: words on purpose
  run_child "${PIN_WRK[@]}" "$LOADGEN_BIN" $args >"$out" 2>&1 || true
  grep -q '^LOADGEN_RESULT' "$out" || { cat "$out" >&2; die "no LOADGEN_RESULT from scenario 1's cycle run, round $r"; }
  CMDS+="${PIN_WRK[*]:+${PIN_WRK[*]} }${LOADGEN_BIN#$ROOT/} ${args//"$TMP"/\$TMP}"$'\n'
  { echo "### scenario 1: loadgen --cycle, round $r"; cat "$out"; echo; } >>"$RAW"
  while read -r line; do
    line=${line#LOADGEN_RESULT }
    id=$(kv_of id "$line")
    rps=$(awk -v m="$(kv_of mean "$line")" 'BEGIN { printf "%.1f", (m > 0) ? 1e6 / m : 0 }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' 1 "$id" "${S_LABEL[$id]}" "${S_PROXY[$id]}" 1 "$load" 0 0 \
      "$line rps=$rps run_s=$S1_CYCLE_DUR" "r$r" >>"$WRK_TSV"
    log "  [1] ${S_LABEL[$id]} c=1 r$r (cycle): $(sed 's/ p90=[0-9]*//; s/ connect_errors=.* timeouts=/ timeouts=/; s/ cycles=.*//' <<<"$line")"
  done < <(grep '^LOADGEN_RESULT' "$out")
}

# ---- scenarios 2 then 1 (+7): each path at c=16 and c=64, then every path at c=1 in interleaved rounds
if want 12; then
  log "scenario 2 (+7): c=$CONNS_MID ${S2_MID_DUR} s per path, then c=$CONNS_HIGH in $S2_ROUNDS rounds of ${S2_ROUND_DUR} s, round-robin"
  for s in "${SCENARIOS[@]}"; do
    id=${s%%;*}
    if [[ $WARMUP -gt 0 ]]; then
      run_wrk 2 "$id" "$DATA/${S_BODY[$id]}" "$CONNS_HIGH" "$WARMUP" 0
      sleep "$PAUSE"
    fi
    run_wrk 2 "$id" "$DATA/${S_BODY[$id]}" "$CONNS_MID" "$S2_MID_DUR" 1
    sleep "$PAUSE"
  done
  # Round-robin for the same reason as scenario 1: another tenant's burst spoils one round of one path,
  # and every ratio is taken within a round (path and nginx seconds apart) before the median.
  for r in $(seq 1 "$S2_ROUNDS"); do
    mapfile -t ORDER < <(in_round_order "$r" "${SCENARIOS[@]}")
    for s in "${ORDER[@]}"; do
      id=${s%%;*}
      run_wrk 2 "$id" "$DATA/${S_BODY[$id]}" "$CONNS_HIGH" "$S2_ROUND_DUR" 1 "r$r"
      sleep "$PAUSE"
    done
  done
  # Scenario 1 after 2, so every path is warm. Each round is one heimdall-loadgen --cycle run over every
  # path but Portkey: a request to each path in turn, in an order shuffled every cycle, so a burst of
  # noise from other tenants of the machine lands on all the paths alike. Portkey (~20× slower, it would
  # take most of every cycle) runs alone with wrk in the same round, after the cycle in odd rounds and
  # before it in even ones. The report takes the median over rounds.
  log "scenario 1 (+7): c=1, $S1_ROUNDS rounds of one cycle run over $S1_NPATHS paths (${S1_CYCLE_DUR} s)$([[ $PORTKEY_STATUS == ok ]] && echo " + Portkey with wrk (${S1_DUR} s)")"
  S1_STEPS=(cycle)
  [[ $PORTKEY_STATUS == ok ]] && S1_STEPS+=(portkey_o)
  for r in $(seq 1 "$S1_ROUNDS"); do
    mapfile -t ORDER < <(in_round_order "$r" "${S1_STEPS[@]}")
    for step in "${ORDER[@]}"; do
      if [[ $step == cycle ]]; then
        run_cycle "$r"
      else
        run_wrk 1 "$step" "$DATA/${S_BODY[$step]}" 1 "$S1_DUR" 1 "r$r"
      fi
      sleep 0.1
    done
  done
  mem_note "heimdall after scenarios 1-2" "$HEIMDALL_PID"
  if [[ $PORTKEY_STATUS == ok ]]; then
    # Portkey streaming on Node 20: recorded as a result, not worked around.
    mapfile -t hargs < <(curl_headers "$H_P")
    PK_STREAM_CODE=$(curl -sS -m 10 -o "$TMP/portkey_stream.txt" -w '%{http_code}' "${hargs[@]}" \
      --data-binary "@$DATA/openai_stream.json" "$P/v1/chat/completions" || echo "curl-failed")
    PK_STREAM_BODY=$(head -c 200 "$TMP/portkey_stream.txt" | tr '\n' ' ')
    PK_STREAM_ERR=$(grep -o 'TypeError: [a-z]*' "$TMP/portkey.log" | head -1 || true)
    log "  portkey stream: HTTP $PK_STREAM_CODE ${PK_STREAM_ERR}"
  fi
fi

# ---- scenario 3: sustained arrival rate with a 20 ms mock ([[delay:20]] in the prompt), open loop
RATE_TSV="$TMP/rate.tsv"   # id label proxy rate load proxy_ticks mock_ticks kv
: >"$RATE_TSV"
declare -A S3_HELD S3_FAILED
# run_rate ID BODYFILE RATE: one level of heimdall-loadgen --rate; appends a row; returns 0 when held
# (p99 < 1 s and errors, timeouts included, < 0.1 % of the requests offered).
run_rate() {
  local id=$1 bodyf=$2 rate=$3 out line ppids p0 p1 m0 m1 load
  # the initial pool (opened before the clock starts) covers R × 40 ms in flight: twice the mock's delay
  local pool=$((rate / 25)) gen_args
  local label=${S_LABEL[$id]} url=${S_URL[$id]}
  out="$TMP/rate_${id}_${rate}.txt"
  mapfile -t largs < <(loadgen_headers "${S_HDRS[$id]}")
  ppids=$(proxy_pids "${S_PROXY[$id]}")
  load=$(cut -d' ' -f1 /proc/loadavg)
  p0=$(cpu_ticks $ppids); m0=$(cpu_ticks "$MOCK_PID")
  gen_args="--rate $rate --duration-s $S3_DUR --initial-conns $pool --max-conns $S3_MAX_CONNS --connect-concurrency $S3_CONNECTS --drain-s $S3_DRAIN"
  # shellcheck disable=SC2086  # gen_args: words on purpose
  run_child "${PIN_WRK[@]}" "$LOADGEN_BIN" --url "$url" --body "$bodyf" "${largs[@]}" $gen_args >"$out" 2>&1 || true
  p1=$(cpu_ticks $ppids); m1=$(cpu_ticks "$MOCK_PID")
  line=$(grep '^LOADGEN_RESULT' "$out") || { cat "$out" >&2; die "no LOADGEN_RESULT for $label at $rate req/s"; }
  line=${line#LOADGEN_RESULT }
  CMDS+="${PIN_WRK[*]:+${PIN_WRK[*]} }${LOADGEN_BIN#$ROOT/} --url $url --body ${bodyf#$ROOT/} $(printf "%q " "${largs[@]}")$gen_args"$'\n'
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "${S_PROXY[$id]}" "$rate" "$load" "$((p1 - p0))" \
    "$((m1 - m0))" "$line" >>"$RATE_TSV"
  log "  [3] $label $rate req/s: $(sed 's/ connect_errors=.* timeouts=/ timeouts=/; s/ p90=[0-9]*//; s/ mean=.* conns=/ conns=/; s/ sched_lag_max=[0-9]*//; s/ duration_ms=.*//' <<<"$line")"
  awk -v n="$(kv_of requests "$line")" -v e="$(kv_of errors "$line")" -v p="$(kv_of p99 "$line")" \
    'BEGIN { exit !(e < 0.001 * n && p < 1000000) }'
}
if want 3; then
  log "scenario 3: 20 ms mock, open loop, offered [$S3_RATES] req/s, ${S3_DUR} s each"
  for id in $S3_PATHS; do
    S3_HELD[$id]=0; S3_FAILED[$id]=""
    for rate in $S3_RATES; do
      if run_rate "$id" "$(s3_body "$id")" "$rate"; then S3_HELD[$id]=$rate; else S3_FAILED[$id]=$rate; fi
      sleep "$PAUSE"
      if [[ -n ${S3_FAILED[$id]} ]]; then sleep 1; break; fi   # let the overloaded server drain
    done
  done
  mem_note "heimdall after scenario 3" "$HEIMDALL_PID"
fi

# ---- scenario 5: body sizes
if want 5; then
  log "scenario 5: 1 KB, 50 KB, 1 MB bodies, c in [$S5_CONNS], ${S5_DUR} s each"
  for sz in 1k 50k 1m; do
    for id in $S5_PATHS; do
      for c in $S5_CONNS; do
        run_wrk 5 "$id" "$(s5_body "$id" "$sz")" "$c" "$S5_DUR" 1 "$sz"
        sleep "$PAUSE"
      done
    done
  done
  mem_note "heimdall after scenario 5" "$HEIMDALL_PID"
fi

# ---- scenario 4: streaming
LG_TSV="$TMP/loadgen.tsv"   # phase id label streams kv
: >"$LG_TSV"
# run_loadgen PHASE ID URL BODY HEADERS DIALECT STREAMS PER_CONN TIMEOUT -> appends a row; returns loadgen's status
run_loadgen() {
  local phase=$1 id=$2 url=$3 body=$4 hdrs=$5 dialect=$6 k=$7 per=$8 tmo=$9 out line rc=0
  out="$TMP/loadgen_${phase}_${id}_${k}.txt"
  mapfile -t largs < <(loadgen_headers "$hdrs")
  run_child "${PIN_WRK[@]}" "$LOADGEN_BIN" --url "$url" --body "$body" "${largs[@]}" --dialect "$dialect" \
    --streams "$k" --per-conn "$per" --expect-tokens 64 --stall-ms 1000 --timeout-s "$tmo" >"$out" 2>&1 || rc=$?
  line=$(grep '^LOADGEN_RESULT' "$out") || { cat "$out" >&2; die "no LOADGEN_RESULT for $id ($phase, $k streams)"; }
  CMDS+="${PIN_WRK[*]:+${PIN_WRK[*]} }${LOADGEN_BIN#$ROOT/} --url $url --body ${body#$ROOT/} $(printf "%q " "${largs[@]}")--dialect $dialect --streams $k --per-conn $per --expect-tokens 64 --stall-ms 1000 --timeout-s $tmo"$'\n'
  printf '%s\t%s\t%s\t%s\t%s\n' "$phase" "$id" "${S_LABEL[$id]:-$id}" "$k" "${line#LOADGEN_RESULT }" >>"$LG_TSV"
  log "  [4 $phase] $id $k streams: $(sed 's/ connect_errors.*tokens=/ tokens=/' <<<"${line#LOADGEN_RESULT }")"
  return $rc
}

RAMP_HELD=0
RAMP_FAILED=""
RAMP_NOTE=""
declare -A RAMP_HELD_OF RAMP_FAILED_OF
if want 4; then
  log "scenario 4: streaming, 64 deltas 20 ms apart"
  A_STREAM="$DATA/anthropic_stream.json"
  # per path: id url body headers dialect upstream
  STREAM_PATHS=(
    "direct_a;$M/v1/messages;$A_STREAM;$H_A;anthropic;/v1/messages"
    "direct_o;$M/v1/chat/completions;$DATA/openai_stream.json;$H_O;openai;/v1/chat/completions"
    "nginx_a;$N/v1/messages;$A_STREAM;$H_A;anthropic;/v1/messages"
    "nginx_o;$N/v1/chat/completions;$DATA/openai_stream.json;$H_O;openai;/v1/chat/completions"
    "hfast_a;$H/anthropic/v1/messages;$A_STREAM;$H_A;anthropic;/v1/messages"
    "htr_a2o;$H/anthropic/v1/messages;$DATA/anthropic_stream_to_openai.json;$H_A;anthropic;/v1/chat/completions"
  )
  # The latency runs are also the streaming pre-flight: every stream must bring exactly 64 text deltas in
  # the client's dialect, and the mock must have seen only the expected upstream route. They run in
  # round-robin rounds (every path once per round, nginx beside heimdall, the order reversed in even
  # rounds), as scenarios 1 and 2 do.
  for round in $(seq 1 "$S4_ROUNDS"); do
    mapfile -t ORDER < <(in_round_order "$round" "${STREAM_PATHS[@]}")
    for p in "${ORDER[@]}"; do
      IFS=';' read -r id url body hdrs dialect upath <<<"$p"
      curl -sS -X DELETE "$M/__requests" >/dev/null
      run_loadgen latency "$id" "$url" "$body" "$hdrs" "$dialect" "$S4_K" 1 60 ||
        die "streaming failed for $id: $(tail -1 "$LG_TSV" | cut -f5)"
      seen=$(curl -sS "$M/__requests" | grep -o '"path":"[^"]*"' | sed 's/"path":"\(.*\)"/\1/' | sort -u | tr '\n' ' ')
      [[ "$seen" == "$upath " ]] || die "stream $id: upstream saw [$seen], expected [$upath]"
      if [[ $round == 1 ]]; then
        CHECKS+="| ${S_LABEL[$id]} (stream × $((S4_K * S4_ROUNDS))) | $(basename "$body") | 200 | 64 $dialect token events each | $upath |"$'\n'
      fi
    done
  done
  mem_note "heimdall after scenario 4 latency runs" "$HEIMDALL_PID"
  # The ramp runs against a fresh mock (2 workers) and heimdall as 2 processes of 1 worker sharing one
  # port (SO_REUSEPORT, the kernel spreads the connections): the same 2 worker threads as one process
  # with --workers 2, but a gateway holds 2 fds per stream (caller + upstream), and one process may
  # not open more than FD_LIMIT. Its memory is the sum of both, reported apart.
  start_mock rmock 2
  start_heimdall rheim 1 "$rmock_PORT"
  start_heimdall rheim2 1 "$rmock_PORT" "$rheim_PORT"
  RH="http://127.0.0.1:$rheim_PORT"
  # The mock and the load generator hold 1 fd per stream each; heimdall's processes 1 each on average.
  RAMP_CAP=$((FD_LIMIT - 100))
  RAMP_RUN=""
  for k in $RAMP_LEVELS; do
    if [[ $k -gt $RAMP_CAP ]]; then RAMP_NOTE+="$k capped to $RAMP_CAP (fd limit $FD_LIMIT per process). "; k=$RAMP_CAP; fi
    RAMP_RUN+="$k "
  done
  RAMP_LEVELS=${RAMP_RUN% }
  mem_note "ramp heimdall (2 processes × 1 worker) idle" "$rheim_PID" "$rheim2_PID"
  # First the mock alone (direct), the baseline that shows what the box and the mock hold, then heimdall.
  for rp in "direct_a;http://127.0.0.1:$rmock_PORT/v1/messages" "hfast_a;$RH/anthropic/v1/messages"; do
    IFS=';' read -r id url <<<"$rp"
    held=0; failed=""
    for k in $RAMP_LEVELS; do
      rc=0
      run_loadgen ramp "$id" "$url" "$A_STREAM" "$H_A" anthropic "$k" 1 90 || rc=$?
      line=$(tail -1 "$LG_TSV" | cut -f5)
      # held = every stream complete and in the right dialect (no error) and no inter-token gap > 1 s;
      # a first token later than 1 s is reported (TTFT stalls) but does not fail the level
      if [[ $rc -eq 0 && $(kv_of errors "$line") == 0 && $(kv_of stalls_gap "$line") == 0 ]]; then
        held=$k
      else
        failed=$k
      fi
      [[ $id == hfast_a ]] && mem_note "ramp heimdall after $k streams" "$rheim_PID" "$rheim2_PID"
      [[ -n $failed ]] && break
      sleep 1
    done
    RAMP_HELD_OF[$id]=$held
    RAMP_FAILED_OF[$id]=$failed
  done
  RAMP_HELD=${RAMP_HELD_OF[hfast_a]}
  RAMP_FAILED=${RAMP_FAILED_OF[hfast_a]}
  kill -0 "$rheim_PID" 2>/dev/null && kill -0 "$rheim2_PID" 2>/dev/null ||
    die "a ramp heimdall died (logs in $TMP)"
  sleep 2
  mem_note "ramp heimdall 2 s after the ramp" "$rheim_PID" "$rheim2_PID"
fi

# ---- scenario 6: memory (the soak)
SOAK_ROWS=""
SOAK_SLOPE=""
if [[ $SOAK -eq 1 ]]; then
  log "scenario 6: ${SOAK_SECONDS} s soak on the heimdall fast path (c=$CONNS_HIGH), RSS every ${SOAK_EVERY} s"
  BODY="$DATA/anthropic_2k.json" HEADERS="$H_A" "${PIN_WRK[@]}" wrk -t1 -c"$CONNS_HIGH" -d"${SOAK_SECONDS}s" \
    --timeout 5s --latency -s "$LUA" "${S_URL[hfast_a]}" >"$TMP/wrk_soak.txt" 2>&1 &
  SOAK_WRK=$!
  CHILD=$SOAK_WRK
  CMDS+="BODY=bench/data/anthropic_2k.json HEADERS='$H_A' ${PIN_WRK[*]:+${PIN_WRK[*]} }wrk -t1 -c$CONNS_HIGH -d${SOAK_SECONDS}s --timeout 5s --latency -s bench/wrk/post.lua ${S_URL[hfast_a]}   # soak"$'\n'
  : >"$TMP/soak.dat"
  t0=$(date +%s)
  while kill -0 "$SOAK_WRK" 2>/dev/null; do
    t=$(($(date +%s) - t0))
    r=$(vm "$HEIMDALL_PID" VmRSS)
    echo "$t $r" >>"$TMP/soak.dat"
    SOAK_ROWS+="| $t | $(mb "$r") |"$'\n'
    sleep "$SOAK_EVERY"
  done
  wait "$SOAK_WRK" || true
  CHILD=""
  SOAK_LINE=$(grep '^BENCH_RESULT' "$TMP/wrk_soak.txt" | sed 's/^BENCH_RESULT //' || echo "no result")
  { echo "### soak"; cat "$TMP/wrk_soak.txt"; echo; } >>"$RAW"
  # least-squares slope of RSS over time, all samples and the second half
  SOAK_SLOPE=$(awk '{ t[NR] = $1; r[NR] = $2 } END {
    for (h = 0; h < 2; h++) {
      s = (h == 0) ? 1 : int(NR / 2) + 1; n = 0; st = 0; sr = 0; stt = 0; str = 0
      for (i = s; i <= NR; i++) { n++; st += t[i]; sr += r[i]; stt += t[i] * t[i]; str += t[i] * r[i] }
      d = n * stt - st * st; sl = (d != 0) ? (n * str - st * sr) / d : 0
      printf "%s%+.1f kB/min", (h ? "; second half " : "all samples "), sl * 60
    }
    printf "; first %.1f MB, last %.1f MB", r[1] / 1024, r[NR] / 1024 }' "$TMP/soak.dat")
  log "  soak: $SOAK_SLOPE"
fi

sleep 2
mem_note "heimdall at the end (2 s idle after the runs)" "$HEIMDALL_PID"
RSS_END=$(vm "$HEIMDALL_PID" VmRSS)
HWM_END=$(vm "$HEIMDALL_PID" VmHWM)
ELAPSED=$(($(date +%s) - RUN_START))

# ---- after the runs: the processes are still alive and their logs have no errors
for pid in "$MOCK_PID" "$NGINX_PID" "$HEIMDALL_PID"; do
  kill -0 "$pid" 2>/dev/null || die "process $pid died during the runs (logs in $TMP)"
done
H_WARN=$(cat "$TMP/heimdall.log" "$TMP/rheim.log" "$TMP/rheim2.log" 2>/dev/null | grep -ciE '\b(warn|warning|error|critical)\b' || true)
N_ERR=$(grep -ciE '\[(error|crit|alert|emerg)\]' "$NGX/error.log" || true)

# ---------------------------------------------------------------- report
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH/results"
REPORT="$BENCH/results/$STAMP.md"
CHART="$BENCH/results/$STAMP.png"
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
NGINX_V=$("$NGINX" -v 2>&1 | head -1)
WRK_V=$(wrk -v 2>&1 | head -1 || true)
NODE_V=$(node --version 2>/dev/null || echo "no node")
GNUPLOT_V=$(gnuplot --version 2>/dev/null || echo "no gnuplot")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
LOAD_MAX=$({ cut -f6 "$WRK_TSV"; cut -f5 "$RATE_TSV"; } | sort -g | tail -1)
BUSY=$(awk -v l="${LOAD_MAX:-0}" -v n="$(nproc)" 'BEGIN { print (l > 0.5 * n) ? 1 : 0 }')

AWK_KV='function kv(s, key,   n, a, i, p) {
  n = split(s, a, " ")
  for (i = 1; i <= n; i++) { split(a[i], p, "="); if (p[1] == key) return p[2] }
  return ""
}
function errs(s) { return kv(s, "err_connect") + kv(s, "err_read") + kv(s, "err_write") + kv(s, "err_timeout") + kv(s, "non2xx") + kv(s, "errors") }'

BASELINES=""
for id in "${!S_BASE[@]}"; do BASELINES+="$id=${S_BASE[$id]} "; done

# "Same upstream": nginx proxying to the mock route the path itself calls (a translated path's upstream
# answers in the other dialect).
SAME_NGINX=""
for id in "${!S_UPATH[@]}"; do
  SAME_NGINX+="$id=$([[ ${S_UPATH[$id]} == /v1/chat/completions ]] && echo nginx_o || echo nginx_a) "
done
# Scenario 1: per path the median over the rounds of each round's p50 / p99 / p99.9; added = path − its
# direct baseline, both medians.
# "− nginx": the median over the rounds of the difference to nginx on the same upstream in that round.
AWK_MED='function med(s,   a, n, i, j, t) {
  n = split(s, a, " ")
  for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}'
S1_TABLE=$(awk -F'\t' -v baselines="$BASELINES" -v same="$SAME_NGINX" -v secs="$S1_DUR" "$AWK_KV$AWK_MED"'
function vs_nginx(id, key,   g, k, l) {
  g = ngx[id]; if (id ~ /^(direct|nginx)_/ || !(g in lab)) return "–"
  l = ""; for (k = 1; k <= nt; k++) if (((key, id, tags[k]) in q) && ((key, g, tags[k]) in q)) l = l " " (q[key, id, tags[k]] - q[key, g, tags[k]])
  return (l == "" ? "–" : sprintf("%+d", med(l)))
}
BEGIN { n = split(baselines, b, " "); for (i = 1; i <= n; i++) { split(b[i], p, "="); base[p[1]] = p[2] }
  n = split(same, b, " "); for (i = 1; i <= n; i++) { split(b[i], p, "="); ngx[p[1]] = p[2] } }
$1 == "1" { id = $2; if (!(id in lab)) { order[++cnt] = id; lab[id] = $3 }; if (!($10 in seen)) { seen[$10] = 1; tags[++nt] = $10 }
  r[id]++; how[id] = (kv($9, "mode") == "cycle") ? sprintf("%d s, cycle", kv($9, "run_s")) : sprintf("%d s, wrk", secs)
  s50[id] = s50[id] " " kv($9, "p50"); s99[id] = s99[id] " " kv($9, "p99"); s999[id] = s999[id] " " kv($9, "p999")
  q["p50", id, $10] = kv($9, "p50"); q["p99", id, $10] = kv($9, "p99")
  srps[id] = srps[id] " " kv($9, "rps"); req[id] += kv($9, "requests"); e[id] += errs($9) }
END {
  for (i = 1; i <= cnt; i++) { id = order[i]; p50[id] = med(s50[id]); p99[id] = med(s99[id]); p999[id] = med(s999[id]) }
  print "| path | baseline (direct) | rounds × run | samples | p50 µs | p99 µs | p99.9 µs | added p50 µs | added p99 µs | added p99.9 µs | p50 − nginx µs | p99 − nginx µs | RPS | errors |"
  print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= cnt; i++) {
    id = order[i]; d = base[id]
    printf "| %s | %s | %d × %s | %d | %d | %d | %d | %s | %s | %s | %s | %s | %.0f | %d%s |\n", lab[id], (d == "" ? "–" : lab[d]), r[id], how[id],
      req[id], p50[id], p99[id], p999[id], (d == "" ? "–" : sprintf("%+d", p50[id] - p50[d])),
      (d == "" ? "–" : sprintf("%+d", p99[id] - p99[d])), (d == "" ? "–" : sprintf("%+d", p999[id] - p999[d])),
      vs_nginx(id, "p50"), vs_nginx(id, "p99"), med(srps[id]), e[id], (e[id] > 0 ? " ⚠" : "")
  }
}' "$WRK_TSV")
S1_ROUNDS_TABLE=$(awk -F'\t' "$AWK_KV"'
$1 == "1" { printf "| %s | %s | %d | %d | %d | %d | %s |\n", $3, substr($10, 2), kv($9, "requests"), kv($9, "p50"), kv($9, "p99"),
  kv($9, "p999"), $6 }' "$WRK_TSV")

# Scenario 2 (and 7): c=64 with CPU per request, and the c=16 point.
S2_TABLE=$(awk -F'\t' -v tck="$CLK_TCK" -v hi="$CONNS_HIGH" -v mid="$CONNS_MID" -v same="$SAME_NGINX" "$AWK_KV$AWK_MED"'
BEGIN { n = split(same, pairs, " "); for (i = 1; i <= n; i++) { split(pairs[i], kvp, "="); base[kvp[1]] = kvp[2] } }
$1 == "2" && $5 == mid { rps16[$2] = kv($9, "rps"); p99_16[$2] = kv($9, "p99"); e16[$2] = errs($9) }
$1 == "2" && $5 == hi {
  id = $2; r = $10; if (!(id in lab)) { order[++cnt] = id; lab[id] = $3; px[id] = $4 }
  if (!(r in seen)) { rounds[++nr] = r; seen[r] = 1 }
  req = kv($9, "requests"); dur = kv($9, "duration_us") / 1e6; e[id] += errs($9)
  rps[id, r] = kv($9, "rps"); cpu[id, r] = ($4 == "none") ? 0 : ($7 / tck) / req * 1000
  s_rps[id] = s_rps[id] " " rps[id, r]; s_p99[id] = s_p99[id] " " kv($9, "p99"); s_mcpu[id] = s_mcpu[id] " " ($8 / tck) / req * 1000
  s_cpu[id] = s_cpu[id] " " cpu[id, r]; s_pct[id] = s_pct[id] " " (($4 == "none") ? 0 : ($7 / tck) / dur * 100)
}
# The median over rounds of the ratio of `id` to `ref` within each round.
function ratio(m, id, ref,   k, s) {
  s = ""
  for (k = 1; k <= nr; k++) if (((ref, rounds[k]) in m) && m[ref, rounds[k]] > 0) s = s " " m[id, rounds[k]] / m[ref, rounds[k]]
  return s == "" ? "–" : sprintf("%.2f", med(s))
}
END {
  print "| path | RPS | p99 µs | proxy CPU s/1k req | proxy CPU % | mock CPU s/1k req | RPS / nginx | RPS / nginx, same upstream | CPU per req / nginx | RPS / Portkey | RPS / nginx per round | c=" mid " RPS | c=" mid " p99 µs | errors |"
  print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
  for (i = 1; i <= cnt; i++) {
    id = order[i]; et = e[id] + e16[id]; per = ""
    for (k = 1; k <= nr; k++) if (rps["nginx_a", rounds[k]] > 0) per = per (per == "" ? "" : " · ") sprintf("%.2f", rps[id, rounds[k]] / rps["nginx_a", rounds[k]])
    printf "| %s | %.0f | %d | %s | %s | %.4f | %s | %s | %s | %s | %s | %.0f | %d | %d%s |\n", lab[id], med(s_rps[id]), med(s_p99[id]),
      (px[id] == "none" ? "–" : sprintf("%.4f", med(s_cpu[id]))), (px[id] == "none" ? "–" : sprintf("%.0f", med(s_pct[id]))), med(s_mcpu[id]),
      ratio(rps, id, "nginx_a"), (px[id] != "none" ? ratio(rps, id, base[id]) : "–"),
      (px[id] != "none" ? ratio(cpu, id, "nginx_a") : "–"),
      (px[id] == "heimdall" ? ratio(rps, id, "portkey_o") : "–"),
      per, rps16[id], p99_16[id], et, (et > 0 ? " ⚠" : "")
  }
}' "$WRK_TSV")

# Scenario 3: every level offered; held = p99 < 1 s and errors (timeouts included) < 0.1 % of the requests.
S3_TABLE=$(awk -F'\t' -v tck="$CLK_TCK" "$AWK_KV"'
{ v = $8; n = kv(v, "requests"); e = kv(v, "errors"); ok = kv(v, "ok"); er = (n > 0) ? e / n * 100 : 100
  held = (kv(v, "p99") < 1000000 && e < 0.001 * n) ? "yes" : "**no**"
  printf "| %s | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %d | %.2f | %d | %s | %.0f | %.1f | %s |\n", $2, $4, kv(v, "achieved_rps"),
    kv(v, "p50") / 1000, kv(v, "p99") / 1000, kv(v, "p999") / 1000, kv(v, "max") / 1000, e, kv(v, "timeouts"), er,
    kv(v, "conns"), ($3 == "none" || ok == 0 ? "–" : sprintf("%.4f", ($6 / tck) / ok * 1000)), kv(v, "cpu_pct"),
    kv(v, "sched_lag_p99") / 1000, held }' "$RATE_TSV")
S3_BEST=$(awk -F'\t' -v top="${S3_RATES##* }" "$AWK_KV"'
{ v = $8; if (!($1 in lab)) { order[++cnt] = $1; lab[$1] = $2; best[$1] = 0 }
  n = kv(v, "requests"); if (kv(v, "p99") < 1000000 && kv(v, "errors") < 0.001 * n) best[$1] = $4; else if (!($1 in fail)) fail[$1] = $4 }
END {
  for (i = 1; i <= cnt; i++) { id = order[i]
    printf "- %s: %s%s%s\n", lab[id], (best[id] > 0 ? sprintf("**%d req/s** held", best[id]) : "no level held"),
      (id in fail ? sprintf(" (%d not held)", fail[id]) : (best[id] == top ? " (the highest rate offered: the limit is above it)" : "")),
      (best["nginx_a"] > 0 && id != "nginx_a" ? sprintf("; %.2f × nginx", best[id] / best["nginx_a"]) : "")
  }
}' "$RATE_TSV")
S3_GEN=$(awk -F'\t' "$AWK_KV"'
{ v = $8; n = kv(v, "requests"); c = kv(v, "cpu_pct")
  if (c > maxc) { maxc = c; atc = $4; us = kv(v, "cpu_ms") * 1000 / n }
  if (kv(v, "p99") < 1000000 && kv(v, "errors") < 0.001 * n) { l = kv(v, "sched_lag_p99"); nh++; lags[nh] = l; if (l > maxl) { maxl = l; atl = $4; pl = $2 } } }
END { m = 0; for (i = 1; i <= nh; i++) if (lags[i] <= 10000) m++
  printf "The generator (one thread; its own CPU from getrusage) was busiest at %d req/s offered: %.0f %% of one CPU, %.0f µs of CPU per request (start-up and connects included), so one CPU would carry about %.0f req/s of it. Its scheduling lag (due time → request queued) was under 10 ms at p99 at %d of the %d levels held, at most %.1f ms (%s, %d req/s). With the generator'"'"'s own CPU use that far from one core, a long lag is most likely a wait for a CPU on this shared machine; it counts in the latency of the requests it delays.", atc, maxc, us, (us > 0 ? 1e6 / us : 0), m, nh, maxl / 1000, pl, atl }' "$RATE_TSV")

# Scenario 5: per size and c, each path with its added latency vs direct at the same size and c.
S5_TABLE=$(awk -F'\t' "$AWK_KV"'
$1 == "5" { k = $10 SUBSEP $5; if ($2 == "direct_a") { d50[k] = kv($9, "p50"); d99[k] = kv($9, "p99"); drps[k] = kv($9, "rps") }
  row[++n] = $0 }
END {
  print "| body | c | path | RPS | RPS / direct | p50 µs | p99 µs | added p50 µs | added p99 µs | errors |"
  print "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= n; i++) { split(row[i], f, "\t"); k = f[10] SUBSEP f[5]; e = errs(f[9])
    printf "| %s | %d | %s | %.0f | %s | %d | %d | %s | %s | %d%s |\n", f[10], f[5], f[3], kv(f[9], "rps"),
      (drps[k] > 0 ? sprintf("%.2f", kv(f[9], "rps") / drps[k]) : "–"), kv(f[9], "p50"), kv(f[9], "p99"),
      (f[2] == "direct_a" ? "–" : sprintf("%+d", kv(f[9], "p50") - d50[k])),
      (f[2] == "direct_a" ? "–" : sprintf("%+d", kv(f[9], "p99") - d99[k])), e, (e > 0 ? " ⚠" : "") }
}' "$WRK_TSV")

# Scenario 4 tables. Latency: per path the median over the rounds of each round's figure (gap max: the
# largest); added = the median over the rounds of the difference to the baseline in the same round.
S4_LAT=$(awk -F'\t' "$AWK_KV$AWK_MED"'
function col(id, key,   r, l) { l = ""; for (r = 1; r <= nr[id]; r++) l = l " " kv(row[id, r], key); return med(l) }
function top(id, key,   r, m) { m = 0; for (r = 1; r <= nr[id]; r++) if (kv(row[id, r], key) > m) m = kv(row[id, r], key); return m }
function sum(id, key,   r, t) { t = 0; for (r = 1; r <= nr[id]; r++) t += kv(row[id, r], key); return t }
function added(id, ref, key,   r, l) {
  if (ref == "" || !(ref in nr)) return "–"
  l = ""; for (r = 1; r <= nr[id] && r <= nr[ref]; r++) l = l " " (kv(row[id, r], key) - kv(row[ref, r], key))
  return sprintf("%+d", med(l))
}
$1 == "latency" { id = $2; if (!(id in lab)) { order[++n] = id; lab[id] = $3 }; row[id, ++nr[id]] = $5 }
END {
  base["nginx_a"] = "direct_a"; base["nginx_o"] = "direct_o"; base["hfast_a"] = "direct_a"; base["htr_a2o"] = "direct_o"
  ngx["hfast_a"] = "nginx_a"; ngx["htr_a2o"] = "nginx_o"
  print "| path | rounds × streams | TTFT p50 ms | TTFT p99 ms | gap p50 ms | gap p99 ms | gap max ms | trip p50 µs | trip p99 µs | added TTFT p50 µs | added TTFT p99 µs | added gap p99 µs | added trip p50 µs | added trip p99 µs | trip p50 − nginx µs | trip p99 − nginx µs | stalls | errors |"
  print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= n; i++) { id = order[i]; d = base[id]; e = sum(id, "errors")
    printf "| %s | %d × %d | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %d | %s | %s | %s | %s | %s | %s | %s | %d | %d%s |\n", lab[id],
      nr[id], kv(row[id, 1], "streams"), col(id, "ttft_p50") / 1000, col(id, "ttft_p99") / 1000,
      col(id, "gap_p50") / 1000, col(id, "gap_p99") / 1000, top(id, "gap_max") / 1000, col(id, "trip_p50"), col(id, "trip_p99"),
      added(id, d, "ttft_p50"), added(id, d, "ttft_p99"), added(id, d, "gap_p99"), added(id, d, "trip_p50"),
      added(id, d, "trip_p99"), added(id, ngx[id], "trip_p50"), added(id, ngx[id], "trip_p99"),
      sum(id, "stalls_gap") + sum(id, "stalls_ttft"), e, (e > 0 ? " ⚠ " kv(row[id, nr[id]], "first_error") : "")
  }
}' "$LG_TSV")
S4_RAMP=$(awk -F'\t' "$AWK_KV"'
$1 == "ramp" { v = $5
  held = (kv(v, "errors") == 0 && kv(v, "stalls_gap") == 0) ? "yes" : "no"
  printf "| %s | %d | %d | %d | %d | %d | %d | %.0f | %.0f | %.1f | %.1f | %.0f | %.1f | %s | %s |\n", $3, kv(v, "streams"), kv(v, "peak_inflight"), kv(v, "ok"),
    kv(v, "errors"), kv(v, "stalls_gap"), kv(v, "stalls_ttft"), kv(v, "connect_ms"), kv(v, "ttft_p50") / 1000, kv(v, "ttft_p99") / 1000,
    kv(v, "gap_p99") / 1000, kv(v, "gap_max") / 1000, kv(v, "duration_ms") / 1000, held, (kv(v, "first_error") == "-" ? "" : kv(v, "first_error"))
}' "$LG_TSV")

# ---- chart: latency vs load. Panel 1: scenario 3, p99 vs offered rate; panel 2: scenarios 1-2, p50 and
# p99 vs concurrency (c=1 is scenario 1's median over rounds); panel 3: scenario 4's stream ramp.
CHART_NOTE=""
CHART_PATHS="direct_a nginx_a hfast_a htr_a2o htr_o2a portkey_o"   # panel 2 (direct_o, hfast_o in the tables)
if [[ $HAVE_GNUPLOT -eq 1 ]] && { want 12 || want 3 || want 4; }; then
  PLOTS3=""; PLOTS2=""; lc=0
  # an empty panel (gnuplot refuses a plot with no point on a log axis)
  NOT_RUN="set label 1 'not run' at graph 0.5,0.5 center; plot [1:2] [1:10] 5 lc rgb 'white' notitle; unset label 1; set autoscale"
  for id in $CHART_PATHS; do
    lc=$((lc + 1))
    [[ -n ${S_LABEL[$id]:-} ]] || continue
    awk -F'\t' -v id="$id" "$AWK_KV"' $1 == id { printf "%d %.3f %.3f\n", $4, kv($8, "p50") / 1000, kv($8, "p99") / 1000 }' \
      "$RATE_TSV" >"$TMP/s3_$id.dat"
    [[ -s "$TMP/s3_$id.dat" ]] && PLOTS3+="'$TMP/s3_$id.dat' using 1:3 with linespoints lc $lc title '${S_LABEL[$id]}', "
    awk -F'\t' -v id="$id" "$AWK_KV$AWK_MED"'
      $1 == "1" && $2 == id { a = a " " kv($9, "p50"); b = b " " kv($9, "p99") }
      $1 == "2" && $2 == id && $5 > 1 { m50[$5] = m50[$5] " " kv($9, "p50"); m99[$5] = m99[$5] " " kv($9, "p99") }
      END { if (a != "") printf "1 %.3f %.3f\n", med(a) / 1000, med(b) / 1000
            for (c = 2; c <= 4096; c++) if (c in m50) printf "%d %.3f %.3f\n", c, med(m50[c]) / 1000, med(m99[c]) / 1000 }' \
      "$WRK_TSV" >"$TMP/s12_$id.dat"
    [[ -s "$TMP/s12_$id.dat" ]] &&
      PLOTS2+="'$TMP/s12_$id.dat' using 1:3 with linespoints lc $lc title '${S_LABEL[$id]} p99', '' using 1:2 with linespoints lc $lc dashtype 2 notitle, "
  done
  for id in direct_a hfast_a; do
    awk -F'\t' -v id="$id" "$AWK_KV"' $1 == "ramp" && $2 == id { printf "%d %.3f %.3f %.3f\n", $4, kv($5, "ttft_p99") / 1000, kv($5, "gap_p99") / 1000, kv($5, "gap_max") / 1000 }' \
      "$LG_TSV" >"$TMP/ramp_$id.dat"
  done
  {
    echo "set terminal pngcairo size 2000,620 font 'sans,10'"
    echo "set output '$CHART'"
    echo "set multiplot layout 1,3 title 'Heimdall bench $STAMP ($(nproc) CPUs$([[ $PIN -eq 1 ]] && echo ', pinned'))'"
    echo "set grid; set key top left Left reverse font ',9'; set logscale y"
    echo "set title 'Scenario 3: open loop, 20 ms mock, p99 vs offered rate (${S3_DUR} s per level)'"
    echo "set xlabel 'offered requests/s'; set ylabel 'p99 latency (ms, log)'"
    if [[ -n "$PLOTS3" ]]; then echo "plot ${PLOTS3%, }, 1000 with lines lc 7 dashtype 2 title 'p99 limit (1 s)'"; else echo "$NOT_RUN"; fi
    echo "set title 'Scenarios 1-2: 2 KB bodies, no mock delay; p99 (solid), p50 (dashed)'"
    echo "set xlabel 'connections (c=1: loadgen --cycle, else wrk -c; log)'; set ylabel 'latency (ms, log)'; set logscale x; set xtics (1, 16, 64)"
    if [[ -n "$PLOTS2" ]]; then echo "plot ${PLOTS2%, }"; else echo "$NOT_RUN"; fi
    echo "set xtics autofreq"
    echo "set title 'Scenario 4: 64 deltas 20 ms apart; heimdall fast path (solid), direct (dotted)'"
    echo "set xlabel 'concurrent streams (log)'; set ylabel 'ms (log)'"
    if [[ -s "$TMP/ramp_hfast_a.dat" ]]; then
      echo "plot '$TMP/ramp_hfast_a.dat' using 1:2 with linespoints lc 1 title 'heimdall TTFT p99', '' using 1:3 with linespoints lc 2 title 'heimdall gap p99', '' using 1:4 with linespoints lc 3 title 'heimdall gap max', '$TMP/ramp_direct_a.dat' using 1:2 with linespoints lc 1 dashtype 3 title 'direct TTFT p99', '' using 1:3 with linespoints lc 2 dashtype 3 title 'direct gap p99', '' using 1:4 with linespoints lc 3 dashtype 3 title 'direct gap max', 1000 with lines lc 7 dashtype 2 title 'stall (1 s)'"
    else
      echo "$NOT_RUN"
    fi
    echo "unset multiplot"
  } >"$TMP/chart.gp"
  if gnuplot "$TMP/chart.gp" 2>"$TMP/gnuplot.err"; then
    CHART_NOTE="![latency vs load]($STAMP.png)"
  else
    CHART_NOTE="(gnuplot failed: $(head -c 300 "$TMP/gnuplot.err"))"; rm -f "$CHART"
  fi
else
  CHART_NOTE="(no chart: gnuplot missing or scenarios 1-4 not run)"
fi

{
  echo "# Heimdall benchmark — $STAMP"
  echo
  echo "$([[ $QUICK -eq 1 ]] && echo "Quick mode. ")$([[ $PIN -eq 1 ]] && echo "Pinned: load generators on CPU0, mock + server under test on CPU1." || echo "Not pinned: load generators, mock and servers share all CPUs with whatever else runs.") Whole run ${ELAPSED} s. HEAD $GIT_REV."
  if [[ $BUSY -eq 1 ]]; then
    echo
    echo "⚠ The machine was busy (1-min load average up to $LOAD_MAX on $(nproc) CPUs during the wrk runs): other work competed for the CPUs, so absolute figures and ratios are noisy."
  fi
  [[ -n "$NOTE" ]] && { echo; echo "Note: $NOTE"; }
  echo
  echo "$CHART_NOTE"
  if want 12; then
    echo
    echo "## 1. Added latency at concurrency 1 (heimdall-loadgen --cycle over $S1_NPATHS paths, $S1_ROUNDS rounds × ${S1_CYCLE_DUR} s$([[ $PORTKEY_STATUS == ok ]] && echo "; Portkey wrk -c1, ${S1_DUR} s a round"); 2 KB bodies)"
    echo
    echo "$S1_TABLE"
    echo
    echo "Each round (after scenario 2 has warmed every path) is one \`heimdall-loadgen --cycle\` run of ${S1_CYCLE_DUR} s over the $S1_NPATHS paths other than Portkey: one keep-alive connection per path, opened before the clock starts; every cycle sends one request to each path, one at a time (the next request goes out once the previous answer has been read in full), in an order shuffled anew every cycle (std::mt19937, seeded with the round's number). So the paths are measured interleaved, request by request, a few hundred µs apart: a burst of load from another tenant of the machine lands on all of them alike instead of on whichever path ran during it, and every path gets the same number of requests (on average ${S1_DUR} s of each run per path). Latency = the request's write → the end of its answer; the client is not wrk, so absolute figures are not comparable with scenario 1 of runs before the cycle mode (which used wrk -c1 for every path), the added ones are.$([[ $PORTKEY_STATUS == ok ]] && echo " Portkey, ~20× slower, would take most of every cycle, so it runs alone with wrk -c1 for ${S1_DUR} s in the same round (after the cycle in odd rounds, before it in even ones): its figures, and its \"− nginx\", compare runs seconds apart.") Each figure is the median over the $S1_ROUNDS rounds of that round's percentile (samples = requests over all rounds); added = the path's median − the median of direct to the upstream route the path calls (a translated path is compared with the mock answering in the upstream dialect). \"− nginx\" = the median over the rounds of the path's figure minus that of nginx proxying to the same mock route in the same round (for the cycle paths, the same run). RPS: for the cycle paths 1e6 / mean latency, the rate the path would carry alone at c=1 (requests per second of the run's wall time would be the cycle rate, the same for all $S1_NPATHS)$([[ $PORTKEY_STATUS == ok ]] && echo "; for Portkey wrk's requests per second"). µs; p99.9 from about ${S1_DUR} s worth of requests per round is still noisy."
    echo
    echo "<details><summary>Per round</summary>"
    echo
    echo "| path | round | requests | p50 µs | p99 µs | p99.9 µs | load avg |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    echo "$S1_ROUNDS_TABLE"
    echo
    echo "</details>"
    echo
    echo "## 2. Max throughput (wrk -c$CONNS_HIGH, $S2_ROUNDS round-robin rounds × ${S2_ROUND_DUR} s; and c=$CONNS_MID, ${S2_MID_DUR} s) and CPU per request"
    echo
    echo "$S2_TABLE"
    echo
    echo "CPU (at c=$CONNS_HIGH): (utime+stime) delta of the proxy (nginx: master + worker; heimdall; node for Portkey) from /proc/PID/stat, CLK_TCK=$CLK_TCK; s/1k req = CPU seconds per 1,000 requests (= ms per request). c=$CONNS_HIGH figures are medians over $S2_ROUNDS rounds (every path once per round, round-robin, the order reversed in even rounds, so a burst of load from another tenant spoils one round of a path, not the whole path); every ratio is the median over the rounds of the ratio within the round, and the per-round ratios to nginx are listed. \"RPS / nginx\" and \"CPU per req / nginx\" compare with nginx on the Anthropic route in this run, \"same upstream\" with nginx proxying to the mock route the path calls (the OpenAI mock answers at a higher CPU cost than the Anthropic one, and pinned it shares the server's core); \"RPS / Portkey\" with Portkey on the OpenAI route. $([[ $WARMUP -gt 0 ]] && echo "Each path gets ${WARMUP} s of unmeasured c=$CONNS_HIGH load first." || echo "No warm-up run (quick mode): the c=$CONNS_MID run comes first.")"
  fi
  if want 3; then
    echo
    echo "## 3. Sustained arrival rate with a 20 ms mock (\`[[delay:20]]\`, open loop, ${S3_DUR} s per level)"
    echo
    echo "Highest offered rate held per path (levels [$S3_RATES] req/s; a path stops at its first level not held):"
    echo
    echo "$S3_BEST"
    echo
    echo "\`heimdall-loadgen --rate R\`: request i is due at start + i/R whatever happened to the earlier ones (open loop); it goes out on an idle keep-alive connection, else on a new one, else it queues for the first connection to free up. The pool starts with R/25 connections (R × 40 ms in flight, twice the mock's delay; opened before the clock starts) and grows on demand up to $S3_MAX_CONNS, with at most $S3_CONNECTS connects in flight, so a server that falls behind gets a queue, not a connect storm. Latency runs from the due time to the end of the answer, so queueing behind a slow server counts (no coordinated omission). After the last due time the level waits ${S3_DRAIN} s for answers; what is still unanswered is a timeout. Held = p99 < 1 s and errors (timeouts included) < 0.1 % of the requests offered. Proxy CPU per request from /proc/PID/stat as in scenario 2. Bodies: Anthropic for direct, nginx and the fast path; \`anthropic_delay20_to_openai.json\` (A→O) and \`openai_delay20_to_anthropic.json\` (O→A, to /openai with an anthropic/ model)."
    echo
    echo "| path | offered req/s | achieved req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | timeouts | error % | connections | proxy CPU s/1k req | generator CPU % | generator lag p99 ms | held |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    echo "$S3_TABLE"
    echo
    echo "$S3_GEN Direct → mock is the check of the generator and the mock together: the rate it holds is the most this setup can offer any path."
  fi
  if want 4; then
    echo
    echo "## 4. Streaming: 64 deltas paced 20 ms apart (\`[[deltas:64]] [[event-delay:20]] [[stamp]]\`, bench/loadgen)"
    echo
    echo "Latency: $S4_ROUNDS round-robin rounds (every path once per round, the order reversed in even rounds) of $S4_K concurrent streams per path, on the main mock + heimdall (1 worker each); nginx (\`proxy_buffering off\`) relays the same streams, so its added trip is what one proxy hop costs on this machine. Every figure is the median over the rounds of that round's figure (gap max: the largest), every added figure the median of the differences within a round; \"trip − nginx\" compares a heimdall path with nginx proxying to the same mock route. TTFT = request written → first text token read; gap = between consecutive token events. Anthropic streams send message_start, ping and content_block_start (each paced) before the first text delta, so their TTFT is ~3 × 20 ms; added TTFT compares with the direct run in the upstream's dialect. Trip = the mock's write of a token event → its read by the client: the mock stamps each delta with its monotonic clock as it writes it (\`[[stamp]]\`, tools/mock-provider/stamp.hpp), so the added trip is the latency the gateway adds to every token, without the mock's timer jitter that the gaps carry (the target's \"added inter-token p99\"). Stalls: inter-token gaps > 1 s plus first tokens later than 1 s."
    echo
    echo "$S4_LAT"
    echo
    echo "Ramp: all K connections opened first (at most 256 connects in flight), then K streams sent at once; against a fresh mock (2 workers) and heimdall as 2 processes × 1 worker on one port (SO_REUSEPORT), first the mock alone (direct), then through heimdall; each stops at the first level that is not held. Held = every stream complete with its 64 deltas in the right dialect (zero errors) and no inter-token gap > 1 s (zero stalls); first tokens later than 1 s are counted apart (TTFT stalls: the burst of K simultaneous requests queues on 2 shared cores) and do not fail a level. fd limit $FD_LIMIT per process (hard limit $FD_HARD, cannot be raised here): heimdall holds 2 fds per stream, so one heimdall process could hold about $((FD_HARD / 2 - 100)) streams here; two processes sharing the port hold twice that with the same 2 worker threads."
    echo
    echo "| path | streams | peak in flight | ok | errors | gap stalls | TTFT stalls | connect ms | TTFT p50 ms | TTFT p99 ms | gap p99 ms | gap max ms | run s | held | first error |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    echo "$S4_RAMP"
    echo
    echo "**Highest level held by heimdall (fast path) with zero stalls and zero errors: $RAMP_HELD streams**$([[ -n $RAMP_FAILED ]] && echo " ($RAMP_FAILED not held)") of [$RAMP_LEVELS]; the mock alone (direct): ${RAMP_HELD_OF[direct_a]:-0}$([[ -n ${RAMP_FAILED_OF[direct_a]:-} ]] && echo " (${RAMP_FAILED_OF[direct_a]} not held)"). $RAMP_NOTE"
  fi
  if want 5; then
    echo
    echo "## 5. Request body size (long conversation; wrk ${S5_DUR} s per run)"
    echo
    echo "$S5_TABLE"
    echo
    echo "Bodies from bench/data/gen_sizes.mjs (1 KB ≈ $(wc -c <"$TMP/bodies/anthropic_1k.json") B, 50 KB ≈ $(wc -c <"$TMP/bodies/anthropic_50k.json") B, 1 MB ≈ $(wc -c <"$TMP/bodies/anthropic_1m.json") B): Anthropic bodies for direct, nginx, the fast path and A→O; the same conversation as an OpenAI body (to /openai with an anthropic/ model) for O→A. Every path is compared with direct → mock on the Anthropic route at the same size and c."
  fi
  echo
  echo "## 6. Memory (heimdall, /proc/PID/status)"
  echo
  echo "| when | VmRSS MB | VmHWM (peak) MB |"
  echo "|---|---:|---:|"
  echo -n "$MEM_ROWS"
  echo
  echo "Main heimdall: idle $(mb "$RSS_IDLE") MB, peak $(mb "$HWM_END") MB, end $(mb "$RSS_END") MB."
  if [[ $SOAK -eq 1 ]]; then
    echo
    echo "Soak: ${SOAK_SECONDS} s of wrk -c$CONNS_HIGH on the fast path ($(kv_of rps "$SOAK_LINE") RPS, errors $(( $(kv_of err_connect "$SOAK_LINE") + $(kv_of err_read "$SOAK_LINE") + $(kv_of err_write "$SOAK_LINE") + $(kv_of err_timeout "$SOAK_LINE") + $(kv_of non2xx "$SOAK_LINE") ))); RSS slope: **$SOAK_SLOPE**."
    echo
    echo "<details><summary>RSS samples</summary>"
    echo
    echo "| s | VmRSS MB |"
    echo "|---:|---:|"
    echo -n "$SOAK_ROWS"
    echo
    echo "</details>"
  else
    echo
    echo "(No soak in this run: \`bench/run.sh --soak\` adds the ${SOAK_SECONDS} s soak.)"
  fi
  if want 7; then
    echo
    echo "## 7. Portkey side by side"
    echo
    if [[ $PORTKEY_STATUS == ok ]]; then
      echo "@portkey-ai/gateway $PORTKEY_V (bench/peers/package-lock.json) on $NODE_V, OpenAI-format requests with x-portkey-provider: openai and x-portkey-custom-host pointing at the mock: its rows are in tables 1 and 2."
      echo
      echo "Streaming (\`\"stream\": true\`, one request): HTTP $PK_STREAM_CODE, body \`$PK_STREAM_BODY\`; log: \`${PK_STREAM_ERR:-no TypeError}\`. Recorded as a result (Portkey's streaming fails on Node 20 in undici), not worked around."
    else
      echo "Portkey: $PORTKEY_STATUS."
    fi
  fi
  echo
  echo "## Machine and versions"
  echo
  echo "- $(nproc) CPUs, $CPU_MODEL; $(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo); $(uname -sr); load average at end: $LOAD_END; fd limit $FD_LIMIT (hard $FD_HARD)"
  echo "- $NGINX_V; $WRK_V; node $NODE_V; $GNUPLOT_V; $(g++ --version | head -1)"
  echo "- CPU affinity: ${AFFINITY%; }"
  echo "- heimdall: HEAD $GIT_REV at the start of the run$([[ $GIT_DIRTY -gt 0 ]] && echo " + $GIT_DIRTY modified tracked files in the work tree (binaries built from the work tree)")"
  echo "- binaries:${STALE} $(ls -l --time-style=+%Y-%m-%dT%H:%M "$HEIMDALL_BIN" | awk '{print $6, $7}'), $(ls -l --time-style=+%Y-%m-%dT%H:%M "$MOCK_BIN" | awk '{print $6, $7}')"
  echo "- Logs: heimdall warn/error lines: $H_WARN; nginx error lines: $N_ERR."
  echo
  echo "## Pre-flight (one request per path and body)"
  echo
  echo "| path | body | HTTP | response | upstream route seen by the mock |"
  echo "|---|---|---:|---:|---|"
  echo -n "$CHECKS"
  echo
  echo "## Commands"
  echo
  echo '```'
  echo "$INVOCATION"
  printf '%s\n' "${BUILD_CMDS[@]}"
  printf '%s\n' "${SERVER_CMDS[@]}"
  echo -n "$CMDS"
  echo '```'
  echo
  echo "nginx.conf (\$TMP = $TMP):"
  echo
  echo '```nginx'
  cat "$NGX/nginx.conf"
  echo '```'
  echo
  if want 12; then
    echo "Scenario 1's \`--targets\` file (\$TMP/s1_targets.tsv, tab-separated: id, URL, body file, headers; paths relative to the repository here, absolute in the file):"
    echo
    echo '```'
    sed "s|$ROOT/||" "$S1_TARGETS"
    echo '```'
    echo
  fi
  echo "heimdall config.json (the ramp's heimdall has the same with its own mock's port):"
  echo
  echo '```json'
  cat "$HDIR/config.json"
  echo '```'
  echo
  echo "<details><summary>Raw wrk output (and scenario 1's loadgen --cycle output)</summary>"
  echo
  echo '```'
  cat "$RAW"
  echo '```'
  echo
  echo "</details>"
} >"$REPORT"

cat "$REPORT"
log "report written to ${REPORT#$ROOT/}$([[ -f $CHART ]] && echo " and ${CHART#$ROOT/}")"
OK=1
exit 0
}
