-- wrk script for bench/run.sh: POSTs JSON submissions to the demo campaign,
-- each with a text unique across threads and requests (so no idempotency or
-- duplicate detection can fold them), and counts the 202 answers.
-- done() prints machine-readable lines that run.sh parses:
--   acked N / status CODE N / p50_us N / p99_us N / duration_us N /
--   errors connect=N read=N write=N timeout=N status=N / requests N

local threads = {}
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local ideas = {
  "Perbaiki jalan berlubang di dekat pasar",
  "Tambah jam layanan puskesmas pada malam hari",
  "Sediakan beasiswa untuk anak petani",
  "Bangun saluran air agar kampung tidak banjir",
  "Perbanyak lampu penerangan di jalan desa",
  "Buat pelatihan kerja untuk pemuda",
  "Turunkan harga pupuk untuk petani kecil",
  "Tambah guru di sekolah pelosok",
}

function init(args)
  n = 0
  acked = 0
  statuses = {}
  run = args[1] or tostring(os.time())
end

function request()
  n = n + 1
  local body = string.format('{"text":"%s (bench %s t%d n%d)","channel":"web"}',
    ideas[(n % #ideas) + 1], run, tid, n)
  return wrk.format("POST", "/api/v1/campaigns/demo/submissions",
    { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 202 then
    acked = acked + 1
  end
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = 0
  local all = {}
  for _, t in ipairs(threads) do
    total = total + t:get("acked")
    local st = t:get("statuses")
    for code, c in pairs(st) do
      all[code] = (all[code] or 0) + c
    end
  end
  io.write(string.format("acked %d\n", total))
  for code, c in pairs(all) do
    io.write(string.format("status %d %d\n", code, c))
  end
  io.write(string.format("p50_us %d\n", latency:percentile(50)))
  io.write(string.format("p99_us %d\n", latency:percentile(99)))
  io.write(string.format("duration_us %d\n", summary.duration))
  local e = summary.errors
  io.write(string.format("errors connect=%d read=%d write=%d timeout=%d status=%d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("requests %d\n", summary.requests))
end
