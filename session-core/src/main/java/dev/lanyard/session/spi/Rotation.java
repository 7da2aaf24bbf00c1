package dev.lanyard.session.spi;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How a session moves to a new handle. The store replaces the session under the old handle by
 * one under {@link #newHandle()} that keeps every attribute and every field this rotation does
 * not change, atomically: afterwards the old handle resolves nothing, and a failure leaves
 * either the old session or none, never both.
 *
 * <p>Build one by name with {@link #builder()}. Values documented as "or {@code null} to keep"
 * leave the stored value as it is, and are {@code null} unless set.
 *
 * @since 0.1.0
 */
public final class Rotation {

    private final SessionHandle newHandle;
    private final String userId;
    private final long userVersion;
    private final boolean bumpVersion;
    private final Instant authenticatedAt;
    private final Instant lastAccessedAt;
    private final Duration idleTimeout;
    private final Instant absoluteExpiry;
    private final String lastNode;
    private final ClientInfo client;
    private final Duration ttl;

    private Rotation(Builder b) {
        this.newHandle = Objects.requireNonNull(b.newHandle, "newHandle");
        this.lastAccessedAt = Objects.requireNonNull(b.lastAccessedAt, "lastAccessedAt");
        this.ttl = Objects.requireNonNull(b.ttl, "ttl");
        if (b.userVersion < 0) {
            throw new IllegalArgumentException("userVersion (" + b.userVersion + ") must not be negative");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl (" + ttl + ") must be positive");
        }
        this.userId = b.userId;
        this.userVersion = b.userVersion;
        this.bumpVersion = b.bumpVersion;
        this.authenticatedAt = b.authenticatedAt;
        this.idleTimeout = b.idleTimeout;
        this.absoluteExpiry = b.absoluteExpiry;
        this.lastNode = b.lastNode;
        this.client = b.client;
    }

    /**
     * Starts an empty builder. {@code newHandle}, {@code lastAccessedAt} and {@code ttl} must be
     * set; by default the rotation keeps the version and every other stored value.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the handle the session moves to */
    public SessionHandle newHandle() {
        return newHandle;
    }

    /** @return the user to bind, or {@code null} to keep the stored one */
    public String userId() {
        return userId;
    }

    /**
     * Returns the bound user's version as {@link UserIndexedStore#admit} reported it, stamped on the
     * session when {@link #userId()} is not {@code null}; ignored (the stamp is kept) otherwise.
     *
     * @return the user version
     */
    public long userVersion() {
        return userVersion;
    }

    /** @return whether the session version grows by one */
    public boolean bumpVersion() {
        return bumpVersion;
    }

    /** @return a new authentication time, or {@code null} to keep */
    public Instant authenticatedAt() {
        return authenticatedAt;
    }

    /** @return the new last-access time */
    public Instant lastAccessedAt() {
        return lastAccessedAt;
    }

    /** @return a new idle timeout, or {@code null} to keep */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return a new absolute expiry, or {@code null} to keep */
    public Instant absoluteExpiry() {
        return absoluteExpiry;
    }

    /** @return the node rotating, or {@code null} to keep */
    public String lastNode() {
        return lastNode;
    }

    /** @return new client information, or {@code null} to keep */
    public ClientInfo client() {
        return client;
    }

    /** @return the time to live of the new session, counted from when the store applies it */
    public Duration ttl() {
        return ttl;
    }

    /**
     * Applies this rotation to a record, as a store that computes in Java does.
     *
     * @param old the record under the old handle
     * @return the record to store under {@link #newHandle()}
     */
    public SessionRecord applyTo(SessionRecord old) {
        return old.mutate()
                .handle(newHandle)
                .userId(userId != null ? userId : old.userId())
                .version(bumpVersion ? old.version() + 1 : old.version())
                .userVersion(userId != null ? userVersion : old.userVersion())
                .lastAccessedAt(lastAccessedAt)
                .idleTimeout(idleTimeout != null ? idleTimeout : old.idleTimeout())
                .absoluteExpiry(absoluteExpiry != null ? absoluteExpiry : old.absoluteExpiry())
                .authenticatedAt(authenticatedAt != null ? authenticatedAt : old.authenticatedAt())
                .lastNode(lastNode != null ? lastNode : old.lastNode())
                .client(client != null ? client : old.client())
                .build();
    }

    /** Compares every value. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Rotation r
                && newHandle.equals(r.newHandle)
                && Objects.equals(userId, r.userId)
                && userVersion == r.userVersion
                && bumpVersion == r.bumpVersion
                && Objects.equals(authenticatedAt, r.authenticatedAt)
                && lastAccessedAt.equals(r.lastAccessedAt)
                && Objects.equals(idleTimeout, r.idleTimeout)
                && Objects.equals(absoluteExpiry, r.absoluteExpiry)
                && Objects.equals(lastNode, r.lastNode)
                && Objects.equals(client, r.client)
                && ttl.equals(r.ttl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                newHandle,
                userId,
                userVersion,
                bumpVersion,
                authenticatedAt,
                lastAccessedAt,
                idleTimeout,
                absoluteExpiry,
                lastNode,
                client,
                ttl);
    }

    /** Describes every value, in the order the former record listed them. */
    @Override
    public String toString() {
        return "Rotation[newHandle=" + newHandle + ", userId=" + userId + ", userVersion=" + userVersion
                + ", bumpVersion=" + bumpVersion + ", authenticatedAt=" + authenticatedAt
                + ", lastAccessedAt=" + lastAccessedAt + ", idleTimeout=" + idleTimeout
                + ", absoluteExpiry=" + absoluteExpiry + ", lastNode=" + lastNode + ", client=" + client
                + ", ttl=" + ttl + "]";
    }

    /**
     * Collects a rotation's values by name. Not thread-safe; {@link #build()} checks the values and
     * may be called more than once.
     *
     * @since 0.1.0
     */
    public static final class Builder {

        private SessionHandle newHandle;
        private String userId;
        private long userVersion;
        private boolean bumpVersion;
        private Instant authenticatedAt;
        private Instant lastAccessedAt;
        private Duration idleTimeout;
        private Instant absoluteExpiry;
        private String lastNode;
        private ClientInfo client;
        private Duration ttl;

        private Builder() {}

        /**
         * Sets the handle the session moves to. Required.
         *
         * @param newHandle the new handle
         * @return this builder
         */
        public Builder newHandle(SessionHandle newHandle) {
            this.newHandle = newHandle;
            return this;
        }

        /**
         * Sets the user to bind.
         *
         * @param userId the user, or {@code null} (the default) to keep the stored one
         * @return this builder
         */
        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        /**
         * Sets the bound user's version as {@link UserIndexedStore#admit} reported it; used only when
         * a user is bound. Defaults to 0; must not be negative.
         *
         * @param userVersion the user version
         * @return this builder
         */
        public Builder userVersion(long userVersion) {
            this.userVersion = userVersion;
            return this;
        }

        /**
         * Sets whether the session version grows by one. Defaults to {@code false}.
         *
         * @param bumpVersion whether the version grows
         * @return this builder
         */
        public Builder bumpVersion(boolean bumpVersion) {
            this.bumpVersion = bumpVersion;
            return this;
        }

        /**
         * Sets a new authentication time.
         *
         * @param authenticatedAt the time, or {@code null} (the default) to keep
         * @return this builder
         */
        public Builder authenticatedAt(Instant authenticatedAt) {
            this.authenticatedAt = authenticatedAt;
            return this;
        }

        /**
         * Sets the new last-access time. Required.
         *
         * @param lastAccessedAt the time
         * @return this builder
         */
        public Builder lastAccessedAt(Instant lastAccessedAt) {
            this.lastAccessedAt = lastAccessedAt;
            return this;
        }

        /**
         * Sets a new idle timeout.
         *
         * @param idleTimeout the timeout, or {@code null} (the default) to keep
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Sets a new absolute expiry.
         *
         * @param absoluteExpiry the expiry, or {@code null} (the default) to keep
         * @return this builder
         */
        public Builder absoluteExpiry(Instant absoluteExpiry) {
            this.absoluteExpiry = absoluteExpiry;
            return this;
        }

        /**
         * Sets the node rotating.
         *
         * @param lastNode the node, or {@code null} (the default) to keep
         * @return this builder
         */
        public Builder lastNode(String lastNode) {
            this.lastNode = lastNode;
            return this;
        }

        /**
         * Sets new client information.
         *
         * @param client the client, or {@code null} (the default) to keep
         * @return this builder
         */
        public Builder client(ClientInfo client) {
            this.client = client;
            return this;
        }

        /**
         * Sets the time to live of the new session, counted from when the store applies it. Required
         * and positive.
         *
         * @param ttl the time to live
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /**
         * Builds the rotation.
         *
         * @return the rotation
         * @throws NullPointerException if a required value is missing
         * @throws IllegalArgumentException if {@code userVersion} is negative or {@code ttl} not
         *     positive
         */
        public Rotation build() {
            return new Rotation(this);
        }
    }
}
