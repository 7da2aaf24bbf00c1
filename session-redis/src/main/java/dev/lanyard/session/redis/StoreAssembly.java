package dev.lanyard.session.redis;

import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.RedisSessionStore.Topology;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link RedisSessionStore.Builder#build()} does: resolves the builder's options against the
 * location's (the builder wins), rejects conflicting ones with a message that names the option,
 * configures the connection and connects once, wiring the start-up checks to the first connection.
 */
final class StoreAssembly {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

    private StoreAssembly() {}

    static RedisSessionStore build(RedisSessionStore.Builder b) {
        RedisLocation location = b.location;
        if (location == null) {
            throw new IllegalArgumentException(
                    "location: call location(uri), standalone(..), sentinel(..) or cluster(..)");
        }
        boolean cluster = location.topology == Topology.CLUSTER;
        if (b.database != null && cluster && b.database != 0) {
            throw new IllegalArgumentException("database (" + b.database + ") must be 0 with Redis Cluster");
        }
        String prefix = b.keyPrefix != null
                ? b.keyPrefix
                : location.keyPrefix != null ? checkPrefix(location.keyPrefix) : RedisSessionStore.DEFAULT_KEY_PREFIX;
        Duration timeout = b.commandTimeout != null
                ? b.commandTimeout
                : location.timeoutGiven
                        ? checkTimeout(location.uris.get(0).getTimeout())
                        : RedisSessionStore.DEFAULT_COMMAND_TIMEOUT;
        int acks = b.ackReplicas;
        Duration ackWait = b.ackTimeout;
        if (acks == 0 && location.replicaAcks > 0) {
            acks = location.replicaAcks;
            ackWait = location.replicaAckTimeout != null ? location.replicaAckTimeout : timeout.dividedBy(2);
        }
        if (acks > 0) {
            if (cluster) {
                throw new IllegalArgumentException("replicaAcks is for standalone and Sentinel; a Cluster "
                        + "spreads keys over masters that one WAIT cannot cover");
            }
            if (ackWait.isZero() || ackWait.compareTo(timeout) >= 0) {
                throw new IllegalArgumentException("the replica acknowledgement timeout ("
                        + ackWait.toMillis()
                        + " ms) must be shorter than the command timeout ("
                        + timeout.toMillis()
                        + " ms)");
            }
        }
        if (location.expiryNotifications) {
            b.expiryNotifications = true;
        }
        if (b.expiryNotifications && cluster) {
            throw new IllegalArgumentException("expiryNotifications is for standalone and Sentinel; "
                    + "Redis Cluster publishes keyspace events on each node separately");
        }
        configure(b, location, timeout);
        SslOptions tls = trust(b);
        HealthTracker health =
                new HealthTracker(b.clock, "Redis (" + location.topology + " " + location.describe() + ")");
        ConnectionLiveness alive = liveness(b, location, timeout);
        ReconnectingConnection connection = new ReconnectingConnection(
                b.clientResources,
                resources -> cluster
                        ? Connection.cluster(location.uris, timeout, tls, resources, alive)
                        : Connection.standalone(location.uris.get(0), timeout, tls, resources, alive),
                health,
                alive);
        RedisStoreOperations ops = new RedisStoreOperations(
                connection,
                new RedisSchema(prefix),
                b.clock,
                cluster,
                timeout,
                acks,
                ackWait,
                b.expiryNotifications,
                location.uris.get(0).getDatabase());
        String description = "RedisSessionStore["
                + location.topology
                + " "
                + location.describe()
                + ", prefix="
                + prefix
                + ", timeout="
                + timeout.toMillis()
                + "ms"
                + (acks > 0 ? ", acknowledged by " + acks + " replica(s) within " + ackWait.toMillis() + "ms" : "")
                + (b.expiryNotifications ? ", expiry notifications" : "")
                + "]";
        RedisSessionStore store = new RedisSessionStore(location.topology, prefix, timeout, acks, ops, description);
        StartupChecks checks = ops.startupChecks(b.checkEvictionPolicy);
        connection.whenConnected(checks::run);
        try {
            connection.start();
        } catch (RedisException e) {
            connection.close();
            throw new StoreUnavailableException(
                    "Redis ("
                            + location.topology
                            + ") refused the "
                            + "connection: "
                            + ReconnectingConnection.causeOf(e)
                            + " (check the credentials and the TLS trust)",
                    null);
        }
        LOG.debug("opened {}", store);
        return store;
    }

