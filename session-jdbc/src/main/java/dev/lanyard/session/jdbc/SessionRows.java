package dev.lanyard.session.jdbc;

import static dev.lanyard.session.jdbc.Database.setLongOrNull;
import static dev.lanyard.session.jdbc.Database.setStringOrNull;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.SessionRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * A session as a row of the session table: the one place that reads a {@link SessionRecord} from
 * the columns every session {@code SELECT} returns (in the order of {@code load} in
 * {@code statements.sql}) and writes one with the {@code insert} statement.
 */
final class SessionRows {

    private SessionRows() {}

    /** @return the session on the result set's current row */
    static SessionRecord read(ResultSet rs) throws SQLException {
        SessionHandle handle = SessionHandle.of(rs.getString(1));
        long authenticatedAt = rs.getLong(9);
        Instant authenticated = rs.wasNull() ? null : Instant.ofEpochMilli(authenticatedAt);
        return SessionRecord.builder()
                .handle(handle)
                .userId(rs.getString(2))
                .version(rs.getLong(3))
                .userVersion(rs.getLong(4))
                .createdAt(Instant.ofEpochMilli(rs.getLong(5)))
                .lastAccessedAt(Instant.ofEpochMilli(rs.getLong(6)))
                .idleTimeout(Duration.ofMillis(rs.getLong(7)))
                .absoluteExpiry(Instant.ofEpochMilli(rs.getLong(8)))
                .authenticatedAt(authenticated)
                .lastNode(rs.getString(10))
                .client(new ClientInfo(rs.getString(11), rs.getString(12)))
                .attributes(AttributesJson.decode(handle, rs.getString(13)))
                .build();
    }

    /**
     * Writes a new session (replacing an expired row under its handle), unless its stamp is older
     * than its user's version or its handle was evicted before it was written.
     *
     * @return whether it was written
     */
    static boolean insert(Database db, Connection c, SessionRecord r, long now, long expiresAt) throws SQLException {
        Dialect dialect = db.dialect();
        if (dialect == Dialect.MARIADB) {
            try (PreparedStatement s = db.prepare(c, "deleteExpired")) {
                s.setString(1, r.handle().value());
                s.setLong(2, now);
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = db.prepare(c, "insert")) {
            int i = 0;
            s.setString(++i, r.handle().value());
            setStringOrNull(s, ++i, r.userId());
            s.setLong(++i, r.version());
            s.setLong(++i, r.userVersion());
            s.setLong(++i, r.createdAt().toEpochMilli());
            s.setLong(++i, r.lastAccessedAt().toEpochMilli());
            s.setLong(++i, r.idleTimeout().toMillis());
            s.setLong(++i, r.absoluteExpiry().toEpochMilli());
            setLongOrNull(
                    s,
                    ++i,
                    r.authenticatedAt() == null ? null : r.authenticatedAt().toEpochMilli());
            setStringOrNull(s, ++i, r.lastNode());
            s.setString(++i, r.client().userAgent());
            s.setString(++i, r.client().addressPrefix());
            s.setLong(++i, expiresAt);
            s.setLong(++i, r.attributeBytes());
            s.setString(++i, AttributesJson.encode(r.attributes()));
            setStringOrNull(s, ++i, r.userId());
            s.setLong(++i, r.userVersion());
            s.setLong(++i, now);
            s.setString(++i, r.handle().value());
            s.setLong(++i, now);
            if (dialect == Dialect.POSTGRESQL) {
                s.setLong(++i, now);
            }
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            if (dialect == Dialect.MARIADB && Database.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }
}
