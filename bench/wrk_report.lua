-- wrk script for bench/server.py: sends the context token, prints one JSON line.
-- The token comes from the environment so it never appears on a command line:
-- BENCH_TOKEN, one token for every request (as the Connect client reuses its token),
-- or BENCH_TOKENS, a file of tokens, one a line, a new one for each request.
local token = os.getenv("BENCH_TOKEN")
if token then
  wrk.headers["Authorization"] = "JWT " .. token
end

local path = os.getenv("BENCH_TOKENS")
if path then
  local tokens, sent = {}, 0
  for line in io.lines(path) do
    tokens[#tokens + 1] = line
  end
  request = function()
    sent = sent + 1
    local next_token = tokens[(sent - 1) % #tokens + 1]
    return wrk.format(nil, nil, { ["Authorization"] = "JWT " .. next_token })
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"non2xx":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
