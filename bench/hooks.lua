-- wrk script: POST pre-signed Meta webhook deliveries (body<TAB>signature
-- per line of $HOOKS_FILE), cycling through them; counts statuses and
-- prints latency percentiles in a form bench/hooks.sh reads.
local bodies, sigs = {}, {}
local i = 0
local statuses = {}

function init(args)
  local f = assert(io.open(os.getenv("HOOKS_FILE"), "r"))
  for line in f:lines() do
    local b, s = line:match("^(.*)\t(.*)$")
    if b then
      bodies[#bodies + 1] = b
      sigs[#sigs + 1] = s
    end
  end
  f:close()
  i = math.random(#bodies)
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/hooks/meta",
    { ["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = "sha256=" .. sigs[i] },
    bodies[i])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("duration_us %d\n", summary.duration))
  io.write(string.format("p50_us %d\np99_us %d\n", latency:percentile(50), latency:percentile(99)))
end
