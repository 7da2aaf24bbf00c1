package dev.lanyard.session.servlet;

/**
 * The whole servlet suite in Jetty on two real memcached servers through the Memcached store.
 */
class JettyMemcachedIT extends JettyIT {

    @Override
    protected Backing backing() {
        return Backing.MEMCACHED;
    }
}
