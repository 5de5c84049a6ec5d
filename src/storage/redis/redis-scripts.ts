/**
 * The Lua scripts of the Redis backend: each step that must be atomic across workers runs as one script on the
 * server (Redis runs a script to the end before any other command). Times come from the server's `TIME`, so the
 * workers' clocks never need to agree. Keys of one crawl share the hash tag `{crawlId}`, so they live in one slot.
 *
 * A queue entry (and lease member) is the JSON text `[depth, url, parent]`. The queue of a depth is one list per host
 * (`q:DEPTH:HOST`) and a ring of the hosts with queued entries (`hosts:DEPTH`), with the count of queued entries per
 * depth in the hash `queued`: a claim takes one entry per host in turn, so the requests a worker holds spread over
 * the hosts and the per-host slots of them all can be in use at once (one list per depth, in discovery order, gave a
 * worker the requests of one host at a time, bound by that host's `--per-host`).
 */

// Milliseconds from the server's clock.
const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * The queue's steps, shared by the scripts that queue, take or drop entries (prefix: the crawl's key prefix). The
 * host is the URL's authority, the same text for every URL of one host and port.
 */
const QUEUE = `
local function queueOf(prefix, entry)
  local decoded = cjson.decode(entry)
  local host = string.match(decoded[2], '^[%a][%w+.-]*://([^/?#]*)') or ''
  return decoded[1], host, prefix .. 'q:' .. decoded[1] .. ':' .. host
end
local function enqueue(prefix, entry, atHead)
  local depth, host, list = queueOf(prefix, entry)
  local length
  if atHead then length = redis.call('LPUSH', list, entry) else length = redis.call('RPUSH', list, entry) end
  if length == 1 then redis.call('RPUSH', prefix .. 'hosts:' .. depth, host) end
  redis.call('HINCRBY', prefix .. 'queued', depth, 1)
end
local function unqueue(prefix, entry)
  local depth, host, list = queueOf(prefix, entry)
  if redis.call('LREM', list, 1, entry) == 0 then return end
  redis.call('HINCRBY', prefix .. 'queued', depth, -1)
  if redis.call('LLEN', list) == 0 then redis.call('LREM', prefix .. 'hosts:' .. depth, 1, host) end
end
local function dequeue(prefix, depth, n)
  local ring = prefix .. 'hosts:' .. depth
  local taken = {}
  while #taken < n do
    local host = redis.call('LMOVE', ring, ring, 'LEFT', 'RIGHT')
    if not host then break end
    local list = prefix .. 'q:' .. depth .. ':' .. host
    local entry = redis.call('LPOP', list)
    if entry then taken[#taken + 1] = entry end
    if redis.call('LLEN', list) == 0 then redis.call('LREM', ring, -1, host) end
  end
  if #taken > 0 then redis.call('HINCRBY', prefix .. 'queued', depth, -#taken) end
  return taken
end
local function queuedAt(prefix, depth)
  return tonumber(redis.call('HGET', prefix .. 'queued', depth) or '0')
end
`;

/**
 * Starts a crawl, or reports the one stored. KEYS: meta, seen. ARGV: key prefix, command, options JSON, maxPages (-1
 * for none), then fingerprint / entry pairs of the start URLs.
 * Returns `{1}` for a new crawl, else `{0, command, options, status}`.
 */
export const INIT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HGET', KEYS[1], 'command') or '', redis.call('HGET', KEYS[1], 'options') or '', redis.call('HGET', KEYS[1], 'status') or ''}
end
${NOW}
${QUEUE}
redis.call('HSET', KEYS[1], 'command', ARGV[2], 'options', ARGV[3], 'maxPages', ARGV[4], 'status', 'running', 'depth', 0, 'reserved', 0, 'startedAt', now)
for i = 5, #ARGV, 2 do
  if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then enqueue(ARGV[1], ARGV[i + 1], false) end
end
return {1}
`;

/**
 * Claims up to n requests of the current depth with a lease, after returning expired leases to the head of their
 * queue. Advances the depth when the level is empty and no lease is left (no worker takes depth d+1 while a page of
 * depth d is unfinished anywhere), and ends the crawl when the next level is empty too, or when maxPages pages are
 * reserved and none is in flight. KEYS: meta, leases, counters. ARGV: key prefix, n, leaseMs.
 * Returns `{'claimed', depth, entries}`, `{'wait', depth}`, `{'finished', stopReason}` or `{'gone'}`.
 */
export const CLAIM = `
local meta, leases, counters, prefix = KEYS[1], KEYS[2], KEYS[3], ARGV[1]
local n, leaseMs = tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('EXISTS', meta) == 0 then return {'gone'} end
${NOW}
${QUEUE}
local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, 1000)
for _, entry in ipairs(expired) do
  redis.call('ZREM', leases, entry)
  enqueue(prefix, entry, true)
  redis.call('HINCRBY', meta, 'reserved', -1)
  redis.call('HINCRBY', counters, 'requeued', 1)
