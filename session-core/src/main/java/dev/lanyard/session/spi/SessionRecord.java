package dev.lanyard.session.spi;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A session as a store keeps it: metadata plus attributes already encoded to bytes by the
 * {@link AttributeCodec}. Records are small and disposable; business data belongs in the
 * application's database.
 *
 * <p>Build one by name with {@link #builder()}, or derive one from another with {@link #mutate()}
 * or a {@code with…} method. There is no positional constructor, so a field added later breaks no
 * caller and two fields of one type cannot be swapped unnoticed.
 *
 * <p>The record is immutable, except that the attribute byte arrays are shared, not copied:
 * whoever receives a record must not modify them. Stores that keep records in memory copy them
 * on the way in and out.
 *
 * @since 0.1.0
 */
public final class SessionRecord {

    private final SessionHandle handle;
    private final String userId;
    private final long version;
    private final long userVersion;
    private final Instant createdAt;
    private final Instant lastAccessedAt;
    private final Duration idleTimeout;
    private final Instant absoluteExpiry;
    private final Instant authenticatedAt;
    private final String lastNode;
    private final ClientInfo client;
    private final Map<String, byte[]> attributes;

    private SessionRecord(Builder b) {
        this.handle = Objects.requireNonNull(b.handle, "handle");
        this.createdAt = Objects.requireNonNull(b.createdAt, "createdAt");
        this.lastAccessedAt = Objects.requireNonNull(b.lastAccessedAt, "lastAccessedAt");
        this.idleTimeout = Objects.requireNonNull(b.idleTimeout, "idleTimeout");
        this.absoluteExpiry = Objects.requireNonNull(b.absoluteExpiry, "absoluteExpiry");
        this.client = Objects.requireNonNull(b.client, "client");
        if (b.userVersion < 0) {
            throw new IllegalArgumentException("userVersion (" + b.userVersion + ") must not be negative");
        }
        this.userId = b.userId;
        this.version = b.version;
        this.userVersion = b.userVersion;
        this.authenticatedAt = b.authenticatedAt;
        this.lastNode = b.lastNode;
        this.attributes = Map.copyOf(Objects.requireNonNull(b.attributes, "attributes"));
    }

    /**
     * Starts an empty builder. {@code handle}, {@code createdAt}, {@code lastAccessedAt},
     * {@code idleTimeout} and {@code absoluteExpiry} must be set; the others default to an anonymous
     * session at version 1 with user version 0, no authentication time, no node,
     * {@link ClientInfo#UNKNOWN} and no attributes.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding this record's values, to derive a record that differs in a few.
     *
     * @return a new builder
     */
    public Builder mutate() {
        return new Builder()
                .handle(handle)
                .userId(userId)
                .version(version)
                .userVersion(userVersion)
                .createdAt(createdAt)
                .lastAccessedAt(lastAccessedAt)
                .idleTimeout(idleTimeout)
                .absoluteExpiry(absoluteExpiry)
                .authenticatedAt(authenticatedAt)
                .lastNode(lastNode)
                .client(client)
                .attributes(attributes);
    }

    /**
     * Returns this record with other attributes and every other value kept.
     *
     * @param attributes the encoded attributes, by name
     * @return the new record
     */
    public SessionRecord withAttributes(Map<String, byte[]> attributes) {
        return mutate().attributes(attributes).build();
    }

    /**
     * Returns this record with another user-version stamp and every other value kept.
     *
     * @param userVersion the version of the session's user when the user was bound to it
     * @return the new record
     * @throws IllegalArgumentException if {@code userVersion} is negative
     */
    public SessionRecord withUserVersion(long userVersion) {
        return mutate().userVersion(userVersion).build();
    }

    /** @return the session's handle, which is also its key in the store */
    public SessionHandle handle() {
        return handle;
    }

    /** @return the authenticated user, or {@code null} while the session is anonymous */
    public String userId() {
        return userId;
    }

    /** @return the session version; it grows on every privilege change */
    public long version() {
        return version;
    }

    /**
     * Returns the version of the session's user when the user was bound to it (see
     * {@link UserIndexedStore#userVersion}): {@code 0} for anonymous sessions and for stores that do
     * not index users. A session whose stamp is older than its user's current version is dead.
     *
     * @return the user-version stamp
     */
    public long userVersion() {
        return userVersion;
    }

    /** @return when the session was created */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return when the session was last used, as last written (touches are coalesced) */
    public Instant lastAccessedAt() {
        return lastAccessedAt;
    }

    /** @return how long the session lives without being used */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return when the session ends whatever its use */
    public Instant absoluteExpiry() {
        return absoluteExpiry;
    }

    /** @return when the user last proved their identity, or {@code null} if never */
    public Instant authenticatedAt() {
        return authenticatedAt;
    }

    /** @return the node that last wrote the session, or {@code null} */
    public String lastNode() {
        return lastNode;
    }

    /** @return what the session remembers of its client */
    public ClientInfo client() {
        return client;
    }

    /** @return the encoded attributes, by name, unmodifiable (the arrays must not be modified) */
    public Map<String, byte[]> attributes() {
        return attributes;
    }

    /**
     * Returns when the session ends if nobody uses it again: the earlier of idle and absolute
     * expiry.
     *
     * @return the expiry instant
     */
    public Instant expiresAt() {
        Instant idle = lastAccessedAt.plus(idleTimeout);
        return idle.isBefore(absoluteExpiry) ? idle : absoluteExpiry;
    }

    /**
     * Returns the encoded size of the attributes, in bytes: names (as UTF-16 length) plus values.
     * This is the measure the payload limits apply to.
     *
     * @return the size
     */
    public long attributeBytes() {
        return sizeOf(attributes);
    }

    /**
     * Measures encoded attributes the way {@link #attributeBytes()} does.
     *
     * @param attributes encoded attributes
     * @return their size in bytes
     */
    public static long sizeOf(Map<String, byte[]> attributes) {
        long size = 0;
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            size += e.getKey().length() + e.getValue().length;
        }
        return size;
    }

    /** @return whether a user is bound to the session */
    public boolean isAuthenticated() {
        return userId != null;
    }

    /** Describes the record by handle, user presence, version and attribute names; never values. */
    @Override
    public String toString() {
        return "SessionRecord[handle=" + handle + ", authenticated=" + isAuthenticated() + ", version=" + version
                + ", attributes=" + attributes.keySet() + "]";
    }

    /** Compares every field, attribute values by content. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof SessionRecord r)) {
            return false;
        }
        if (!(handle.equals(r.handle)
                && Objects.equals(userId, r.userId)
                && version == r.version
                && userVersion == r.userVersion
                && createdAt.equals(r.createdAt)
                && lastAccessedAt.equals(r.lastAccessedAt)
                && idleTimeout.equals(r.idleTimeout)
                && absoluteExpiry.equals(r.absoluteExpiry)
                && Objects.equals(authenticatedAt, r.authenticatedAt)
                && Objects.equals(lastNode, r.lastNode)
                && client.equals(r.client)
                && attributes.keySet().equals(r.attributes.keySet()))) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            if (!Arrays.equals(e.getValue(), r.attributes.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(handle, userId, version, createdAt, lastAccessedAt);
    }

    /**
     * Collects a record's values by name. Not thread-safe; {@link #build()} checks the values and
     * may be called more than once.
     *
     * @since 0.1.0
     */
    public static final class Builder {

        private SessionHandle handle;
        private String userId;
        private long version = 1;
        private long userVersion;
        private Instant createdAt;
        private Instant lastAccessedAt;
        private Duration idleTimeout;
        private Instant absoluteExpiry;
        private Instant authenticatedAt;
        private String lastNode;
        private ClientInfo client = ClientInfo.UNKNOWN;
        private Map<String, byte[]> attributes = Map.of();

        private Builder() {}

        /**
         * Sets the session's handle, which is also its key in the store. Required.
         *
         * @param handle the handle
         * @return this builder
         */
        public Builder handle(SessionHandle handle) {
            this.handle = handle;
            return this;
        }

        /**
         * Sets the authenticated user.
         *
         * @param userId the user, or {@code null} while the session is anonymous
         * @return this builder
         */
        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        /**
         * Sets the session version, which grows on every privilege change. Defaults to 1.
         *
         * @param version the version
         * @return this builder
         */
        public Builder version(long version) {
            this.version = version;
            return this;
        }

        /**
         * Sets the version of the session's user when the user was bound to it; {@code 0} (the
         * default) when anonymous or when the store does not index users. Must not be negative.
         *
         * @param userVersion the user-version stamp
         * @return this builder
         */
        public Builder userVersion(long userVersion) {
            this.userVersion = userVersion;
            return this;
        }

        /**
         * Sets when the session was created. Required.
         *
         * @param createdAt the creation instant
         * @return this builder
         */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /**
         * Sets when the session was last used. Required.
         *
         * @param lastAccessedAt the last-access instant
         * @return this builder
         */
        public Builder lastAccessedAt(Instant lastAccessedAt) {
            this.lastAccessedAt = lastAccessedAt;
            return this;
        }

        /**
         * Sets how long the session lives without being used. Required.
         *
         * @param idleTimeout the idle timeout
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Sets when the session ends whatever its use. Required.
         *
         * @param absoluteExpiry the absolute expiry
         * @return this builder
         */
        public Builder absoluteExpiry(Instant absoluteExpiry) {
            this.absoluteExpiry = absoluteExpiry;
            return this;
        }

        /**
         * Sets when the user last proved their identity.
         *
         * @param authenticatedAt the authentication time, or {@code null} if never
         * @return this builder
         */
        public Builder authenticatedAt(Instant authenticatedAt) {
            this.authenticatedAt = authenticatedAt;
            return this;
        }

        /**
         * Sets the node that last wrote the session.
         *
         * @param lastNode the node, or {@code null}
         * @return this builder
         */
        public Builder lastNode(String lastNode) {
            this.lastNode = lastNode;
            return this;
        }

        /**
         * Sets what the session remembers of its client. Defaults to {@link ClientInfo#UNKNOWN}.
         *
         * @param client the client information
         * @return this builder
         */
        public Builder client(ClientInfo client) {
            this.client = client;
            return this;
        }

        /**
         * Sets the encoded attributes, by name. Defaults to none. The map is copied; the arrays are
         * not.
         *
         * @param attributes the encoded attributes
         * @return this builder
         */
        public Builder attributes(Map<String, byte[]> attributes) {
            this.attributes = attributes;
            return this;
        }

        /**
         * Builds the record.
         *
         * @return the record
         * @throws NullPointerException if a required value is missing
         * @throws IllegalArgumentException if {@code userVersion} is negative
         */
        public SessionRecord build() {
            return new SessionRecord(this);
        }
    }
}
