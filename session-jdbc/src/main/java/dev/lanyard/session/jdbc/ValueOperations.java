package dev.lanyard.session.jdbc;

import dev.lanyard.session.spi.AtomicValueStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The store's {@link AtomicValueStore} operations on the value table: each one statement (MariaDB's
 * {@code putIfAbsent} first deletes an expired row under the key), expiry checked in the statement.
 * Thread-safe.
 */
final class ValueOperations {

    private final Database db;
    private final Clock clock;

    ValueOperations(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    Optional<byte[]> get(String key) {
        AtomicValueStore.checkKeyAndValue(key, null);
        long now = clock.millis();
        return db.inConnection(
                "get",
                c -> {
                    try (PreparedStatement s = db.prepareRead(c, "valueGet")) {
                        s.setString(1, key);
                        s.setLong(2, now);
                        try (ResultSet rs = s.executeQuery()) {
                            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
                        }
                    }
                },
                true);
    }

    boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        AtomicValueStore.checkKeyAndValue(key, value);
        Objects.requireNonNull(value, "value");
        checkTtl(ttl);
        long now = clock.millis();
        return db.inConnection("putIfAbsent", c -> {
            if (db.dialect() == Dialect.POSTGRESQL) {
                try (PreparedStatement s = db.prepare(c, "valuePut")) {
                    s.setString(1, key);
                    s.setBytes(2, value);
                    s.setLong(3, now + ttl.toMillis());
                    s.setLong(4, now);
                    return s.executeUpdate() > 0;
                }
            }
            try (PreparedStatement s = db.prepare(c, "valueDeleteExpired")) {
                s.setString(1, key);
                s.setLong(2, now);
                s.executeUpdate();
            }
            try (PreparedStatement s = db.prepare(c, "valuePut")) {
                s.setString(1, key);
                s.setBytes(2, value);
                s.setLong(3, now + ttl.toMillis());
                return s.executeUpdate() > 0;
            } catch (SQLException e) {
                if (Database.isDuplicateKey(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        AtomicValueStore.checkKeyAndValue(key, replacement);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(replacement, "replacement");
        checkTtl(ttl);
        long now = clock.millis();
        return db.inConnection("compareAndSet", c -> {
            try (PreparedStatement s = db.prepare(c, "valueCompareAndSet")) {
                s.setBytes(1, replacement);
                s.setLong(2, now + ttl.toMillis());
                s.setString(3, key);
                s.setBytes(4, expected);
                s.setLong(5, now);
                return s.executeUpdate() > 0;
            }
        });
    }

    boolean remove(String key) {
        AtomicValueStore.checkKeyAndValue(key, null);
        long now = clock.millis();
        return db.inConnection("remove", c -> {
            try (PreparedStatement s = db.prepare(c, "valueRemove")) {
                s.setString(1, key);
                s.setLong(2, now);
                return s.executeUpdate() > 0;
            }
        });
    }

    private static void checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl (" + ttl + ") must be positive");
        }
    }
}
