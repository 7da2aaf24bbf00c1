package dev.lanyard.session.jdbc;

import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.SessionRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The store's operations on users: admission under the per-user limit, the user's sessions, the
 * user's version and revocation by user. Each that decides something is one short transaction
 * that first locks the user's row ({@link #lockUser}), which serialises them per user and makes
 * the limit atomic. Thread-safe.
 */
final class UserOperations {

    /**
     * How long an admitted handle whose session is not written yet counts against the user's limit,
     * and how long a handle evicted before it was written stays unwritable.
     */
    static final Duration ADMISSION_GRACE = Duration.ofSeconds(30);

    private final Database db;
    private final Clock clock;

    UserOperations(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
        return db.inTransaction("admit", c -> {
            long now = clock.millis();
            long version = lockUser(c, userId, now, now + ttl.toMillis());
            List<Candidate> held = new ArrayList<>();
            try (PreparedStatement s = db.prepare(c, "admissionCandidates")) {
                s.setString(1, userId);
                s.setLong(2, now);
                s.setLong(3, version);
                s.setString(4, userId);
                s.setLong(5, now);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        held.add(new Candidate(SessionHandle.of(rs.getString(1)), rs.getLong(2), rs.getInt(3) == 1));
                    }
                }
            }
            if (held.stream().anyMatch(h -> h.handle.equals(handle))) {
                return new Admission(Admission.Decision.ADMITTED, List.of(), held.size(), version);
            }
            int overflow = held.size() + 1 - limit.maxSessions();
            if (overflow > 0 && limit.overflow() == OverflowRule.REFUSE_NEW) {
                return new Admission(Admission.Decision.REFUSED, List.of(), held.size(), version);
            }
            List<SessionHandle> evicted = new ArrayList<>();
            if (overflow > 0) {
                held.sort(Comparator.comparing((Candidate h) -> !h.written)
                        .thenComparingLong(h -> h.lastUse)
                        .thenComparing(h -> h.handle));
                for (Candidate victim : held.subList(0, overflow)) {
                    String evict = victim.written ? "evictSession" : "evictAdmission";
                    try (PreparedStatement s = db.prepare(c, evict)) {
                        s.setString(1, victim.handle.value());
                        s.executeUpdate();
                    }
                    evicted.add(victim.handle);
                }
            }
            try (PreparedStatement s = db.prepare(c, "admit")) {
                s.setString(1, handle.value());
                s.setString(2, userId);
                s.setLong(3, now);
                s.setLong(4, now + ADMISSION_GRACE.toMillis());
                s.executeUpdate();
            }
            return new Admission(Admission.Decision.ADMITTED, evicted, held.size() - evicted.size() + 1, version);
        });
    }

    private record Candidate(SessionHandle handle, long lastUse, boolean written) {}

    List<SessionRecord> sessionsOf(String userId) {
        long now = clock.millis();
        return db.inConnection(
                "sessionsOf",
                c -> {
                    try (PreparedStatement s = db.prepareRead(c, "sessionsOf")) {
                        s.setString(1, userId);
                        s.setLong(2, now);
                        s.setLong(3, now);
                        List<SessionRecord> records = new ArrayList<>();
                        try (ResultSet rs = s.executeQuery()) {
                            while (rs.next()) {
                                records.add(SessionRows.read(rs));
                            }
                        }
                        return records;
                    }
                },
                true);
    }

    List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
        return db.inTransaction("revokeAll", c -> {
            long now = clock.millis();
            long keep = now + Math.max(sessionLifetime.toMillis(), ADMISSION_GRACE.toMillis());
            long version = lockUser(c, userId, now, keep);
            List<SessionHandle> revoked = new ArrayList<>();
            try (PreparedStatement s = db.prepare(c, "userSessionsForRevocation")) {
                s.setLong(1, version);
                s.setLong(2, now);
                s.setString(3, userId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getBoolean(2)) {
                            revoked.add(SessionHandle.of(rs.getString(1)));
                        }
                    }
                }
            }
            try (PreparedStatement s = db.prepare(c, "bumpUser")) {
                s.setLong(1, keep);
                s.setString(2, userId);
                s.executeUpdate();
            }
            for (String name : List.of("deleteUserSessions", "deleteUserAdmissions")) {
                try (PreparedStatement s = db.prepare(c, name)) {
                    s.setString(1, userId);
                    s.executeUpdate();
                }
            }
            return revoked;
        });
    }

    List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
        return db.inTransaction("revokeOthers", c -> {
            long now = clock.millis();
            long keepUntil = now + Math.max(sessionLifetime.toMillis(), ADMISSION_GRACE.toMillis());
            long version = lockUser(c, userId, now, keepUntil);
            List<SessionHandle> revoked = new ArrayList<>();
            boolean keeps = false;
            try (PreparedStatement s = db.prepare(c, "userSessionsForRevocation")) {
                s.setLong(1, version);
                s.setLong(2, now);
                s.setString(3, userId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        SessionHandle handle = SessionHandle.of(rs.getString(1));
                        boolean live = rs.getBoolean(2);
                        if (handle.equals(keep)) {
                            keeps = live;
                        } else if (live) {
                            revoked.add(handle);
                        }
                    }
                }
            }
            try (PreparedStatement s = db.prepare(c, "bumpUser")) {
                s.setLong(1, keepUntil);
                s.setString(2, userId);
                s.executeUpdate();
            }
            if (keeps) {
                try (PreparedStatement s = db.prepare(c, "restampSession")) {
                    s.setLong(1, version + 1);
                    s.setString(2, keep.value());
                    s.executeUpdate();
                }
            }
            String except = keeps ? keep.value() : "";
            for (String name : List.of("deleteUserSessionsExcept", "deleteUserAdmissionsExcept")) {
                try (PreparedStatement s = db.prepare(c, name)) {
                    s.setString(1, userId);
                    s.setString(2, except);
                    s.executeUpdate();
                }
            }
            return revoked;
        });
    }

    long userVersion(String userId) {
        long now = clock.millis();
        return db.inConnection(
                "userVersion",
                c -> {
                    try (PreparedStatement s = db.prepareRead(c, "userVersion")) {
                        s.setString(1, userId);
                        s.setLong(2, now);
                        try (ResultSet rs = s.executeQuery()) {
                            return rs.next() ? rs.getLong(1) : 0L;
                        }
                    }
                },
                true);
    }

    /**
     * Locks the user's row until the transaction ends (creating it if needed), keeps it at least
     * until {@code keepUntil}, and returns the user's version. Must be the transaction's first
     * statement: on MariaDB it commits the row's creation before taking the lock.
     */
    long lockUser(Connection c, String userId, long now, long keepUntil) throws SQLException {
        if (db.dialect() == Dialect.POSTGRESQL) {
            try (PreparedStatement s = db.prepare(c, "lockUser")) {
                s.setString(1, userId);
                s.setLong(2, keepUntil);
                s.setLong(3, now);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
        for (int attempt = 0; ; attempt++) {
            try (PreparedStatement s = db.prepare(c, "ensureUser")) {
                s.setString(1, userId);
                s.setLong(2, keepUntil);
                s.executeUpdate();
            }
            c.commit();
            long version;
            try (PreparedStatement s = db.prepare(c, "lockUser")) {
                s.setString(1, userId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        if (attempt < 3) {
                            continue; // the sweep removed it in between: create it again
                        }
                        throw new SQLException("the user's row keeps disappearing", "40001");
                    }
                    version = rs.getLong(2) <= now ? 0 : rs.getLong(1);
                }
            }
            try (PreparedStatement s = db.prepare(c, "keepUser")) {
                s.setLong(1, version);
                s.setLong(2, keepUntil);
                s.setString(3, userId);
                s.executeUpdate();
            }
            return version;
        }
    }

    /** Deletes the admission of a handle whose session is now written. */
    void dropAdmission(Connection c, SessionHandle handle) throws SQLException {
        try (PreparedStatement s = db.prepare(c, "dropAdmission")) {
            s.setString(1, handle.value());
            s.executeUpdate();
        }
    }
}
