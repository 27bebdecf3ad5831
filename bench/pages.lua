-- wrk script of bench/run: pages by cursor, a different cursor each time,
-- so no worker ever has the page it is asked for among the ones it keeps
-- (src/page_cache.c keeps 64): what a page costs when it is read afresh.
--   BENCH_PREFIX=/api/threads/<id>/messages?limit=20&order=asc&after=
--   BENCH_TAIL=<the thread id's last 12 hex digits> BENCH_COUNT=<n>
--   BENCH_FIRST=<lowest seq> BENCH_LAST=<highest seq>
--       wrk ... -s bench/pages.lua http://127.0.0.1:48080
-- The cursors are the seed's message ids (bench/run, seed_id_sql): seq in
-- the first 8 hex digits, the thread's last 12 at the end. Each wrk thread
-- formats its BENCH_COUNT requests once, in init() (wrk.format per request
-- costs wrk ~100 us of CPU), spread evenly over the seqs and starting at
-- another place per thread, then hands them out in turn.
local prefix = os.getenv("BENCH_PREFIX")
local tail = os.getenv("BENCH_TAIL")
local count = tonumber(os.getenv("BENCH_COUNT") or "")
local first = tonumber(os.getenv("BENCH_FIRST") or "")
local last = tonumber(os.getenv("BENCH_LAST") or "")
if prefix == nil or tail == nil or count == nil or first == nil or last == nil or last <= first then
	error("pages.lua: BENCH_PREFIX, BENCH_TAIL, BENCH_COUNT, BENCH_FIRST and BENCH_LAST are needed")
end

local started = 0
function setup(thread)
	thread:set("index", started)
	started = started + 1
end

local requests = {}
local next_one = 1

function init(args)
	local step = (last - first) / count
	for i = 1, count do
		local seq = first + math.floor(((i * 7919 + index * 104729) % count) * step)
		local id = string.format("%08x-0000-4000-8000-%s", seq, tail)
		requests[i] = wrk.format("GET", prefix .. id)
	end
end

function request()
	local r = requests[next_one]
	next_one = next_one % count + 1
	return r
end
