#!/usr/bin/env bash
# Heimdall proxy benchmark (issue 2): direct -> mock, nginx -> mock, and heimdall's four paths
# (fast path and translation, Anthropic and OpenAI surfaces), at c=1 (added latency) and c=64
# (throughput), with the proxy's CPU cost per request from /proc/PID/stat.
#
#   bench/run.sh [--quick] [--pin] [--duration S] [--rebuild] [--note TEXT]
#
#   --quick      3 s per measured run instead of 10 s
#   --duration S seconds per measured run (overrides --quick)
#   --pin        wrk on CPU0; mock and the proxy under test on CPU1 (STACK.md §3 "pinned")
#   --rebuild    run ninja even when the Release binaries already exist
#   --note TEXT  a sentence added to the results file (e.g. "machine busy with other builds")
#
# Output: a Markdown report on stdout and in bench/results/<UTC date-time>.md.
# Everything listens on 127.0.0.1; every process started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="${BENCH_BUILD_DIR:-$ROOT/build/release}"   # override only to test the harness itself
BENCH="$ROOT/bench"
DATA="$BENCH/data"
LUA="$BENCH/wrk/post.lua"

DURATION=10
DURATION_SET=0
QUICK=0
PIN=0
REBUILD=0
NOTE=""
WARMUP=1          # seconds of unmeasured c=64 load before each target's runs
CONNS_HIGH=64
INVOCATION="bench/run.sh $*"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --pin) PIN=1 ;;
    --rebuild) REBUILD=1 ;;
    --duration) DURATION="$2"; DURATION_SET=1; shift ;;
    --note) NOTE="$2"; shift ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ $QUICK -eq 1 && $DURATION_SET -eq 0 ]]; then DURATION=3; fi

log() { echo "[bench] $*" >&2; }
die() { echo "[bench] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- processes and cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/heimdall-bench.XXXXXX")
PIDS=()
OK=0
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ $OK -eq 1 && -z "${BENCH_KEEP_TMP:-}" ]]; then
    rm -rf "$TMP"
  else
    echo "[bench] logs kept in $TMP" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ $PIN -eq 1 ]]; then
  [[ $(nproc) -ge 2 ]] || die "--pin needs at least 2 CPUs"
  PIN_WRK=(taskset -c 0)
  PIN_SRV=(taskset -c 1)
else
  PIN_WRK=()
  PIN_SRV=()
fi

# A port nobody listens on (bash /dev/tcp probe); the small race with other users is acceptable.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# wait_listen LOGFILE PREFIX PID -> prints the port that follows PREFIX in LOGFILE
wait_listen() {
  local file=$1 prefix=$2 pid=$3 port=""
  for _ in $(seq 1 200); do
    port=$(grep -ao "${prefix}[0-9]*" "$file" 2>/dev/null | head -1 | sed "s/.*://") || true
    if [[ -n "$port" ]]; then echo "$port"; return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$file" >&2; die "process $pid exited before listening"; }
    sleep 0.05
  done
  cat "$file" >&2
  die "timed out waiting for '$prefix' in $file"
}

