#!/usr/bin/env bash
# Builds Heimdall (Release, build/release) and runs it on 127.0.0.1:8080.
#   ./scripts/run.sh [heimdall flags…]        e.g. ./scripts/run.sh -log-level debug
# The app dir (config.json, data) is $HEIMDALL_APP_DIR, or ./data. Without a config.json Heimdall starts with
# its embedded defaults and configures each provider whose key is in the environment (ANTHROPIC_API_KEY,
# OPENAI_API_KEY, …).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

./scripts/deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEIMDALL_TESTS=OFF
cmake --build build/release --target heimdall

app_dir=${HEIMDALL_APP_DIR:-$PWD/data}
mkdir -p "$app_dir"
exec build/release/heimdall -app-dir "$app_dir" -host 127.0.0.1 -port 8080 "$@"
