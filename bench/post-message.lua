-- wrk script of bench/run: every request creates one message.
--   BENCH_THREADS="<id> [<id> ...]" BENCH_WRK_THREADS=<wrk -t> \
--       wrk -t<n> ... -s bench/post-message.lua http://127.0.0.1:48080
-- With one thread id, every request posts into that thread: all creates
-- queue on its row lock. With several, wrk thread k (of n) takes the ids
-- k, k+n, k+2n ... and sends each request to the next of its ids in turn, so
-- the requests in flight at once write to different threads, as the
-- conversations of many users do.
-- The owner's token comes from the environment (BENCH_TOKEN), so it never
-- appears on a command line.
-- Each path's request is formatted once, in init(): wrk.format per request
-- cost wrk about 100 us of CPU a request, taken from the service on a
-- 2-core machine; request() only hands out the next prepared string.
local token = os.getenv("BENCH_TOKEN")
if token == nil or token == "" then
	error("post-message.lua: BENCH_TOKEN is not set")
end

wrk.method = "POST"
wrk.body = '{"role":"user","content":"hello"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

-- setup runs in wrk's main state, once per wrk thread, before they start.
local created = 0
function setup(thread)
	thread:set("index", created)
	created = created + 1
end

local requests = {}
local next_request = 0

function init(args)
	local ids = os.getenv("BENCH_THREADS") or ""
	local n = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
	local all = {}
	for id in ids:gmatch("%S+") do
		all[#all + 1] = id
	end
	if #all == 0 then
		error("post-message.lua: BENCH_THREADS is not set")
	end
	for i, id in ipairs(all) do
		-- one id: every wrk thread uses it
		if #all == 1 or (i - 1) % n == index then
			requests[#requests + 1] = wrk.format(nil, "/api/threads/" .. id .. "/messages")
		end
	end
	if #requests == 0 then
		error("post-message.lua: fewer thread ids than wrk threads")
	end
end

function request()
	next_request = next_request % #requests + 1
	return requests[next_request]
end
