import { ledgerLua } from './ledger-script.ts';

/**
 * Lua scripts that change a request record atomically. Each touches one slot (the record's, and
 * the finish script its shard's ledger), so they run on Redis Cluster too. A record in a terminal
 * state (`completed`, `failed`) is never changed again: a redelivered job (at-least-once delivery)
 * cannot reopen or rewrite it.
 */

/** KEYS[1] record; ARGV[1] retention seconds, ARGV[2..] field/value pairs. A new record and its TTL in one step. */
export const createRecordScript = `
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`;

/** KEYS[1] record; ARGV field/value pairs. Returns 1 written, 0 already terminal, -1 missing. */
export const updateUnlessTerminalScript = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status == 'completed' or status == 'failed' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

/**
 * KEYS[1] record, KEYS[2] its shard's ledger of the day; ARGV[1] channel, ARGV[2] terminal
 * status, ARGV[3] retention seconds, ARGV[4] ledger retention seconds, ARGV[5..] field/value
 * pairs. Makes the record terminal, adds it to the cost ledger and publishes the completion event
 * in the same step, so no waiter can miss it and the ledger counts each record once. Returns
 * { 1, the request's cost in nano-dollars, its budget hold or false } when finished now, 0 when
 * already terminal, -1 when missing.
 */
export const finishScript = finishingScript('');

/**
 * `finishScript` for a request that has not started running: a `queued` or `routed` record is
 * failed (cancelled), a `running` one is left to its hop, whose answer is kept. Returns 0 for a
 * running or terminal record, otherwise as `finishScript`.
 */
export const cancelWaitingScript = finishingScript(`if status == 'running' then return 0 end`);

function finishingScript(guard: string): string {
  return `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status == 'completed' or status == 'failed' then return 0 end
${guard}
redis.call('HSET', KEYS[1], 'status', ARGV[2], unpack(ARGV, 5))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
${ledgerLua}
local batchId = redis.call('HGET', KEYS[1], 'batchId')
redis.call('PUBLISH', ARGV[1], cjson.encode({
  requestId = redis.call('HGET', KEYS[1], 'id'),
  batchId = batchId or cjson.null,
  status = ARGV[2],
}))
return { 1, string.format('%.0f', totalNano), redis.call('HGET', KEYS[1], 'budgetHold') or false }
`;
}

/** KEYS[1] idempotency key; ARGV[1] owner id. Deletes the key only while it still names that owner. */
export const releaseIfOwnerScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS[1] idempotency key; ARGV[1] expected owner, ARGV[2] new owner, ARGV[3] TTL seconds. Compare-and-set. */
export const swapOwnerScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
`;
