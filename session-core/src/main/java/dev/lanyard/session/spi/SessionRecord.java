package dev.lanyard.session.spi;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A session as a store keeps it: metadata plus attributes already encoded to bytes by the
 * {@link AttributeCodec}. Records are small and disposable; business data belongs in the
 * application's database.
 *
 * <p>The record is immutable, except that the attribute byte arrays are shared, not copied:
 * whoever receives a record must not modify them. Stores that keep records in memory copy them
 * on the way in and out.
 *
 * @param handle the session's handle, which is also its key in the store
 * @param userId the authenticated user, or {@code null} while the session is anonymous
 * @param version the session version; it grows on every privilege change
 * @param userVersion the version of the session's user when the user was bound to it (see
 *     {@link UserIndexedStore#userVersion}); {@code 0} for anonymous sessions and for stores that
 *     do not index users. A session whose stamp is older than its user's current version is dead.
 * @param createdAt when the session was created
 * @param lastAccessedAt when the session was last used, as last written (touches are coalesced)
 * @param idleTimeout how long the session lives without being used
 * @param absoluteExpiry when the session ends whatever its use
 * @param authenticatedAt when the user last proved their identity, or {@code null} if never
 * @param lastNode the node that last wrote the session, or {@code null}
 * @param client what the session remembers of its client
 * @param attributes the encoded attributes, by name
 *
 * @since 0.1.0
 */
public record SessionRecord(
    SessionHandle handle,
    String userId,
    long version,
    long userVersion,
    Instant createdAt,
    Instant lastAccessedAt,
    Duration idleTimeout,
    Instant absoluteExpiry,
    Instant authenticatedAt,
    String lastNode,
    ClientInfo client,
    Map<String, byte[]> attributes) {

  /**
   * Checks that required values are present and makes the attribute map unmodifiable.
   *
   * @param handle the session's handle, which is also its key in the store
   * @param userId the authenticated user, or {@code null} while the session is anonymous
   * @param version the session version; it grows on every privilege change
   * @param userVersion the version of the session's user when the user was bound to it; {@code 0}
   *     when anonymous or when the store does not index users
   * @param createdAt when the session was created
   * @param lastAccessedAt when the session was last used, as last written (touches are coalesced)
   * @param idleTimeout how long the session lives without being used
   * @param absoluteExpiry when the session ends whatever its use
   * @param authenticatedAt when the user last proved their identity, or {@code null} if never
   * @param lastNode the node that last wrote the session, or {@code null}
   * @param client what the session remembers of its client
   * @param attributes the encoded attributes, by name
   */
  public SessionRecord {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(absoluteExpiry, "absoluteExpiry");
    Objects.requireNonNull(client, "client");
    if (userVersion < 0) {
      throw new IllegalArgumentException("userVersion (" + userVersion + ") must not be negative");
    }
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
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
    if (!(handle.equals(r.handle) && Objects.equals(userId, r.userId) && version == r.version
        && userVersion == r.userVersion
        && createdAt.equals(r.createdAt) && lastAccessedAt.equals(r.lastAccessedAt)
        && idleTimeout.equals(r.idleTimeout) && absoluteExpiry.equals(r.absoluteExpiry)
        && Objects.equals(authenticatedAt, r.authenticatedAt) && Objects.equals(lastNode, r.lastNode)
        && client.equals(r.client) && attributes.keySet().equals(r.attributes.keySet()))) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
      if (!java.util.Arrays.equals(e.getValue(), r.attributes.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(handle, userId, version, createdAt, lastAccessedAt);
  }
}
