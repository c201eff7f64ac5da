-- 90 % cached GET /users/{id} of the seeded set, 10 % POST /users, chosen per request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function init(args)
    load_ids()
end

function request()
    if math.random() < 0.1 then return post_user() end
    return get_user()
end
