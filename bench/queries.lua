-- wrk script for bench/run: statement and debt of the generated persons, in
-- turn, with the staff token and a purpose (every read is access-logged).
-- Environment: BENCH_PARTY_IDS (file, one PartyId a line), BENCH_TOKEN.
local ids = {}
local n = 0
local token = os.getenv("BENCH_TOKEN")

function init(args)
  for line in io.lines(os.getenv("BENCH_PARTY_IDS")) do
    n = n + 1
    ids[n] = line
  end
  -- Each thread starts elsewhere in the list.
  counter = math.random(n)
end

function request()
  counter = counter + 1
  local id = ids[(counter % n) + 1]
  local what = (counter % 2 == 0) and "statement" or "debt"
  return wrk.format("GET", "/v1/persons/" .. id .. "/" .. what, {
    ["Authorization"] = "Bearer " .. token,
    ["X-Kassa-Purpose"] = "benchmark",
  })
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_status=%d p50_us=%d p99_us=%d duration_us=%d\n",
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99),
    summary.duration))
end
