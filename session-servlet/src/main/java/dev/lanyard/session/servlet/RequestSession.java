package dev.lanyard.session.servlet;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.ExpiryReason;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionSummary;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One request's view of its session: what the client presented, the session resolved for it,
 * the changes the request made, and whether the session ID has been sent back. The request and
 * response wrappers, the {@link HttpSession} facade and {@link LanyardSessions} all act through
 * it. Methods are synchronized because async requests may touch the session from other threads;
 * the lock is uncontended in the common case.
 */
final class RequestSession {

  private static final Logger LOG = LoggerFactory.getLogger(RequestSession.class);

  /** Prefix of attribute names Lanyard keeps for itself; hidden from {@code getAttributeNames}. */
  static final String RESERVED_PREFIX = "lanyard.";
  static final String ROLES_ATTRIBUTE = "lanyard.roles";
  static final String CSRF_ATTRIBUTE = "lanyard.csrf";

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  enum Transport {
    COOKIE,
    HEADER
  }

  private final FilterSettings settings;
  private final SessionManager manager;
  private final ServletContext context;
  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final RoutePolicy route;
  private final FailureMode failureMode;
  private final Thread filterThread;
  private final LanyardSessions api;
  private final String requestId;

  private Transport transport = Transport.COOKIE;
  private String requestedHandle;
  private boolean requestedValid;
  private boolean ambiguous;
  private boolean degraded;
  private boolean failOpenPublished;

  private Session session;
  private LanyardHttpSession facade;
  private SessionId idToSend;
  private boolean clearCookie;
  private boolean isNew;

  private Map<String, Object> transientAttributes;
  private String transientId;
  private Instant transientCreated;
  private Duration transientIdle;

  private Map<String, Object> puts;
  private Set<String> removals;
  private Map<String, Object> readMutable;
  private Duration idleTimeout;
  private boolean saveAttempted;

  private boolean transportWritten;
  private boolean finished;

  RequestSession(FilterSettings settings, ServletContext context, HttpServletRequest request,
      HttpServletResponse response, RoutePolicy route, String requestId) {
    this.settings = settings;
    this.manager = settings.manager;
    this.context = context;
    this.request = request;
    this.response = response;
    this.route = route;
    this.failureMode = settings.failureModeOf(route);
    this.filterThread = Thread.currentThread();
    this.api = new LanyardSessions(this);
    this.requestId = requestId;
  }

  LanyardSessions api() {
    return api;
  }

  String requestId() {
    return requestId;
  }

  RoutePolicy route() {
    return route;
  }

  ServletContext servletContext() {
    return context;
  }

  java.time.Clock clock() {
    return manager.clock();
  }

  String csrfParameterName() {
    return settings.csrfParameterName;
  }

  String csrfHeaderName() {
    return settings.csrfHeaderName;
  }

  // ------------------------------------------------------------------ resolution

  /**
   * Reads what the client presented and resolves it: at most one store read, none for absent,
   * duplicated or malformed values.
   *
   * @return {@code false} when the store is unavailable and the route fails closed
   */
  synchronized boolean begin() {
    String presented = readPresented();
    if (ambiguous) {
      // Several different values (cookie tossing): trust none, ask the store nothing, and leave
      // the cookies alone (clearing could only remove ours).
      badId();
      return true;
    }
    if (presented == null) {
      return true;
    }
    Optional<SessionId> id = SessionId.parse(presented);
    if (id.isEmpty()) {
      manager.resolve(presented); // publishes NotResolved(MALFORMED); never calls the store
      badId();
      clearCookie = true;
      return true;
    }
    requestedHandle = id.get().handle().value();
    Resolution resolution;
    try {
      // The route decides whether a near cache may answer (STORE for routes that must see a
      // revocation made elsewhere at once).
      resolution = manager.resolve(presented, route.read());
    } catch (StoreUnavailableException e) {
      return storeUnavailable(e, "resolve");
    }
    if (resolution.isFound()) {
      session = resolution.session().orElseThrow();
      requestedValid = true;
      mdcSession();
      return applyRouteIdleWindow();
    }
    ResolutionStatus status = resolution.status();
    if (status == ResolutionStatus.UNKNOWN || status == ResolutionStatus.UNREADABLE
        || status == ResolutionStatus.MALFORMED) {
      badId();
    }
    clearCookie = true;
    return true;
  }

