package dev.lanyard.session.servlet;

/**
 * The whole servlet suite in Jetty on a real Redis store without a near cache.
 */
class JettyRedisIT extends JettyIT {

    @Override
    protected Backing backing() {
        return Backing.REDIS;
    }
}