wait_port() {
  local port=$1 pid=$2
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || die "process $pid exited before listening on $port"
    sleep 0.05
  done
  die "timed out waiting for port $port"
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

# ---------------------------------------------------------------- binaries and tools
MOCK_BIN="$BUILD/tools/mock-provider/heimdall-mock-provider"
HEIMDALL_BIN="$BUILD/heimdall"
BUILD_CMDS=(
  "cmake -S $ROOT -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEIMDALL_TESTS=OFF"
  "ninja -C $BUILD heimdall heimdall-mock-provider"
)
if [[ $REBUILD -eq 1 || ! -x "$MOCK_BIN" || ! -x "$HEIMDALL_BIN" ]]; then
  log "building Release binaries into $BUILD"
  if [[ ! -f "$BUILD/build.ninja" ]]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEIMDALL_TESTS=OFF >&2
  fi
  ninja -C "$BUILD" heimdall heimdall-mock-provider >&2 || die "Release build failed (another area mid-change? retry later)"
fi
[[ -x "$MOCK_BIN" && -x "$HEIMDALL_BIN" ]] || die "binaries missing after the build"

NGINX=$(command -v nginx || true)
[[ -z "$NGINX" && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z "$(command -v wrk || true)" || -z "$NGINX" ]]; then
  log "installing wrk and nginx-light"
  SUDO=(); [[ $EUID -ne 0 ]] && SUDO=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get install -y wrk nginx-light >&2 ||
    { "${SUDO[@]}" apt-get update >&2 && "${SUDO[@]}" apt-get install -y wrk nginx-light >&2; }
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
command -v wrk >/dev/null || die "wrk not found"
[[ -x "$NGINX" ]] || die "nginx not found"
command -v curl >/dev/null || die "curl not found"

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

# ---------------------------------------------------------------- start the mock, nginx, heimdall
log "temp dir $TMP"
"${PIN_SRV[@]}" "$MOCK_BIN" --host 127.0.0.1 --port 0 --workers 1 >"$TMP/mock.log" 2>&1 &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
MOCK_CMD="${PIN_SRV[*]:+${PIN_SRV[*]} }$MOCK_BIN --host 127.0.0.1 --port 0 --workers 1"
MOCK_PORT=$(wait_listen "$TMP/mock.log" "mock-provider listening on 127.0.0.1:" "$MOCK_PID")
log "mock pid $MOCK_PID on 127.0.0.1:$MOCK_PORT"

NGX="$TMP/nginx"
mkdir -p "$NGX"
NGINX_PORT=$(free_port)
NGINX_USER=""
if [[ $EUID -eq 0 ]]; then NGINX_USER="user $(id -un) $(id -gn);"; fi
cat >"$NGX/nginx.conf" <<EOF
$NGINX_USER
worker_processes 1;
daemon off;
master_process on;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
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
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
"${PIN_SRV[@]}" "$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" >"$NGX/stdout.log" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
NGINX_CMD="${PIN_SRV[*]:+${PIN_SRV[*]} }$NGINX -p \$TMP/nginx -c \$TMP/nginx/nginx.conf -e \$TMP/nginx/error.log"
wait_port "$NGINX_PORT" "$NGINX_PID"
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

HDIR="$TMP/heimdall"
mkdir -p "$HDIR"
cat >"$HDIR/config.json" <<EOF
{"providers":{
  "anthropic":{"keys":[{"name":"a","value":"sk-bench","models":["*"],"weight":1}],
               "network_config":{"base_url":"http://127.0.0.1:$MOCK_PORT"}},
  "openai":{"keys":[{"name":"o","value":"sk-bench","models":["*"],"weight":1}],
            "network_config":{"base_url":"http://127.0.0.1:$MOCK_PORT/v1"}}}}
EOF
"${PIN_SRV[@]}" "$HEIMDALL_BIN" --app-dir "$HDIR" --host 127.0.0.1 --port 0 --workers 1 >"$TMP/heimdall.log" 2>&1 &
HEIMDALL_PID=$!
PIDS+=("$HEIMDALL_PID")
HEIMDALL_CMD="${PIN_SRV[*]:+${PIN_SRV[*]} }$HEIMDALL_BIN --app-dir \$TMP/heimdall --host 127.0.0.1 --port 0 --workers 1"
HEIMDALL_PORT=$(wait_listen "$TMP/heimdall.log" "heimdall listening on 127.0.0.1:" "$HEIMDALL_PID")
log "heimdall pid $HEIMDALL_PID on 127.0.0.1:$HEIMDALL_PORT"
AFFINITY=""
for pid in "$MOCK_PID" "$NGINX_PID" $NGINX_WORKERS "$HEIMDALL_PID"; do
  AFFINITY+="$(ps -o comm= -p "$pid") $(taskset -pc "$pid" 2>/dev/null | sed 's/.*: //'); "
done

# ---------------------------------------------------------------- scenarios
H_A='content-type: application/json|anthropic-version: 2023-06-01|x-api-key: sk-bench'
H_O='content-type: application/json|authorization: Bearer sk-bench'
M="http://127.0.0.1:$MOCK_PORT"
N="http://127.0.0.1:$NGINX_PORT"
H="http://127.0.0.1:$HEIMDALL_PORT"
# id ; label ; proxy (none|nginx|heimdall) ; url ; body ; headers ; client dialect ; upstream path ; direct baseline
SCENARIOS=(
  "direct_a;direct → mock (Anthropic);none;$M/v1/messages;anthropic_2k.json;$H_A;anthropic;/v1/messages;"
  "direct_o;direct → mock (OpenAI);none;$M/v1/chat/completions;openai_2k.json;$H_O;openai;/v1/chat/completions;"
  "nginx_a;nginx → mock (Anthropic);nginx;$N/v1/messages;anthropic_2k.json;$H_A;anthropic;/v1/messages;direct_a"
  "hfast_a;heimdall fast path (Anthropic);heimdall;$H/anthropic/v1/messages;anthropic_2k.json;$H_A;anthropic;/v1/messages;direct_a"
  "htr_a2o;heimdall translated (Anthropic → OpenAI);heimdall;$H/anthropic/v1/messages;anthropic_2k_to_openai.json;$H_A;anthropic;/v1/chat/completions;direct_o"
  "hfast_o;heimdall fast path (OpenAI);heimdall;$H/openai/v1/chat/completions;openai_2k.json;$H_O;openai;/v1/chat/completions;direct_o"
  "htr_o2a;heimdall translated (OpenAI → Anthropic);heimdall;$H/openai/v1/chat/completions;openai_2k_to_anthropic.json;$H_O;openai;/v1/messages;direct_a"
)

curl_headers() {  # HEADERS string -> curl -H arguments, one per line
  local IFS='|' h
  for h in $1; do printf -- '-H\n%s\n' "$h"; done
}

# ---- pre-flight: every path answers 200 in the client's dialect and reaches the expected upstream route
log "pre-flight checks"
CHECKS=""
for s in "${SCENARIOS[@]}"; do
  IFS=';' read -r id label proxy url body hdrs dialect upath _ <<<"$s"
  curl -sS -X DELETE "$M/__requests" >/dev/null
  mapfile -t hargs < <(curl_headers "$hdrs")
  code=$(curl -sS -o "$TMP/check_$id.json" -w '%{http_code}' "${hargs[@]}" --data-binary "@$DATA/$body" "$url") ||
    die "$label: curl failed"
  resp=$(head -c 400 "$TMP/check_$id.json")
  [[ "$code" == 200 ]] || die "$label: HTTP $code: $resp"
  if [[ $dialect == anthropic ]]; then
    grep -q '"type":"message"' "$TMP/check_$id.json" || die "$label: not an Anthropic message: $resp"
  else
    grep -q '"object":"chat.completion"' "$TMP/check_$id.json" || die "$label: not an OpenAI completion: $resp"
  fi
  seen=$(curl -sS "$M/__requests" | grep -o '"path":"[^"]*"' | sed 's/"path":"\(.*\)"/\1/' | tr '\n' ' ')
  [[ "$seen" == "$upath " ]] || die "$label: upstream saw [$seen], expected [$upath]"
  CHECKS+="| $label | $code | $(wc -c <"$TMP/check_$id.json") B | $upath |"$'\n'
  log "  ok  $label: HTTP $code, upstream $upath"
done
curl -sS -X DELETE "$M/__requests" >/dev/null

# ---------------------------------------------------------------- runs
RESULTS="$TMP/results.tsv"
: >"$RESULTS"
RAW="$TMP/raw.txt"
: >"$RAW"
WRK_CMDS=""

proxy_pids() {
  case "$1" in
    nginx) echo "$NGINX_PID $NGINX_WORKERS" ;;
    heimdall) echo "$HEIMDALL_PID" ;;
    *) echo "" ;;
  esac
}

