/**
 * Two token buckets per API key (requests and tokens per minute), checked and charged in one
 * atomic step so that every API instance shares them. A bucket holds up to its per-minute limit
 * and refills continuously at limit/60 000 per millisecond; a call is let through only when
 * both buckets hold its cost, and then both are charged. Time comes from Redis (`TIME`), not the
 * instances, so unsynchronised clocks cannot hand out extra capacity.
 *
 * KEYS[1] requests bucket, KEYS[2] tokens bucket
 * ARGV[1] requests per minute (0 = unlimited), ARGV[2] tokens per minute (0 = unlimited),
 * ARGV[3] the call's token estimate
 * Returns { allowed (0/1), requests remaining, ms until the requests bucket is full,
 *           tokens remaining, ms until the tokens bucket is full, ms to wait before a retry }.
 */
export const rateLimitScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local function level(key, limit)
  local state = redis.call('HMGET', key, 'level', 'at')
  local stored = tonumber(state[1])
  if stored == nil then return limit end
  local elapsed = math.max(0, now - (tonumber(state[2]) or now))
  return math.min(limit, stored + elapsed * limit / 60000)
end

local requestLimit = tonumber(ARGV[1])
local tokenLimit = tonumber(ARGV[2])
-- A call estimated above the whole per-minute limit would never pass: it waits for a full bucket.
local tokenCost = math.min(tonumber(ARGV[3]), tokenLimit)

local requests = requestLimit > 0 and level(KEYS[1], requestLimit) or 0
local tokens = tokenLimit > 0 and level(KEYS[2], tokenLimit) or 0

local wait = 0
if requestLimit > 0 and requests < 1 then
  wait = math.max(wait, math.ceil((1 - requests) * 60000 / requestLimit))
end
if tokenLimit > 0 and tokens < tokenCost then
  wait = math.max(wait, math.ceil((tokenCost - tokens) * 60000 / tokenLimit))
end
local allowed = wait == 0
if allowed then
  if requestLimit > 0 then requests = requests - 1 end
  if tokenLimit > 0 then tokens = tokens - tokenCost end
end

local function store(key, limit, value)
  if limit <= 0 then return 0 end
  redis.call('HSET', key, 'level', tostring(value), 'at', now)
  -- A bucket untouched for a minute is full again: no need to keep it.
  redis.call('PEXPIRE', key, 60000)
  return math.ceil((limit - value) * 60000 / limit)
end
local requestsFullIn = store(KEYS[1], requestLimit, requests)
local tokensFullIn = store(KEYS[2], tokenLimit, tokens)

return { allowed and 1 or 0, math.floor(requests), requestsFullIn, math.floor(tokens), tokensFullIn, wait }
`;
