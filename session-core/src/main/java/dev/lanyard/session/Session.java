package dev.lanyard.session;

import dev.lanyard.session.spi.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A valid session as one request sees it: an immutable snapshot taken when the session was
 * resolved or last written by this caller. Changes go through
 * {@link SessionManager#save(Session, SessionUpdate)}, which returns a new snapshot.
 *
 * <p>Thread-safe. Attribute values are decoded lazily, the first time somebody reads them: a
 * resolve deserializes nothing, and a value that cannot be read (its class was removed or changed
 * in a deploy) is dropped alone, reported as {@link dev.lanyard.session.event.SessionEvent.AttributeUnreadable},
 * while the session and its login stay. Values are the objects the codec decoded; the snapshot
 * does not copy them, so a caller that mutates a value must save it again for the change to
 * reach the store.
 *
 * @since 0.1.0
 */
public final class Session {

    private final SessionRecord record;
    private final SessionAttributes attributes;

    Session(SessionRecord record, SessionAttributes attributes) {
        this.record = Objects.requireNonNull(record, "record");
        this.attributes = Objects.requireNonNull(attributes, "attributes");
    }

    SessionRecord record() {
        return record;
    }

    SessionAttributes lazyAttributes() {
        return attributes;
    }

    /** @return the session's public handle */
    public SessionHandle handle() {
        return record.handle();
    }

    /** @return the bound user, or empty while anonymous */
    public Optional<String> userId() {
        return Optional.ofNullable(record.userId());
    }

    /** @return whether a user is bound */
    public boolean isAuthenticated() {
        return record.userId() != null;
    }

    /** @return the version: it grows on login, step-up and every privilege change */
    public long version() {
        return record.version();
    }

    /**
     * @return the version of the session's user when the user was bound to it ({@code 0} while
     *     anonymous, or when the store does not index users); a revocation of every session of the
     *     user advances the user's version past it, which ends this session
     */
    public long userVersion() {
        return record.userVersion();
    }

    /** @return when the session was created */
    public Instant createdAt() {
        return record.createdAt();
    }

    /** @return when the session was last used, as last written (touches are coalesced) */
    public Instant lastAccessedAt() {
        return record.lastAccessedAt();
    }

    /** @return how long the session lives unused */
    public Duration idleTimeout() {
        return record.idleTimeout();
    }

    /** @return when the session ends however it is used */
    public Instant absoluteExpiry() {
        return record.absoluteExpiry();
    }

    /** @return when the session ends if unused from now on */
    public Instant expiresAt() {
        return record.expiresAt();
    }

    /** @return when the user last authenticated, or empty if never */
    public Optional<Instant> authenticatedAt() {
        return Optional.ofNullable(record.authenticatedAt());
    }

    /**
     * Tells whether the user authenticated recently enough for a step-up protected action.
     *
     * @param maxAge how long ago authentication may be
     * @param now the current time
     * @return {@code true} if authenticated within {@code maxAge} before {@code now}
     */
    public boolean authenticatedWithin(Duration maxAge, Instant now) {
        Instant at = record.authenticatedAt();
        return at != null && !at.plus(maxAge).isBefore(now);
    }

    /** @return the node that last wrote the session, or empty */
    public Optional<String> lastNode() {
        return Optional.ofNullable(record.lastNode());
    }

    /** @return what the session remembers of its client */
    public ClientInfo client() {
        return record.client();
    }

    /**
     * Returns the attributes by name, unmodifiable. Reading a value decodes it on first use;
     * {@code keySet()} and {@code size()} decode nothing, iterating the entries decodes every value.
     * An unreadable value is absent once read (and reported); its name may be listed until then.
     *
     * @return the attributes
     */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /**
     * @param name an attribute name
     * @return its value, or empty if absent
     */
    public Optional<Object> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** @return the encoded size of the attributes, in bytes, as the payload limits measure it */
    public long attributeBytes() {
        return record.attributeBytes();
    }

    /** Describes the session by handle and state; never attribute values. */
    @Override
    public String toString() {
        return "Session[handle=" + handle() + ", authenticated=" + isAuthenticated() + ", version=" + version() + "]";
    }
}
