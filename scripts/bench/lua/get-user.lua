-- Cached GET /users/{id}: a random id of the seeded set per request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function init(args)
    load_ids()
end

request = get_user
