package dev.lanyard.session.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The server-side scripts of the store. Each runs atomically on the keys it names, which always
 * share one Cluster hash slot: a session and its timeout marker, or a user's index and version
 * (all tagged alike). {@link #LOAD} and {@link #CLAIM} also read the version key of the session's
 * user, a key they cannot name in advance, and are therefore used only where every key lives on
 * one server (standalone and Sentinel). They are invoked by SHA with
 * {@code EVALSHA}; on {@code NOSCRIPT} (a restarted or new node, {@code SCRIPT FLUSH}) the store
 * sends the body once with {@code EVAL}, which caches it on that node again.
 *
 * <p>Session hash fields: {@code m} packed fixed metadata, {@code l} last access (epoch ms),
 * {@code i} idle timeout (ms), {@code z} attribute bytes, {@code u} user, {@code n} last node,
 * {@code a} user agent, {@code p} address prefix, {@code w} the user's version when the user was
 * bound (absent for 0), {@code x} present when the session has a timeout marker, and
 * {@code _<name>} per attribute.
 *
 * <p>Timeout marker (written by stores with expiry notifications): a string
 * {@code <prefix>x:{<handle>}} in the session's slot whose TTL is the session's TTL, while the hash
 * lives a grace period longer and carries {@code x}. When the marker expires, Redis publishes its
 * name ({@code notify-keyspace-events Ex}) and {@link #CLAIM} hands the hash, attributes and all,
 * to exactly one node. A hash with {@code x} whose marker is gone is a session that timed out:
 * every script treats it as absent, whatever the calling store's own option, so stores with and
 * without the option can share a prefix (during a rollout) and sessions written before it was
 * turned on keep working. Session scripts name the marker as KEYS[2].
 *
 * <p>User keys carry a fixed-length digest of the user ID as their hash tag, then the ID itself:
 * {@code <prefix>u:{<sha1hex(user)>}<user>} and {@code <prefix>uv:{<sha1hex(user)>}<user>}
 * ({@link #userTag}), so that no user ID can shape the tag.
 *
 * <p>User version: a counter under {@code <prefix>uv:{<tag>}<user>} (the index's hash tag, so the same
 * slot; a prefix of its own, so that near caches can track version changes without hearing of
 * every index write), created by the first {@link #REVOKE_ALL}; a session whose {@code w} is below
 * it is dead. Scripts that stamp or admit extend its TTL so that it outlives every session stamped
 * with its value, to twice the needed lifetime, so that a busy user's logins do not rewrite it
 * each time.
 *
 * <p>User index (a sorted set of handles) scores: {@code 0} a written session; a positive score
 * is a reservation made by {@code admit} at that epoch millisecond; a negative score marks a
 * handle evicted or revoked at minus that millisecond, which no late writer may bring back.
 */
enum Script {

  /**
   * KEYS[1] session, KEYS[2] timeout marker; ARGV[1] key prefix. Returns the session's fields, or
   * {} when it is absent, timed out (it has {@code x} and its marker is gone), or was bound to its
   * user before the user's latest revocation (its stamp {@code w} is below the user's version).
   * Reads the version key it derives from the user field: single server only.
   */
  LOAD(Lua.READ_SESSION + """
      if x and redis.call('EXISTS', KEYS[2]) == 0 then return {} end
      if revoked() then return {} end
      return h
      """),

  /**
   * KEYS[1] session, KEYS[2] timeout marker; ARGV[1] ttl ms, ARGV[2] grace ms ('0': no marker),
   * then field/value pairs. Returns 1 when written, 0 when the key exists.
   */
  CREATE("""
      if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
      local n = #ARGV
      local i = 3
      while i <= n do
        local j = math.min(i + 199, n)
        redis.call('HSET', KEYS[1], unpack(ARGV, i, j))
        i = j + 1
      end
      local grace = tonumber(ARGV[2])
      if grace > 0 then
        redis.call('HSET', KEYS[1], 'x', '1')
        redis.call('SET', KEYS[2], '', 'PX', ARGV[1])
      end
      redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + grace)
      return 1
      """),

  /**
   * KEYS[1] session, KEYS[2] timeout marker; ARGV: last access ms, idle ms or '', node or '', ttl
   * ms, payload limit, removal count, put count, grace ms, '1' when this store writes markers,
   * then (field, name length) per removal and (field, name length, value) per put. A session
   * with a marker keeps it (renewed to the new TTL) whatever the caller; one without gets one
   * when the caller writes markers. Returns {0, 0} not found (or timed out), {1, size} applied,
   * {2, size} too large.
   */
  UPDATE("""
      local k = KEYS[1]
      local marked = redis.call('HEXISTS', k, 'x') == 1
      if marked and redis.call('EXISTS', KEYS[2]) == 0 then return {0, 0} end
      local meta = redis.call('HMGET', k, 'z', 'l')
      if not meta[1] and not meta[2] and redis.call('EXISTS', k) == 0 then return {0, 0} end
      local size = tonumber(meta[1])
      local last = tonumber(meta[2])
      if size == nil or last == nil then return redis.error_reply('LANYARD_UNREADABLE session metadata') end
      local nrem = tonumber(ARGV[6])
      local nput = tonumber(ARGV[7])
      local i = 10
      local removed = {}
      local dels = {}
      for r = 1, nrem do
        local f = ARGV[i]
        local len = tonumber(ARGV[i + 1])
        i = i + 2
        if redis.call('HEXISTS', k, f) == 1 then
          size = size - len - redis.call('HSTRLEN', k, f)
          removed[f] = true
          table.insert(dels, f)
        end
      end
      local sets = {}
      for p = 1, nput do
        local f = ARGV[i]
        local len = tonumber(ARGV[i + 1])
        local v = ARGV[i + 2]
        i = i + 3
        if not removed[f] and redis.call('HEXISTS', k, f) == 1 then
          size = size - len - redis.call('HSTRLEN', k, f)
        end
        size = size + len + #v
        table.insert(sets, f)
        table.insert(sets, v)
      end
      if size > tonumber(ARGV[5]) then return {2, size} end
      if #dels > 0 then redis.call('HDEL', k, unpack(dels)) end
      if tonumber(ARGV[1]) > last then
        table.insert(sets, 'l')
        table.insert(sets, ARGV[1])
      end
      if ARGV[2] ~= '' then
        table.insert(sets, 'i')
        table.insert(sets, ARGV[2])
      end
      if ARGV[3] ~= '' then
        table.insert(sets, 'n')
        table.insert(sets, ARGV[3])
      end
      table.insert(sets, 'z')
      table.insert(sets, tostring(size))
      local mark = marked or ARGV[9] == '1'
      if mark and not marked then
        table.insert(sets, 'x')
        table.insert(sets, '1')
      end
      local j = 1
      while j <= #sets do
        local e = math.min(j + 199, #sets)
        redis.call('HSET', k, unpack(sets, j, e))
        j = e + 1
      end
      if mark then
        redis.call('SET', KEYS[2], '', 'PX', ARGV[4])
        redis.call('PEXPIRE', k, tonumber(ARGV[4]) + tonumber(ARGV[8]))
      else
        redis.call('PEXPIRE', k, ARGV[4])
      end
      return {1, size}
      """),

  /**
   * KEYS[1] session, KEYS[2] timeout marker; ARGV[1] '1' to take only an anonymous session.
   * Returns {} when absent (or timed out), else {taken (1 deleted, 0 left in place because it has
   * a user), field, value, ...}.
   */
  TAKE("""
      if redis.call('HEXISTS', KEYS[1], 'x') == 1 and redis.call('EXISTS', KEYS[2]) == 0 then return {} end
      local h = redis.call('HGETALL', KEYS[1])
      if #h == 0 then return {} end
      if ARGV[1] == '1' and redis.call('HEXISTS', KEYS[1], 'u') == 1 then
        table.insert(h, 1, 0)
        return h
      end
      redis.call('DEL', KEYS[1], KEYS[2])
      table.insert(h, 1, 1)
      return h
      """),

  /**
   * KEYS[1] session, KEYS[2] timeout marker. Returns {deleted count} or {deleted count, user}. A
   * session that timed out (marker gone) is left for {@link #CLAIM}.
   */
  DELETE("""
      if redis.call('HEXISTS', KEYS[1], 'x') == 1 and redis.call('EXISTS', KEYS[2]) == 0 then return {0} end
      local u = redis.call('HGET', KEYS[1], 'u')
      local n = redis.call('DEL', KEYS[1])
      redis.call('DEL', KEYS[2])
      if u then return {n, u} end
      return {n}
      """),

  /**
   * KEYS[1] session, KEYS[2] timeout marker; ARGV[1] key prefix. After the marker expired: takes
   * the session (read and delete) and returns its fields, or {} when the marker is back, the
   * session is gone, or it was revoked through its user's version (then it is deleted unreported).
   * Exactly one caller gets a given session. Single server only.
   */
  CLAIM("""
      if redis.call('EXISTS', KEYS[2]) == 1 then return {} end
      """ + Lua.READ_SESSION + """
      if not x then return {} end
      redis.call('DEL', KEYS[1])
      if revoked() then return {} end
      return h
      """),

  /**
   * KEYS[1] index, KEYS[2] user version; ARGV: new handle, old handle or '', index ttl ms, the
   * session's user version stamp. Records a written session: removes the old handle and sets the
   * new one's score to 0. Returns 0 done, 1 the new handle was evicted or revoked meanwhile (or
   * its stamp is older than the user's version), 2 the old handle was revoked meanwhile (nothing
   * added).
   */
  CONFIRM("""
      local idx = KEYS[1]
      local v = tonumber(redis.call('GET', KEYS[2]) or '0')
      if v > tonumber(ARGV[4]) then
        local s = redis.call('ZSCORE', idx, ARGV[1])
        if s and tonumber(s) >= 0 then redis.call('ZREM', idx, ARGV[1]) end
        return 1
      end
      if ARGV[2] ~= '' then
        local o = redis.call('ZSCORE', idx, ARGV[2])
        if o and tonumber(o) < 0 then
          local s = redis.call('ZSCORE', idx, ARGV[1])
          if s and tonumber(s) >= 0 then redis.call('ZREM', idx, ARGV[1]) end
          return 2
        end
        redis.call('ZREM', idx, ARGV[2])
      end
      local s = redis.call('ZSCORE', idx, ARGV[1])
      if s and tonumber(s) < 0 then return 1 end
      redis.call('ZADD', idx, 0, ARGV[1])
      local ttl = tonumber(ARGV[3])
      if redis.call('PTTL', idx) < ttl then redis.call('PEXPIRE', idx, ttl) end
      if v > 0 and redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], 2 * ttl) end
      return 0
      """),

  /**
   * KEYS[1] index; ARGV: old handle or '', new handle or '', now ms, index ttl ms. Before an
   * authenticated session moves: fails (1) when the old handle was revoked, else reserves the new
   * handle (0).
   */
  GUARD("""
      local idx = KEYS[1]
      if ARGV[1] ~= '' then
        local o = redis.call('ZSCORE', idx, ARGV[1])
        if o and tonumber(o) < 0 then return 1 end
      end
      if ARGV[2] ~= '' then
        redis.call('ZADD', idx, 'NX', ARGV[3], ARGV[2])
        local ttl = tonumber(ARGV[4])
        if redis.call('PTTL', idx) < ttl then redis.call('PEXPIRE', idx, ttl) end
      end
      return 0
      """),

  /** KEYS[1] index; ARGV[1] handle. Removes it unless marked; returns 1 when it was marked (revoked). */
  RELEASE("""
      local o = redis.call('ZSCORE', KEYS[1], ARGV[1])
      if o and tonumber(o) < 0 then return 1 end
      redis.call('ZREM', KEYS[1], ARGV[1])
      return 0
      """),

  /**
   * KEYS[1] index, KEYS[2] user version; ARGV: handle, limit, rule (0 refuse, 1 evict), now ms,
   * grace ms, index ttl ms, snapshot count, then (member, score seen, session present 0/1, last
   * use ms) per member seen by the caller. What the caller saw of a member is used only while its
   * score is still the one seen. Returns {admitted 0/1, sessions, user version, victim...}.
   */
  ADMIT("""
      local idx = KEYS[1]
      local version = tonumber(redis.call('GET', KEYS[2]) or '0')
      local ttl = tonumber(ARGV[6])
      if version > 0 and redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], 2 * ttl) end
      local now = tonumber(ARGV[4])
      local grace = tonumber(ARGV[5])
      local snap = {}
      local n = tonumber(ARGV[7])
      for j = 0, n - 1 do
        local b = 8 + 4 * j
        snap[ARGV[b]] = {tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])}
      end
      local members = redis.call('ZRANGE', idx, 0, -1, 'WITHSCORES')
      local live = {}
      local present = false
      for j = 1, #members, 2 do
        local m = members[j]
        local s = tonumber(members[j + 1])
        local info = snap[m]
        if info ~= nil and info[1] ~= s then info = nil end
        local gone = info ~= nil and info[2] == 0
        if s < 0 then
          if gone and now + s >= grace then redis.call('ZREM', idx, m) end
        elseif gone and (s == 0 or now - s >= grace) then
          redis.call('ZREM', idx, m)
        else
          if m == ARGV[1] then present = true end
          local last = s
          if s == 0 then last = now end
          if info ~= nil and info[2] == 1 and info[3] ~= nil then last = info[3] end
          table.insert(live, {m, last})
        end
      end
      if present then
        if redis.call('PTTL', idx) < ttl then redis.call('PEXPIRE', idx, ttl) end
        return {1, #live, version}
      end
      local overflow = #live + 1 - tonumber(ARGV[2])
      if overflow > 0 and ARGV[3] == '0' then return {0, #live, version} end
      local result = {1, 0, version}
      if overflow > 0 then
        table.sort(live, function(a, b)
          if a[2] ~= b[2] then return a[2] < b[2] end
          return a[1] < b[1]
        end)
        for j = 1, overflow do
          redis.call('ZADD', idx, -now, live[j][1])
          table.insert(result, live[j][1])
        end
      else
        overflow = 0
      end
      redis.call('ZADD', idx, now, ARGV[1])
      if redis.call('PTTL', idx) < ttl then redis.call('PEXPIRE', idx, ttl) end
      result[2] = #live - overflow + 1
      return result
      """),

  /**
   * KEYS[1] index, KEYS[2] user version; ARGV: now ms, grace ms, session lifetime ms. Advances the
   * user's version (kept as long as the index would have lived, and at least the session
   * lifetime), marks every handle revoked,
   * shortens the index's life to the grace, and returns every member (the caller deletes their
   * sessions).
   */
  REVOKE_ALL("""
      local idx = KEYS[1]
      local keep = math.max(redis.call('PTTL', idx), redis.call('PTTL', KEYS[2]), tonumber(ARGV[2]),
        tonumber(ARGV[3]))
      redis.call('INCR', KEYS[2])
      redis.call('PEXPIRE', KEYS[2], keep)
      local members = redis.call('ZRANGE', idx, 0, -1, 'WITHSCORES')
      local out = {}
      for j = 1, #members, 2 do
        if tonumber(members[j + 1]) >= 0 then redis.call('ZADD', idx, -tonumber(ARGV[1]), members[j]) end
        table.insert(out, members[j])
      end
      if #out > 0 and redis.call('PTTL', idx) > tonumber(ARGV[2]) then redis.call('PEXPIRE', idx, ARGV[2]) end
      return out
      """),

  /**
   * KEYS[1] index, KEYS[2] user version, KEYS[3] the kept session (single server only; on Cluster
   * {@link #RESTAMP} follows); ARGV: now ms, grace ms, session lifetime ms, kept handle, user ID.
   * As {@link #REVOKE_ALL}, except that the kept handle is neither marked nor returned, and (with
   * KEYS[3]) the kept session, if it is this user's and was live under the old version, is
   * re-stamped with the new one. Returns the old version, the new version, then the other members.
   */
  REVOKE_OTHERS("""
      local idx = KEYS[1]
      local keep = math.max(redis.call('PTTL', idx), redis.call('PTTL', KEYS[2]), tonumber(ARGV[2]),
        tonumber(ARGV[3]))
      local old = tonumber(redis.call('GET', KEYS[2]) or '0')
      local new = redis.call('INCR', KEYS[2])
      redis.call('PEXPIRE', KEYS[2], keep)
      local members = redis.call('ZRANGE', idx, 0, -1, 'WITHSCORES')
      local out = {tostring(old), tostring(new)}
      for j = 1, #members, 2 do
        if members[j] ~= ARGV[4] then
          if tonumber(members[j + 1]) >= 0 then redis.call('ZADD', idx, -tonumber(ARGV[1]), members[j]) end
          table.insert(out, members[j])
        end
      end
      if KEYS[3] and redis.call('HGET', KEYS[3], 'u') == ARGV[5]
          and tonumber(redis.call('HGET', KEYS[3], 'w') or '0') == old then
        redis.call('HSET', KEYS[3], 'w', new)
      end
      return out
      """),

  /**
   * KEYS[1] a session; ARGV: user ID, old version, new version. Re-stamps the session with the new
   * version if it belongs to the user and carries the old one. Returns 1 when re-stamped.
   */
  RESTAMP("""
      if redis.call('HGET', KEYS[1], 'u') == ARGV[1]
          and tonumber(redis.call('HGET', KEYS[1], 'w') or '0') == tonumber(ARGV[2]) then
        redis.call('HSET', KEYS[1], 'w', ARGV[3])
        return 1
      end
      return 0
      """),

  /** KEYS[1] index; ARGV: (member, score seen) pairs. Removes each member still at the seen score. */
  PRUNE("""
      local n = 0
      for j = 1, #ARGV, 2 do
        local s = redis.call('ZSCORE', KEYS[1], ARGV[j])
        if s and tonumber(s) == tonumber(ARGV[j + 1]) then
          redis.call('ZREM', KEYS[1], ARGV[j])
          n = n + 1
        end
      end
      return n
      """),

  /** KEYS[1] value; ARGV: expected, replacement, ttl ms. Returns 1 when replaced. */
  COMPARE_AND_SET("""
      local v = redis.call('GET', KEYS[1])
      if v and v == ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
      end
      return 0
      """);

  /** Lua shared by several scripts. A holder class, so that enum constants may use it. */
  private static final class Lua {

    /**
     * Reads the session KEYS[1] into {@code h} and its user {@code u}, user-version stamp
     * {@code w} and marker flag {@code x} from that reply; {@code revoked()} tells whether the
     * user's version (derived from ARGV[1], the key prefix) has moved past the stamp. The one
     * place that states when a user's session is revoked through the version.
     */
    static final String READ_SESSION = """
        local h = redis.call('HGETALL', KEYS[1])
        local u
        local w
        local x
        for i = 1, #h, 2 do
          local f = h[i]
          if f == 'u' then u = h[i + 1] elseif f == 'w' then w = h[i + 1] elseif f == 'x' then x = true end
        end
        local function revoked()
          if not u then return false end
          local v = redis.call('GET', ARGV[1] .. 'uv:{' .. redis.sha1hex(u) .. '}' .. u)
          return v and tonumber(v) > tonumber(w or '0')
        end
        """;

    private Lua() {}
  }

  private final String body;
  private final String sha;

  Script(String body) {
    this.body = body;
    this.sha = sha1(body);
  }

  String body() {
    return body;
  }

  String sha() {
    return sha;
  }

  /**
   * The hash tag of a user's keys: the SHA-1 of the user ID's UTF-8 bytes, 40 hex digits, as Lua
   * computes it with {@code redis.sha1hex}. A fixed-length digest, so no user ID (one that starts
   * with {@code '}'}, holds braces, or is long) can empty the tag or share another user's; the
   * full ID follows the tag, so two users never share a key even if their digests met.
   */
  static String userTag(String userId) {
    return sha1(userId);
  }

  private static String sha1(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(40);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
    }
  }
}
