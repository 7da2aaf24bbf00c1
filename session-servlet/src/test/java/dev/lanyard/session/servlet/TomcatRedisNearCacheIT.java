package dev.lanyard.session.servlet;

/**
 * The whole servlet suite in Tomcat (11 and 10.1) on a real Redis store with its near cache: every
 * behaviour the uncached run ({@link TomcatRedisIT}) proves holds with the cache, and the cache answers.
 */
class TomcatRedisNearCacheIT extends TomcatIT {

    @Override
    protected Backing backing() {
        return Backing.REDIS_NEAR_CACHE;
    }
}