run_wrk() {  # id label proxy url body headers conns duration measure(0|1)
  local id=$1 label=$2 proxy=$3 url=$4 body=$5 hdrs=$6 conns=$7 dur=$8 measure=$9
  local out="$TMP/wrk_${id}_c${conns}.txt" ppids p0 p1 m0 m1 load
  ppids=$(proxy_pids "$proxy")
  load=$(cut -d' ' -f1 /proc/loadavg)
  p0=$(cpu_ticks $ppids); m0=$(cpu_ticks "$MOCK_PID")
  BODY="$DATA/$body" HEADERS="$hdrs" "${PIN_WRK[@]}" wrk -t1 -c"$conns" -d"${dur}s" --timeout 5s --latency \
    -s "$LUA" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $label c=$conns"; }
  p1=$(cpu_ticks $ppids); m1=$(cpu_ticks "$MOCK_PID")
  [[ $measure -eq 1 ]] || return 0
  local line
  line=$(grep '^BENCH_RESULT' "$out") || { cat "$out" >&2; die "no BENCH_RESULT from wrk for $label c=$conns"; }
  WRK_CMDS+="BODY=bench/data/$body HEADERS='$hdrs' ${PIN_WRK[*]:+${PIN_WRK[*]} }wrk -t1 -c$conns -d${dur}s --timeout 5s --latency -s bench/wrk/post.lua $url"$'\n'
  { echo "### $label, c=$conns"; cat "$out"; echo; } >>"$RAW"
  # id label proxy conns load proxy_ticks mock_ticks + key=value pairs
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "$proxy" "$conns" "$load" \
    "$((p1 - p0))" "$((m1 - m0))" "${line#BENCH_RESULT }" >>"$RESULTS"
  log "  $label c=$conns: ${line#BENCH_RESULT }"
}

