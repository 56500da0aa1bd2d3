-- wrk script: every request writes one new tuple (a product's warehouse), so each is a committed transaction.
-- wrk -s write.lua URL -- STORE_ID
local store
local tag
local counter = 0
function init(args)
  store = args[1]
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  -- wrk runs one Lua state per thread: a random tag keeps the threads' tuples apart.
  tag = math.random(0, 2147483647)
end

function request()
  counter = counter + 1
  local tuple = string.format('{"user":"warehouse:w%d","relation":"warehouse","object":"product:new-%d-%d"}',
    counter % 100, tag, counter)
  return wrk.format("POST", "/stores/" .. store .. "/write", {["content-type"] = "application/json"},
    '{"writes":{"tuple_keys":[' .. tuple .. ']}}')
end

function response(status, headers, body)
  if status ~= 200 then io.stderr:write("write failed: " .. status .. " " .. body .. "\n") end
end
