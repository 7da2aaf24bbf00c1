package dev.lanyard.session.memcached;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UpdateResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.auth.AuthInfo;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.exception.MemcachedException;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session store on one or more Memcached servers, through the XMemcached client over the binary
 * protocol. Each session is one item, keyed by its handle; the servers are chosen by consistent
 * hashing (ketama) of that key, so sessions are spread by session, never by user.
 *
 * <h2>How the contract is kept without scripts</h2>
 * <ul>
 *   <li><b>Deltas</b> read the item with {@code gets}, apply the change in Java and write it back
 *       with {@code cas}; a lost race reads again, up to {@link MemcachedOptions#casRetries()}
 *       times with a short random back-off, so concurrent writers of different attributes all
 *       survive. Giving up is reported as {@link StoreUnavailableException}, never as a silent loss.
 *   <li><b>Rotation</b> first replaces the old item, by {@code cas}, with a tombstone (from that
 *       write on the old handle resolves nothing and no late write to it applies), then
 *       {@code add}s the new item, then deletes the tombstone. A crash between the steps leaves the
 *       old session dead and the new one written or not: never both alive.
 *   <li><b>Time to live</b>: every item is written with an expiry, and each carries the instant of
 *       the store's clock after which it counts as absent, so expiry is exact to the millisecond
 *       although Memcached counts whole seconds.
 * </ul>
 *
 * <h2>What it does not do</h2>
 * It implements neither {@link dev.lanyard.session.spi.UserIndexedStore} nor
 * {@link dev.lanyard.session.spi.AtomicValueStore}: Memcached forgets items when a server restarts
 * or evicts them, so a per-user version or a deny-list kept there could vanish and bring back what
 * it revoked. Per-user limits, device lists and revoke-all need another store.
 *
 * <h2>Failure</h2>
 * The store starts without any server reachable. Every operation is bounded by
 * {@link MemcachedOptions#timeout()}, retries included, and fails with
 * {@link StoreUnavailableException}; the client reconnects by itself. When one server of several is
 * down, a read of a session it held answers absent (its sessions are lost, as a restart would lose
 * them; {@link MemcachedStoreStats#lostToDeadServer()} counts these), sessions on the other servers
 * are untouched, and writes to it fail as unavailable. A server that comes back empty brings nothing
 * back.
 *
 * <p>Thread-safe; expensive to open (one client, its selector threads and connections): open one
 * per application and close it at shutdown.
 *
 * @since 0.1.0
 */
public final class MemcachedSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(MemcachedSessionStore.class);

    /** How long a rotation's tombstone lives if the rotation never deletes it. */
    private static final int TOMBSTONE_SECONDS = 60;
    /** Memcached reads an expiry beyond 30 days as a Unix time. */
    private static final long RELATIVE_EXPIRY_LIMIT = Duration.ofDays(30).getSeconds();

    private final MemcachedClient client;
    private final StalledServers stalls;
    private final MemcachedOptions options;
    private final Clock clock;
    private final String sessionPrefix;
    private final long timeoutNanos;
    private final ExecutorService checks;
    private final LongAdder casWrites = new LongAdder();
    private final LongAdder casRetries = new LongAdder();
    private final LongAdder casGiveUps = new LongAdder();
    private final LongAdder lostToDeadServer = new LongAdder();
    private final LongAdder unavailable = new LongAdder();

    private MemcachedSessionStore(MemcachedOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.sessionPrefix = options.keyPrefix() + "s:";
        this.timeoutNanos = options.timeout().toNanos();
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String server : options.servers()) {
            int colon = server.lastIndexOf(':');
            String host = server.substring(0, colon);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            servers.add(new InetSocketAddress(host, Integer.parseInt(server.substring(colon + 1))));
        }
        this.checks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lanyard-memcached-checks");
            t.setDaemon(true);
            return t;
        });
        StartupChecks startupChecks =
                new StartupChecks(options.username() != null, options.timeout().toMillis(), checks);
        startupChecks.checkAddresses(servers);

        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(servers);
        builder.setName("lanyard");
        // Keep each address as given: the client finds a server's credentials by the text of its address,
        // which a reverse look-up ("localhost" for 127.0.0.1) would change, leaving the connection unauthenticated.
        builder.setResolveInetAddresses(false);
        builder.setSessionLocator(new KetamaMemcachedSessionLocator());
        builder.setCommandFactory(new BinaryCommandFactory());
        // A server that drops out keeps its place on the ring: its keys fail instead of moving to another
        // server, where stale copies could outlive a later logout and come back when the ring changes again.
        builder.setFailureMode(true);
        builder.setConnectTimeout(options.connectTimeout().toMillis());
        builder.setOpTimeout(options.timeout().toMillis());
        builder.setTranscoder(RawBytesTranscoder.INSTANCE);
        builder.setHealSessionInterval(
                Math.max(200, Math.min(2000, options.connectTimeout().toMillis())));
        builder.addStateListener(startupChecks);
        if (options.username() != null) {
            for (InetSocketAddress server : servers) {
                builder.addAuthInfo(server, AuthInfo.plain(options.username(), options.password()));
            }
        }
        try {
            this.client = builder.build();
            this.stalls = new StalledServers(client);
        } catch (IOException e) {
            checks.shutdownNow();
            throw new StoreUnavailableException("the Memcached client could not start", e);
        }
    }

    /**
     * Opens a store on the system clock. No server needs to be reachable.
     *
     * @param options where to connect and how
     * @return the store; the caller closes it
     */
    public static MemcachedSessionStore open(MemcachedOptions options) {
        return open(options, Clock.systemUTC());
    }

    /**
     * Opens a store. No server needs to be reachable: until one answers, operations fail with
     * {@link StoreUnavailableException} within the timeout.
     *
     * @param options where to connect and how
     * @param clock the clock that decides when an item stops counting (tests pass a mutable one)
     * @return the store; the caller closes it
     */
    public static MemcachedSessionStore open(MemcachedOptions options, Clock clock) {
        return new MemcachedSessionStore(
                Objects.requireNonNull(options, "options"), Objects.requireNonNull(clock, "clock"));
    }

    /** @return the options the store was opened with */
    public MemcachedOptions options() {
        return options;
    }

    /**
     * Returns the store's counters since it was opened. Cheap; safe to call from a meter.
     *
     * @return a snapshot
     */
    public MemcachedStoreStats stats() {
        return new MemcachedStoreStats(
                casWrites.sum(), casRetries.sum(), casGiveUps.sum(), lostToDeadServer.sum(), unavailable.sum());
    }

    /**
     * Returns the item key of a session, for tools and tests that read Memcached directly.
     *
     * @param handle the session's handle
     * @return the key
     */
    public String itemKey(SessionHandle handle) {
        return sessionPrefix + handle.value();
    }

    @Override
    public Optional<SessionRecord> load(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        String key = itemKey(handle);
        long deadline = System.nanoTime() + timeoutNanos;
        GetsResponse<byte[]> found;
        try {
            found = client.gets(key, remaining(deadline), RawBytesTranscoder.INSTANCE);
            stalls.answered(key);
        } catch (MemcachedException e) {
            if (serverLost(key)) {
                lostToDeadServer.increment();
                return Optional.empty();
            }
            throw unavailable("load", e);
        } catch (TimeoutException e) {
            stalls.timedOut(key);
            if (serverLost(key)) {
                lostToDeadServer.increment();
                return Optional.empty();
            }
            throw unavailable("load", e);
        } catch (InterruptedException e) {
            throw unavailable("load", e);
        }
        if (found == null) {
            return Optional.empty();
        }
        RecordCodec.Item item = RecordCodec.decode(handle, found.getValue());
        Instant now = clock.instant();
        if (item.liveAt(now)) {
            return Optional.of(item.record());
        }
        if (!item.moved()) {
            // Memcached counts whole seconds; the store's deadline has passed, so the item goes now.
            deleteIfUnchanged(key, found.getCas(), deadline);
        }
        return Optional.empty();
    }

    @Override
    public boolean create(SessionRecord record, Duration ttl) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(ttl, "ttl");
        long deadline = System.nanoTime() + timeoutNanos;
        Instant now = clock.instant();
        byte[] value = RecordCodec.encode(record, now.plus(ttl));
        String key = itemKey(record.handle());
        try {
            boolean added = client.add(key, expiry(ttl), value, RawBytesTranscoder.INSTANCE, remaining(deadline));
            stalls.answered(key);
            return added;
        } catch (MemcachedException | TimeoutException | InterruptedException e) {
            if (e instanceof TimeoutException) {
                stalls.timedOut(key);
            }
            throw unavailable("create", e);
        }
    }

    @Override
    public UpdateResult update(SessionHandle handle, SessionDelta delta) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(delta, "delta");
        String key = itemKey(handle);
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            for (int attempt = 0; attempt < options.casRetries(); attempt++) {
                GetsResponse<byte[]> found = client.gets(key, remaining(deadline), RawBytesTranscoder.INSTANCE);
                if (found == null) {
                    return UpdateResult.notFound();
                }
                RecordCodec.Item item = RecordCodec.decode(handle, found.getValue());
                Instant now = clock.instant();
                if (!item.liveAt(now)) {
                    return UpdateResult.notFound();
                }
                SessionRecord old = item.record();
                Map<String, byte[]> attributes = new HashMap<>(old.attributes());
                delta.removals().forEach(attributes::remove);
                attributes.putAll(delta.puts());
                long size = SessionRecord.sizeOf(attributes);
                if (size > delta.payloadLimit()) {
                    return UpdateResult.tooLarge(size);
                }
                Instant lastAccess = delta.lastAccessedAt().isAfter(old.lastAccessedAt())
                        ? delta.lastAccessedAt()
                        : old.lastAccessedAt();
                // Encoded straight from the stored record and the changed values: the updated record itself
                // would only be built to be encoded.
                byte[] value = RecordCodec.encode(
                        old,
                        lastAccess,
                        delta.idleTimeout() != null ? delta.idleTimeout() : old.idleTimeout(),
                        delta.lastNode() != null ? delta.lastNode() : old.lastNode(),
                        attributes,
                        now.plus(delta.ttl()));
                if (client.cas(
                        key,
                        expiry(delta.ttl()),
                        value,
                        RawBytesTranscoder.INSTANCE,
                        remaining(deadline),
                        found.getCas())) {
                    casWrites.increment();
                    return UpdateResult.applied(size);
                }
                lostRace(attempt, deadline);
            }
        } catch (MemcachedException | TimeoutException | InterruptedException e) {
            if (e instanceof TimeoutException) {
                stalls.timedOut(key);
            }
            throw unavailable("update", e);
        }
        throw gaveUp("update");
    }

    @Override
    public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(rotation, "rotation");
        String fromKey = itemKey(from);
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            for (int attempt = 0; attempt < options.casRetries(); attempt++) {
                GetsResponse<byte[]> found = client.gets(fromKey, remaining(deadline), RawBytesTranscoder.INSTANCE);
                if (found == null) {
                    return Optional.empty();
                }
                RecordCodec.Item item = RecordCodec.decode(from, found.getValue());
                Instant now = clock.instant();
                if (!item.liveAt(now)) {
                    return Optional.empty();
                }
                SessionRecord rotated = rotation.applyTo(item.record());
                // Step 1, the decision: the old handle dies. A racing delta or rotation loses its cas.
                if (!client.cas(
                        fromKey,
                        TOMBSTONE_SECONDS,
                        RecordCodec.tombstone(now.plus(rotation.ttl())),
                        RawBytesTranscoder.INSTANCE,
                        remaining(deadline),
                        found.getCas())) {
                    lostRace(attempt, deadline);
                    continue;
                }
                casWrites.increment();
                // Step 2: the new handle is born; add refuses a handle that is taken.
                boolean added = client.add(
                        itemKey(rotation.newHandle()),
                        expiry(rotation.ttl()),
                        RecordCodec.encode(rotated, now.plus(rotation.ttl())),
                        RawBytesTranscoder.INSTANCE,
                        remaining(deadline));
                // Step 3, housekeeping: the tombstone goes; if this is lost, it expires and reads as absent meanwhile.
                deleteQuietly(fromKey, deadline);
                return added ? Optional.of(rotated) : Optional.empty();
            }
        } catch (MemcachedException | TimeoutException | InterruptedException e) {
            throw unavailable("rotate", e);
        }
        throw gaveUp("rotate");
    }

    @Override
    public boolean delete(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        String key = itemKey(handle);
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            for (int attempt = 0; attempt < options.casRetries(); attempt++) {
                GetsResponse<byte[]> found = client.gets(key, remaining(deadline), RawBytesTranscoder.INSTANCE);
                if (found == null) {
                    return false;
                }
                RecordCodec.Item item;
                try {
                    item = RecordCodec.decode(handle, found.getValue());
                } catch (UnreadableSessionException e) {
                    // An item nobody can read is removed all the same; it was a session until now.
                    return client.delete(key, found.getCas(), remaining(deadline));
                }
                if (item.moved()) {
                    // A rotation decided first: the session lives on under its new handle.
                    return false;
                }
                boolean live = item.liveAt(clock.instant());
                if (client.delete(key, found.getCas(), remaining(deadline))) {
                    casWrites.increment();
                    return live;
                }
                lostRace(attempt, deadline);
            }
        } catch (MemcachedException | TimeoutException | InterruptedException e) {
            throw unavailable("delete", e);
        }
        throw gaveUp("delete");
    }

    /** Shuts the client down: its connections and threads. */
    @Override
    public void close() {
        checks.shutdownNow();
        try {
            client.shutdown();
        } catch (IOException e) {
            LOG.debug("the Memcached client did not shut down cleanly", e);
        }
    }

    @Override
    public String toString() {
        return "MemcachedSessionStore[" + options + "]";
    }

    // ------------------------------------------------------------------ helpers

    private void deleteIfUnchanged(String key, long cas, long deadline) {
        try {
            client.delete(key, cas, Math.max(1, remaining(deadline)));
        } catch (MemcachedException | TimeoutException | InterruptedException | StoreUnavailableException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("could not remove an expired session item now; Memcached's expiry will", e);
        }
    }

    private void deleteQuietly(String key, long deadline) {
        try {
            client.delete(key, Math.max(1, remaining(deadline)));
        } catch (MemcachedException | TimeoutException | InterruptedException | StoreUnavailableException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("could not remove a rotation's tombstone now; it expires in {} s", TOMBSTONE_SECONDS, e);
        }
    }

    /** Whether the server that holds {@code key} is disconnected while another server is connected. */
    private boolean serverLost(String key) {
        if (!(client instanceof XMemcachedClient x)) {
            return false;
        }
        com.google.code.yanf4j.core.Session session = x.getSessionLocator().getSessionByKey(key);
        if (session != null && !session.isClosed()) {
            return false;
        }
        // In failure mode a dead server keeps a closed placeholder in the session set: look for an open one.
        for (com.google.code.yanf4j.core.Session other : client.getConnector().getSessionSet()) {
            if (!other.isClosed()) {
                return true;
            }
        }
        return false;
    }

    /** The time left before {@code deadline}, in milliseconds; none left is a timeout. */
    private long remaining(long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            unavailable.increment();
            throw new StoreUnavailableException(
                    "Memcached did not answer within the store's timeout (" + options.timeout() + ")", null);
        }
        return left;
    }

    /** Backs off after a lost compare-and-set: a random pause that grows with the attempts, within the deadline. */
    private void lostRace(int attempt, long deadline) {
        casRetries.increment();
        long ceiling = Math.min(TimeUnit.MILLISECONDS.toNanos(2), 20_000L << Math.min(attempt, 7));
        long pause = ThreadLocalRandom.current().nextLong(ceiling / 4, ceiling + 1);
        if (System.nanoTime() + pause < deadline) {
            LockSupport.parkNanos(pause);
        }
    }

    private StoreUnavailableException gaveUp(String operation) {
        casGiveUps.increment();
        unavailable.increment();
        return new StoreUnavailableException(
                "Memcached " + operation + " lost " + options.casRetries()
                        + " compare-and-set races in a row (casRetries); nothing was written",
                null);
    }

    private StoreUnavailableException unavailable(String operation, Exception cause) {
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        unavailable.increment();
        return new StoreUnavailableException(
                "Memcached " + operation + " failed: " + cause.getClass().getSimpleName(), cause);
    }

    /** Memcached's expiry for a TTL: whole seconds, rounded up; a Unix time beyond 30 days. */
    static int expiry(Duration ttl) {
        long seconds = ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0);
        seconds = Math.max(1, seconds);
        if (seconds > RELATIVE_EXPIRY_LIMIT) {
            return (int) Math.min(Integer.MAX_VALUE, System.currentTimeMillis() / 1000 + seconds);
        }
        return (int) seconds;
    }
}
