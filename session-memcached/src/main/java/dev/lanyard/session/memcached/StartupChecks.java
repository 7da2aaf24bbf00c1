package dev.lanyard.session.memcached;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.MemcachedClientStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warnings a Memcached store gives about risky settings: at build, servers reached without
 * authentication on addresses other than loopback; and when each server first connects (never
 * blocking start-up), what its {@code stats settings} say about eviction. Each server is checked
 * once per store.
 */
final class StartupChecks implements MemcachedClientStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(MemcachedSessionStore.class);

    private final boolean authenticated;
    private final long timeoutMillis;
    private final ExecutorService executor;
    private final Set<InetSocketAddress> checked = ConcurrentHashMap.newKeySet();

    StartupChecks(boolean authenticated, long timeoutMillis, ExecutorService executor) {
        this.authenticated = authenticated;
        this.timeoutMillis = timeoutMillis;
        this.executor = executor;
    }

    /** Warns about servers that would be reached unauthenticated over a network. */
    void checkAddresses(List<InetSocketAddress> servers) {
        if (authenticated) {
            return;
        }
        for (InetSocketAddress server : servers) {
            InetAddress address = server.getAddress();
            if (address == null || !address.isLoopbackAddress()) {
                LOG.warn(
                        "Memcached server {} is not on loopback and the store sends no credentials: anyone who reaches it"
                                + " can read and forge sessions. Enable SASL (memcached -S) and set credentials, or keep it on a private"
                                + " network (docs/memcached.md#security)",
                        server.getHostString() + ":" + server.getPort());
            }
        }
    }

    @Override
    public void onStarted(MemcachedClient client) {}

    @Override
    public void onShutDown(MemcachedClient client) {}

    @Override
    public void onDisconnected(MemcachedClient client, InetSocketAddress server) {}

    @Override
    public void onException(MemcachedClient client, Throwable error) {}

    @Override
    public void onConnected(MemcachedClient client, InetSocketAddress server) {
        if (!checked.add(server)) {
            return;
        }
        try {
            executor.execute(() -> readSettings(client, server));
        } catch (RejectedExecutionException e) {
            // the store is closing
        }
    }

    private void readSettings(MemcachedClient client, InetSocketAddress server) {
        Map<String, String> settings;
        try {
            Map<InetSocketAddress, Map<String, String>> all = client.getStatsByItem("settings", timeoutMillis);
            settings = all.get(server);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            checked.remove(server);
            LOG.debug(
                    "could not read the settings of Memcached server {}; checking again at its next connection",
                    server,
                    e);
            return;
        }
        if (settings == null) {
            checked.remove(server);
            return;
        }
        warnAbout(server, settings);
    }

    /** Logs what is risky in one server's {@code stats settings}. */
    static void warnAbout(InetSocketAddress server, Map<String, String> settings) {
        if ("on".equalsIgnoreCase(settings.get("evictions"))) {
            LOG.warn(
                    "Memcached server {} evicts items when its memory is full (evictions on, maxbytes {}): live sessions"
                            + " can be dropped before their timeout, which logs users out. Size it by the rule in docs/memcached.md"
                            + " (or run it with -M to refuse writes instead)",
                    server.getHostString() + ":" + server.getPort(),
                    settings.getOrDefault("maxbytes", "?"));
        }
    }
}
