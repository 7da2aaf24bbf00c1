package dev.lanyard.session;

import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.event.LoggingSessionListener;
import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionEvent.Outcome;
import dev.lanyard.session.event.SessionEvent.StoreOperation;
import dev.lanyard.session.event.SessionListener;
import dev.lanyard.session.event.SessionObserver;
import dev.lanyard.session.internal.GuardedListeners;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.HealthReportingStore;
import dev.lanyard.session.spi.NearCachingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where session policy is decided: create, resolve (load and validate expiry,
 * version and revocation), save, rotate, log in and out, revoke, and list a user's sessions.
 * Transports (the servlet filter, the token module) call it; they never talk to the store.
 *
 * <p>A manager is thread-safe and meant to be shared by every request of a node. It holds no
 * session state itself: each method is one or a few atomic store operations, so any number of
 * managers on any number of nodes can serve the same sessions. Every decision about time uses
 * the injected {@link Clock}.
 *
 * <p>Failure: when the store cannot answer, methods throw {@link StoreUnavailableException}
 * within the store's timeout. An unreadable record is never an error for the caller: the
 * session is dropped, reported as {@link SessionEvent.Unreadable}, and resolves as
 * {@link ResolutionStatus#UNREADABLE}. Listeners can never break a call.
 *
 * @since 0.1.0
 */
public final class SessionManager {

  private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

  /** Whether session events are logged unless {@link Builder#logEvents(boolean)} says otherwise: {@code true}. */
  public static final boolean DEFAULT_LOG_EVENTS = true;

  /** The longest user ID accepted, in characters. */
  public static final int MAX_USER_ID_LENGTH = 256;

  // Observation reasons that are not enum constants (docs/metrics.md, "Tracing").
  /** The reason of a saved session that needed no write. */
  private static final String UNCHANGED = "unchanged";
  /** The reason of a refused operation whose session no longer exists. */
  private static final String NOT_FOUND = "not_found";
  /** The reason of a login refused by the per-user session limit. */
  private static final String LIMIT_REACHED = "limit_reached";

  private final SessionStore store;
  private final UserIndexedStore indexedStore;
  private final NearCachingStore cachingStore;
  private final ExpiryNotifyingStore expiringStore;
  private final HealthReportingStore healthStore;
  /** When this manager was built: a store without a health report counts as up since then. */
  private final Instant builtAt;
  /** Who hears of timeouts; the store is subscribed while this is not empty. */
  private final CopyOnWriteArrayList<Consumer<Session>> timeoutSubscribers =
      new CopyOnWriteArrayList<>();
  private ExpiryNotifyingStore.Subscription storeTimeouts;
  private final Clock clock;
  private final SessionPolicy policy;
  private final AttributeCodec codec;
  private final GuardedListeners listeners;
  private final SecureRandom random;
  private final String nodeId;
  /** The guarded observer, or {@code null}: then no operation is observed and nothing is allocated for it. */
  private final SessionObserver observer;
  private final String storeKind;

  private SessionManager(Builder b) {
    this.store = b.store;
    this.indexedStore = b.store instanceof UserIndexedStore indexed ? indexed : null;
    this.cachingStore = b.store instanceof NearCachingStore caching ? caching : null;
    this.expiringStore = b.store instanceof ExpiryNotifyingStore expiring ? expiring : null;
    this.clock = b.clock;
    this.policy = b.policy;
    this.codec = b.codec;
    List<SessionListener> all = new ArrayList<>();
    if (b.logging) {
      all.add(LoggingSessionListener.create(b.nodeId));
    }
    all.addAll(b.listeners);
    this.listeners = new GuardedListeners(all);
    this.random = b.random;
    this.nodeId = b.nodeId;
    this.observer = b.observer == null ? null : SessionObserver.guard(b.observer);
    this.storeKind = ObservedOperation.storeKind(b.store);
    this.healthStore = b.store instanceof HealthReportingStore reporting ? reporting : null;
    this.builtAt = clock.instant();
  }

  /** Publishes the store's state now and on every change (once per manager, at build). */
  private void followStoreHealth() {
    if (healthStore == null || listeners.isEmpty()) {
      return;
    }
    healthStore.onHealthChange(health -> listeners.publish(new SessionEvent.StoreStateChanged(clock.instant(), health)));
    listeners.publish(new SessionEvent.StoreStateChanged(clock.instant(), healthStore.health()));
  }

  /**
   * Starts a builder for a manager over {@code store}.
   *
   * @param store where sessions live; the caller keeps ownership and closes it
   * @return a new builder
   */
  public static Builder builder(SessionStore store) {
    return new Builder(store);
  }

  /** @return the policy in force */
  public SessionPolicy policy() {
    return policy;
  }

  /** @return the clock every decision uses */
  public Clock clock() {
    return clock;
  }

  /** @return this node's name, or empty if none was configured */
  public Optional<String> nodeId() {
    return Optional.ofNullable(nodeId);
  }

  /**
   * Returns the manager's store as an {@link AtomicValueStore} when it has that power, so that
   * modules keeping state beside sessions (refresh tokens, the token deny-list) use the very
   * store the sessions live in.
   *
   * @return the value store, or empty when the store lacks the power
   */
  public Optional<AtomicValueStore> values() {
    return store instanceof AtomicValueStore values ? Optional.of(values) : Optional.empty();
  }

  /**
   * Returns the observer this manager reports its operations to, guarded so that it never throws,
   * so that Lanyard's token module observes its operations the same way.
   *
   * @return the observer, or empty when none was configured
   */
  public Optional<SessionObserver> observer() {
    return Optional.ofNullable(observer);
  }

  /**
   * Tells whether the store can be reached, for readiness probes and admin pages: a store that
   * reports its health ({@link HealthReportingStore}, such as Redis) answers
   * {@link StoreState#UP}, {@link StoreState#CONNECTING} (never reached since it was opened) or
   * {@link StoreState#DOWN} (lost), each with the instant it began; any other store is up since
   * this manager was built. Cheap: no round trip, never throws. While the store is not up,
   * operations throw {@link StoreUnavailableException} and the servlet filter applies each
   * route's failure mode; the store reconnects by itself. Each change is also published as a
   * {@link SessionEvent.StoreStateChanged} event.
   *
   * @return the store's health now
   */
  public StoreHealth storeHealth() {
    return healthStore != null ? healthStore.health() : StoreHealth.up(builtAt);
  }

  /** @return whether the store keeps a per-user index (limits, listing, revoke-all) */
  public boolean indexesUsers() {
    return indexedStore != null;
  }

  /**
   * @return whether {@link #onTimeout} can report sessions that time out: the store implements
   *     {@link ExpiryNotifyingStore} and is configured to report them
   */
  public boolean reportsTimeouts() {
    return expiringStore != null && expiringStore.reportsTimeouts();
  }

  /**
   * Subscribes to sessions that end by timeout: each session that reaches its idle or absolute
   * expiry without being ended otherwise is passed to {@code subscriber} once, with its attributes,
   * after it was removed from the store, on one node (see {@link ExpiryNotifyingStore} for the
   * store's guarantees), and an {@link SessionEvent.Expired} event is published for it. A session
   * this manager finds expired when it resolves it is reported the same way, on the resolving
   * thread. Attributes that can no longer be decoded are left out.
   *
   * @param subscriber called with each session that timed out; must not block for long
   * @return closing it ends the subscription
   * @throws UnsupportedOperationException if {@link #reportsTimeouts()} is {@code false}
   */
  public ExpiryNotifyingStore.Subscription onTimeout(Consumer<Session> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!reportsTimeouts()) {
      throw new UnsupportedOperationException("the store (" + store.getClass().getSimpleName()
          + ") does not report sessions that time out");
    }
    Consumer<Session> own = subscriber::accept;
    synchronized (timeoutSubscribers) {
      if (storeTimeouts == null) {
        storeTimeouts = expiringStore.onTimeout(this::timedOut);
      }
      timeoutSubscribers.add(own);
    }
    return () -> {
      synchronized (timeoutSubscribers) {
        if (timeoutSubscribers.remove(own) && timeoutSubscribers.isEmpty() && storeTimeouts != null) {
          storeTimeouts.close();
          storeTimeouts = null;
        }
      }
    };
  }

  /** A session the store removed by timeout. */
  private void timedOut(SessionRecord record) {
    Instant now = clock.instant();
    ExpiryReason reason = now.isBefore(record.absoluteExpiry()) ? ExpiryReason.IDLE : ExpiryReason.ABSOLUTE;
    publish(new SessionEvent.Expired(now, record.handle(), reason));
    reportTimeout(record);
  }

  private void reportTimeout(SessionRecord record) {
    Session session = new Session(record, SessionAttributes.lazy(record.attributes(), reader(record, false)));
    for (Consumer<Session> subscriber : timeoutSubscribers) {
      try {
        subscriber.accept(session);
      } catch (RuntimeException e) {
        LOG.warn("a timeout subscriber threw {}; ignored", e.getClass().getName(), e);
      }
    }
  }

  // ---------------------------------------------------------------- create and resolve

  /**
   * Creates an anonymous session with the anonymous idle timeout. Costs one store write.
   *
   * @param client what to remember of the client
   * @return the new session and its secret ID
   */
  public NewSession create(ClientInfo client) {
    Objects.requireNonNull(client, "client");
    if (observer == null) {
      return doCreate(client);
    }
    return observe(ObservedOperation.Kind.CREATE, () -> doCreate(client),
        (op, created) -> op.handle(created.session().handle()).version(created.session().version()));
  }

  private NewSession doCreate(ClientInfo client) {
    Instant now = clock.instant();
    for (int attempt = 0; ; attempt++) {
      SessionId id = SessionId.generate(random);
      SessionRecord record = SessionRecord.builder()
          .handle(id.handle())
          .createdAt(now)
          .lastAccessedAt(now)
          .idleTimeout(policy.anonymousIdleTimeout())
          .absoluteExpiry(now.plus(policy.absoluteTimeout()))
          .lastNode(nodeId)
          .client(client)
          .build();
      boolean created = call(StoreOperation.CREATE, () -> store.create(record, ttl(record, now)));
      if (created) {
        publish(new SessionEvent.Created(now, record.handle(), false));
        return new NewSession(id, new Session(record, SessionAttributes.EMPTY));
      }
      if (attempt == 2) {
        throw new SessionException("could not create a session: the store reported three ID collisions in a row");
      }
    }
  }

  /**
   * Resolves what a client presented. A value that is not of the form of a session ID is
   * rejected without a store call; otherwise this costs one store read.
   *
   * @param presented the presented value, or {@code null}
   * @return the session, or why there is none
   */
  public Resolution resolve(String presented) {
    return resolve(presented, ReadMode.CACHE);
  }

  /**
   * Resolves what a client presented, choosing whether a near cache may answer.
   *
   * @param presented the presented value, or {@code null}
   * @param mode {@link ReadMode#STORE} for routes that must see revocations at once
   * @return the session, or why there is none
   */
  public Resolution resolve(String presented, ReadMode mode) {
    Optional<SessionId> id = SessionId.parse(presented);
    if (id.isEmpty()) {
      return observer == null ? miss(ResolutionStatus.MALFORMED)
          : observeResolve(null, () -> miss(ResolutionStatus.MALFORMED));
    }
    return resolve(id.get(), mode);
  }

  /**
   * Resolves a session ID: loads it and checks idle and absolute expiry. Expired sessions are
   * removed. Costs one store read (plus a delete when expired).
   *
   * @param id the secret ID
   * @return the session, or why there is none
   */
  public Resolution resolve(SessionId id) {
    return resolve(id, ReadMode.CACHE);
  }

  /**
   * Resolves a session ID, choosing whether a near cache may answer.
   *
   * @param id the secret ID
   * @param mode {@link ReadMode#STORE} for decisions that must see revocations at once
   * @return the session, or why there is none
   */
  public Resolution resolve(SessionId id, ReadMode mode) {
    SessionHandle handle = Objects.requireNonNull(id, "id").handle();
    Objects.requireNonNull(mode, "mode");
    if (observer == null) {
      return load(handle, mode);
    }
    return observeResolve(handle, () -> load(handle, mode));
  }

  /**
   * Looks a session up by its public handle, with the same checks as {@link #resolve(SessionId)}.
   * For administration and for tokens that name a session by handle; a handle is not proof that
   * the caller holds the session, so never resolve a client-supplied handle as a login.
   *
   * @param handle the session's handle
   * @return the session, or why there is none
   */
  public Resolution lookup(SessionHandle handle) {
    Objects.requireNonNull(handle, "handle");
    if (observer == null) {
      return load(handle, ReadMode.CACHE);
    }
    return observeResolve(handle, () -> load(handle, ReadMode.CACHE));
  }

  /**
   * Looks a session up by handle and also requires its version to equal {@code expectedVersion}:
   * the check behind token validation in "checked" mode. A mismatch means privileges changed
   * after the token was issued; it resolves as {@link ResolutionStatus#STALE_VERSION} and is
   * reported as {@link ExpiryReason#VERSION}. A near cache may answer only when its copy carries
   * exactly the expected version; any other copy is re-read from the store, so a stale cached copy
   * never decides.
   *
   * @param handle the session's handle
   * @param expectedVersion the version the caller saw
   * @return the session, or why there is none
   */
  public Resolution lookup(SessionHandle handle, long expectedVersion) {
    Objects.requireNonNull(handle, "handle");
    if (observer == null) {
      return lookupVersion(handle, expectedVersion);
    }
    return observeResolve(handle, () -> lookupVersion(handle, expectedVersion));
  }

  private Resolution lookupVersion(SessionHandle handle, long expectedVersion) {
    Resolution resolution = load(handle, ReadMode.CACHE);
    if (resolution.isFound() && resolution.session().orElseThrow().version() != expectedVersion
        && cachingStore != null) {
      resolution = load(handle, ReadMode.STORE);
    }
    if (resolution.isFound() && resolution.session().orElseThrow().version() != expectedVersion) {
      publish(new SessionEvent.Expired(clock.instant(), handle, ExpiryReason.VERSION));
      return miss(ResolutionStatus.STALE_VERSION);
    }
    return resolution;
  }

  /** Runs a resolution under a {@link ObservedOperation.Kind#RESOLVE} observation. */
  private Resolution observeResolve(SessionHandle handle, Supplier<Resolution> action) {
    return observe(ObservedOperation.Kind.RESOLVE, action, (op, resolution) -> {
      op.handle(handle);
      if (resolution.isFound()) {
        op.version(resolution.session().orElseThrow().version());
      } else {
        op.refused(resolution.status());
      }
    });
  }

  private Resolution load(SessionHandle handle, ReadMode mode) {
    SessionRecord record;
    SessionEvent.Source source = SessionEvent.Source.STORE;
    try {
      if (cachingStore != null && mode == ReadMode.CACHE) {
        NearCachingStore.CachedRecord cached = call(StoreOperation.LOAD, () -> cachingStore.loadCached(handle))
            .orElse(null);
        record = cached == null ? null : cached.record();
        if (cached != null && cached.fromCache()) {
          source = SessionEvent.Source.NEAR_CACHE;
        }
      } else {
        record = call(StoreOperation.LOAD, () -> store.load(handle)).orElse(null);
      }
    } catch (UnreadableSessionException e) {
      return dropUnreadable(handle, e);
    }
    if (record == null) {
      return miss(ResolutionStatus.UNKNOWN);
    }
    Instant now = clock.instant();
    if (!now.isBefore(record.absoluteExpiry())) {
      return expire(record, ExpiryReason.ABSOLUTE, now);
    }
    if (!now.isBefore(record.lastAccessedAt().plus(record.idleTimeout()))) {
      return expire(record, ExpiryReason.IDLE, now);
    }
    if (!listeners.isEmpty()) {
      listeners.publish(new SessionEvent.Resolved(now, handle, source));
    }
    return Resolution.found(new Session(record, SessionAttributes.lazy(record.attributes(), reader(record, true))));
  }

  private Resolution miss(ResolutionStatus status) {
    if (!listeners.isEmpty()) {
      listeners.publish(new SessionEvent.NotResolved(clock.instant(), status));
    }
    return Resolution.absent(status);
  }

  private Resolution expire(SessionRecord record, ExpiryReason reason, Instant now) {
    boolean removed = deleteQuietly(record.handle());
    publish(new SessionEvent.Expired(now, record.handle(), reason));
    if (removed && !timeoutSubscribers.isEmpty()) {
      reportTimeout(record);
    }
    return miss(reason == ExpiryReason.IDLE ? ResolutionStatus.EXPIRED_IDLE : ResolutionStatus.EXPIRED_ABSOLUTE);
  }

  private Resolution dropUnreadable(SessionHandle handle, UnreadableSessionException e) {
    LOG.debug("dropping unreadable session {}", handle, e);
    deleteQuietly(handle);
    publish(new SessionEvent.Unreadable(clock.instant(), handle, rootCauseName(e)));
    return miss(ResolutionStatus.UNREADABLE);
  }

  private boolean deleteQuietly(SessionHandle handle) {
    try {
      return call(StoreOperation.DELETE, () -> store.delete(handle));
    } catch (StoreUnavailableException e) {
      LOG.debug("could not delete session {} now; its TTL will remove it", handle);
      return false;
    }
  }

  /**
   * How a session's attributes are decoded, one at a time, on first read. A value that cannot be
   * read is dropped alone: a WARN naming the attribute and its class (never a value or an ID), an
   * {@link SessionEvent.AttributeUnreadable} event, and, for a live session, its removal from the
   * store so that later requests do not meet it again. The session and its login stay.
   */
  private SessionAttributes.Reader reader(SessionRecord record, boolean live) {
    return (name, bytes) -> {
      try {
        return codec.decode(name, bytes);
      } catch (RuntimeException e) {
        String className = e instanceof UnreadableAttributeException u ? u.className() : null;
        Instant now = clock.instant();
        LOG.warn("attribute '{}' of session {} cannot be read ({}, class {}); dropped that attribute alone, the session"
            + " and its login are kept", name, record.handle(), rootCauseName(e), className == null ? "unknown" : className);
        LOG.debug("attribute '{}' of session {} cannot be read", name, record.handle(), e);
        publish(new SessionEvent.AttributeUnreadable(now, record.handle(), name, className, rootCauseName(e)));
        if (live) {
          removeQuietly(record, name, now);
        }
        return null;
      }
    };
  }

  private void removeQuietly(SessionRecord record, String name, Instant now) {
    Duration ttl = ttl(now, record.idleTimeout(), record.absoluteExpiry());
    if (ttl == null) {
      return;
    }
    SessionDelta drop = new SessionDelta(Map.of(), java.util.Set.of(name), now, null, nodeId, ttl,
        policy.payloadHardLimit());
    try {
      call(StoreOperation.UPDATE, () -> store.update(record.handle(), drop));
    } catch (StoreUnavailableException e) {
      LOG.debug("could not remove unreadable attribute '{}' of session {} now; it is skipped on each read",
          name, record.handle());
    }
  }

  // ---------------------------------------------------------------- save

  /**
   * Checks, without writing anything, that {@code value} can be stored under {@code name} and
   * read back by this manager's codec: what {@code HttpSession.setAttribute} calls so that a value
   * is refused where it is written, not lost when it is read. Costs one encode.
   *
   * @param name the attribute's name
   * @param value the value, not {@code null}
   * @throws IllegalArgumentException if the codec refuses the value; the message names the
   *     attribute, the class, and the option that allows it
   */
  public void checkAttribute(String name, Object value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    codec.encode(name, value);
  }

  /**
   * Tells whether {@code session}'s last access is old enough that the next save should write
   * it, per {@link SessionPolicy#touchInterval()}.
   *
   * @param session a resolved session
   * @return {@code true} when a touch is due
   */
  public boolean touchDue(Session session) {
    return !clock.instant().isBefore(session.lastAccessedAt().plus(policy.touchInterval()));
  }

  /**
   * Writes a request's changes as a delta: only the attributes named in {@code update} change in
   * the store, so concurrent requests that change different attributes all survive. A put whose
   * encoded value equals the one this request read is dropped, so re-saving an unchanged value
   * costs nothing. An update that changes nothing writes only when a touch is due. Never
   * re-creates a session that was revoked or expired meanwhile.
   *
   * @param session the session as this request resolved it
   * @param update the changes
   * @return this request's view of the session after the write, or empty when the session no
   *     longer exists
   * @throws PayloadTooLargeException if the attributes would exceed the hard payload limit
   *     (nothing was written)
   * @throws IllegalArgumentException if the codec cannot encode a value
   */
  public Optional<Session> save(Session session, SessionUpdate update) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(update, "update");
    if (observer == null) {
      return doSave(session, update, null);
    }
    ObservedOperation op = ObservedOperation.start(observer, ObservedOperation.Kind.SAVE)
        .handle(session.handle()).version(session.version());
    try {
      Optional<Session> saved = doSave(session, update, op);
      if (saved.isEmpty()) {
        op.refused(NOT_FOUND);
      } else if (op.reason().isEmpty()) {
        op.reason(UNCHANGED);
      }
      return saved;
    } catch (RuntimeException e) {
      op.failed(e);
      throw e;
    } finally {
      op.stop(observer);
    }
  }

  private Optional<Session> doSave(Session session, SessionUpdate update, ObservedOperation op) {
    if (update.isEmpty() && !touchDue(session)) {
      return Optional.of(session);
    }
    SessionRecord old = session.record();
    Map<String, byte[]> encoded = new LinkedHashMap<>();
    long putBytes = 0;
    for (Map.Entry<String, Object> e : update.puts().entrySet()) {
      byte[] bytes = codec.encode(e.getKey(), e.getValue());
      if (java.util.Arrays.equals(bytes, old.attributes().get(e.getKey()))) {
        continue;
      }
      putBytes += e.getKey().length() + bytes.length;
      encoded.put(e.getKey(), bytes);
    }
    boolean changes = !encoded.isEmpty() || !update.removals().isEmpty() || update.idleTimeout() != null;
    if (!changes && !touchDue(session)) {
      return Optional.of(session);
    }
    Instant now = clock.instant();
    if (putBytes > policy.payloadHardLimit()) {
      throw new PayloadTooLargeException(old.handle(), putBytes, policy.payloadHardLimit());
    }
    Duration idle = update.idleTimeout() != null ? update.idleTimeout() : old.idleTimeout();
    Duration ttl = ttl(now, idle, old.absoluteExpiry());
    if (ttl == null) {
      return Optional.empty();
    }
    SessionDelta delta = new SessionDelta(encoded, update.removals(), now, update.idleTimeout(), nodeId, ttl,
        policy.payloadHardLimit());
    UpdateResult result = call(StoreOperation.UPDATE, () -> store.update(old.handle(), delta));
    switch (result.status()) {
      case NOT_FOUND:
        return Optional.empty();
      case TOO_LARGE:
        throw new PayloadTooLargeException(old.handle(), result.attributeBytes(), policy.payloadHardLimit());
      default:
        break;
    }
    if (result.attributeBytes() > policy.payloadSoftLimit() && old.attributeBytes() <= policy.payloadSoftLimit()) {
      publish(new SessionEvent.PayloadOverSoftLimit(now, old.handle(), result.attributeBytes(),
          policy.payloadSoftLimit()));
    }
    if (nodeId != null && old.lastNode() != null && !nodeId.equals(old.lastNode())) {
      publish(new SessionEvent.AffinityRebind(now, old.handle(), old.lastNode(), nodeId));
    }
    SessionEvent.SaveKind kind = changes ? SessionEvent.SaveKind.ATTRIBUTES : SessionEvent.SaveKind.TOUCH;
    if (op != null) {
      op.reason(kind);
    }
    publish(new SessionEvent.Saved(now, old.handle(), kind, encoded.size() + update.removals().size(),
        result.attributeBytes()));

    SessionAttributes before = session.lazyAttributes();
    Map<String, byte[]> attributes = new HashMap<>(old.attributes());
    for (String name : update.removals()) {
      attributes.remove(name);
    }
    for (String name : before.unreadableNames()) {
      attributes.remove(name);
    }
    attributes.putAll(encoded);
    SessionRecord updated = old.mutate()
        .lastAccessedAt(now)
        .idleTimeout(idle)
        .lastNode(nodeId != null ? nodeId : old.lastNode())
        .attributes(attributes)
        .build();
    return Optional.of(new Session(updated,
        before.next(updated.attributes(), update.puts(), update.removals(), reader(updated, true))));
  }

  // ---------------------------------------------------------------- rotation and login

  /**
   * Logs a user in: the session moves to a new ID (the old one is dead at once, which defeats
   * fixation), the user is bound, the authentication time is set, the version grows, the
   * authenticated idle timeout applies and the absolute lifetime starts again. Attributes of an
   * anonymous session are kept; a session bound to another user is logged out instead and a
   * fresh one is created. The per-user limit is enforced atomically at the store.
   *
   * @param current the session the client holds, or {@code null} if none
   * @param userId the authenticated user, 1 to {@value #MAX_USER_ID_LENGTH} characters, no control characters
   * @param client what to remember of the client
   * @return the logged-in session and its new secret ID
   * @throws SessionLimitExceededException if the user is at the limit and the rule refuses, or if
   *     a racing login of the same user evicted this one before it was written
   */
  public NewSession login(Session current, String userId, ClientInfo client) {
    checkUserId(userId);
    Objects.requireNonNull(client, "client");
    if (observer == null) {
      return doLogin(current, userId, client);
    }
    ObservedOperation op = ObservedOperation.start(observer, ObservedOperation.Kind.LOGIN);
    try {
      NewSession session = doLogin(current, userId, client);
      op.handle(session.session().handle()).version(session.session().version());
      return session;
    } catch (SessionLimitExceededException e) {
      op.refused(LIMIT_REACHED);
      throw e;
    } catch (RuntimeException e) {
      op.failed(e);
      throw e;
    } finally {
      op.stop(observer);
    }
  }

  private NewSession doLogin(Session current, String userId, ClientInfo client) {
    Instant now = clock.instant();
    SessionId id = SessionId.generate(random);
    SessionHandle handle = id.handle();
    Instant absoluteExpiry = now.plus(policy.absoluteTimeout());
    Duration ttl = ttl(now, policy.idleTimeout(), absoluteExpiry);

    Admission admission = admit(userId, handle);
    int sessions = admission == null ? 0 : admission.sessions();
    long userVersion = admission == null ? 0 : admission.userVersion();
    if (current != null && current.isAuthenticated() && !userId.equals(current.userId().orElseThrow())) {
      logout(current);
      current = null;
    }
    if (current != null && !current.isAuthenticated()) {
      current = dropAtLogin(current);
    }
    SessionRecord record = null;
    if (current != null) {
      Rotation rotation = Rotation.builder()
          .newHandle(handle)
          .userId(userId)
          .userVersion(userVersion)
          .bumpVersion(true)
          .authenticatedAt(now)
          .lastAccessedAt(now)
          .idleTimeout(policy.idleTimeout())
          .absoluteExpiry(absoluteExpiry)
          .lastNode(nodeId)
          .client(client)
          .ttl(ttl)
          .build();
      SessionHandle from = current.handle();
      record = call(StoreOperation.ROTATE, () -> store.rotate(from, rotation)).orElse(null);
      if (record != null) {
        publish(new SessionEvent.Rotated(now, from, handle, RotationCause.LOGIN, record.version()));
      }
    }
    if (record == null) {
      SessionRecord fresh = SessionRecord.builder()
          .handle(handle)
          .userId(userId)
          .version(1)
          .userVersion(userVersion)
          .createdAt(now)
          .lastAccessedAt(now)
          .idleTimeout(policy.idleTimeout())
          .absoluteExpiry(absoluteExpiry)
          .authenticatedAt(now)
          .lastNode(nodeId)
          .client(client)
          .build();
      if (!call(StoreOperation.CREATE, () -> store.create(fresh, ttl))) {
        // The handle was admitted, then evicted by a racing login of the same user.
        publish(new SessionEvent.LimitReached(now, userId, policy.sessionLimit().overflow(), 0));
        throw new SessionLimitExceededException(policy.sessionLimit().maxSessions());
      }
      publish(new SessionEvent.Created(now, handle, true));
      record = fresh;
    }
    Session session = sessionOrFresh(record, now);
    publish(new SessionEvent.LoggedIn(now, handle, userId, session.version(), sessions));
    return new NewSession(id, session);
  }

  /**
   * Removes from an anonymous session, before it rotates into a login, the attributes the
   * {@link LoginAttributePolicy} keeps out (removed first, so a failed rotation carries none).
   */
  private Session dropAtLogin(Session anonymous) {
    SessionUpdate.Builder dropped = SessionUpdate.builder();
    anonymous.record().attributes().keySet().stream()
        .filter(name -> !policy.loginAttributes().carries(name)).forEach(dropped::remove);
    SessionUpdate update = dropped.build();
    return update.isEmpty() ? anonymous : doSave(anonymous, update, null).orElse(null);
  }

  private Admission admit(String userId, SessionHandle handle) {
    if (indexedStore == null) {
      return null;
    }
    SessionLimit limit = policy.sessionLimit();
    Admission admission = call(StoreOperation.ADMIT,
        () -> indexedStore.admit(userId, handle, limit, policy.absoluteTimeout()));
    Instant now = clock.instant();
    if (!admission.admitted()) {
      publish(new SessionEvent.LimitReached(now, userId, limit.overflow(), 0));
      throw new SessionLimitExceededException(limit.maxSessions());
    }
    if (!admission.evicted().isEmpty()) {
      publish(new SessionEvent.LimitReached(now, userId, limit.overflow(), admission.evicted().size()));
      for (SessionHandle evicted : admission.evicted()) {
        publish(new SessionEvent.Revoked(now, evicted, userId, RevocationReason.LIMIT_OVERFLOW));
      }
    }
    return admission;
  }

  /**
   * Moves a session to a new ID and changes nothing else, as
   * {@code HttpServletRequest.changeSessionId()} asks.
   *
   * @param session the session
   * @return the session under its new ID, or empty if it no longer exists
   */
  public Optional<NewSession> changeId(Session session) {
    return rotate(session, RotationCause.REQUESTED, false, null);
  }

  /**
   * Records a privilege change (roles, password): the session moves to a new ID and its version
   * grows, so tokens and cached copies that carry the old version stop being honoured for
   * checked decisions.
   *
   * @param session the session
   * @return the session under its new ID, or empty if it no longer exists
   */
  public Optional<NewSession> privilegeChanged(Session session) {
    return rotate(session, RotationCause.PRIVILEGE_CHANGE, true, null);
  }

  /**
   * Records that the user authenticated again (step-up): the session moves to a new ID, the
   * authentication time is now, and the version grows.
   *
   * @param session an authenticated session
   * @return the session under its new ID, or empty if it no longer exists
   * @throws IllegalArgumentException if the session is anonymous
   */
  public Optional<NewSession> reauthenticated(Session session) {
    if (!session.isAuthenticated()) {
      throw new IllegalArgumentException("only an authenticated session can re-authenticate; log in instead");
    }
    return rotate(session, RotationCause.REAUTHENTICATION, true, clock.instant());
  }

  private Optional<NewSession> rotate(Session session, RotationCause cause, boolean bumpVersion, Instant authAt) {
    Objects.requireNonNull(session, "session");
    if (observer == null) {
      return doRotate(session, cause, bumpVersion, authAt);
    }
    return observe(ObservedOperation.Kind.ROTATE, () -> doRotate(session, cause, bumpVersion, authAt),
        (op, rotated) -> {
          op.reason(cause);
          if (rotated.isEmpty()) {
            op.handle(session.handle()).refused(NOT_FOUND);
          } else {
            op.handle(rotated.get().session().handle()).version(rotated.get().session().version());
          }
        });
  }

  private Optional<NewSession> doRotate(Session session, RotationCause cause, boolean bumpVersion, Instant authAt) {
    Instant now = clock.instant();
    SessionRecord old = session.record();
    Duration ttl = ttl(now, old.idleTimeout(), old.absoluteExpiry());
    if (ttl == null) {
      return Optional.empty();
    }
    SessionId id = SessionId.generate(random);
    Rotation rotation = Rotation.builder()
        .newHandle(id.handle())
        .bumpVersion(bumpVersion)
        .authenticatedAt(authAt)
        .lastAccessedAt(now)
        .lastNode(nodeId)
        .ttl(ttl)
        .build();
    Optional<SessionRecord> rotated = call(StoreOperation.ROTATE, () -> store.rotate(old.handle(), rotation));
    if (rotated.isEmpty()) {
      return Optional.empty();
    }
    publish(new SessionEvent.Rotated(now, old.handle(), id.handle(), cause, rotated.get().version()));
    return Optional.of(new NewSession(id, sessionOrFresh(rotated.get(), now)));
  }

  private Session sessionOrFresh(SessionRecord record, Instant now) {
    // Carried-over attributes decode on first read; one that cannot be read drops alone.
    return new Session(record, SessionAttributes.lazy(record.attributes(), reader(record, true)));
  }

  // ---------------------------------------------------------------- logout and revocation

  /**
   * Logs out of a session: its record is removed from the store, so the ID is dead on every
   * node, not merely forgotten by one browser.
   *
   * @param session the session
   * @return {@code true} if a live session was removed
   */
  public boolean logout(Session session) {
    Objects.requireNonNull(session, "session");
    if (observer == null) {
      return doLogout(session);
    }
    return observe(ObservedOperation.Kind.REVOKE, () -> doLogout(session),
        (op, removed) -> revoked(op.handle(session.handle()).version(session.version()), RevocationReason.LOGOUT,
            removed));
  }

  /** Describes a revocation: its reason, and a refusal when there was nothing to remove. */
  private static void revoked(ObservedOperation op, RevocationReason reason, boolean removed) {
    if (removed) {
      op.reason(reason);
    } else {
      op.refused(NOT_FOUND);
    }
  }

  private boolean doLogout(Session session) {
    boolean removed = call(StoreOperation.DELETE, () -> store.delete(session.handle()));
    Instant now = clock.instant();
    String userId = session.userId().orElse(null);
    if (removed) {
      publish(new SessionEvent.Revoked(now, session.handle(), userId, RevocationReason.LOGOUT));
    }
    publish(new SessionEvent.LoggedOut(now, session.handle(), userId));
    return removed;
  }

  /**
   * Ends a session because a policy outside the manager found it expired (a route's shorter idle
   * window, say): the record is removed and {@link SessionEvent.Expired} is reported, not a
   * revocation or logout.
   *
   * @param session the session
   * @param reason why it expired
   * @return {@code true} if a live session was removed
   */
  public boolean expire(Session session, ExpiryReason reason) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(reason, "reason");
    boolean removed = call(StoreOperation.DELETE, () -> store.delete(session.handle()));
    publish(new SessionEvent.Expired(clock.instant(), session.handle(), reason));
    return removed;
  }

  /**
   * Revokes one session by handle (administration, or the user from another device). Revoking a
   * session that does not exist is not an error.
   *
   * @param handle the session's handle
   * @param reason why, for events and logs
   * @return {@code true} if a live session was removed
   */
  public boolean revoke(SessionHandle handle, RevocationReason reason) {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(reason, "reason");
    if (observer == null) {
      return doRevoke(handle, reason);
    }
    return observe(ObservedOperation.Kind.REVOKE, () -> doRevoke(handle, reason),
        (op, removed) -> revoked(op.handle(handle), reason, removed));
  }

  private boolean doRevoke(SessionHandle handle, RevocationReason reason) {
    boolean removed = call(StoreOperation.DELETE, () -> store.delete(handle));
    if (removed) {
      publish(new SessionEvent.Revoked(clock.instant(), handle, null, reason));
    }
    return removed;
  }

  /**
   * Revokes every session of a user, on every node. The store advances the user's version in one
   * write ({@link UserIndexedStore#revokeAll}), which ends every session bound to the user before
   * it, even one the store could not delete or never indexed; the deletions that follow let
   * caches and listeners see the sessions go.
   *
   * @param userId the user
   * @return how many live sessions were removed
   * @throws UnsupportedOperationException if the store does not index users
   */
  public int revokeAll(String userId) {
    checkUserId(userId);
    UserIndexedStore indexed = requireIndex("revokeAll");
    if (observer == null) {
      return doRevokeAll(indexed, userId);
    }
    return observe(ObservedOperation.Kind.REVOKE, () -> doRevokeAll(indexed, userId),
        (op, removed) -> op.reason(RevocationReason.USER_WIDE));
  }

  private int doRevokeAll(UserIndexedStore indexed, String userId) {
    List<SessionHandle> revoked = call(StoreOperation.REVOKE_ALL, () -> indexed.revokeAll(userId, policy.absoluteTimeout()));
    Instant now = clock.instant();
    for (SessionHandle handle : revoked) {
      publish(new SessionEvent.Revoked(now, handle, userId, RevocationReason.USER_WIDE));
    }
    return revoked.size();
  }

  /**
   * Revokes every session of {@code keep}'s user except {@code keep}: "sign out everywhere else".
   * One atomic store operation ({@link UserIndexedStore#revokeOthers}) advances the user's version
   * and re-stamps {@code keep}, so a session of the user that rotates meanwhile does not escape.
   *
   * @param keep the session to keep, authenticated
   * @return how many sessions were removed
   * @throws UnsupportedOperationException if the store does not index users
   */
  public int revokeOthers(Session keep) {
    String userId = keep.userId().orElseThrow(
        () -> new IllegalArgumentException("an anonymous session has no other sessions"));
    UserIndexedStore indexed = requireIndex("revokeOthers");
    List<SessionHandle> revoked = call(StoreOperation.REVOKE_ALL,
        () -> indexed.revokeOthers(userId, keep.handle(), policy.absoluteTimeout()));
    Instant now = clock.instant();
    for (SessionHandle handle : revoked) {
      publish(new SessionEvent.Revoked(now, handle, userId, RevocationReason.USER_WIDE));
    }
    return revoked.size();
  }

  /**
   * Lists a user's live sessions, most recently used first.
   *
   * @param userId the user
   * @return the device list; empty for an unknown user
   * @throws UnsupportedOperationException if the store does not index users
   */
  public List<SessionSummary> sessionsOf(String userId) {
    checkUserId(userId);
    UserIndexedStore indexed = requireIndex("sessionsOf");
    List<SessionRecord> records = call(StoreOperation.LIST, () -> indexed.sessionsOf(userId));
    Instant now = clock.instant();
    List<SessionSummary> summaries = new ArrayList<>(records.size());
    for (SessionRecord r : records) {
      if (now.isBefore(r.expiresAt()) && userId.equals(r.userId())) {
        summaries.add(new SessionSummary(r.handle(), r.createdAt(), r.lastAccessedAt(), r.authenticatedAt(),
            r.client(), r.lastNode()));
      }
    }
    summaries.sort(Comparator.comparing(SessionSummary::lastAccessedAt).reversed()
        .thenComparing(SessionSummary::handle));
    return summaries;
  }

  // ---------------------------------------------------------------- events

  /**
   * Delivers an event to this manager's listeners. Lanyard's modules (servlet, tokens, near
   * cache) publish their events here so that one set of listeners sees the whole lifecycle.
   *
   * @param event the event
   */
  public void publish(SessionEvent event) {
    Objects.requireNonNull(event, "event");
    listeners.publish(event);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs one observed operation: starts it, lets {@code describe} record what the result says,
   * marks an exception as its failure, and stops it. Only called when an observer is configured.
   */
  private <T> T observe(ObservedOperation.Kind kind, Supplier<T> action, BiConsumer<ObservedOperation, T> describe) {
    ObservedOperation op = ObservedOperation.start(observer, kind);
    try {
      T result = action.get();
      describe.accept(op, result);
      return result;
    } catch (RuntimeException e) {
      op.failed(e);
      throw e;
    } finally {
      op.stop(observer);
    }
  }

  private <T> T call(StoreOperation operation, Supplier<T> action) {
    if (observer != null) {
      ObservedOperation op = ObservedOperation.startStoreCall(observer, operation, storeKind);
      try {
        return timed(operation, action);
      } catch (UnreadableSessionException e) {
        op.refused(ResolutionStatus.UNREADABLE);
        throw e;
      } catch (RuntimeException e) {
        op.failed(e);
        throw e;
      } finally {
        op.stop(observer);
      }
    }
    return timed(operation, action);
  }

  /** Runs a store call, timing it for the listeners when there are any. */
  private <T> T timed(StoreOperation operation, Supplier<T> action) {
    if (listeners.isEmpty()) {
      return action.get();
    }
    long start = System.nanoTime();
    Outcome outcome = Outcome.FAILURE;
    try {
      T result = action.get();
      outcome = Outcome.SUCCESS;
      return result;
    } catch (UnreadableSessionException e) {
      outcome = Outcome.SUCCESS;
      throw e;
    } finally {
      listeners.publish(new SessionEvent.StoreCall(clock.instant(), operation, outcome,
          Duration.ofNanos(System.nanoTime() - start)));
    }
  }

  private static Duration ttl(SessionRecord record, Instant now) {
    return ttl(now, record.idleTimeout(), record.absoluteExpiry());
  }

  /** The time to live from {@code now}, or {@code null} when the session is already over. */
  private static Duration ttl(Instant now, Duration idle, Instant absoluteExpiry) {
    Instant idleExpiry = now.plus(idle);
    Instant end = idleExpiry.isBefore(absoluteExpiry) ? idleExpiry : absoluteExpiry;
    Duration ttl = Duration.between(now, end);
    return ttl.isNegative() || ttl.isZero() ? null : ttl;
  }

  private UserIndexedStore requireIndex(String operation) {
    if (indexedStore == null) {
      throw new UnsupportedOperationException(operation + " needs a store that implements UserIndexedStore; "
          + store.getClass().getName() + " does not");
    }
    return indexedStore;
  }

  private static void checkUserId(String userId) {
    Objects.requireNonNull(userId, "userId");
    if (userId.isEmpty() || userId.length() > MAX_USER_ID_LENGTH) {
      throw new IllegalArgumentException(
          "a user ID has 1 to " + MAX_USER_ID_LENGTH + " characters (got " + userId.length() + ")");
    }
    for (int i = 0; i < userId.length(); i++) {
      char c = userId.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        throw new IllegalArgumentException("a user ID must not contain control characters");
      }
    }
  }

  private static String rootCauseName(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "SessionManager[store=" + store.getClass().getSimpleName() + ", node=" + nodeId + ", " + policy + "]";
  }

  /** Configures a {@link SessionManager}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private final SessionStore store;
    private Clock clock = Clock.systemUTC();
    private SessionPolicy policy = SessionPolicy.defaults();
    private AttributeCodec codec;
    private final List<SessionListener> listeners = new ArrayList<>();
    private SecureRandom random;
    private String nodeId;
    private boolean logging = DEFAULT_LOG_EVENTS;
    private SessionObserver observer;

    private Builder(SessionStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Sets the clock for every time decision (default {@link Clock#systemUTC()}).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the policy (default {@link SessionPolicy#defaults()}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(SessionPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the attribute codec (init-param {@code attributeCodec}; default
     * {@link DefaultAttributeCodec#create()}: compact encoding of common types, Java serialization
     * behind an allow-list for the rest). {@code session-jackson} offers a JSON codec.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder attributeCodec(AttributeCodec codec) {
      this.codec = Objects.requireNonNull(codec, "attributeCodec");
      return this;
    }

    /**
     * Sets the attribute codec; the same as {@link #attributeCodec(AttributeCodec)}, kept for
     * code written before that name.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(AttributeCodec codec) {
      return attributeCodec(codec);
    }

    /**
     * Adds a listener; listeners are called in the order added.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(SessionListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Sets the source of session IDs (default a new {@link SecureRandom}).
     *
     * @param random a cryptographically strong generator
     * @return this builder
     */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Names this node, so that sessions record which node last served them and moves between
     * nodes are reported (default: none).
     *
     * @param nodeId a short name, 1 to 64 characters
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      Objects.requireNonNull(nodeId, "nodeId");
      if (nodeId.isEmpty() || nodeId.length() > 64) {
        throw new IllegalArgumentException("nodeId has 1 to 64 characters (got " + nodeId.length() + ")");
      }
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Reports every operation to an observer, for tracing (default: none, which costs nothing).
     * {@code session-metrics} provides one for Micrometer's Observation API,
     * {@code SessionObservations.create(observationRegistry)}. The observer is
     * {@link SessionObserver#guard guarded}: what it throws is logged and dropped.
     *
     * @param observer the observer
     * @return this builder
     */
    public Builder observer(SessionObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Sets whether session events are logged by the default {@link LoggingSessionListener}
     * (logger {@code dev.lanyard.session.events}, by handle only); default
     * {@link #DEFAULT_LOG_EVENTS}. Turn it off when metrics or your own listener report them.
     * The init-parameter {@code logEvents} sets the same.
     *
     * @param enabled whether to log events
     * @return this builder
     */
    public Builder logEvents(boolean enabled) {
      this.logging = enabled;
      return this;
    }

    /**
     * Validates the configuration and builds the manager.
     *
     * @return the manager
     * @throws IllegalArgumentException if the policy needs a power the store lacks
     */
    public SessionManager build() {
      if (policy.sessionLimit().isLimited() && !(store instanceof UserIndexedStore)
          && !policy.sessionLimit().equals(SessionPolicy.DEFAULT_SESSION_LIMIT)) {
        throw new IllegalArgumentException("sessionLimit (" + policy.sessionLimit().maxSessions()
            + ") needs a store that implements UserIndexedStore; " + store.getClass().getName() + " does not");
      }
      if (codec == null) {
        codec = DefaultAttributeCodec.create();
      }
      if (random == null) {
        random = new SecureRandom();
      }
      SessionManager manager = new SessionManager(this);
      manager.followStoreHealth();
      return manager;
    }
  }
}
