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
 * - an attempt the LLM judge scored adds the judge call's cost to `costNano` and `judgeCostNano`,
 *   and a `judgeCalls` count, on the attempt's tier and the judge's deployment (its tokens stay on
 *   the attempt: `inputTokens`/`outputTokens` count answers, as the records' `usage` does);
 * - the served attempt (the final answer's hop; for a failed request, the last attempt) adds
 *   `requests`, the request's `baseline` (what the premium deployment would have charged for its
 *   tokens), `cacheHits` for an answer from the cache and `failed` for a failed request.
 * Dollars are kept as integer nano-dollars (`costNano`, `baselineNano`): HINCRBY sums exactly,
 * where floating-point sums over millions of requests would drift.
 * The served attempt also counts in `hour|<HH>|tier|key` (the UTC hour the record finished), which
 * the traffic drift compares hour against day; `readLedger` skips these four-part fields.
 * A record whose decision names an experiment also adds to `exp|<name>|<arm>|<metric>|key`:
 * `requests`, `failed`, `attempts`, `escalations`, `costNano` (every attempt) and `baselineNano`
 * (the served attempt's); `readLedger` skips these by their `exp` head, `readExperiments` reads them.
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
local experiment = nil
local decision = redis.call('HGET', KEYS[1], 'decision')
if decision then
  local parsed = cjson.decode(decision)
  route = parsed.route or 'none'
  experiment = parsed.experiment
end
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
local baselineNano = 0
local escalations = 0
for _, attempt in ipairs(attempts) do
  local deployment = attempt.deployment.provider .. '/' .. attempt.deployment.model
  add('attempts', attempt.tier, deployment, 1)
  add('costNano', attempt.tier, deployment, nano(attempt.costUsd))
  totalNano = totalNano + tonumber(nano(attempt.costUsd))
  add('inputTokens', attempt.tier, deployment, string.format('%.0f', attempt.usage.inputTokens))
  add('outputTokens', attempt.tier, deployment, string.format('%.0f', attempt.usage.outputTokens))
  if attempt.escalationReason then
    add('escalations', attempt.tier, deployment, 1)
    escalations = escalations + 1
  end
  local judge = attempt.judge
  if type(judge) == 'table' and type(judge.deployment) == 'table' then
    local judgeDeployment = judge.deployment.provider .. '/' .. judge.deployment.model
    add('judgeCalls', attempt.tier, judgeDeployment, 1)
    add('costNano', attempt.tier, judgeDeployment, nano(judge.costUsd))
    add('judgeCostNano', attempt.tier, judgeDeployment, nano(judge.costUsd))
    totalNano = totalNano + tonumber(nano(judge.costUsd))
  end
  if attempt.hop == servedHop and not served then
    served = true
    add('requests', attempt.tier, deployment, 1)
    countHour(attempt.tier)
    add('baselineNano', attempt.tier, deployment, nano(attempt.baselineCostUsd))
    baselineNano = tonumber(nano(attempt.baselineCostUsd))
    if redis.call('HGET', KEYS[1], 'cache') == 'hit' then add('cacheHits', attempt.tier, deployment, 1) end
    if ARGV[2] == 'failed' then add('failed', attempt.tier, deployment, 1) end
  end
end
if not served then
  add('requests', 'none', 'none', 1)
  countHour('none')
  if ARGV[2] == 'failed' then add('failed', 'none', 'none', 1) end
end
if type(experiment) == 'table' and type(experiment.name) == 'string' and type(experiment.arm) == 'string' then
  local head = 'exp|' .. escape(experiment.name) .. '|' .. escape(experiment.arm) .. '|'
  local function count(metric, amount)
    redis.call('HINCRBY', ledger, head .. metric .. '|' .. escape(key), amount)
  end
  count('requests', 1)
  if ARGV[2] == 'failed' then count('failed', 1) end
  count('attempts', #attempts)
  count('escalations', escalations)
  count('costNano', string.format('%.0f', totalNano))
  count('baselineNano', string.format('%.0f', baselineNano))
end
redis.call('EXPIRE', ledger, tonumber(ARGV[4]))
`;
