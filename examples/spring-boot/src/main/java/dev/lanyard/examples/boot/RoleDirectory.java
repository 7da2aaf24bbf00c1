package dev.lanyard.examples.boot;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.spi.AtomicValueStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Role changes made by an administrator, kept in the session store's shared values (Redis in production), so every
 * node sees them at once. A real application keeps roles in its own database; the point here is where the
 * change is read: on every request, by the {@code AuthenticationMapper}.
 */
final class RoleDirectory {

    private static final Duration KEEP = Duration.ofDays(30);

    private final AtomicValueStore values;

    RoleDirectory(SessionManager manager) {
        this.values = manager.values().orElseThrow(() -> new IllegalStateException("the store keeps no shared values"));
    }

    Optional<Set<String>> rolesOf(String user) {
        return values.get(key(user))
                .map(bytes -> new TreeSet<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split(","))));
    }

    void setRoles(String user, Set<String> roles) {
        byte[] next = String.join(",", new TreeSet<>(roles)).getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<byte[]> current = values.get(key(user));
            boolean done = current.isPresent()
                    ? values.compareAndSet(key(user), current.get(), next, KEEP)
                    : values.putIfAbsent(key(user), next, KEEP);
            if (done) {
                return;
            }
        }
        throw new IllegalStateException("the roles of " + user + " changed concurrently; try again");
    }

    private static String key(String user) {
        return "example:roles:" + user;
    }
}
