-- POST /users with a name no other request of any run uses.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function init(args)
    math.randomseed(os.time() * 100 + tid)
end

request = post_user
