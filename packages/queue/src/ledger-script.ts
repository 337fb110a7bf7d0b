/**
 * The Lua that adds a request that has just finished to the cost ledger. It runs inside the
 * script that makes the record terminal (`finishScript`), so a record is added exactly once and
 * the ledger never disagrees with the records; KEYS[2] (the ledger of the record's shard and of
 * the day) shares the record's hash tag.
 *
 * A ledger is one hash per shard and day; each field is `metric|tier|deployment|route|key`:
 * - every attempt adds its own cost, tokens and an `attempts` count to its tier and deployment
 *   (an escalated attempt adds `escalations` too): the cost of an attempt is the one fixed when
 *   it was made, stored on the attempt;
 * - the served attempt (the final answer's hop; for a failed request, the last attempt) adds
 *   `requests`, the request's `baseline` (what the premium deployment would have charged for its
 *   tokens), `cacheHits` for an answer from the cache and `failed` for a failed request.
 * Dollars are kept as integer nano-dollars (`costNano`, `baselineNano`): HINCRBY sums exactly,
 * where floating-point sums over millions of requests would drift.
 * The served attempt also counts in `hour|<HH>|tier|key` (the UTC hour the record finished), which
 * the traffic drift compares hour against day; `readLedger` skips these four-part fields.
 */
export const ledgerLua = `
local function escape(value)
  return (string.gsub(tostring(value), '[%%|]', function(c) return string.format('%%%02X', string.byte(c)) end))
end
local function nano(usd)
  return string.format('%.0f', math.floor((tonumber(usd) or 0) * 1e9 + 0.5))
end
local ledger = KEYS[2]
local route = 'none'
local decision = redis.call('HGET', KEYS[1], 'decision')
if decision then route = cjson.decode(decision).route or 'none' end
local key = redis.call('HGET', KEYS[1], 'keyId') or 'local'
local attempts = {}
local all = redis.call('HGETALL', KEYS[1])
for index = 1, #all, 2 do
  if string.sub(all[index], 1, 8) == 'attempt:' then table.insert(attempts, cjson.decode(all[index + 1])) end
end
local servedHop = -1
local final = redis.call('HGET', KEYS[1], 'final')
if final then servedHop = cjson.decode(final).hop end
if servedHop < 0 then
  for _, attempt in ipairs(attempts) do if attempt.hop > servedHop then servedHop = attempt.hop end end
end
local function add(metric, tier, deployment, amount)
  local field = metric .. '|' .. escape(tier) .. '|' .. escape(deployment) .. '|' .. escape(route) .. '|' .. escape(key)
  redis.call('HINCRBY', ledger, field, amount)
end
local hour = string.sub(redis.call('HGET', KEYS[1], 'completedAt') or '', 12, 13)
local function countHour(tier)
  if hour ~= '' then redis.call('HINCRBY', ledger, 'hour|' .. hour .. '|' .. escape(tier) .. '|' .. escape(key), 1) end
end
local served = false
local totalNano = 0
for _, attempt in ipairs(attempts) do
  local deployment = attempt.deployment.provider .. '/' .. attempt.deployment.model
  add('attempts', attempt.tier, deployment, 1)
  add('costNano', attempt.tier, deployment, nano(attempt.costUsd))
  totalNano = totalNano + tonumber(nano(attempt.costUsd))
  add('inputTokens', attempt.tier, deployment, string.format('%.0f', attempt.usage.inputTokens))
  add('outputTokens', attempt.tier, deployment, string.format('%.0f', attempt.usage.outputTokens))
  if attempt.escalationReason then add('escalations', attempt.tier, deployment, 1) end
  if attempt.hop == servedHop and not served then
    served = true
    add('requests', attempt.tier, deployment, 1)
    countHour(attempt.tier)
    add('baselineNano', attempt.tier, deployment, nano(attempt.baselineCostUsd))
    if redis.call('HGET', KEYS[1], 'cache') == 'hit' then add('cacheHits', attempt.tier, deployment, 1) end
    if ARGV[2] == 'failed' then add('failed', attempt.tier, deployment, 1) end
  end
end
if not served then
  add('requests', 'none', 'none', 1)
  countHour('none')
  if ARGV[2] == 'failed' then add('failed', 'none', 'none', 1) end
end
redis.call('EXPIRE', ledger, tonumber(ARGV[4]))
`;
