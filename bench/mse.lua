-- mse.lua - wrk script for the service throughput benchmark: the
-- small-loss request, POST /v1/metrics/mse with a tiny body, over
-- keep-alive.  No response() hook on purpose: it would make wrk build Lua
-- tables for every answer and steal CPU from the server on a small
-- machine.  wrk counts statuses >= 400 itself ("Non-2xx or 3xx
-- responses"), and throughput.sh fails the run when it prints that line.

wrk.method = "POST"
wrk.path = "/v1/metrics/mse"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs": {"input": [0.5, 1.5, -2.0, 3.25], ' ..
	'"target": [0.0, 2.0, -2.5, 3.0]}, "params": {"reduction": "mean"}}'