START=$(date +%s)
for s in "${SCENARIOS[@]}"; do
  IFS=';' read -r id label proxy url body hdrs _ <<<"$s"
  log "$label"
  run_wrk "$id" "$label" "$proxy" "$url" "$body" "$hdrs" "$CONNS_HIGH" "$WARMUP" 0
  sleep 0.5
  run_wrk "$id" "$label" "$proxy" "$url" "$body" "$hdrs" 1 "$DURATION" 1
  sleep 0.5
  run_wrk "$id" "$label" "$proxy" "$url" "$body" "$hdrs" "$CONNS_HIGH" "$DURATION" 1
  sleep 0.5
done
ELAPSED=$(($(date +%s) - START))

# ---- after the runs: the processes are still alive and their logs have no errors
for pid in "$MOCK_PID" "$NGINX_PID" "$HEIMDALL_PID"; do
  kill -0 "$pid" 2>/dev/null || die "process $pid died during the runs (logs in $TMP)"
done
H_WARN=$(grep -ciE '\b(warn|warning|error|critical)\b' "$TMP/heimdall.log" || true)
N_ERR=$(grep -ciE '\[(error|crit|alert|emerg)\]' "$NGX/error.log" || true)

# ---------------------------------------------------------------- report
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH/results"
REPORT="$BENCH/results/$STAMP.md"
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
NGINX_V=$("$NGINX" -v 2>&1 | head -1)
WRK_V=$(wrk -v 2>&1 | head -1 || true)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
LOAD_MAX=$(cut -f5 "$RESULTS" | sort -g | tail -1)
BUSY=$(awk -v l="$LOAD_MAX" -v n="$(nproc)" 'BEGIN { print (l > 0.5 * n) ? 1 : 0 }')

