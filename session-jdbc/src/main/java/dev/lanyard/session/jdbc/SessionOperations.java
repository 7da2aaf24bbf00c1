package dev.lanyard.session.jdbc;

import static dev.lanyard.session.jdbc.Database.setLongOrNull;
import static dev.lanyard.session.jdbc.Database.setStringOrNull;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The store's operations on one session: load (one primary-key {@code SELECT}), create, the delta
 * (one {@code UPDATE} that merges in SQL), rotation and delete. Creating or rotating a session of
 * a user locks the user's row first ({@link UserOperations#lockUser}). Thread-safe.
 */
final class SessionOperations {

    private final Database db;
    private final Clock clock;
    private final UserOperations users;

    SessionOperations(Database db, Clock clock, UserOperations users) {
        this.db = db;
        this.clock = clock;
        this.users = users;
    }

    Optional<SessionRecord> load(SessionHandle handle) {
        long now = clock.millis();
        return db.inConnection(
                "load",
                c -> {
                    try (PreparedStatement s = db.prepareRead(c, "load")) {
                        s.setString(1, handle.value());
                        s.setLong(2, now);
                        s.setLong(3, now);
                        try (ResultSet rs = s.executeQuery()) {
                            return rs.next() ? Optional.of(SessionRows.read(rs)) : Optional.empty();
                        }
                    }
                },
                true);
    }

    boolean create(SessionRecord record, Duration ttl) {
        long now = clock.millis();
        if (record.userId() == null) {
            return db.inConnection("create", c -> SessionRows.insert(db, c, record, now, now + ttl.toMillis()));
        }
        return db.inTransaction("create", c -> {
            users.lockUser(c, record.userId(), now, now + ttl.toMillis());
            if (!SessionRows.insert(db, c, record, now, now + ttl.toMillis())) {
                return false;
            }
            users.dropAdmission(c, record.handle());
            return true;
        });
    }

    UpdateResult update(SessionHandle handle, SessionDelta delta) {
        return db.dialect() == Dialect.POSTGRESQL
                ? updateInOneStatement(handle, delta)
                : updateInTransaction(handle, delta);
    }

