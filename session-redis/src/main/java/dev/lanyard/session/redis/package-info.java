/**
 * The Redis session store: {@link dev.lanyard.session.redis.RedisSessionStore} on Lettuce, for
 * standalone Redis, Sentinel and Cluster; {@link dev.lanyard.session.redis.NearCachedRedisStore},
 * the same store with a near cache invalidated by Redis (options
 * {@link dev.lanyard.session.redis.NearCacheOptions}, counters
 * {@link dev.lanyard.session.redis.NearCacheStats}); and the {@link java.util.ServiceLoader}
 * provider that lets {@code SessionStores.open("redis://...")} find the store. Everything else in
 * this package is internal (package-private). Key layout, atomicity, the near cache, failure
 * behaviour and operating advice: {@code docs/redis.md}.
 */
package dev.lanyard.session.redis;
