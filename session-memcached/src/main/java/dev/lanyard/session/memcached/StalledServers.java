package dev.lanyard.session.memcached;

import com.google.code.yanf4j.core.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the connection to a server that stopped answering without closing it (a blackhole: a VM
 * gone, a security group changed), so that XMemcached's failure mode reconnects it at once.
 * XMemcached notices such a connection only after four failed heartbeats, about 20 seconds; this
 * closes it after {@link #TIMEOUTS_BEFORE_CLOSE} operations on it in a row timed out with no
 * answer in between. Thread-safe; costs nothing on the answered path while no server is suspect.
 */
final class StalledServers {

    private static final Logger LOG = LoggerFactory.getLogger(StalledServers.class);

    /** How many timeouts in a row, with no answer in between, close a server's connection: 3. */
    static final int TIMEOUTS_BEFORE_CLOSE = 3;

    private final MemcachedClient client;
    private final Map<Session, AtomicInteger> runs = new ConcurrentHashMap<>();

    StalledServers(MemcachedClient client) {
        this.client = client;
    }

    /** An operation on {@code key} timed out. */
    void timedOut(String key) {
        Session session = sessionOf(key);
        if (session == null || session.isClosed()) {
            return;
        }
        int run = runs.computeIfAbsent(session, s -> new AtomicInteger()).incrementAndGet();
        if (run >= TIMEOUTS_BEFORE_CLOSE) {
            runs.remove(session);
            LOG.warn(
                    "Memcached server {} did not answer {} operations in a row; closing its connection so that it "
                            + "reconnects (it may be half-open)",
                    session.getRemoteSocketAddress(),
                    run);
            session.close();
        }
    }

    /** An operation on {@code key} was answered. */
    void answered(String key) {
        if (runs.isEmpty()) {
            return;
        }
        Session session = sessionOf(key);
        if (session != null) {
            runs.remove(session);
        }
    }

    private Session sessionOf(String key) {
        return client instanceof XMemcachedClient x ? x.getSessionLocator().getSessionByKey(key) : null;
    }
}
