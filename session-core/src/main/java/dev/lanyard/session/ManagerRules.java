package dev.lanyard.session;

import dev.lanyard.session.spi.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Rules every part of the {@link SessionManager} applies alike: time to live, user IDs. */
final class ManagerRules {

    private ManagerRules() {}

    /** The time to live of {@code record} from {@code now}, or {@code null} when it is over. */
    static Duration ttl(SessionRecord record, Instant now) {
        return ttl(now, record.idleTimeout(), record.absoluteExpiry());
    }

    /** The time to live from {@code now}, or {@code null} when the session is already over. */
    static Duration ttl(Instant now, Duration idle, Instant absoluteExpiry) {
        Instant idleExpiry = now.plus(idle);
        Instant end = idleExpiry.isBefore(absoluteExpiry) ? idleExpiry : absoluteExpiry;
        Duration ttl = Duration.between(now, end);
        return ttl.isNegative() || ttl.isZero() ? null : ttl;
    }

    static void checkUserId(String userId) {
        Objects.requireNonNull(userId, "userId");
        if (userId.isEmpty() || userId.length() > SessionManager.MAX_USER_ID_LENGTH) {
            throw new IllegalArgumentException("a user ID has 1 to " + SessionManager.MAX_USER_ID_LENGTH
                    + " characters (got " + userId.length() + ")");
        }
        for (int i = 0; i < userId.length(); i++) {
            char c = userId.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException("a user ID must not contain control characters");
            }
        }
    }

    static String rootCauseName(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
