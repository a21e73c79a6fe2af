-- POST /api/v1/work-orders as a bearer-token user: every title unique (run nonce,
-- wrk thread, counter), the enterprise and category spread over the data set, as
-- hotline demands (12345 热线) arrive for many enterprises at once.
-- env: ZD_TOKEN, ZD_ENT_LO, ZD_ENT_HI (enterprise id range), ZD_CATEGORIES (codes, comma-separated), ZD_NONCE
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local lo, hi, cats, n, nonce
local titles = { "原材料运输车辆通行受阻", "员工返岗包车需协调", "复工急需口罩和额温枪", "申请稳岗补贴进度", "厂区周边道路积水", "企业用电增容报装" }
function init(args)
  lo = tonumber(os.getenv("ZD_ENT_LO")); hi = tonumber(os.getenv("ZD_ENT_HI"))
  cats = {}
  for c in string.gmatch(os.getenv("ZD_CATEGORIES"), "[^,]+") do table.insert(cats, c) end
  nonce = os.getenv("ZD_NONCE") or "0"
  n = 0
  math.randomseed(os.time() * 100 + (tid or 0))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("ZD_TOKEN")
end

function request()
  n = n + 1
  local body = string.format(
    '{"enterprise_id":%d,"category":"%s","title":"%s（压测%s-%d-%d）","description":"压力测试自动提交的第%d条诉求，请忽略。"}',
    math.random(lo, hi), cats[math.random(#cats)], titles[n % #titles + 1], nonce, tid or 0, n, n)
  return wrk.format(nil, "/api/v1/work-orders", nil, body)
end
