package dev.lanyard.session.event;

import dev.lanyard.session.SessionHandle;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One Lanyard operation as a {@link SessionObserver} sees it: its kind, its outcome, a bounded
 * reason, for store calls the store operation and kind, and the session's handle and version.
 * Created by Lanyard only when an observer is configured; one instance per operation, used by one
 * thread, not thread-safe.
 *
 * <p>What may go where: {@link #kind}, {@link #operation}, {@link #outcome}, {@link #reason} and
 * {@link #store} take a small, fixed set of values (enum constants in lower case) and are safe as
 * metric tags. {@link #handle} and {@link #version} are per session: trace attributes only, never
 * tags. Nothing here ever holds a raw session ID, a token or a user ID.
 *
 * @since 0.1.0
 */
public final class ObservedOperation {

    /** What is observed; each kind has a fixed observation name. */
    public enum Kind {
        /** {@code SessionManager.create}: a new anonymous session. */
        CREATE("lanyard.session.create", "create"),
        /** {@code SessionManager.resolve} and {@code lookup}: a presented ID or handle checked. */
        RESOLVE("lanyard.session.resolve", "resolve"),
        /** {@code SessionManager.save}: a request's changes written (or found unchanged). */
        SAVE("lanyard.session.save", "save"),
        /** {@code SessionManager.login}: a user bound to a session under a new ID. */
        LOGIN("lanyard.session.login", "login"),
        /** {@code changeId}, {@code privilegeChanged}, {@code reauthenticated}: a new ID. */
        ROTATE("lanyard.session.rotate", "rotate"),
        /** {@code logout}, {@code revoke}, {@code revokeAll}: sessions ended on purpose. */
        REVOKE("lanyard.session.revoke", "revoke"),
        /** One call to the session store; {@link #operation()} names it. */
        STORE_CALL("lanyard.store.call", null),
        /** {@code AccessTokenVerifier.verify}: an access token checked. */
        TOKEN_VERIFY("lanyard.token.verify", "verify"),
        /** {@code RefreshTokenService.refresh}: a refresh token exchanged for a new pair. */
        TOKEN_REFRESH("lanyard.token.refresh", "refresh");

        private final String observationName;
        private final String operation;

        Kind(String observationName, String operation) {
            this.observationName = observationName;
            this.operation = operation;
        }

        /** @return the observation (span) name, such as {@code lanyard.session.resolve} */
        public String observationName() {
            return observationName;
        }
    }

    /** How an operation ended. */
    public enum Outcome {
        /** It did what was asked. */
        SUCCESS,
        /** It answered no: nothing to resolve, a rejected token, a refused login; {@link #reason()} says why. */
        REFUSED,
        /** It failed with an exception (the store was unavailable, say); {@link #error()} holds it. */
        ERROR
    }

    private final Kind kind;
    private final String operation;
    private final String store;
    private Outcome outcome = Outcome.SUCCESS;
    private String reason;
    private SessionHandle handle;
    private long version = -1;
    private Throwable error;
    private Object attachment;

    private ObservedOperation(Kind kind, String operation, String store) {
        this.kind = kind;
        this.operation = operation;
        this.store = store;
    }

    /**
     * Starts observing an operation: creates it and calls {@link SessionObserver#onStart}.
     *
     * @param observer the observer, guarded by the caller if it may throw
     * @param kind what is observed
     * @return the operation; call {@link #stop} exactly once when it ends
     */
    public static ObservedOperation start(SessionObserver observer, Kind kind) {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.STORE_CALL) {
            throw new IllegalArgumentException("start a store call with startStoreCall");
        }
        ObservedOperation operation = new ObservedOperation(kind, kind.operation, null);
        observer.onStart(operation);
        return operation;
    }

    /**
     * Starts observing one store call.
     *
     * @param observer the observer, guarded by the caller if it may throw
     * @param operation the store operation
     * @param store the store's kind, from {@link #storeKind(Object)}
     * @return the operation; call {@link #stop} exactly once when it ends
     */
    public static ObservedOperation startStoreCall(
            SessionObserver observer, SessionEvent.StoreOperation operation, String store) {
        ObservedOperation observed =
                new ObservedOperation(Kind.STORE_CALL, lower(operation), Objects.requireNonNull(store, "store"));
        observer.onStart(observed);
        return observed;
    }

    /**
     * The kind of a store, as reported in {@link #store()}: its class's simple name in lower case
     * without a {@code SessionStore} or {@code Store} suffix, such as {@code redis} for
     * {@code RedisSessionStore} or {@code inmemory} for {@code InMemorySessionStore}.
     *
     * @param store the store
     * @return its kind
     */
    public static String storeKind(Object store) {
        String name = store.getClass().getSimpleName();
        if (name.isEmpty()) {
            name = "custom";
        }
        for (String suffix : new String[] {"SessionStore", "Store"}) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                name = name.substring(0, name.length() - suffix.length());
                break;
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * Ends the observation: calls {@link SessionObserver#onStop}.
     *
     * @param observer the observer given to {@link #start}
     */
    public void stop(SessionObserver observer) {
        observer.onStop(this);
    }

    // ---------------------------------------------------------------- recorded by Lanyard

    /**
     * Records that the operation answered no, and why.
     *
     * @param why a constant of a Lanyard enum, reported in lower case
     * @return this
     */
    public ObservedOperation refused(Enum<?> why) {
        this.outcome = Outcome.REFUSED;
        this.reason = lower(why);
        return this;
    }

    /**
     * Records that the operation answered no, for a reason that is not an enum constant: one of a
     * fixed set of lower-case words the caller defines (such as {@code not_found}). Never pass text
     * that came from a client.
     *
     * @param why the word
     * @return this
     */
    public ObservedOperation refused(String why) {
        this.outcome = Outcome.REFUSED;
        this.reason = Objects.requireNonNull(why, "why");
        return this;
    }

    /**
     * Records a bounded detail of a successful operation: the rotation cause, the revocation
     * reason, what a save wrote.
     *
     * @param why a constant of a Lanyard enum, reported in lower case
     * @return this
     */
    public ObservedOperation reason(Enum<?> why) {
        this.reason = lower(why);
        return this;
    }

    /**
     * Records a reason that is not an enum constant: one of a fixed set of lower-case words the
     * caller defines (such as {@code unchanged}). Never pass text that came from a client.
     *
     * @param why the word
     * @return this
     */
    public ObservedOperation reason(String why) {
        this.reason = Objects.requireNonNull(why, "why");
        return this;
    }

    /**
     * Records that the operation failed with an exception.
     *
     * @param failure the exception, which (like every Lanyard exception) holds no secret
     * @return this
     */
    public ObservedOperation failed(Throwable failure) {
        this.outcome = Outcome.ERROR;
        this.error = Objects.requireNonNull(failure, "failure");
        return this;
    }

    /**
     * Records the session the operation acted on (for a rotation or login, the session under its
     * new ID).
     *
     * @param value the session's public handle
     * @return this
     */
    public ObservedOperation handle(SessionHandle value) {
        this.handle = value;
        return this;
    }

    /**
     * Records the session version the operation saw or produced.
     *
     * @param value the version
     * @return this
     */
    public ObservedOperation version(long value) {
        this.version = value;
        return this;
    }

    // ---------------------------------------------------------------- read by observers

    /** @return what is observed */
    public Kind kind() {
        return kind;
    }

    /**
     * @return the operation in lower case: the kind's verb ({@code resolve}, {@code login},
     *     {@code verify}) or, for a store call, the store operation ({@code load}, {@code rotate})
     */
    public String operation() {
        return operation;
    }

    /** @return how it ended; {@link Outcome#SUCCESS} until told otherwise */
    public Outcome outcome() {
        return outcome;
    }

    /** @return the outcome in lower case, as a tag value */
    public String outcomeValue() {
        return lower(outcome);
    }

    /** @return why it was refused, or a bounded detail of its success; lower case */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** @return for a store call, the store's kind (see {@link #storeKind(Object)}) */
    public Optional<String> store() {
        return Optional.ofNullable(store);
    }

    /** @return the session's public handle, where known: high cardinality, traces only */
    public Optional<SessionHandle> handle() {
        return Optional.ofNullable(handle);
    }

    /** @return the session version, where known: high cardinality, traces only */
    public OptionalLong version() {
        return version < 0 ? OptionalLong.empty() : OptionalLong.of(version);
    }

    /** @return the exception it failed with, if {@link Outcome#ERROR} */
    public Optional<Throwable> error() {
        return Optional.ofNullable(error);
    }

    /**
     * Lets the observer keep its own state (a span, a scope) from {@link SessionObserver#onStart}
     * to {@link SessionObserver#onStop}.
     *
     * @param value the observer's state
     */
    public void attach(Object value) {
        this.attachment = value;
    }

    /** @return what the observer attached, or {@code null} */
    public Object attachment() {
        return attachment;
    }

    private static String lower(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "ObservedOperation[" + kind.observationName + ", operation=" + operation + ", outcome=" + lower(outcome)
                + (reason != null ? ", reason=" + reason : "") + (store != null ? ", store=" + store : "")
                + (handle != null ? ", handle=" + handle : "") + (version >= 0 ? ", version=" + version : "") + "]";
    }
}