    /**
     * How the store notices a vanished peer: the defaults for the command timeout, with {@code
     * tcpUserTimeout} and {@code reconnectAfterTimeouts} from the builder or else the location. A
     * {@code TCP_USER_TIMEOUT} asked for where no native transport can set it is dropped, once, with
     * a warning.
     */
    static ConnectionLiveness liveness(RedisSessionStore.Builder b, RedisLocation location, Duration timeout) {
        if (b.liveness != null) {
            return b.liveness; // tests
        }
        Duration userTimeout = b.tcpUserTimeout != null ? b.tcpUserTimeout : location.tcpUserTimeout;
        int timeouts = b.reconnectAfterTimeouts > 0 ? b.reconnectAfterTimeouts : location.reconnectAfterTimeouts;
        boolean nativeTransport = ConnectionLiveness.nativeTransport();
        if (userTimeout != null && !nativeTransport) {
            LOG.warn(
                    "tcpUserTimeout ({} ms) needs Netty's native transport (netty-transport-native-epoll on Linux), "
                            + "which is not on the class path: a blackholed Redis is noticed after {} command "
                            + "timeouts in a row instead (see docs/operations.md, \"Network faults\")",
                    userTimeout.toMillis(),
                    timeouts > 0 ? timeouts : ConnectionLiveness.DEFAULT_TIMEOUTS_BEFORE_RECONNECT);
        }
        return ConnectionLiveness.defaults(timeout).with(userTimeout, timeouts, nativeTransport);
    }

    /** Applies the builder's connection options to every URI of the location. */
    private static void configure(RedisSessionStore.Builder b, RedisLocation location, Duration timeout) {
        for (RedisURI uri : location.uris) {
            uri.setTimeout(timeout);
            if (b.password != null) {
                if (b.username != null) {
                    uri.setAuthentication(b.username, b.password);
                } else {
                    uri.setAuthentication(b.password);
                }
            }
            if (b.clientName != null) {
                uri.setClientName(b.clientName);
            }
            if (b.tls) {
                uri.setSsl(true);
            }
            if (b.database != null) {
                uri.setDatabase(b.database);
            }
        }
    }

    /** The TLS trust of {@code trustedCertificates}, or null for the JVM's trust store. */
    private static SslOptions trust(RedisSessionStore.Builder b) {
        if (b.trustedCertificates == null) {
            return null;
        }
        if (!Files.isReadable(b.trustedCertificates)) {
            throw new IllegalArgumentException(
                    "trustedCertificates (" + b.trustedCertificates + ") is not a readable file");
        }
        return SslOptions.builder()
                .jdkSslProvider()
                .trustManager(b.trustedCertificates.toFile())
                .build();
    }

    static String checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "keyPrefix");
        if (prefix.length() > 64 || prefix.chars().anyMatch(c -> c <= ' ' || c > '~' || c == '{' || c == '}')) {
            throw new IllegalArgumentException(
                    "keyPrefix must be at most 64 printable ASCII characters without braces");
        }
        return prefix;
    }

    static Duration checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "commandTimeout");
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("commandTimeout (" + timeout + ") must be between 1 ms and 60 s");
        }
        return timeout;
    }

    static String checkClientName(String clientName) {
        Objects.requireNonNull(clientName, "clientName");
        if (clientName.isEmpty() || clientName.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("clientName must be printable ASCII without spaces");
        }
        return clientName;
    }

    static int checkDatabase(int database) {
        if (database < 0) {
            throw new IllegalArgumentException("database (" + database + ") must not be negative");
        }
        return database;
    }

    static int checkReplicaAcks(int replicas, Duration timeout) {
        if (replicas < 1 || replicas > 16) {
            throw new IllegalArgumentException("replicas (" + replicas + ") must be between 1 and 16");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "the replica acknowledgement timeout (" + timeout + ") must be positive");
        }
        return replicas;
    }
}