  private String readPresented() {
    if (settings.headerName != null) {
      String header = request.getHeader(settings.headerName);
      if (header != null) {
        transport = Transport.HEADER;
        String value = header.trim();
        return value.isEmpty() ? null : value;
      }
    }
    Enumeration<String> headers = request.getHeaders("Cookie");
    if (headers == null) {
      return null;
    }
    String name = settings.cookie.name();
    String found = null;
    while (headers.hasMoreElements()) {
      String header = headers.nextElement();
      if (header == null) {
        continue;
      }
      int at = 0;
      int length = header.length();
      while (at < length) {
        int end = header.indexOf(';', at);
        if (end < 0) {
          end = length;
        }
        int start = at;
        while (start < end && (header.charAt(start) == ' ' || header.charAt(start) == '\t')) {
          start++;
        }
        if (end - start > name.length() && header.startsWith(name, start)) {
          int eq = start + name.length();
          while (eq < end && header.charAt(eq) == ' ') {
            eq++;
          }
          if (eq < end && header.charAt(eq) == '=') {
            String value = cookieValue(header, eq + 1, end);
            if (found == null) {
              found = value;
            } else if (!found.equals(value)) {
              ambiguous = true;
              return null;
            }
          }
        }
        at = end + 1;
      }
    }
    return found;
  }

  private static String cookieValue(String header, int from, int to) {
    while (from < to && header.charAt(from) == ' ') {
      from++;
    }
    while (to > from && header.charAt(to - 1) == ' ') {
      to--;
    }
    if (to - from >= 2 && header.charAt(from) == '"' && header.charAt(to - 1) == '"') {
      from++;
      to--;
    }
    // Longer than any session ID: do not copy it, it is malformed anyway.
    if (to - from > SessionId.LENGTH + 2) {
      return "";
    }
    return header.substring(from, to);
  }

  private void badId() {
    settings.guessing.badId(ClientInfo.prefixOf(request.getRemoteAddr()));
  }

  private boolean applyRouteIdleWindow() {
    Optional<Duration> window = route.idleTimeout();
    if (window.isEmpty()) {
      return true;
    }
    Instant now = manager.clock().instant();
    if (!now.isAfter(session.lastAccessedAt().plus(window.get()))) {
      return true;
    }
    Session ended = session;
    destroyLocally();
    try {
      manager.expire(ended, ExpiryReason.IDLE);
    } catch (StoreUnavailableException e) {
      return storeUnavailable(e, "end an idle session");
    }
    return true;
  }

  /** Decides fail-open or fail-closed; returns whether the request may go on. */
  private boolean storeUnavailable(StoreUnavailableException e, String what) {
    LOG.warn("session store unavailable ({}) on route {}: {}", what, route.pattern(), e.getMessage());
    if (failureMode == FailureMode.OPEN) {
      failOpen();
      return true;
    }
    return false;
  }

  private void failOpen() {
    degraded = true;
    session = null;
    requestedValid = false;
    if (!failOpenPublished) {
      failOpenPublished = true;
      ModuleEvents.publish(manager, new SessionEvent.FailOpen(manager.clock().instant(), route.pattern()));
    }
  }

  boolean failsOpen() {
    return failureMode == FailureMode.OPEN;
  }

  // ------------------------------------------------------------------ policy checks

  /** @return whether the route demands a more recent authentication than the session has */
  synchronized boolean stepUpRequired() {
    Optional<Duration> maxAge = route.stepUpMaxAge();
    if (maxAge.isEmpty()) {
      return false;
    }
    if (session != null && session.authenticatedWithin(maxAge.get(), manager.clock().instant())) {
      return false;
    }
    if (session != null) {
      ModuleEvents.publish(manager, new SessionEvent.StepUpRequired(manager.clock().instant(), session.handle(), route.pattern()));
    }
    return true;
  }

