-- wrk script for bench/run.sh: POSTs JSON submissions to the demo campaign,
-- each a distinct post (random words drawn per request, so the filter's
-- near-duplicate and coordination stages see organic traffic, not one
-- flood of copies), and counts the 202 answers.
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

local words = {
  "jalan", "desa", "sekolah", "guru", "puskesmas", "dokter", "obat", "beras", "harga", "pupuk",
  "petani", "nelayan", "pasar", "banjir", "saluran", "air", "bersih", "listrik", "lampu", "jembatan",
  "angkot", "bus", "kereta", "halte", "trotoar", "sepeda", "taman", "sampah", "daur", "ulang",
  "hutan", "sungai", "laut", "pantai", "izin", "usaha", "kredit", "koperasi", "pajak", "retribusi",
  "beasiswa", "kuliah", "pelatihan", "kerja", "pabrik", "upah", "buruh", "ojol", "bpjs", "rumah",
  "sakit", "bidan", "posyandu", "gizi", "anak", "lansia", "difabel", "akses", "internet", "sinyal",
  "kelurahan", "kecamatan", "ktp", "antre", "online", "layanan", "polisi", "hukum", "korupsi", "dana",
  "bansos", "subsidi", "gas", "bbm", "parkir", "macet", "terminal", "bandara", "pelabuhan", "gudang",
  "irigasi", "bendungan", "sawah", "kebun", "ternak", "ikan", "tambak", "garam", "kopi", "teh",
  "umkm", "qris", "pameran", "wisata", "budaya", "masjid", "gereja", "pura", "vihara", "lapangan",
}
local verbs = { "tolong", "usul", "mohon", "sebaiknya", "perlu", "harap", "ayo", "gimana kalau" }

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  n = 0
  acked = 0
  statuses = {}
  run = args[1] or tostring(os.time())
end

function request()
  n = n + 1
  local t = { verbs[math.random(#verbs)] }
  for i = 1, 12 do t[#t + 1] = words[math.random(#words)] end
  local body = string.format('{"text":"%s %s (%s t%d n%d)","channel":"web"}',
    ideas[(n % #ideas) + 1], table.concat(t, " "), run, tid, n)
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