    /**
     * PostgreSQL: one {@code UPDATE … RETURNING} in auto-commit, one round trip, bounded by the
     * {@code lock_timeout} it sets for itself instead of a query timeout; it spells out the names it
     * touches when they are few ({@link Statements#updateFor}).
     */
    private UpdateResult updateInOneStatement(SessionHandle handle, SessionDelta delta) {
        Set<String> touched = new LinkedHashSet<>(delta.removals());
        touched.addAll(delta.puts().keySet());
        String statement = Statements.updateFor(touched.size());
        boolean byName = touched.size() <= Statements.NAMED_TERMS;
        String touchedJson = byName
                ? null
                : AttributesJson.touched(delta.removals(), delta.puts().keySet());
        String removals = textArray(delta.removals());
        String puts = AttributesJson.encode(delta.puts());
        long putBytes = SessionRecord.sizeOf(delta.puts());
        return db.inConnectionUnderLockTimeout("update", c -> {
            for (int attempt = 0; ; attempt++) {
                long now = clock.millis();
                try (PreparedStatement s = db.prepareUnderLockTimeout(c, statement)) {
                    int i = 0;
                    s.setLong(++i, putBytes);
                    i = bindHeld(s, i, touched, touchedJson);
                    s.setString(++i, removals);
                    s.setString(++i, puts);
                    s.setLong(++i, delta.lastAccessedAt().toEpochMilli());
                    setLongOrNull(
                            s,
                            ++i,
                            delta.idleTimeout() == null
                                    ? null
                                    : delta.idleTimeout().toMillis());
                    setStringOrNull(s, ++i, delta.lastNode());
                    s.setLong(++i, now + delta.ttl().toMillis());
                    s.setString(++i, handle.value());
                    s.setString(++i, db.lockTimeout());
                    s.setLong(++i, now);
                    s.setLong(++i, now);
                    s.setLong(++i, putBytes);
                    i = bindHeld(s, i, touched, touchedJson);
                    s.setLong(++i, delta.payloadLimit());
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            return UpdateResult.applied(rs.getLong(1));
                        }
                    }
                }
                String list = touchedJson != null
                        ? touchedJson
                        : AttributesJson.touched(delta.removals(), delta.puts().keySet());
                UpdateResult refused = refused(c, handle, list, putBytes, now, delta.payloadLimit());
                if (refused != null || attempt >= 2) {
                    return refused != null ? refused : UpdateResult.notFound();
                }
            }
        });
    }

    /** Binds {@code ${held}}: each touched name and its length, or the list of them as JSON. */
    private static int bindHeld(PreparedStatement s, int index, Set<String> touched, String touchedJson)
            throws SQLException {
        int i = index;
        if (touchedJson != null) {
            s.setString(++i, touchedJson);
            return i;
        }
        for (String name : touched) {
            s.setString(++i, name);
            s.setLong(++i, name.length());
        }
        return i;
    }

    /**
     * @return the names as a PostgreSQL array literal of text: each quoted, with {@code "} and
     *     {@code \} escaped
     */
    static String textArray(Set<String> names) {
        StringBuilder out = new StringBuilder().append('{');
        for (String name : names) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"');
            for (int i = 0; i < name.length(); i++) {
                char ch = name.charAt(i);
                if (ch == '"' || ch == '\\') {
                    out.append('\\');
                }
                out.append(ch);
            }
            out.append('"');
        }
        return out.append('}').toString();
    }

    /**
     * MariaDB: the {@code UPDATE} and the read of the size it left, in one transaction, so that the
     * size read is the one this update wrote (MariaDB has no {@code UPDATE … RETURNING}).
     */
    private UpdateResult updateInTransaction(SessionHandle handle, SessionDelta delta) {
        String patch = AttributesJson.patch(delta.removals(), delta.puts());
        String touched = AttributesJson.touched(delta.removals(), delta.puts().keySet());
        long putBytes = SessionRecord.sizeOf(delta.puts());
        return db.inTransaction("update", c -> {
            for (int attempt = 0; ; attempt++) {
                long now = clock.millis();
                try (PreparedStatement s = db.prepare(c, "update")) {
                    int i = 0;
                    s.setString(++i, touched);
                    s.setLong(++i, putBytes);
                    s.setString(++i, patch);
                    s.setLong(++i, delta.lastAccessedAt().toEpochMilli());
                    setLongOrNull(
                            s,
                            ++i,
                            delta.idleTimeout() == null
                                    ? null
                                    : delta.idleTimeout().toMillis());
                    setStringOrNull(s, ++i, delta.lastNode());
                    s.setLong(++i, now + delta.ttl().toMillis());
                    s.setString(++i, handle.value());
                    s.setLong(++i, now);
                    s.setLong(++i, now);
                    s.setString(++i, touched);
                    s.setLong(++i, putBytes);
                    s.setLong(++i, delta.payloadLimit());
                    if (s.executeUpdate() > 0) {
                        try (PreparedStatement size = db.prepare(c, "updatedSize")) {
                            size.setString(1, handle.value());
                            try (ResultSet rs = size.executeQuery()) {
                                rs.next();
                                return UpdateResult.applied(rs.getLong(1));
                            }
                        }
                    }
                }
                UpdateResult refused = refused(c, handle, touched, putBytes, now, delta.payloadLimit());
                if (refused != null || attempt >= 2) {
                    return refused != null ? refused : UpdateResult.notFound();
                }
            }
        });
    }

    /**
     * After an update that changed nothing: {@code TOO_LARGE} or {@code NOT_FOUND}, or {@code null}
     * when the session is live and the delta now fits (a racing delta changed it): try again.
     */
    private UpdateResult refused(
            Connection c, SessionHandle handle, String touched, long putBytes, long now, long limit)
            throws SQLException {
        try (PreparedStatement s = db.prepare(c, "updateRefused")) {
            s.setString(1, touched);
            s.setLong(2, putBytes);
            s.setString(3, handle.value());
            s.setLong(4, now);
            s.setLong(5, now);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return UpdateResult.notFound();
                }
                long size = rs.getLong(1);
                return size > limit ? UpdateResult.tooLarge(size) : null;
            }
        }
    }

    Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        return db.inTransaction("rotate", c -> {
            long now = clock.millis();
            long expiresAt = now + rotation.ttl().toMillis();
            if (rotation.userId() != null) {
                users.lockUser(c, rotation.userId(), now, expiresAt);
            }
            SessionRecord old;
            try (PreparedStatement s = db.prepare(c, "loadForUpdate")) {
                s.setString(1, from.value());
                s.setLong(2, now);
                s.setLong(3, now);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<SessionRecord>empty();
                    }
                    old = SessionRows.read(rs);
                }
            }
            SessionRecord rotated = rotation.applyTo(old);
            try (PreparedStatement s = db.prepare(c, "deleteForRotation")) {
                s.setString(1, from.value());
                s.executeUpdate();
            }
            if (!SessionRows.insert(db, c, rotated, now, expiresAt)) {
                c.rollback();
                return Optional.<SessionRecord>empty();
            }
            if (rotated.userId() != null) {
                users.dropAdmission(c, rotated.handle());
            }
            return Optional.of(rotated);
        });
    }

    boolean delete(SessionHandle handle) {
        long now = clock.millis();
        return db.inConnection("delete", c -> {
            try (PreparedStatement s = db.prepare(c, "delete")) {
                s.setString(1, handle.value());
                s.setLong(2, now);
                return s.executeUpdate() > 0;
            }
        });
    }
}
