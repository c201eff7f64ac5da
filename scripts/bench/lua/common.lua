-- Shared by the workload scripts (dofile'd): the seeded ids, unique user names, the optional
-- status count, and one machine-readable result line for scripts/bench/measure.sh.
--
-- Environment: BENCH_IDS_FILE (one seeded id per line), BENCH_RUN (a tag unique per wrk run,
-- so that POSTed names never collide across runs), BENCH_COUNT_STATUS=1 to count 429s (a Lua
-- response() callback costs client CPU, so it is only defined when asked for).

local threads = {}

function setup(thread)
    thread:set("tid", #threads + 1)
    table.insert(threads, thread)
end

ids = {}
counter = 0
n429 = 0

-- Runs in each thread's own Lua state.
function load_ids()
    local path = os.getenv("BENCH_IDS_FILE")
    local file = assert(io.open(path, "r"), "cannot read BENCH_IDS_FILE " .. tostring(path))
    for line in file:lines() do
        local id = tonumber(line)
        if id then ids[#ids + 1] = id end
    end
    file:close()
    assert(#ids > 0, "no ids in " .. path)
    math.randomseed(os.time() * 100 + tid)
end

function random_id()
    return ids[math.random(#ids)]
end

local json_headers = { ["Content-Type"] = "application/json" }

-- Usernames allow [A-Za-z0-9_.-]{3,50}: "bw_<run>_<thread>_<n>" stays well inside.
function post_user()
    counter = counter + 1
    local name = "bw_" .. os.getenv("BENCH_RUN") .. "_" .. tid .. "_" .. counter
    return wrk.format("POST", "/users", json_headers,
        '{"username":"' .. name .. '","email":"' .. name .. '@bench.example"}')
end

function get_user()
    return wrk.format("GET", "/users/" .. random_id())
end

if os.getenv("BENCH_COUNT_STATUS") == "1" then
    function response(status, headers, body)
        if status == 429 then n429 = n429 + 1 end
    end
end

function done(summary, latency, requests)
    local total429 = 0
    for _, thread in ipairs(threads) do
        total429 = total429 + (thread:get("n429") or 0)
    end
    local e = summary.errors
    io.write(string.format(
        "bench-result requests=%d duration_us=%d non2xx=%d socket=%d p50_us=%d p99_us=%d status_429=%s\n",
        summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50), latency:percentile(99),
        os.getenv("BENCH_COUNT_STATUS") == "1" and tostring(total429) or "na"))
end
