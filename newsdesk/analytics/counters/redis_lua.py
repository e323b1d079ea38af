"""The Redis counter's Lua scripts (counters/redis.py): each is one atomic step."""

# What a page shows is computed in Redis alone, so that a beacon costs one round trip and
# no database query: the article's "base" (its database total, minus batches not yet
# forgotten) plus its pending count plus its count in every batch still in flight. Bases
# are cached for RedisCounter.BASE_SECONDS and loaded from the database when missing; the flusher adds
# each batch to the cached bases in the step that forgets it, and every claim and forget
# bumps a generation number so that a base computed while a flush moved on is thrown away.
READ_LUA = """
local function read(out, pending_key, batches_key, gen_key, batch_prefix, base_prefix, ids)
  table.insert(out, redis.call('GET', gen_key) or '0')
  local fields = {}
  for i, id in ipairs(ids) do fields[i] = 't:' .. id end
  local pending = redis.call('HMGET', pending_key, unpack(fields))
  for i = 1, #ids do table.insert(out, pending[i] or '0') end
  for _, id in ipairs(ids) do table.insert(out, redis.call('GET', base_prefix .. id) or '') end
  for _, batch in ipairs(redis.call('SMEMBERS', batches_key)) do
    table.insert(out, batch)
    local values = redis.call('HMGET', batch_prefix .. batch, unpack(fields))
    for i = 1, #ids do table.insert(out, values[i] or '0') end
  end
  return out
end
"""

# A beacon: dedup, reader cap, network burst, count, and what the page now shows, in one
# atomic call. KEYS: seen, rate, pending, batches, generation, burst window. ARGV: repeat
# seconds, cap, day field, total field, batch prefix, base prefix, article id, burst ceiling
# (0: off), burst window seconds, burst flag field. A view refused by the burst ceiling is
# added to the pending hash's flag field, so it reaches the editors' list through the same
# flush as the counts.
RECORD_LUA = (
    READ_LUA
    + """
local status = 'counted'
if redis.call('EXISTS', KEYS[1]) == 1 then
  status = 'repeat'
elseif tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then
  status = 'rate_limited'
else
  redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
  if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
  if tonumber(ARGV[8]) > 0 then
    local readers = redis.call('INCR', KEYS[6])
    if readers == 1 then redis.call('EXPIRE', KEYS[6], ARGV[9]) end
    if readers > tonumber(ARGV[8]) then status = 'burst' end
  end
  if status == 'burst' then
    redis.call('HINCRBY', KEYS[3], ARGV[10], 1)
  else
    redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
    redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
  end
end
return read({status}, KEYS[3], KEYS[4], KEYS[5], ARGV[5], ARGV[6], {ARGV[7]})
"""
)

# KEYS: pending, batches, generation. ARGV: batch prefix, base prefix, article ids...
COUNTS_LUA = (
    READ_LUA
    + """
return read({''}, KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], {unpack(ARGV, 3)})
"""
)

# Cache bases computed from the database, unless a flush moved on meanwhile.
# KEYS: generation. ARGV: generation seen, seconds, base prefix, then id, base pairs.
BASE_SET_LUA = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
for i = 4, #ARGV, 2 do
  redis.call('SET', ARGV[3] .. ARGV[i], ARGV[i + 1], 'NX', 'EX', ARGV[2])
end
return 1
"""

# Flush step 1: the pending hash becomes a listed batch, atomically.
# KEYS: pending, batches, the new batch, generation. ARGV: batch id.
CLAIM_LUA = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[4])
return 1
"""

# Flush step 3, after the batch is committed: move its totals into the cached bases, then
# delete and unlist it, atomically. KEYS: batch, batches, generation. ARGV: id, base prefix.
FORGET_LUA = """
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 't:' then
    local base = ARGV[2] .. string.sub(fields[i], 3)
    if redis.call('EXISTS', base) == 1 then redis.call('INCRBY', base, fields[i + 1]) end
  end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[3])
return 1
"""
