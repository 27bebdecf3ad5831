-- wrk script of bench/run: every request POSTs the same JSON body to the URL
-- given on wrk's command line, anonymously (no Authorization header).
--   BENCH_BODY='{"max_tokens": 10000000}' \
--       wrk -t2 ... -s bench/post-json.lua http://127.0.0.1:48080/api/threads/<id>/messages/context
-- The script defines no request() function, so wrk formats the request once
-- and sends the same bytes every time (no Lua per request: wrk's CPU stays
-- off the 2 cores the service shares).
local body = os.getenv("BENCH_BODY")
if body == nil or body == "" then
	error("post-json.lua: BENCH_BODY is not set")
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
