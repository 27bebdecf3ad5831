-- wrk script of bench/run: every request creates one message.
--   wrk ... -s bench/post-message.lua http://127.0.0.1:48080/api/threads/<id>/messages
-- The owner's token comes from the environment (BENCH_TOKEN), so it never
-- appears on a command line.
local token = os.getenv("BENCH_TOKEN")
if token == nil or token == "" then
	error("post-message.lua: BENCH_TOKEN is not set")
end

wrk.method = "POST"
wrk.body = '{"role":"user","content":"hello"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
