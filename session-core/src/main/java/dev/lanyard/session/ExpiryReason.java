package dev.lanyard.session;

/**
 * Why a session stopped being valid without anyone revoking it.
 *
 * @since 0.1.0
 */
public enum ExpiryReason {
    /** It was not used for longer than its idle timeout. */
    IDLE,
    /** It reached its absolute lifetime, however active it was. */
    ABSOLUTE,
    /** A token or cached copy carried an older version than the store's: privileges changed since. */
    VERSION
}
