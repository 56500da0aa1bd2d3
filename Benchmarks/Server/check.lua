-- wrk script: POST /stores/{store}/check for a random manager and product of the generated warehouse data.
-- wrk -s check.lua URL -- STORE_ID [batch]
local store, batch
function init(args)
  store = args[1]
  batch = tonumber(args[2] or "0")
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

local function key(index)
  local warehouse = index % 100
  return string.format('{"user":"user:m%d","relation":"can_write","object":"product:p%d"}', warehouse, index)
end

function request()
  if batch > 0 then
    local checks = {}
    for i = 1, batch do
      checks[i] = string.format('{"tuple_key":%s,"correlation_id":"%d"}', key(math.random(0, 99999)), i)
    end
    return wrk.format("POST", "/stores/" .. store .. "/batch-check", {["content-type"] = "application/json"},
      '{"checks":[' .. table.concat(checks, ",") .. ']}')
  end
  return wrk.format("POST", "/stores/" .. store .. "/check", {["content-type"] = "application/json"},
    '{"tuple_key":' .. key(math.random(0, 99999)) .. '}')
end
