package dev.lanyard.session.redis.testing;

/**
 * A Redis server a test may use: one started for it ({@link RedisProcess}) or one named by the
 * {@code REDIS_URL} environment variable. Closing releases what the test started and never
 * touches an external server.
 */
public interface RedisEndpoint extends AutoCloseable {

    /** @return the host */
    String host();

    /** @return the port */
    int port();

    /** @return the location to hand to the store, such as {@code redis://127.0.0.1:40123} */
    String uri();

    /** Stops what the test started; never fails. */
    @Override
    void close();
}
