-- wrk script of manage.py bench_traffic: each thread (one connection each, so a thread's
-- requests and responses alternate) sends the requests of a file the command wrote, one
-- a line: "label<TAB>method<TAB>path<TAB>headers<TAB>body", headers "Name: value|Name: value".
-- Thread t of n sends lines start+t, start+t+n, ... (wrapping at the end), so together the
-- threads walk the file from `start` in order: a warm-up and the run after it see different
-- lines of one sequence drawn with a fixed seed. Each response is timed on the monotonic
-- clock (LuaJIT's ffi) and kept with its label, status and the X-Public-Cache header; done()
-- prints one line per request for the command to turn into percentiles.
-- Arguments (after the URL): file, start, threads.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]])
local clock = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local threads = {}
function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

local lines, index, step, started, label
records = {}

function init(args)
  local path = args[1]
  local start, count = tonumber(args[2]), tonumber(args[3])
  lines = {}
  for line in io.lines(path) do
    local name, method, address, headers, body =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local parsed = {}
    for header in headers:gmatch("[^|]+") do
      local key, value = header:match("^([^:]+):%s*(.*)$")
      parsed[key] = value
    end
    if body == "" then body = nil end
    lines[#lines + 1] = { name, method, address, parsed, body }
  end
  step = count
  index = start + thread_number
end

function request()
  local line = lines[(index % #lines) + 1]
  index = index + step
  label = line[1]
  started = now_us()
  return wrk.format(line[2], line[3], line[4], line[5])
end

function response(status, headers, body)
  local elapsed = now_us() - started
  local cache = headers["X-Public-Cache"] or "-"
  records[#records + 1] = string.format("%s\t%d\t%d\t%s", label, status, elapsed, cache)
end

function done(summary, latency, requests)
  io.write(string.format("SUMMARY\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.requests,
    summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  for _, thread in ipairs(threads) do
    local kept = thread:get("records")
    for _, record in ipairs(kept) do
      io.write("R\t", record, "\n")
    end
  end
end