  /** @return whether the CSRF defence lets this request through */
  synchronized boolean csrfAllows() {
    if (settings.csrfMode == CsrfMode.OFF || route.csrfExempt() || transport == Transport.HEADER
        || isSafe(request.getMethod())) {
      return true;
    }
    String origin = request.getHeader("Origin");
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null) {
      if (!"same-origin".equals(site) && !"none".equals(site)
          && !(origin != null && settings.csrfTrustedOrigins.contains(origin))) {
        return false;
      }
    } else if (origin != null && !isOwnOrigin(origin) && !settings.csrfTrustedOrigins.contains(origin)) {
      return false;
    }
    if (settings.csrfMode != CsrfMode.TOKEN || session == null) {
      return true;
    }
    Object expected = session.attributes().get(CSRF_ATTRIBUTE);
    String presented = request.getHeader(settings.csrfHeaderName);
    if (presented == null) {
      String type = request.getContentType();
      if (type != null && type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)) {
        presented = request.getParameter(settings.csrfParameterName);
      }
    }
    return expected instanceof String token && presented != null
        && MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isSafe(String method) {
    return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method) || "TRACE".equals(method);
  }

  private boolean isOwnOrigin(String origin) {
    String scheme = request.getScheme();
    int port = request.getServerPort();
    boolean defaultPort = ("http".equalsIgnoreCase(scheme) && port == 80)
        || ("https".equalsIgnoreCase(scheme) && port == 443);
    String own = scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
    return own.equalsIgnoreCase(origin);
  }

  // ------------------------------------------------------------------ the session

  /** {@code request.getSession(create)}. */
  synchronized HttpSession session(boolean create) {
    if (facade != null) {
      return facade;
    }
    if (session != null) {
      facade = new LanyardHttpSession(this);
      return facade;
    }
    if (!create) {
      return null;
    }
    requireUncommitted("create a session");
    if (degraded) {
      return createTransient();
    }
    if (!settings.anonymousSessions.tryAcquire(ClientInfo.prefixOf(request.getRemoteAddr()))) {
      LOG.debug("anonymous session rate reached for a client: serving a transient session");
      return createTransient();
    }
    NewSession created;
    try {
      created = manager.create(clientInfo());
    } catch (StoreUnavailableException e) {
      if (!storeUnavailable(e, "create")) {
        throw e;
      }
      return createTransient();
    }
    adopt(created, true);
    settings.listeners.created(facade);
    return facade;
  }

  private HttpSession createTransient() {
    transientAttributes = new LinkedHashMap<>();
    transientId = SessionId.generate(settings.random).handle().value();
    transientCreated = manager.clock().instant();
    transientIdle = manager.policy().anonymousIdleTimeout();
    isNew = true;
    facade = new LanyardHttpSession(this);
    return facade;
  }

  private void adopt(NewSession fresh, boolean created) {
    session = fresh.session();
    idToSend = fresh.id();
    clearCookie = false;
    if (created) {
      isNew = true;
    }
    if (facade == null) {
      facade = new LanyardHttpSession(this);
    }
    mdcSession();
    if (transportWritten) {
      writeTransport();
    }
  }

  private void requireUncommitted(String what) {
    if (response.isCommitted()) {
      throw new IllegalStateException("cannot " + what + " after the response has been committed: the session "
          + "cookie could no longer be sent. Call request.getSession() (or log in) before writing the response body.");
    }
  }

  private ClientInfo clientInfo() {
    return ClientInfo.of(request.getHeader("User-Agent"), request.getRemoteAddr());
  }

  private void mdcSession() {
    if (Thread.currentThread() == filterThread) {
      String id = currentId();
      if (id == null) {
        MDC.remove(LanyardSessionFilter.MDC_SESSION);
      } else {
        MDC.put(LanyardSessionFilter.MDC_SESSION, id);
      }
    }
  }

  private String currentId() {
    if (session != null) {
      return session.handle().value();
    }
    return transientId;
  }

  // ------------------------------------------------------------------ HttpSession contract

  synchronized void checkValid(LanyardHttpSession caller) {
    if (caller != facade || (session == null && transientAttributes == null)) {
      throw new IllegalStateException("the session has been invalidated");
    }
  }

  synchronized String id(LanyardHttpSession caller) {
    checkValid(caller);
    return currentId();
  }

  synchronized long creationTime(LanyardHttpSession caller) {
    checkValid(caller);
    return session != null ? session.createdAt().toEpochMilli() : transientCreated.toEpochMilli();
  }

  synchronized long lastAccessedTime(LanyardHttpSession caller) {
    checkValid(caller);
    return session != null ? session.lastAccessedAt().toEpochMilli() : transientCreated.toEpochMilli();
  }

  synchronized boolean isNew(LanyardHttpSession caller) {
    checkValid(caller);
    return isNew;
  }

  synchronized int maxInactiveInterval(LanyardHttpSession caller) {
    checkValid(caller);
    Duration idle = idleTimeout != null ? idleTimeout : session != null ? session.idleTimeout() : transientIdle;
    return (int) Math.min(Integer.MAX_VALUE, idle.getSeconds());
  }

  synchronized void maxInactiveInterval(LanyardHttpSession caller, int seconds) {
    checkValid(caller);
    Duration absolute = manager.policy().absoluteTimeout();
    Duration idle = seconds <= 0 ? absolute : Duration.ofSeconds(seconds);
    if (idle.compareTo(absolute) > 0) {
      idle = absolute;
    }
    if (session == null) {
      transientIdle = idle;
    } else {
      idleTimeout = idle;
    }
  }

  synchronized Object attribute(LanyardHttpSession caller, String name) {
    checkValid(caller);
    if (name == null) {
      return null;
    }
    if (transientAttributes != null) {
      return transientAttributes.get(name);
    }
    if (puts != null && puts.containsKey(name)) {
      return puts.get(name);
    }
    if (removals != null && removals.contains(name)) {
      return null;
    }
    Object value = session.attributes().get(name);
    if (value != null && settings.saveMode == AttributeSaveMode.ON_GET_MUTABLE && mayBeMutable(value)) {
      if (readMutable == null) {
        readMutable = new LinkedHashMap<>();
      }
      readMutable.put(name, value);
    }
    return value;
  }

  private Object peek(String name) {
    if (transientAttributes != null) {
      return transientAttributes.get(name);
    }
    if (session == null) {
      return null;
    }
    if (puts != null && puts.containsKey(name)) {
      return puts.get(name);
    }
    if (removals != null && removals.contains(name)) {
      return null;
    }
    return session.attributes().get(name);
  }

  synchronized Enumeration<String> attributeNames(LanyardHttpSession caller) {
    checkValid(caller);
    return Collections.enumeration(visibleNames());
  }

  private Set<String> visibleNames() {
    Set<String> names = new TreeSet<>();
    if (transientAttributes != null) {
      names.addAll(transientAttributes.keySet());
    } else {
      names.addAll(session.attributes().keySet());
      if (puts != null) {
        names.addAll(puts.keySet());
      }
      if (removals != null) {
        names.removeAll(removals);
      }
    }
    names.removeIf(n -> n.startsWith(RESERVED_PREFIX));
    return names;
  }

  synchronized void setAttribute(LanyardHttpSession caller, String name, Object value) {
    checkValid(caller);
    checkName(name);
    if (value == null) {
      removeAttribute(caller, name);
      return;
    }
    if (transientAttributes == null) {
      // Refused here, where the application can see it, rather than lost on the next request.
      manager.checkAttribute(name, value);
    }
    Object old = peek(name);
    put(name, value);
    settings.listeners.set(facade, name, value, old);
  }

  synchronized void removeAttribute(LanyardHttpSession caller, String name) {
    checkValid(caller);
    if (name == null) {
      return;
    }
    Object old = peek(name);
    if (old == null) {
      return;
    }
    remove(name);
    settings.listeners.removed(facade, name, old);
  }

  private static void checkName(String name) {
    if (name == null) {
      throw new IllegalArgumentException("an attribute name must not be null");
    }
    if (name.startsWith(RESERVED_PREFIX)) {
      throw new IllegalArgumentException("attribute names starting with '" + RESERVED_PREFIX
          + "' are reserved for Lanyard; use LanyardSessions for roles and tokens");
    }
  }

  private void put(String name, Object value) {
    if (transientAttributes != null) {
      transientAttributes.put(name, value);
      return;
    }
    if (puts == null) {
      puts = new LinkedHashMap<>();
    }
    puts.put(name, value);
    if (removals != null) {
      removals.remove(name);
    }
    if (readMutable != null) {
      readMutable.remove(name);
    }
  }

  private void remove(String name) {
    if (transientAttributes != null) {
      transientAttributes.remove(name);
      return;
    }
    if (puts != null) {
      puts.remove(name);
    }
    if (readMutable != null) {
      readMutable.remove(name);
    }
    if (session.attributes().containsKey(name)) {
      if (removals == null) {
        removals = new LinkedHashSet<>();
      }
      removals.add(name);
    }
  }

  synchronized void invalidate(LanyardHttpSession caller) {
    checkValid(caller);
    end();
  }

  /** Ends the current session: listeners first (attributes still readable), then the store. */
  private void end() {
    Session ended = session;
    destroyLocally();
    if (ended != null) {
      manager.logout(ended);
    }
  }

  /** Notifies listeners and forgets the session in this request; the store is not touched. */
  private void destroyLocally() {
    LanyardHttpSession old = facade != null ? facade : new LanyardHttpSession(this);
    if (facade == null) {
      facade = old;
    }
    settings.listeners.destroyed(old);
    if (settings.listeners.hasAttributeListeners() || hasBindingListeners()) {
      for (String name : visibleNames()) {
        Object value = peek(name);
        if (value != null) {
          settings.listeners.removed(old, name, value);
        }
      }
    }
    boolean wasTransient = transientAttributes != null;
    facade = null;
    session = null;
    transientAttributes = null;
    transientId = null;
    requestedValid = false;
    isNew = false;
    idToSend = null;
    clearPending();
    if (!wasTransient && !degraded) {
      clearCookie = true;
      if (transportWritten) {
        writeTransport();
      }
    }
    mdcSession();
  }

  private boolean hasBindingListeners() {
    for (String name : visibleNames()) {
      if (peek(name) instanceof jakarta.servlet.http.HttpSessionBindingListener) {
        return true;
      }
    }
    return false;
  }

  private void clearPending() {
    puts = null;
    removals = null;
    readMutable = null;
    idleTimeout = null;
  }

  // ------------------------------------------------------------------ request-level session methods

  synchronized String requestedSessionId() {
    return requestedHandle;
  }

  synchronized boolean requestedSessionIdValid() {
    return requestedValid && session != null && session.handle().value().equals(requestedHandle);
  }

  synchronized boolean requestedFromCookie() {
    return requestedHandle != null && transport == Transport.COOKIE;
  }

  synchronized String changeSessionId() {
    if (session == null) {
      if (transientAttributes != null) {
        transientId = SessionId.generate(settings.random).handle().value();
        return transientId;
      }
      throw new IllegalStateException("changeSessionId: no session is associated with this request");
    }
    rotate(manager::changeId, "change the session ID");
    return session.handle().value();
  }

  private void rotate(Function<Session, Optional<NewSession>> operation, String what) {
    if (session == null) {
      throw new IllegalStateException("cannot " + what + ": the request has no session");
    }
    requireUncommitted(what);
    String oldId = session.handle().value();
    Optional<NewSession> rotated = operation.apply(session);
    if (rotated.isEmpty()) {
      destroyLocally();
      throw new IllegalStateException("cannot " + what + ": the session ended meanwhile (revoked or expired)");
    }
    adopt(rotated.get(), false);
    settings.listeners.idChanged(facade, oldId);
  }

  // ------------------------------------------------------------------ login API

  synchronized void login(String userId, Set<String> roles) {
    String joinedRoles = joinRoles(roles);
    requireUncommitted("log in");
    Session before = session;
    boolean otherUser = before != null && before.isAuthenticated() && !before.userId().orElseThrow().equals(userId);
    if (otherUser) {
      clearPending();
    }
    if (transientAttributes != null) {
      // The store was down when this request created a session; logging in needs the store.
      transientAttributes = null;
      facade = null;
    }
    String oldId = before != null ? before.handle().value() : null;
    NewSession loggedIn = manager.login(before, userId, clientInfo());
    boolean fresh = before == null || otherUser;
    adopt(loggedIn, fresh);
    internalPut(ROLES_ATTRIBUTE, joinedRoles);
    internalRemove(CSRF_ATTRIBUTE);
    if (fresh) {
      settings.listeners.created(facade);
    } else {
      settings.listeners.idChanged(facade, oldId);
    }
  }

  synchronized void privilegeChanged(Set<String> roles) {
    String joined = roles == null ? null : joinRoles(roles);
    requireUser();
    rotate(manager::privilegeChanged, "record a privilege change");
    if (roles != null) {
      internalPut(ROLES_ATTRIBUTE, joined);
    }
  }

  synchronized void reauthenticated() {
    requireUser();
    rotate(manager::reauthenticated, "record a re-authentication");
  }

  synchronized boolean logout() {
    if (session == null && transientAttributes == null) {
      return false;
    }
    end();
    return true;
  }

  synchronized boolean revoke(SessionHandle handle) {
    String user = requireUser();
    if (handle.equals(session.handle())) {
      end();
      return true;
    }
    Resolution other = manager.lookup(handle);
    if (!other.isFound() || !user.equals(other.session().orElseThrow().userId().orElse(null))) {
      return false;
    }
    return manager.revoke(handle, RevocationReason.LOGOUT);
  }

  synchronized List<SessionSummary> sessions() {
    return manager.sessionsOf(requireUser());
  }

  synchronized int revokeOthers() {
    requireUser();
    return manager.revokeOthers(session);
  }

  synchronized Optional<Session> current() {
    return Optional.ofNullable(session);
  }

  synchronized Optional<String> userId() {
    return session == null ? Optional.empty() : session.userId();
  }

  synchronized Set<String> roles() {
    if (session == null || !session.isAuthenticated()) {
      return Set.of();
    }
    Object value = peek(ROLES_ATTRIBUTE);
    if (!(value instanceof String joined) || joined.isEmpty()) {
      return Set.of();
    }
    return Set.of(joined.split(","));
  }

  synchronized Optional<SessionHandle> handle() {
    return session == null ? Optional.empty() : Optional.of(session.handle());
  }

  synchronized Optional<Instant> authenticatedAt() {
    return session == null ? Optional.empty() : session.authenticatedAt();
  }

  synchronized long version() {
    return session == null ? 0 : session.version();
  }

  synchronized String csrfToken() {
    Object existing = peek(CSRF_ATTRIBUTE);
    if (existing instanceof String token) {
      return token;
    }
    session(true);
    byte[] bytes = new byte[32];
    settings.random.nextBytes(bytes);
    String token = BASE64URL.encodeToString(bytes);
    internalPut(CSRF_ATTRIBUTE, token);
    return token;
  }

  private String requireUser() {
    if (session == null || !session.isAuthenticated()) {
      throw new IllegalStateException("this request has no authenticated session");
    }
    return session.userId().orElseThrow();
  }

  private void internalPut(String name, Object value) {
    if (value == null) {
      internalRemove(name);
    } else if (session != null || transientAttributes != null) {
      put(name, value);
    }
  }

  private void internalRemove(String name) {
    if (session != null && peek(name) != null) {
      remove(name);
    }
  }

  private static String joinRoles(Set<String> roles) {
    if (roles.isEmpty()) {
      return null;
    }
    StringBuilder joined = new StringBuilder();
    for (String role : new TreeSet<>(roles)) {
      if (role.isEmpty() || role.length() > 100 || role.indexOf(',') >= 0 || !role.equals(role.strip())) {
        throw new IllegalArgumentException("a role name has 1 to 100 characters, no comma and no surrounding space");
      }
      if (joined.length() > 0) {
        joined.append(',');
      }
      joined.append(role);
    }
    return joined.toString();
  }

  // ------------------------------------------------------------------ commit

  /**
   * Called before anything that may commit the response: writes the request's changes as one
   * delta and sends the session ID (or its removal) to the client. Later calls do nothing; what
   * changes after it is written by {@link #finish()}.
   */
  synchronized void beforeCommit() {
    if (transportWritten || finished) {
      return;
    }
    save();
    writeTransport();
  }

  /** Re-sends the transport headers after the application reset the response. */
  synchronized void afterReset() {
    if (transportWritten) {
      writeTransport();
    }
  }

  /** Writes what is left; idempotent. */
  synchronized void finish() {
    if (finished) {
      return;
    }
    finished = true;
    save();
    if (!transportWritten) {
      writeTransport();
    }
  }

  /**
   * Prepares for a re-dispatch that reaches the filter with an unwrapped request (an error page
   * after {@code sendError} or an exception): what the error page changes is written when it ends.
   */
  synchronized void reopen() {
    finished = false;
  }

  /** Gives up on this request's changes (the answer is an error). */
  synchronized void abandon() {
    finished = true;
    clearPending();
  }

  private void save() {
    if (session == null) {
      clearPending();
      return;
    }
    SessionUpdate update = pendingUpdate();
    if (update.isEmpty() && saveAttempted) {
      return;
    }
    saveAttempted = true;
    Optional<Session> saved;
    try {
      saved = manager.save(session, update);
    } catch (StoreUnavailableException e) {
      if (storeUnavailable(e, "save")) {
        clearPending();
        return;
      }
      throw e;
    }
    clearPending();
    if (saved.isEmpty()) {
      // Revoked or expired by someone else while this request ran.
      destroyLocally();
    } else {
      session = saved.get();
    }
  }

  private SessionUpdate pendingUpdate() {
    if (puts == null && removals == null && readMutable == null && idleTimeout == null) {
      return SessionUpdate.none();
    }
    SessionUpdate.Builder update = SessionUpdate.builder();
    if (readMutable != null) {
      for (Map.Entry<String, Object> e : readMutable.entrySet()) {
        update.put(e.getKey(), e.getValue());
      }
    }
    if (removals != null) {
      for (String name : removals) {
        update.remove(name);
      }
    }
    if (puts != null) {
      for (Map.Entry<String, Object> e : puts.entrySet()) {
        update.put(e.getKey(), e.getValue());
      }
    }
    if (idleTimeout != null) {
      update.idleTimeout(idleTimeout);
    }
    return update.build();
  }

  private void writeTransport() {
    transportWritten = true;
    if (idToSend == null && !clearCookie) {
      return;
    }
    if (response.isCommitted()) {
      LOG.warn("the response was committed before the session {} could be sent; the client keeps its old one",
          idToSend != null ? idToSend.handle() : "removal");
      return;
    }
    if (idToSend != null) {
      if (transport == Transport.HEADER) {
        response.setHeader(settings.headerName, idToSend.value());
      } else {
        Duration sessionLeft = session == null ? null
            : Duration.between(manager.clock().instant(), session.absoluteExpiry());
        response.addHeader("Set-Cookie", settings.cookie.setCookie(idToSend.value(), sessionLeft));
      }
      response.setHeader("Cache-Control", "no-store");
    } else if (transport == Transport.COOKIE) {
      response.addHeader("Set-Cookie", settings.cookie.clearCookie());
      response.setHeader("Cache-Control", "no-store");
    }
  }

  // ------------------------------------------------------------------ mutability rule

  private static boolean mayBeMutable(Object value) {
    return !(value instanceof String || value instanceof Number && isJdkImmutableNumber(value)
        || value instanceof Boolean || value instanceof Character || value instanceof Enum<?>
        || value instanceof UUID || value instanceof TemporalAccessor && isJavaTime(value)
        || value instanceof Duration);
  }

  private static boolean isJdkImmutableNumber(Object value) {
    return value instanceof Integer || value instanceof Long || value instanceof Double || value instanceof Float
        || value instanceof Short || value instanceof Byte || value instanceof BigInteger
        || value instanceof BigDecimal;
  }

  private static boolean isJavaTime(Object value) {
    return value.getClass().getName().startsWith("java.time.");
  }

  @Override
  public String toString() {
    return "RequestSession[route=" + route.pattern() + ", session=" + (session == null ? "none" : session.handle())
        + "]";
  }
}
