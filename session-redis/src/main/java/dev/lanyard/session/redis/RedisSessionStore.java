package dev.lanyard.session.redis;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.StoreHealth;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.HealthReportingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The production session store: sessions in Redis (standalone, Sentinel or Cluster) through one
 * shared Lettuce connection.
 *
 * <p><b>Layout.</b> One hash per session, one sorted set and one version counter per user, one
 * string per small value ({@link AtomicValueStore}); every key is written with its TTL in the same
 * atomic step, by a server-side script. The key layout, the hash fields and every script with its
 * {@code KEYS} and {@code ARGV} are in {@code docs/redis.md}.
 *
 * <p>Every round trip answers within the command timeout (default {@link #DEFAULT_COMMAND_TIMEOUT})
 * or throws {@link StoreUnavailableException}; Lettuce reconnects by itself. A record that cannot
 * be decoded throws {@link UnreadableSessionException}. Building the store never needs Redis: when
 * Redis cannot be reached, {@link Builder#build()} returns a store that is {@link
 * dev.lanyard.session.StoreState#CONNECTING CONNECTING}, whose calls fail at once, and which
 * connects in the background every 0.5 to 1 second (a random delay in that range). Only
 * configuration errors fail the build. Costs per operation, failure behaviour and start-up checks:
 * {@code docs/redis.md}.
 *
 * <p>Thread-safe; expensive to create (it starts threads and connects), so share one per
 * application and close it on shutdown.
 *
 * @since 0.1.0
 */
public final class RedisSessionStore
        implements UserIndexedStore, AtomicValueStore, ExpiryNotifyingStore, HealthReportingStore {

    /** The default command timeout: 250 ms. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

    /**
     * The options a location URI accepts ({@link Builder#location(String)}): Lanyard's, spelled as
     * the builder methods and the configuration guide spell them, and Lettuce's. Any other option
     * fails the build with a message naming it. Matched case-insensitively.
     */
    public static final Set<String> LOCATION_OPTIONS = RedisLocation.allOptions();

    /** The default prefix of every key the store writes. */
    public static final String DEFAULT_KEY_PREFIX = "lanyard:";

    /**
     * How long a handle admitted by {@link #admit} counts against the user's limit before its session
     * is written, and how long revocation marks are kept: 30 seconds.
     */
    public static final Duration RESERVATION_GRACE = Duration.ofSeconds(30);

    /**
     * With {@link Builder#expiryNotifications()}: how long a session's hash outlives its timeout, so
     * that the node that claims the timeout can still read the attributes.
     */
    public static final Duration TIMEOUT_GRACE = Duration.ofMinutes(5);

    /** How long the store waits before it tries again to subscribe to expired-key events. */
    public static final Duration TIMEOUT_RESUBSCRIBE_DELAY = Duration.ofSeconds(1);

    /** How Redis is deployed. */
    public enum Topology {
        /** One Redis server (or a proxy in front of several). */
        STANDALONE,
        /** A master found through Redis Sentinel, asked again on every reconnect. */
        SENTINEL,
        /** Redis Cluster: keys spread over hash slots on several masters. */
        CLUSTER
    }

    private final Topology topology;
    private final String prefix;
    private final Duration timeout;
    private final int ackReplicas;
    private final String description;
    private final RedisStoreOperations ops;

    /** Assembled by {@link StoreAssembly}; {@code description} never holds credentials. */
    RedisSessionStore(
            Topology topology,
            String prefix,
            Duration timeout,
            int ackReplicas,
            RedisStoreOperations ops,
            String description) {
        this.topology = topology;
        this.prefix = prefix;
        this.timeout = timeout;
        this.ackReplicas = ackReplicas;
        this.ops = ops;
        this.description = description;
    }

    /**
     * @return a builder; call {@link Builder#location(String)} or a topology method, then {@link
     *     Builder#build()}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a store from a location URI with default options.
     *
     * @param location for example {@code redis://localhost:6379}; see {@link
     *     Builder#location(String)}
     * @return the store, connected or (when Redis cannot be reached yet) connecting in the background
     * @throws IllegalArgumentException if the location is malformed or names an unknown option (the
     *     message never repeats the location)
     * @throws StoreUnavailableException if Redis is up and refuses the credentials
     */
    public static RedisSessionStore open(String location) {
        return builder().location(location).build();
    }

    /** Returns how Redis is deployed. */
    public Topology topology() {
        return topology;
    }

    /** Returns the prefix of every key this store writes. */
    public String keyPrefix() {
        return prefix;
    }

    /** Returns the command timeout. */
    public Duration commandTimeout() {
        return timeout;
    }

    /** Returns how many replicas must acknowledge a write; 0 (the default) when none must. */
    public int replicaAcks() {
        return ackReplicas;
    }

    /**
     * Tells whether Redis can be reached, without a round trip: {@code CONNECTING} until the first
     * connection, {@code UP} while commands answer, {@code DOWN} from a lost connection until it
     * answers again (probed every 0.5 to 1 second). Each change is logged once.
     */
    @Override
    public StoreHealth health() {
        return ops.health();
    }

    @Override
    public HealthSubscription onHealthChange(Consumer<StoreHealth> listener) {
        return ops.onHealthChange(listener);
    }

    @Override
    public Optional<SessionRecord> load(SessionHandle handle) {
        return ops.load(handle);
    }

    @Override
    public boolean create(SessionRecord record, Duration ttl) {
        return ops.create(record, ttl);
    }

    @Override
    public UpdateResult update(SessionHandle handle, SessionDelta delta) {
        return ops.update(handle, delta);
    }

    /**
     * Takes the old session, writes the new one, moves the index entry: see {@code docs/redis.md}.
     */
    @Override
    public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        return ops.rotate(from, rotation);
    }

    @Override
    public boolean delete(SessionHandle handle) {
        return ops.delete(handle);
    }

    @Override
    public Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
        return ops.admit(userId, handle, limit, ttl);
    }

    @Override
    public List<SessionRecord> sessionsOf(String userId) {
        return ops.sessionsOf(userId);
    }

    @Override
    public List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
        return ops.revokeAll(userId, sessionLifetime);
    }

    @Override
    public List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
        return ops.revokeOthers(userId, keep, sessionLifetime);
    }

    @Override
    public long userVersion(String userId) {
        return ops.userVersion(userId);
    }

    /** Returns whether the store was built with {@link Builder#expiryNotifications()}. */
    @Override
    public boolean reportsTimeouts() {
        return ops.reportsTimeouts();
    }

    /**
     * Subscribes to sessions that time out, reported on a thread of this store at most {@link
     * #TIMEOUT_GRACE} after the timeout by the node whose claim takes the session. The first
     * subscription opens a connection for Redis's {@code expired} events; while Redis cannot be
     * reached it tries again every {@link #TIMEOUT_RESUBSCRIBE_DELAY}, never failing this call.
     *
     * @throws IllegalStateException without {@link Builder#expiryNotifications()}
     */
    @Override
    public Subscription onTimeout(Consumer<SessionRecord> subscriber) {
        return ops.onTimeout(subscriber);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return ops.get(key);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        return ops.putIfAbsent(key, value, ttl);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        return ops.compareAndSet(key, expected, replacement, ttl);
    }

    @Override
    public boolean remove(String key) {
        return ops.remove(key);
    }

    /**
     * Closes the connection and, unless they were supplied, the client resources. Waits at most a few
     * seconds. Calls after close fail with {@link StoreUnavailableException}.
     */
    @Override
    public void close() {
        ops.close();
    }

    /** The operations behind the SPI, for the near cache and the assembly. */
    RedisStoreOperations operations() {
        return ops;
    }

    /** Describes the store by topology, nodes, prefix and timeout; never credentials. */
    @Override
    public String toString() {
        return description;
    }

    // ------------------------------------------------------------------ builder

    /**
     * Configures a {@link RedisSessionStore}. Not thread-safe. {@link #build()} validates and
     * connects. Options given here win over the same options in the location URI.
     */
    public static final class Builder {
        // Read by StoreAssembly, which build() hands the builder to.
        RedisLocation location;
        String username;
        char[] password;
        String clientName;
        String keyPrefix;
        Duration commandTimeout;
        boolean tls;
        Path trustedCertificates;
        Integer database;
        Clock clock = Clock.systemUTC();
        ClientResources clientResources;
        boolean checkEvictionPolicy = true;
        int ackReplicas;
        Duration ackTimeout;
        boolean expiryNotifications;
        Duration tcpUserTimeout;
        int reconnectAfterTimeouts;
        ConnectionLiveness liveness;

        private Builder() {}

        /** For tests: how the store notices a vanished peer (default {@link ConnectionLiveness#defaults}). */
        Builder liveness(ConnectionLiveness liveness) {
            this.liveness = Objects.requireNonNull(liveness, "liveness");
            return this;
        }

        /**
         * Sets where Redis is, as a URI: {@code redis://[[user]:password@]host[:port][/database]} (or
         * {@code rediss://} for TLS) for one server; {@code redis-sentinel://host:port[,host:port...]}
         * with {@code ?sentinelMasterId=name} or {@code #name} for the master Sentinel names; {@code
         * redis-cluster://host:port[,host:port...]} for a Cluster through these seeds ({@code
         * rediss-sentinel://}, {@code rediss-cluster://} for TLS). Options in the query: Lettuce's
         * ({@code timeout=250ms}, {@code clientName=...}, {@code database=n}, ...) and Lanyard's, named
         * as the builder methods ({@code keyPrefix}, {@code replicaAcks}, {@code replicaAckTimeout},
         * {@code expiryNotifications}); {@link RedisSessionStore#LOCATION_OPTIONS} lists them all and
         * {@code docs/redis.md} explains each. {@code nearCache=true} counts only through {@code
         * SessionStores.open}; here use {@link NearCachedRedisStore#wrap}.
         *
         * @param location the URI
         * @return this builder
         * @throws IllegalArgumentException if the URI is malformed; the message never repeats it
         */
        public Builder location(String location) {
            this.location = RedisLocation.parse(location);
            return this;
        }

        /**
         * Uses one standalone Redis server.
         *
         * @param host the host
         * @param port the port
         * @return this builder
         */
        public Builder standalone(String host, int port) {
            this.location = RedisLocation.of(Topology.STANDALONE, List.of(RedisURI.create(host, port)));
            return this;
        }

        /**
         * Uses the master that Redis Sentinel names {@code masterId}.
         *
         * @param masterId the monitored master's name
         * @param sentinels {@code host:port} of one or more sentinels
         * @return this builder
         */
        public Builder sentinel(String masterId, String... sentinels) {
            this.location = RedisLocation.sentinel(masterId, sentinels);
            return this;
        }

        /**
         * Uses a Redis Cluster reached through these seed nodes.
         *
         * @param seeds {@code host:port} of one or more cluster nodes
         * @return this builder
         */
        public Builder cluster(String... seeds) {
            this.location = RedisLocation.cluster(seeds);
            return this;
        }

        /**
         * Authenticates as an ACL user.
         *
         * @param username the ACL user
         * @param password its password; copied
         * @return this builder
         */
        public Builder credentials(String username, char[] password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /**
         * Authenticates as the {@code default} user ({@code requirepass}).
         *
         * @param password the password; copied
         * @return this builder
         */
        public Builder password(char[] password) {
            this.username = null;
            this.password = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /**
         * Names the connection ({@code CLIENT SETNAME}), to find it in {@code CLIENT LIST}.
         *
         * @param clientName a name without spaces
         * @return this builder
         */
        public Builder clientName(String clientName) {
            this.clientName = StoreAssembly.checkClientName(clientName);
            return this;
        }

        /**
         * Sets the prefix of every key (default {@value RedisSessionStore#DEFAULT_KEY_PREFIX}), so that
         * several applications can share one Redis.
         *
         * @param keyPrefix printable ASCII without braces, at most 64 characters; may be empty
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = StoreAssembly.checkPrefix(keyPrefix);
            return this;
        }

        /**
         * Sets how long a command may take before it fails with {@link StoreUnavailableException}
         * (default {@link RedisSessionStore#DEFAULT_COMMAND_TIMEOUT}).
         *
         * @param commandTimeout between 1 ms and 60 s
         * @return this builder
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = StoreAssembly.checkTimeout(commandTimeout);
            return this;
        }

        /**
         * Connects with TLS (as {@code rediss://} does), verifying the server's certificate and host
         * name.
         *
         * @return this builder
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Trusts the CA certificates in a PEM file for TLS (default: the JVM's trust store). Implies
         * {@link #tls()}.
         *
         * @param pemFile the CA certificates
         * @return this builder
         */
        public Builder trustedCertificates(Path pemFile) {
            this.trustedCertificates = Objects.requireNonNull(pemFile, "pemFile");
            this.tls = true;
            return this;
        }

        /**
         * Selects a database number (standalone and Sentinel only; Cluster has only database 0).
         *
         * @param database the database, 0 or more
         * @return this builder
         */
        public Builder database(int database) {
            this.database = StoreAssembly.checkDatabase(database);
            return this;
        }

        /**
         * Sets the clock for the store's own time stamps (admission reservations and revocation marks).
         * TTLs are kept by Redis itself. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Shares Lettuce client resources (event loops, timers) with other clients. The caller keeps
         * ownership and shuts them down. Default: the store creates its own (two I/O threads, a
         * reconnect delay growing from 10 ms to 1 s) and shuts them down on close.
         *
         * @param resources the shared resources
         * @return this builder
         */
        public Builder clientResources(ClientResources resources) {
            this.clientResources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /**
         * Makes every write wait until at least {@code replicas} replicas hold it ({@code WAIT}), and
         * fail with {@link StoreUnavailableException} when they do not within {@code timeout}, so that
         * a write the application is told about survives a Sentinel failover. Ask for as many
         * acknowledgements as the master has replicas ({@link #build()} warns when the numbers differ);
         * why, and the measured trade, in {@code docs/redis.md} ("Acknowledged writes"). Costs one more
         * round trip per write. Standalone and Sentinel only.
         *
         * @param replicas how many replicas must hold a write, 1 to 16
         * @param timeout how long to wait for them; positive and shorter than the command timeout
         *     (checked by {@link #build()})
         * @return this builder
         */
        public Builder replicaAcks(int replicas, Duration timeout) {
            this.ackReplicas = StoreAssembly.checkReplicaAcks(replicas, timeout);
            this.ackTimeout = timeout;
            return this;
        }

        /**
         * Makes the store report sessions that time out ({@link ExpiryNotifyingStore}), with their
         * attributes readable, so that the servlet filter can call {@code
         * HttpSessionListener.sessionDestroyed} as a container would. Each session gets a timeout
         * marker key and its hash lives {@link #TIMEOUT_GRACE} longer; Redis must publish expired-key
         * events ({@code notify-keyspace-events} including {@code Ex}; {@link #build()} checks and
         * warns). How it works and what it costs: {@code docs/redis.md} ("Expiry notifications"). Every
         * node writing under one prefix should use the same setting. Standalone and Sentinel only. Also
         * {@code expiryNotifications=true} in the location URI.
         *
         * @return this builder
         */
        public Builder expiryNotifications() {
            this.expiryNotifications = true;
            return this;
        }

        /**
         * Sets how long data sent on a connection may stay unacknowledged by Redis's host before the
         * kernel drops the connection and the store reconnects ({@code TCP_USER_TIMEOUT}): the bound on
         * noticing a Redis that vanished without a reset (a blackhole). Default: twice the command
         * timeout, at least 2 s. Needs Netty's native transport ({@code netty-transport-native-epoll}
         * on Linux); without it {@link #build()} logs a warning and only {@link
         * #reconnectAfterTimeouts(int)} applies. Also {@code tcpUserTimeout=ms} in the location. Why
         * and the measured recovery times: {@code docs/operations.md} ("Network faults").
         *
         * @param tcpUserTimeout between 1 s and 15 minutes
         * @return this builder
         */
        public Builder tcpUserTimeout(Duration tcpUserTimeout) {
            this.tcpUserTimeout = ConnectionLiveness.checkTcpUserTimeout(tcpUserTimeout);
            return this;
        }

        /**
         * Sets after how many commands in a row timed out, with no answer in between, the store
         * replaces its connection (under Sentinel asking the sentinels for the master; on Cluster the
         * count is kept per node): the way a half-open connection is noticed without the native
         * transport, and where the kernel keeps acknowledging (a proxy in between). Default 3.
         * Commands in flight on the old connection still answer or time out. Also {@code
         * reconnectAfterTimeouts=n} in the location.
         *
         * @param timeouts between 1 and 100
         * @return this builder
         */
        public Builder reconnectAfterTimeouts(int timeouts) {
            this.reconnectAfterTimeouts = ConnectionLiveness.checkTimeouts(timeouts);
            return this;
        }

        /**
         * Skips the start-up check of {@code maxmemory-policy}, for example where {@code CONFIG} is
         * slow to be refused.
         *
         * @return this builder
         */
        public Builder skipEvictionPolicyCheck() {
            this.checkEvictionPolicy = false;
            return this;
        }

        /**
         * Validates the options and connects, or, when Redis cannot be reached, returns a store that
         * connects in the background (see "Start-up" on {@link RedisSessionStore}). On the first
         * connection the store checks the eviction policy (logging a warning when Redis may evict live
         * sessions) and, where they apply, keyspace notifications and attached replicas.
         *
         * @return the store; {@link RedisSessionStore#health()} says whether it is connected yet
         * @throws IllegalArgumentException if no location was given or options conflict
         * @throws StoreUnavailableException if Redis is up and refuses the credentials or the TLS
         *     handshake (an untrusted certificate); the message never contains the password
         */
        public RedisSessionStore build() {
            return StoreAssembly.build(this);
        }
    }
}
