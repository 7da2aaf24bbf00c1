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
 * <p>Fields documented as "or {@code null} to keep" leave the stored value as it is.
 *
 * @param newHandle the handle the session moves to
 * @param userId the user to bind, or {@code null} to keep the stored one
 * @param userVersion the bound user's version as {@link UserIndexedStore#admit} reported it, stamped
 *     on the session when {@code userId} is not {@code null}; ignored (the stamp is kept) otherwise
 * @param bumpVersion whether the session version grows by one
 * @param authenticatedAt a new authentication time, or {@code null} to keep
 * @param lastAccessedAt the new last-access time
 * @param idleTimeout a new idle timeout, or {@code null} to keep
 * @param absoluteExpiry a new absolute expiry, or {@code null} to keep
 * @param lastNode the node rotating, or {@code null} to keep
 * @param client new client information, or {@code null} to keep
 * @param ttl the time to live of the new session, counted from when the store applies it
 *
 * @since 0.1.0
 */
public record Rotation(
    SessionHandle newHandle,
    String userId,
    long userVersion,
    boolean bumpVersion,
    Instant authenticatedAt,
    Instant lastAccessedAt,
    Duration idleTimeout,
    Instant absoluteExpiry,
    String lastNode,
    ClientInfo client,
    Duration ttl) {

  /**
   * Checks the required values.
   *
   * @param newHandle the handle the session moves to
   * @param userId the user to bind, or {@code null} to keep the stored one
   * @param userVersion the bound user's version, stamped when {@code userId} is not {@code null}
   * @param bumpVersion whether the session version grows by one
   * @param authenticatedAt a new authentication time, or {@code null} to keep
   * @param lastAccessedAt the new last-access time
   * @param idleTimeout a new idle timeout, or {@code null} to keep
   * @param absoluteExpiry a new absolute expiry, or {@code null} to keep
   * @param lastNode the node rotating, or {@code null} to keep
   * @param client new client information, or {@code null} to keep
   * @param ttl the time to live of the new session, counted from when the store applies it
   */
  public Rotation {
    Objects.requireNonNull(newHandle, "newHandle");
    Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
    Objects.requireNonNull(ttl, "ttl");
    if (userVersion < 0) {
      throw new IllegalArgumentException("userVersion (" + userVersion + ") must not be negative");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl (" + ttl + ") must be positive");
    }
  }

  /**
   * Applies this rotation to a record, as a store that computes in Java does.
   *
   * @param old the record under the old handle
   * @return the record to store under {@link #newHandle()}
   */
  public SessionRecord applyTo(SessionRecord old) {
    return new SessionRecord(
        newHandle,
        userId != null ? userId : old.userId(),
        bumpVersion ? old.version() + 1 : old.version(),
        userId != null ? userVersion : old.userVersion(),
        old.createdAt(),
        lastAccessedAt,
        idleTimeout != null ? idleTimeout : old.idleTimeout(),
        absoluteExpiry != null ? absoluteExpiry : old.absoluteExpiry(),
        authenticatedAt != null ? authenticatedAt : old.authenticatedAt(),
        lastNode != null ? lastNode : old.lastNode(),
        client != null ? client : old.client(),
        old.attributes());
  }
}
