-- alliance-bench's wrk script. The runner writes the constants above this line:
--   PATH       the request path
--   ITEMS      per wrk thread, the requests it sends: { {token, body}, ... }
--   ONCE       send each item once (else cycle through them)
--   BUDGET     seconds of load: then each thread stops sending (as it does when ONCE
--              items run out), waits for every answer and stops, so nothing is in
--              flight at the end and every request sent is counted
--   ACK        for writes, a Lua pattern capturing the created record's id
--   ACK_FILE   where done() writes the acknowledged ids, one a line
--   ERRORS_FILE  where done() writes a few of the answers counted as errors
--   THREADS    how many threads wrk runs
--   DONE_FILE  where each thread leaves a mark when it has stopped; the last one wakes
--              wrk's main thread (which otherwise sleeps out -d) so the run ends there
-- Counters live in each thread's Lua state as globals, so done() can read them with
-- thread:get().

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } alliance_bench_timespec;
int clock_gettime(int clock, alliance_bench_timespec *now);
int getpid(void);
int tgkill(int tgid, int tid, int sig);
]]
local clock = ffi.new("alliance_bench_timespec")
local function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC, comparable across threads
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local threads = {}
local created = 0

function setup(thread)
  created = created + 1
  thread:set("thread_number", created)
  table.insert(threads, thread)
end

sent, answered, non2xx, errors, acked = 0, 0, 0, 0, 0
first_sent, last_answered = -1, -1
acked_ids = {}
error_samples = {}

local requests = {}
local cursor = 0
local draining = false
local verified = false
local placeholder
local placeholders = 0 -- placeholders sent and not yet answered

function init(args)
  for i, item in ipairs(ITEMS[thread_number] or {}) do
    requests[i] = wrk.format("POST", PATH, {
      ["Host"] = wrk.headers["Host"],
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. item[1],
    }, item[2])
  end
  placeholder = wrk.format("GET", "/healthz", { ["Host"] = wrk.headers["Host"] })
end

function request()
  -- wrk builds one request on the first thread to check the script before the run
  -- starts; that one is never sent, so it is neither counted nor taken from the items.
  if thread_number == 1 and not verified then
    verified = true
    return requests[1] or placeholder
  end
  cursor = cursor + 1
  if cursor > #requests then
    if ONCE or #requests == 0 then
      -- Two connections can both be let go by delay() for the last item; the second
      -- sends this instead, and its answer is not counted.
      placeholders = placeholders + 1
      return placeholder
    end
    cursor = 1
  end
  sent = sent + 1
  if first_sent < 0 then first_sent = now() end
  return requests[cursor]
end

local stopped = false

-- Stops this thread once it is draining and every request it sent is answered; the last
-- thread to stop interrupts the main thread's sleep (its SIGINT handler ends the run).
local function stop_when_done()
  if stopped or not draining or answered < sent then return end
  stopped = true
  wrk.thread:stop()
  local mark = io.open(DONE_FILE, "a")
  mark:write("x")
  mark:close()
  local marks = io.open(DONE_FILE, "r")
  local count = #marks:read("*a")
  marks:close()
  if count >= THREADS then
    local pid = ffi.C.getpid()
    ffi.C.tgkill(pid, pid, 2)
  end
end

-- Called before each request of each connection: 0 ms while there is work, and past
-- that an hour, which the thread's stop cuts short.
function delay()
  if not draining then
    local out = (ONCE or #requests == 0) and cursor >= #requests
    local late = first_sent >= 0 and now() - first_sent >= BUDGET
    draining = out or late
  end
  if draining then
    stop_when_done()
    return 3600000
  end
  return 0
end

local function keep_sample(status, body)
  if #error_samples < 3 then
    error_samples[#error_samples + 1] = status .. " " .. string.gsub(string.sub(body, 1, 400), "\n", " ")
  end
end

function response(status, headers, body)
  if placeholders > 0 and status == 200 and body == "ok" then
    placeholders = placeholders - 1
    return stop_when_done()
  end
  answered = answered + 1
  last_answered = now()
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    keep_sample(status, body)
  elseif string.find(body, '"errors"', 1, true) then
    errors = errors + 1
    keep_sample(status, body)
  elseif ACK then
    local id = string.match(body, ACK)
    if id and string.find(body, '"userErrors":[]', 1, true) then
      acked = acked + 1
      acked_ids[#acked_ids + 1] = id
    else
      errors = errors + 1
      keep_sample(status, body)
    end
  else
    acked = acked + 1
  end
  stop_when_done()
end

function done(summary, latency, requests)
  local total = { sent = 0, answered = 0, non2xx = 0, errors = 0, acked = 0 }
  local first, last
  local ids = ACK_FILE and io.open(ACK_FILE, "w")
  local samples = io.open(ERRORS_FILE, "w")
  for _, thread in ipairs(threads) do
    for key, value in pairs(total) do
      total[key] = value + (thread:get(key) or 0)
    end
    local f, l = thread:get("first_sent"), thread:get("last_answered")
    if f >= 0 and (first == nil or f < first) then first = f end
    if l >= 0 and (last == nil or l > last) then last = l end
    if ids then
      for _, id in ipairs(thread:get("acked_ids")) do ids:write(id, "\n") end
    end
    for _, sample in ipairs(thread:get("error_samples")) do samples:write(sample, "\n") end
  end
  if ids then ids:close() end
  samples:close()
  local window = summary.duration / 1e6
  if first and last and last > first then window = last - first end
  local e = summary.errors
  io.write(string.format(
    'ALLIANCE_BENCH {"sent":%d,"answered":%d,"non2xx":%d,"errors":%d,"acked":%d,' ..
    '"window_s":%.6f,"wrk_requests":%d,"wrk_duration_s":%.6f,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}}\n',
    total.sent, total.answered, total.non2xx, total.errors, total.acked,
    window, summary.requests, summary.duration / 1e6,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
    math.floor(latency.max),
    e.connect, e.read, e.write, e.timeout))
end
