/**
 * Redis for tests, shared by every Lanyard module that needs one (published in this module's
 * test-jar): {@link dev.lanyard.session.redis.testing.TestRedis} finds or starts a server,
 * {@link dev.lanyard.session.redis.testing.RedisProcess} controls one (stop, restart, SIGSTOP),
 * {@link dev.lanyard.session.redis.testing.LocalRedisCluster} and
 * {@link dev.lanyard.session.redis.testing.LocalSentinelSet} start a Cluster and a Sentinel set,
 * and {@link dev.lanyard.session.redis.testing.Resp} talks to them directly. A missing Redis fails
 * a test with instructions; it never skips one.
 */
package dev.lanyard.session.redis.testing;
