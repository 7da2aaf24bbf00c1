package dev.lanyard.session.redis;

import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production session store: sessions in Redis (standalone, Sentinel or Cluster) through one
 * shared Lettuce connection.
 *
 * <p><b>Layout.</b> One hash per session, one sorted set and one version counter per user, one
 * string per small value ({@link AtomicValueStore}); every key is written with its TTL in the same
 * atomic step, by a server-side script. The key layout, the hash fields and every script with its
 * {@code KEYS} and {@code ARGV} are in {@code docs/redis.md}.
 *
 * <p><b>Cost.</b> {@link #load} is one round trip (a second one for a user's session on Cluster),
 * {@link #update} one, {@link #create} one or two, {@link #rotate} two to five; with {@link
 * Builder#replicaAcks}, every operation that wrote adds one {@code WAIT}. The table per operation
 * is in {@code docs/redis.md}.
 *
 * <p><b>Failure.</b> Every round trip either answers within the command timeout (default {@link
 * #DEFAULT_COMMAND_TIMEOUT}) or throws {@link StoreUnavailableException}; commands issued while
 * disconnected are rejected at once rather than queued. Lettuce reconnects by itself; the store
 * needs no restart. A record that cannot be decoded throws {@link UnreadableSessionException}.
 *
 * <p><b>Start-up.</b> Building the store never needs Redis: when Redis cannot be reached, {@link
 * Builder#build()} returns a store that is {@link dev.lanyard.session.StoreState#CONNECTING
 * CONNECTING}, whose calls fail at once with {@link StoreUnavailableException}, and which connects
 * in the background every {@link ReconnectingConnection#RETRY_DELAY one second}. The start-up
 * checks ({@code maxmemory-policy}, {@code notify-keyspace-events}, attached replicas) run when the
 * connection is first established. Only configuration errors fail the build: a malformed location,
 * an unknown option, conflicting options, or credentials Redis refuses while it is up.
 *
 * <p>Thread-safe; expensive to create (it starts threads and connects), so share one per
 * application and close it on shutdown.
 *
 * @since 0.1.0
 */
public final class RedisSessionStore extends RedisStoreOperations {

  /** The default command timeout: 250 ms. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

  /**
   * The options a location URI accepts ({@link Builder#location(String)}): Lanyard's, spelled as
   * the builder methods and the configuration guide spell them, and Lettuce's. Any other option
   * fails the build with a message naming it. Matched case-insensitively.
   */
  public static final java.util.Set<String> LOCATION_OPTIONS;

  static {
    Set<String> all = new TreeSet<>(RedisLocation.LANYARD_OPTIONS);
    all.addAll(RedisLocation.LETTUCE_OPTIONS);
    LOCATION_OPTIONS = Collections.unmodifiableSet(all);
  }

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

  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

  /** How Redis is deployed. */
  public enum Topology {
    /** One Redis server (or a proxy in front of several). */
    STANDALONE,
    /**
     * A master found through Redis Sentinel; Lettuce asks the sentinels again on every reconnect.
     */
    SENTINEL,
    /** Redis Cluster: keys spread over hash slots on several masters. */
    CLUSTER
  }

  private final Topology topology;
  private final String prefix;
  private final Duration timeout;
  private final int ackReplicas;
  private final String description;

  RedisSessionStore(
      Builder b,
      RedisLocation location,
      ReconnectingConnection connection,
      String prefix,
      Duration timeout,
      int ackReplicas,
      Duration ackTimeout) {
    super(
        connection,
        new RedisSchema(prefix),
        b.clock,
        location.topology == Topology.CLUSTER,
        timeout,
        ackReplicas,
        ackTimeout,
        b.expiryNotifications,
        location.uris.get(0).getDatabase());
    this.topology = location.topology;
    this.prefix = prefix;
    this.timeout = timeout;
    this.ackReplicas = ackReplicas;
    this.description =
        "RedisSessionStore["
            + topology
            + " "
            + location.describe()
            + ", prefix="
            + prefix
            + ", timeout="
            + timeout.toMillis()
            + "ms"
            + (ackReplicas > 0
                ? ", acknowledged by "
                    + ackReplicas
                    + " replica(s) within "
                    + ackTimeout.toMillis()
                    + "ms"
                : "")
            + (b.expiryNotifications ? ", expiry notifications" : "")
            + "]";
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

  /**
   * @return how Redis is deployed
   */
  public Topology topology() {
    return topology;
  }

  /**
   * @return the prefix of every key this store writes
   */
  public String keyPrefix() {
    return prefix;
  }

  /**
   * @return the command timeout
   */
  public Duration commandTimeout() {
    return timeout;
  }

  /**
   * @return how many replicas must acknowledge a write before the store reports it done; 0 when
   *     writes are not waited for (the default)
   */
  public int replicaAcks() {
    return ackReplicas;
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

    private Builder() {}

    /**
     * Sets where Redis is, as a URI:
     *
     * <ul>
     *   <li>{@code redis://[[user]:password@]host[:port][/database][?options]} — standalone;
     *   <li>{@code rediss://...} — standalone over TLS;
     *   <li>{@code
     *       redis-sentinel://[[user]:password@]host:port[,host:port...][?sentinelMasterId=name]}
     *       (or {@code #name}) — the master named {@code name}, found through these sentinels
     *       ({@code rediss-sentinel://} for TLS);
     *   <li>{@code redis-cluster://[[user]:password@]host:port[,host:port...][?options]} — a Redis
     *       Cluster, reached through these seed nodes ({@code rediss-cluster://} for TLS).
     * </ul>
     *
     * Options: Lettuce's ({@code timeout=250ms}, {@code clientName=...}, {@code database=n}, {@code
     * verifyPeer=FULL|CA|NONE}) and Lanyard's {@code keyPrefix=...}, {@code replicaAcks=n} and
     * {@code replicaAckTimeout=ms} (see {@link #replicaAcks}; the timeout defaults to half the
     * command timeout). Lanyard's {@code nearCache=true} is honoured only where the location opens
     * a store through {@code SessionStores.open} (the provider wraps the store in a {@link
     * NearCachedRedisStore}); this builder ignores it: use {@link NearCachedRedisStore#wrap}.
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
      Objects.requireNonNull(masterId, "masterId");
      if (sentinels.length == 0) {
        throw new IllegalArgumentException("sentinels: name at least one sentinel host:port");
      }
      RedisLocation.HostPort first = RedisLocation.HostPort.parse(sentinels[0]);
      RedisURI.Builder b = RedisURI.Builder.sentinel(first.host(), first.port(), masterId);
      for (int i = 1; i < sentinels.length; i++) {
        RedisLocation.HostPort s = RedisLocation.HostPort.parse(sentinels[i]);
        b.withSentinel(s.host(), s.port());
      }
      this.location = RedisLocation.of(Topology.SENTINEL, List.of(b.build()));
      return this;
    }

    /**
     * Uses a Redis Cluster reached through these seed nodes.
     *
     * @param seeds {@code host:port} of one or more cluster nodes
     * @return this builder
     */
    public Builder cluster(String... seeds) {
      if (seeds.length == 0) {
        throw new IllegalArgumentException("seeds: name at least one cluster node host:port");
      }
      List<RedisURI> uris = new ArrayList<>();
      for (String seed : seeds) {
        RedisLocation.HostPort s = RedisLocation.HostPort.parse(seed);
        uris.add(RedisURI.create(s.host(), s.port()));
      }
      this.location = RedisLocation.of(Topology.CLUSTER, uris);
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
      Objects.requireNonNull(clientName, "clientName");
      if (clientName.isEmpty() || clientName.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        throw new IllegalArgumentException("clientName must be printable ASCII without spaces");
      }
      this.clientName = clientName;
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
      if (database < 0) {
        throw new IllegalArgumentException("database (" + database + ") must not be negative");
      }
      this.database = database;
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
      if (replicas < 1 || replicas > 16) {
        throw new IllegalArgumentException("replicas (" + replicas + ") must be between 1 and 16");
      }
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "the replica acknowledgement timeout (" + timeout + ") must be positive");
      }
      this.ackReplicas = replicas;
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