TABLE=$(awk -F'\t' -v tck="$CLK_TCK" '
function kv(s, key,   n, a, i, p) {
  n = split(s, a, " ")
  for (i = 1; i <= n; i++) { split(a[i], p, "="); if (p[1] == key) return p[2] }
  return ""
}
BEGIN {
  print "| scenario | c | RPS | p50 µs | p90 µs | p99 µs | p99.9 µs | errors c/r/w/t | non-2xx | proxy CPU s/1k req | proxy CPU % | mock CPU s/1k req | load1 |"
  print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
}
{
  kvs = $8; req = kv(kvs, "requests"); dur = kv(kvs, "duration_us") / 1e6
  pcpu = ($3 == "none") ? "–" : sprintf("%.4f", ($6 / tck) / req * 1000)
  ppct = ($3 == "none") ? "–" : sprintf("%.0f", ($6 / tck) / dur * 100)
  mcpu = sprintf("%.4f", ($7 / tck) / req * 1000)
  errs = kv(kvs, "err_connect") "/" kv(kvs, "err_read") "/" kv(kvs, "err_write") "/" kv(kvs, "err_timeout")
  non2xx = kv(kvs, "non2xx")
  flag = (errs != "0/0/0/0" || non2xx != "0") ? " ⚠" : ""
  printf "| %s%s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, flag, $4, kv(kvs, "rps"),
    kv(kvs, "p50"), kv(kvs, "p90"), kv(kvs, "p99"), kv(kvs, "p999"), errs, non2xx, pcpu, ppct, mcpu, $5
}' "$RESULTS")

# Ratios: each gateway against nginx (RPS, CPU at c=64) and against the direct run to the same upstream
# route (added p50/p99 at c=1 and c=64).
BASELINES=""
for s in "${SCENARIOS[@]}"; do
  IFS=';' read -r id _ <<<"$s"
  BASELINES+="$id=${s##*;} "
done
RATIOS=$(awk -F'\t' -v tck="$CLK_TCK" -v baselines="$BASELINES" '
function kv(s, key,   n, a, i, p) {
  n = split(s, a, " ")
  for (i = 1; i <= n; i++) { split(a[i], p, "="); if (p[1] == key) return p[2] }
  return ""
}
BEGIN {
  n = split(baselines, b, " ")
  for (i = 1; i <= n; i++) { split(b[i], p, "="); base[p[1]] = p[2] }
}
{
  k = $1 SUBSEP $4
  rps[k] = kv($8, "rps"); p50[k] = kv($8, "p50"); p99[k] = kv($8, "p99")
  cpu[k] = ($3 == "none") ? 0 : ($6 / tck) / kv($8, "requests") * 1e6
  label[$1] = $2; order[++cnt] = $1; proxy[$1] = $3
}
END {
  print "| gateway | vs direct | RPS c=64 / nginx | RPS c=64 / direct | CPU/req / nginx | added p50 c=1 µs | added p99 c=1 µs | added p50 c=64 µs | added p99 c=64 µs |"
  print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= cnt; i += 2) {       # each id appears twice (c=1, c=64)
    id = order[i]; if (proxy[id] == "none") continue
    d = base[id]; hi = id SUBSEP 64; lo = id SUBSEP 1; ng = "nginx_a" SUBSEP 64
    printf "| %s | %s | %.2f | %.2f | %s | %+d | %+d | %+d | %+d |\n", label[id], label[d],
      rps[hi] / rps[ng], rps[hi] / rps[d SUBSEP 64],
      (cpu[ng] > 0 ? sprintf("%.2f", cpu[hi] / cpu[ng]) : "–"),
      p50[lo] - p50[d SUBSEP 1], p99[lo] - p99[d SUBSEP 1], p50[hi] - p50[d SUBSEP 64], p99[hi] - p99[d SUBSEP 64]
  }
}' "$RESULTS")

{
  echo "# Heimdall proxy benchmark — $STAMP"
  echo
  echo "$TABLE"
  echo
  echo "Ratios (same run). \"vs direct\" is the direct run to the upstream route the gateway calls, so a translated"
  echo "path is compared with the mock answering in the upstream dialect. nginx is measured on the Anthropic route only."
  echo
  echo "$RATIOS"
  echo
  echo "- Measured runs: ${DURATION} s each (c=1, then c=$CONNS_HIGH), after ${WARMUP} s of unmeasured c=$CONNS_HIGH warm-up per target; wrk -t1, 2 KB bodies (bench/data)."
  echo "- CPU: (utime+stime) delta of the proxy process (nginx: master + worker) from /proc/PID/stat over the run, CLK_TCK=$CLK_TCK (10 ms resolution); \"s/1k req\" = CPU seconds per 1,000 requests (×1000 = µs/req)."
  echo "- Latencies are wrk's (µs, coordinated omission not corrected). errors c/r/w/t = connect/read/write/timeout."
  if [[ $PIN -eq 1 ]]; then
    echo "- Pinned: wrk on CPU0 (taskset -c 0); mock and the proxy under test share CPU1 (taskset -c 1), so RPS reflects the proxy's CPU cost."
  else
    echo "- Not pinned: wrk, mock and the proxy share all CPUs with whatever else runs on the machine."
  fi
  echo "- Logs: heimdall warn/error lines: $H_WARN; nginx error lines: $N_ERR. Measured phase took ${ELAPSED} s."
  if [[ $BUSY -eq 1 ]]; then
    echo "- ⚠ The machine was busy (1-min load average up to $LOAD_MAX on $(nproc) CPUs during the runs, column load1): other work competed for the CPUs, so the absolute figures and ratios are noisy."
  fi
  [[ -n "$NOTE" ]] && echo "- Note: $NOTE"
  echo
  echo "## Machine and versions"
  echo
  echo "- $(nproc) CPUs, $CPU_MODEL; $(uname -sr); load average at end: $LOAD_END"
  echo "- $NGINX_V; $WRK_V"
  echo "- CPU affinity: ${AFFINITY%; }"
  echo "- heimdall: HEAD $GIT_REV at the start of the run$([[ $GIT_DIRTY -gt 0 ]] && echo " + $GIT_DIRTY modified tracked files in the work tree (binaries built from the work tree)")"
  echo "- binaries:${STALE} $(ls -l --time-style=+%Y-%m-%dT%H:%M "$HEIMDALL_BIN" | awk '{print $6, $7}'), $(ls -l --time-style=+%Y-%m-%dT%H:%M "$MOCK_BIN" | awk '{print $6, $7}')"
  echo
  echo "## Pre-flight (curl, one request per path)"
  echo
  echo "| path | HTTP | response | upstream route seen by the mock |"
  echo "|---|---:|---:|---|"
  echo -n "$CHECKS"
  echo
  echo "## Commands"
  echo
  echo '```'
  echo "$INVOCATION"
  printf '%s\n' "${BUILD_CMDS[@]}"
  echo "$MOCK_CMD"
  echo "$NGINX_CMD"
  echo "$HEIMDALL_CMD"
  echo -n "$WRK_CMDS"
  echo '```'
  echo
  echo "nginx.conf (\$TMP = $TMP):"
  echo
  echo '```nginx'
  cat "$NGX/nginx.conf"
  echo '```'
  echo
  echo "heimdall config.json:"
  echo
  echo '```json'
  cat "$HDIR/config.json"
  echo '```'
  echo
  echo "<details><summary>Raw wrk output</summary>"
  echo
  echo '```'
  cat "$RAW"
  echo '```'
  echo
  echo "</details>"
} >"$REPORT"

cat "$REPORT"
log "report written to ${REPORT#$ROOT/}"
OK=1
