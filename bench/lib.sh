# Shell helpers shared by bench/run.sh and bench/profile.sh (sourced; each script defines `die`).

# wait_listen LOGFILE PREFIX PID [TRIES] -> prints the port that follows PREFIX in LOGFILE, polling every
# 50 ms (TRIES, default 200; valgrind'ed processes need more).
wait_listen() {
  local file=$1 prefix=$2 pid=$3 tries=${4:-200} port=""
  for _ in $(seq 1 "$tries"); do
    port=$(grep -ao "${prefix}[0-9]*" "$file" 2>/dev/null | head -1 | sed "s/.*://") || true
    if [[ -n "$port" ]]; then echo "$port"; return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$file" >&2; die "process $pid exited before listening"; }
    sleep 0.05
  done
  cat "$file" >&2
  die "timed out waiting for '$prefix' in $file"
}

# stop_pids PID… : SIGTERM, up to 5 s for them to exit, then SIGKILL; reaps them.
stop_pids() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

# write_gateway_config DIR MOCK_PORT: DIR/config.json with the anthropic and openai providers on the mock.
write_gateway_config() {
  cat >"$1/config.json" <<EOF
{"providers":{
  "anthropic":{"keys":[{"name":"a","value":"sk-bench","models":["*"],"weight":1}],
               "network_config":{"base_url":"http://127.0.0.1:$2"}},
  "openai":{"keys":[{"name":"o","value":"sk-bench","models":["*"],"weight":1}],
            "network_config":{"base_url":"http://127.0.0.1:$2/v1"}}}}
EOF
}
