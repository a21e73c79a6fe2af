-- GET /api/v1/work-orders/{id} with ids spread uniformly over the data set's range,
-- so that reads are not served by one hot row.
-- env: ZD_TOKEN, ZD_ID_LO, ZD_ID_HI
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local lo, hi
function init(args)
  lo = tonumber(os.getenv("ZD_ID_LO")); hi = tonumber(os.getenv("ZD_ID_HI"))
  math.randomseed(os.time() * 100 + (tid or 0))
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("ZD_TOKEN")
end

function request()
  return wrk.format("GET", "/api/v1/work-orders/" .. math.random(lo, hi))
end
