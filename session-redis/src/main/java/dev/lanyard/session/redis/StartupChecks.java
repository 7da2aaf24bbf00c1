package dev.lanyard.session.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up checks of the server's configuration, run once when the connection is first
 * established (at build when Redis is up, later on the connecting thread otherwise). They only log:
 * a refused {@code CONFIG} is normal on managed Redis. What each setting should be, and why: {@code
 * docs/redis.md} ("Operating Redis for sessions").
 */
final class StartupChecks {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

    private final ReconnectingConnection connection;
    private final CommandRunner runner;
    private final boolean evictionPolicy;
    private final int ackReplicas;
    private final boolean keyspaceEvents;

    /**
     * @param evictionPolicy whether to check {@code maxmemory-policy}
     * @param ackReplicas acknowledgements asked for; the attached replicas are checked when above 0
     * @param keyspaceEvents whether to check {@code notify-keyspace-events} (expiry notifications)
     */
    StartupChecks(
            ReconnectingConnection connection,
            CommandRunner runner,
            boolean evictionPolicy,
            int ackReplicas,
            boolean keyspaceEvents) {
        this.connection = connection;
        this.runner = runner;
        this.evictionPolicy = evictionPolicy;
        this.ackReplicas = ackReplicas;
        this.keyspaceEvents = keyspaceEvents;
    }

    void run() {
        if (evictionPolicy) {
            checkEvictionPolicy();
        }
        if (ackReplicas > 0) {
            checkReplicas();
        }
        if (keyspaceEvents) {
            checkKeyspaceEvents();
        }
    }

    /**
     * With acknowledged writes, compares the master's attached replicas with the acknowledgements
     * asked for, and warns where a failover could still lose writes or where writes will fail.
     */
    private void checkReplicas() {
        String info;
        try {
            info = runner.await(runner.call(redis -> redis.info("replication")), "INFO replication", null);
        } catch (RuntimeException e) {
            LOG.info(
                    "could not read Redis's replication state ({}); make sure replicaAcks equals the "
                            + "number of replicas",
                    e.getClass().getSimpleName());
            return;
        }
        int replicas = -1;
        for (String line : String.valueOf(info).split("\r?\n")) {
            if (line.startsWith("connected_slaves:")) {
                replicas = Integer.parseInt(
                        line.substring("connected_slaves:".length()).trim());
            }
        }
        if (replicas > ackReplicas) {
            LOG.warn(
                    "replicaAcks is {} but the Redis master has {} replicas: a write acknowledged by fewer"
                            + " than all of them can still be lost when Sentinel promotes one that did not"
                            + " acknowledge it, because the others keep acknowledging for the old master until"
                            + " they are moved; set replicaAcks to {} (see docs/redis.md)",
                    ackReplicas,
                    replicas,
                    replicas);
        } else if (replicas >= 0 && replicas < ackReplicas) {
            LOG.warn(
                    "replicaAcks is {} but the Redis master has {} attached replica(s): every write "
                            + "fails until {} are attached",
                    ackReplicas,
                    replicas,
                    ackReplicas);
        }
    }

    /** Warns when Redis does not publish the expired-key events that timeout reports need. */
    private void checkKeyspaceEvents() {
        Map<String, String> values;
        try {
            values = connection.configGet("notify-keyspace-events");
        } catch (RedisException e) {
            LOG.info(
                    "could not read notify-keyspace-events ({}); sessions that time out are reported "
                            + "only if it includes \"Ex\"",
                    CommandRunner.unwrap(e).getClass().getSimpleName());
            return;
        }
        for (Map.Entry<String, String> node : values.entrySet()) {
            String flags = node.getValue() == null ? "" : node.getValue();
            boolean expired = flags.indexOf('x') >= 0 || flags.indexOf('A') >= 0;
            if (flags.indexOf('E') < 0 || !expired) {
                LOG.warn(
                        "Redis {} has notify-keyspace-events \"{}\": sessions that time out will not be"
                                + " reported; set it to include \"Ex\" (CONFIG SET notify-keyspace-events Ex, or"
                                + " the server's configuration)",
                        node.getKey(),
                        flags);
            }
        }
    }

    private void checkEvictionPolicy() {
        Map<String, String> policies;
        try {
            policies = connection.configGet("maxmemory-policy");
        } catch (RedisCommandExecutionException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            LOG.info(
                    "could not read Redis's maxmemory-policy ({}); make sure it is noeviction so that "
                            + "Redis never evicts live sessions",
                    message.split(" ", 2)[0]);
            return;
        } catch (RuntimeException e) {
            LOG.info(
                    "could not read Redis's maxmemory-policy ({}); make sure it is noeviction",
                    e.getClass().getSimpleName());
            return;
        }
        for (Map.Entry<String, String> e : policies.entrySet()) {
            String policy = e.getValue() == null ? "" : e.getValue().toLowerCase(Locale.ROOT);
            if (!policy.equals("noeviction")) {
                LOG.warn(
                        "Redis node {} has maxmemory-policy {}: when memory runs out it evicts keys, and every"
                                + " session key has a TTL, so live sessions (users are logged out) and per-user"
                                + " indexes can be evicted; set maxmemory-policy noeviction so that writes fail"
                                + " instead (see docs/redis.md)",
                        e.getKey(),
                        policy);
            }
        }
    }
}
