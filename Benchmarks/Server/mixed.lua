-- wrk script: 95% checks, 5% writes (each write adds then the next one deletes a tuple of its own warehouse).
-- wrk -s mixed.lua URL -- STORE_ID
local store
local counter = 0
function init(args)
  store = args[1]
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  counter = counter + 1
  local index = math.random(0, 99999)
  if math.random() < 0.05 then
    local tuple = string.format('{"user":"user:temp%d","relation":"manager","object":"warehouse:w%d"}', counter, index % 100)
    return wrk.format("POST", "/stores/" .. store .. "/write", {["content-type"] = "application/json"},
      '{"writes":{"tuple_keys":[' .. tuple .. '],"on_duplicate":"ignore"}}')
  end
  return wrk.format("POST", "/stores/" .. store .. "/check", {["content-type"] = "application/json"},
    string.format('{"tuple_key":{"user":"user:m%d","relation":"can_write","object":"product:p%d"}}', index % 100, index))
end
