package dev.lanyard.session.servlet;

/**
 * The whole servlet suite in Jetty on a real Redis store with its near cache: every behaviour the
 * uncached run ({@link JettyRedisIT}) proves holds with the cache, and the cache answers.
 */
class JettyRedisNearCacheIT extends JettyIT {

    @Override
    protected Backing backing() {
        return Backing.REDIS_NEAR_CACHE;
    }
}
