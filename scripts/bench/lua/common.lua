-- Shared by the workload scripts (dofile'd): the seeded ids, unique user names, the optional
-- status count, and one machine-readable result line for scripts/bench/measure.sh.
--
-- Environment: BENCH_IDS_FILE (one seeded id per line), BENCH_RUN (a tag unique per wrk run,
-- so that POSTed names never collide across runs), BENCH_COUNT_STATUS=1 to count the error
-- responses by status (a Lua response() callback costs client CPU, so nginx's limit runs
-- without it).

local threads = {}

function setup(thread)
    thread:set("tid", #threads + 1)
    table.insert(threads, thread)
end

ids = {}
counter = 0
codes = {}

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
    -- wrk's own error count is status > 399; the same here, by code.
    function response(status, headers, body)
        if status > 399 then codes[status] = (codes[status] or 0) + 1 end
    end
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, n in pairs(thread:get("codes") or {}) do
            total[status] = (total[status] or 0) + n
        end
    end
    local list = {}
    for status, n in pairs(total) do list[#list + 1] = status .. ":" .. n end
    table.sort(list)
    local counted = os.getenv("BENCH_COUNT_STATUS") == "1"
    local e = summary.errors
    io.write(string.format(
        "bench-result requests=%d duration_us=%d non2xx=%d socket=%d p50_us=%d p99_us=%d status_429=%s codes=%s\n",
        summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50), latency:percentile(99),
        counted and tostring(total[429] or 0) or "na",
        counted and (#list > 0 and table.concat(list, "/") or "none") or "na"))
end
