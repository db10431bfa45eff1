import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, for EVALSHA with an EVAL fallback after a Redis restart. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// Invalidation records: a hash of field → epoch, where a field is 'p:<canonical path>' (that path
// and everything under it), 'x:<canonical path>' (that page only), 't:<tag>' or '*' (everything).
// An entry stored with epoch E (the counter's value when its rendering started) is valid while no
// field that covers it ('p:' of each of its path's ancestors, 'x:' of its own path, its tags, '*') is
// greater than E. The fields that cover an entry are kept beside it (its fields key), so the check
// needs no path arithmetic.
//
// An entry is one string: its epoch in ENTRY_EPOCH_DIGITS zero-padded digits, a newline, then the
// encoded entry. So a read is one MGET of the counter and the entry (one command, one reply), and
// the check can read and raise the epoch in place (GETRANGE/SETRANGE) without moving the body.

/** How many digits an entry's epoch takes at the start of its value (zero-padded), before a newline. */
export const ENTRY_EPOCH_DIGITS = 16;

/**
 * KEYS: entry, its fields, records, counter. Returns {epoch, 1} when the entry exists and no
 * invalidation since its epoch covers it, {epoch, 0} otherwise, and drops an invalid entry. A valid
 * entry's epoch is raised to the counter's: it has been checked against every record up to now, so
 * the next read of it needs no script until another invalidation. The entry's bytes are read by a
 * GET sent right behind it on the same connection: passing 20 KB through Lua costs Redis more than
 * the whole check.
 */
export const CHECK_SCRIPT = script(`
local epoch = tonumber(redis.call('GET', KEYS[4]) or '0')
local stored = tonumber(redis.call('GETRANGE', KEYS[1], 0, ${ENTRY_EPOCH_DIGITS - 1}))
if not stored then return {epoch, 0} end
local covering = redis.call('GET', KEYS[2])
if not covering then
  redis.call('DEL', KEYS[1])
  return {epoch, 0}
end
local fields = {'*'}
for f in string.gmatch(covering, '[^\\n]+') do fields[#fields + 1] = f end
local inv = redis.call('HMGET', KEYS[3], unpack(fields))
for i = 1, #fields do
  local v = inv[i]
  if v and tonumber(v) > stored then
    redis.call('DEL', KEYS[1], KEYS[2])
    return {epoch, 0}
  end
end
if epoch > stored then redis.call('SETRANGE', KEYS[1], 0, string.format('%0${ENTRY_EPOCH_DIGITS}d', epoch)) end
return {epoch, 1}
`);

/**
 * KEYS: entry, its fields, records, counter, this process's invalidation sequence. ARGV: epoch ('' =
 * the counter now, for values set directly), fields, blob, ttl ms, how many invalidations this
 * process had sent when it sent the write. Returns 1 when written, 0 when an invalidation since its
 * epoch covers it or when an invalidation this process sent after the write has already run: in a
 * cluster a command redirected during a failover (or resent after it timed out) can run after
 * commands sent behind it, and a value set directly, stored "as of now", would then survive the
 * invalidation that followed it.
 */
export const WRITE_SCRIPT = script(`
if tonumber(redis.call('GET', KEYS[5]) or '0') > tonumber(ARGV[5]) then return 0 end
local stored = tonumber(ARGV[1])
if ARGV[1] == '' then stored = tonumber(redis.call('GET', KEYS[4]) or '0') end
local fields = {'*'}
for f in string.gmatch(ARGV[2], '[^\\n]+') do fields[#fields + 1] = f end
local inv = redis.call('HMGET', KEYS[3], unpack(fields))
for i = 1, #fields do
  local v = inv[i]
  if v and tonumber(v) > stored then return 0 end
end
redis.call('SET', KEYS[1], string.format('%0${ENTRY_EPOCH_DIGITS}d', stored) .. '\\n' .. ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
return 1
`);

/**
 * KEYS: records, counter, records by epoch (sorted set), this process's invalidation sequence. ARGV:
 * max records, channel ('' = do not publish), message, this invalidation's number in the process's
 * sequence, fields... Bumps the counter, records each field at the new epoch, raises the process's
 * sequence (kept a day, far longer than any command lives) and publishes the message, atomically;
 * returns the new epoch and how many subscribers the message reached (see BroadcastAcks). Past
 * the record limit the oldest records are dropped and '*' is raised to their epoch: "everything stored
 * before then is invalid", which is safe and keeps the hash bounded.
 */
export const INVALIDATE_SCRIPT = script(`
local e = redis.call('INCR', KEYS[2])
local seq = tonumber(ARGV[4])
if seq > tonumber(redis.call('GET', KEYS[4]) or '0') then redis.call('SET', KEYS[4], ARGV[4], 'PX', 86400000) end
for i = 5, #ARGV do
  local f = ARGV[i]
  redis.call('HSET', KEYS[1], f, e)
  if f ~= '*' then redis.call('ZADD', KEYS[3], e, f) end
end
local max = tonumber(ARGV[1])
local n = redis.call('ZCARD', KEYS[3])
if n > max then
  local old = redis.call('ZPOPMIN', KEYS[3], n - max)
  local floor = 0
  for i = 1, #old, 2 do
    redis.call('HDEL', KEYS[1], old[i])
    local s = tonumber(old[i + 1])
    if s > floor then floor = s end
  end
  local current = tonumber(redis.call('HGET', KEYS[1], '*') or '0')
  if floor > current then redis.call('HSET', KEYS[1], '*', floor) end
end
local receivers = 0
if ARGV[2] ~= '' then receivers = redis.call('PUBLISH', ARGV[2], ARGV[3]) end
return {e, receivers}
`);

/**
 * KEYS: catalog counter. ARGV: proposed value, '1' to count a change ('0' to only catch up), channel,
 * the sender's id and the broadcast's number. The counter becomes the larger of its value (plus one
 * for a change) and the proposal, so it never goes backwards and a process's clock-based value is
 * never reused; a new value is published as "<value> <sender> <number>". Returns the value and how
 * many subscribers the message reached (0 when nothing changed; see BroadcastAcks).
 */
export const CATALOG_SCRIPT = script(`
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
local p = tonumber(ARGV[1]) or 0
local n = math.max(v, p)
if ARGV[2] == '1' then n = math.max(v + 1, p) end
local receivers = 0
local text = string.format('%.0f', n)
if n ~= v then
  redis.call('SET', KEYS[1], text)
  receivers = redis.call('PUBLISH', ARGV[3], text .. ' ' .. ARGV[4] .. ' ' .. ARGV[5])
end
return {text, receivers}
`);
