-- GET /users?limit=50&after=<cursor>: each thread walks the seeded set page by page (the
-- cursor is the id before the page, as the Link header would give it), from its own start.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local page = 50
local position

function init(args)
    load_ids()
    position = math.random(#ids)
end

function request()
    position = position + page
    if position > #ids then position = 1 end
    return wrk.format("GET", "/users?limit=" .. page .. "&after=" .. (ids[position] - 1))
end