end
if redis.call('HGET', meta, 'status') ~= 'running' then return {'finished', redis.call('HGET', meta, 'stopReason') or 'completed'} end
local maxPages = tonumber(redis.call('HGET', meta, 'maxPages'))
while true do
  local depth = tonumber(redis.call('HGET', meta, 'depth'))
  if queuedAt(prefix, depth) > 0 then
    local allowed = n
    if maxPages >= 0 then
      local budget = maxPages - tonumber(redis.call('HGET', meta, 'reserved'))
      if budget <= 0 then
        if redis.call('ZCARD', leases) > 0 then return {'wait', depth} end
        redis.call('HSET', meta, 'status', 'finished', 'stopReason', 'max-pages', 'finishedAt', now)
        return {'finished', 'max-pages'}
      end
      allowed = math.min(n, budget)
    end
    if allowed <= 0 then return {'wait', depth} end
    local taken = dequeue(prefix, depth, allowed)
    local args = {}
    for _, entry in ipairs(taken) do
      args[#args + 1] = now + leaseMs
      args[#args + 1] = entry
    end
    redis.call('ZADD', leases, unpack(args))
    redis.call('HINCRBY', meta, 'reserved', #taken)
    return {'claimed', depth, taken}
  end
  if redis.call('ZCARD', leases) > 0 then return {'wait', depth} end
  if queuedAt(prefix, depth + 1) == 0 then
    redis.call('HSET', meta, 'status', 'finished', 'stopReason', 'completed', 'finishedAt', now)
    return {'finished', 'completed'}
  end
  redis.call('HSET', meta, 'depth', depth + 1)
end
`;

/**
 * Settles leased entries: each lease is dropped; a page whose lease had expired meanwhile (and went back to the
 * queue) is taken out of the queue again, so it is not fetched a second time. With ARGV[2] = '1' the pages were not
 * fetched (robots.txt refused them), so their maxPages reservations are given back. KEYS: meta, leases.
 * ARGV: key prefix, unreserve flag, entries. Returns how many leases were held.
 */
export const SETTLE = `
${QUEUE}
local held = 0
for i = 3, #ARGV do
  local entry = ARGV[i]
  if redis.call('ZREM', KEYS[2], entry) == 1 then
    held = held + 1
    if ARGV[2] == '1' then redis.call('HINCRBY', KEYS[1], 'reserved', -1) end
  else
    unqueue(ARGV[1], entry)
  end
end
return held
`;

/**
 * Gives leased entries back (a worker that stops): each still leased goes back to the head of its queue and its
 * reservation is returned. KEYS: meta, leases. ARGV: key prefix, entries. Returns how many went back.
 */
export const RELEASE = `
${QUEUE}
local back = 0
for i = 2, #ARGV do
  local entry = ARGV[i]
  if redis.call('ZREM', KEYS[2], entry) == 1 then
    enqueue(ARGV[1], entry, true)
    redis.call('HINCRBY', KEYS[1], 'reserved', -1)
    back = back + 1
  end
end
return back
`;

/**
 * Renews a worker's leases (those it still holds; an expired and re-queued one is left alone), its other held
 * members (host slots, quota reservations), and records its heartbeat. KEYS: leases, workers. ARGV: key prefix,
 * leaseMs, worker id, count of entries, entries, then key suffix / member pairs of sorted sets scored by expiry
 * (`host:HOST` / token, `quota:NAME:held` / key). Returns the server time.
 */
export const RENEW = `
${NOW}
local expires = now + tonumber(ARGV[2])
local count = tonumber(ARGV[4])
for i = 5, 4 + count do redis.call('ZADD', KEYS[1], 'XX', expires, ARGV[i]) end
for i = 5 + count, #ARGV, 2 do redis.call('ZADD', ARGV[1] .. ARGV[i], 'XX', expires, ARGV[i + 1]) end
redis.call('ZADD', KEYS[2], now, ARGV[3])
return now
`;

/**
 * Admits discovered requests: each fingerprint enters the seen-set, and the entries of those new to it enter the
 * queue, in one step (a worker dying between the two would lose URLs). KEYS: seen. ARGV: key prefix, then fingerprint /
 * entry pairs. Returns 1 or 0 per pair.
 */
export const ADMIT = `
${QUEUE}
local added = {}
for i = 2, #ARGV, 2 do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    enqueue(ARGV[1], ARGV[i + 1], false)
    added[#added + 1] = 1
  else
    added[#added + 1] = 0
  end
end
return added
`;

/** Queues entries at the tail of their hosts' lists (no seen-set). KEYS: queued. ARGV: key prefix, entries. */
export const PUSH = `
${QUEUE}
for i = 2, #ARGV do enqueue(ARGV[1], ARGV[i], false) end
return #ARGV - 1
`;

/** Takes up to n entries of one depth, one host after another (no lease). KEYS: queued. ARGV: key prefix, depth, n. */
export const TAKE = `
${QUEUE}
return dequeue(ARGV[1], ARGV[2], tonumber(ARGV[3]))
`;

/** Adds fingerprints to the seen-set. KEYS: seen. ARGV: fingerprints. Returns 1 or 0 for each (1: it was new). */
export const SEEN_ADD = `
local added = {}
for i = 1, #ARGV do added[i] = redis.call('SADD', KEYS[1], ARGV[i]) end
return added
`;

/**
 * Takes a host slot shared by every worker: at most `perHost` tokens at once (each with a lease, so a dead worker's
 * slot comes back), and starts at least `delayMs` apart. KEYS: the host's slot set, pace. ARGV: host, token, perHost,
 * delayMs, leaseMs, pollMs. Returns 0 when taken, else how long to wait before asking again, in ms.
 */
export const ACQUIRE_HOST = `
${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return tonumber(ARGV[6]) end
local nextAt = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if now < nextAt then return nextAt - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[2])
if tonumber(ARGV[4]) > 0 then redis.call('HSET', KEYS[2], ARGV[1], now + tonumber(ARGV[4])) end
return 0
`;

/**
 * Reserves one unit of a quota shared by the workers (the image saver's maxImages) for a key (an image's SHA-256):
 * committed keys and keys held now are not reserved again, and committed plus held units never pass the maximum.
 * Expired reservations (a dead worker's) are dropped first. KEYS: the quota's done hash (key -> value), its held
 * sorted set (key -> lease expiry). ARGV: key, max, leaseMs.
 * Returns `{'done', value}`, `{'busy'}`, `{'reached'}`, `{'full'}` or `{'taken'}`.
 */
export const QUOTA_RESERVE = `
${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value then return {'done', value} end
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return {'busy'} end
local used = redis.call('HLEN', KEYS[1])
if used >= tonumber(ARGV[2]) then return {'reached'} end
if used + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return {'full'} end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
return {'taken'}
`;

/**
 * Commits a reserved quota unit: the key enters the done hash with its value, and the unit that reaches the maximum
 * finishes the crawl (every worker's next claim ends it) with the quota's stop reason; a crawl whose pages were all
 * done before (its savers still working) takes that stop reason too, as one process reports it. KEYS: done hash, held
 * sorted set, meta. ARGV: key, value, max, stop reason. Returns the units committed.
 */
export const QUOTA_COMMIT = `
${NOW}
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
local used = redis.call('HLEN', KEYS[1])
if used >= tonumber(ARGV[3]) then
  if redis.call('HGET', KEYS[3], 'status') == 'running' then
    redis.call('HSET', KEYS[3], 'status', 'finished', 'stopReason', ARGV[4], 'finishedAt', now)
  elseif redis.call('HGET', KEYS[3], 'stopReason') == 'completed' then
    redis.call('HSET', KEYS[3], 'stopReason', ARGV[4])
  end
end
return used
`;

/**
 * One poll of a once-per-crawl task's waiting worker: the items published from `offset` on, the result when the task
 * finished, and otherwise the task's lock taken for this worker when free (its runner finished nothing and died, or
 * none started it yet). KEYS: items list, result, lock. ARGV: offset, worker id, leaseMs.
 * Returns `{items, result or '', 1 when the lock was taken else 0}`.
 */
export const ONCE_POLL = `
local items = redis.call('LRANGE', KEYS[1], tonumber(ARGV[1]), -1)
local result = redis.call('GET', KEYS[2])
if result then return {items, result, 0} end
if redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', tonumber(ARGV[3])) then return {items, '', 1} end
return {items, '', 0}
`;

/**
 * Ends a once-per-crawl task's run on its worker: stores the result (unless ARGV[3] is '0': the run was cut, and
 * another worker runs the task again) and frees the lock if this worker still holds it, or renews it (ARGV[3] 'renew').
 * KEYS: result, lock. ARGV: worker id, result, mode ('1' finished, '0' cut, 'renew'), leaseMs.
 */
export const ONCE_END = `
if ARGV[3] == 'renew' then
  if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4])) end
  return 0
end
if ARGV[3] == '1' then redis.call('SET', KEYS[1], ARGV[2], 'NX') end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`;
