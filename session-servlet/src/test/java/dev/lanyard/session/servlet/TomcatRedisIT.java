package dev.lanyard.session.servlet;

/**
 * The whole servlet suite in Tomcat (11 and 10.1) on a real Redis store without a near cache.
 */
class TomcatRedisIT extends TomcatIT {

    @Override
    protected Backing backing() {
        return Backing.REDIS;
    }
}
