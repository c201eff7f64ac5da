-- nginx's own limit: the URL as given (a `return 200` location), no Lua work per request.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
