-- wrk script: POST the file named by $BODY with the headers in $HEADERS.
--   BODY=bench/data/anthropic_2k.json \
--   HEADERS='content-type: application/json|x-api-key: sk-bench|anthropic-version: 2023-06-01' \
--   wrk -t1 -c64 -d10s -s bench/wrk/post.lua http://127.0.0.1:PORT/v1/messages
-- HEADERS: "name: value" pairs separated by '|'.
-- At the end it prints one parseable line (latencies in microseconds):
--   BENCH_RESULT requests=N duration_us=N rps=F p50=N p90=N p99=N p999=N mean=F max=N
--                err_connect=N err_read=N err_write=N err_timeout=N non2xx=N
-- No response() callback on purpose: defining one makes wrk hand every response to Lua, which slows the
-- load generator. Non-2xx/3xx responses are still counted (summary.errors.status).

local body_path = os.getenv("BODY")
if body_path == nil or body_path == "" then
  error("BODY (path of the request body file) is not set")
end
local f = assert(io.open(body_path, "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"

local headers = os.getenv("HEADERS") or ""
for pair in string.gmatch(headers, "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]-)%s*:%s*(.-)%s*$")
  if name ~= nil and name ~= "" then
    wrk.headers[name] = value
  end
end
if wrk.headers["content-type"] == nil and wrk.headers["Content-Type"] == nil then
  wrk.headers["content-type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.1f p50=%d p90=%d p99=%d p999=%d mean=%.1f max=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.max,
    e.connect, e.read, e.write, e.timeout, e.status))
end
