package dev.lanyard.examples.demo;

import dev.lanyard.session.spi.AtomicValueStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The demo's user directory: {@code alice}/{@code alice} (role {@code user}) and {@code admin}/
 * {@code admin} (roles {@code user}, {@code admin}).
 *
 * <p>Passwords are hashed at start-up with PBKDF2-HMAC-SHA256 (600,000 iterations, the OWASP
 * 2023 figure) and a random 16-byte salt, and a login attempt is compared with
 * {@link MessageDigest#isEqual} (constant time). An unknown user costs the same hash as a known
 * one, so timing does not reveal which names exist. Plain-text passwords are never kept.
 *
 * <p>Roles changed by an administrator are kept in the shared session store (through its
 * {@link AtomicValueStore} power), so every node of a several-node demo sees them, with a TTL of
 * a century: in effect, without expiry. A real application keeps users in its own database.
 */
final class Users {

    /** A user as the rest of the demo sees it. */
    record User(String name, Set<String> roles) {}

    private static final int ITERATIONS = 600_000;
    private static final int HASH_BITS = 256;
    /**
     * A role decision must not expire: were it dropped, a demoted administrator would fall back to
     * the default roles and be administrator again. The value store asks for a TTL, so this one
     * outlives any demo (a real application keeps roles in its own database, without one).
     */
    private static final Duration ROLE_TTL = Duration.ofDays(365L * 100);

    private static final Set<String> KNOWN_ROLES = Set.of("user", "admin");

    private record Credential(byte[] salt, byte[] hash, Set<String> defaultRoles) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Credential> credentials;
    private final Credential dummy;
    private final AtomicValueStore roleStore;

    /**
     * @param roleStore where changed roles are kept (the session store)
     */
    Users(AtomicValueStore roleStore) {
        this.roleStore = Objects.requireNonNull(roleStore, "roleStore");
        this.credentials = Map.of(
                "alice", credential("alice", Set.of("user")),
                "admin", credential("admin", Set.of("user", "admin")));
        this.dummy = credential("not a password", Set.of());
    }

    private Credential credential(String password, Set<String> roles) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return new Credential(salt, hash(password.toCharArray(), salt), roles);
    }

    private static byte[] hash(char[] password, byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * Checks a user name and password.
     *
     * @param name the name typed
     * @param password the password typed
     * @return the user, or empty when the name is unknown or the password wrong
     */
    Optional<User> authenticate(String name, String password) {
        if (name == null || password == null || password.length() > 1024) {
            return Optional.empty();
        }
        Credential credential = credentials.get(name);
        Credential checked = credential == null ? dummy : credential;
        boolean matches = MessageDigest.isEqual(checked.hash(), hash(password.toCharArray(), checked.salt()));
        return matches && credential != null ? Optional.of(new User(name, roles(name))) : Optional.empty();
    }

    /**
     * @param name a user name
     * @return whether the user exists
     */
    boolean exists(String name) {
        return credentials.containsKey(name);
    }

    /**
     * @param name an existing user
     * @return the user's current roles
     */
    Set<String> roles(String name) {
        Optional<byte[]> stored = roleStore.get(roleKey(name));
        if (stored.isPresent()) {
            String text = new String(stored.get(), StandardCharsets.UTF_8);
            return text.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(text.split(",")));
        }
        return credentials.get(name).defaultRoles();
    }

    /**
     * Replaces a user's roles.
     *
     * @param name an existing user
     * @param roles the new roles, each {@code user} or {@code admin}
     * @throws IllegalArgumentException for an unknown role
     */
    void setRoles(String name, Set<String> roles) {
        if (!KNOWN_ROLES.containsAll(roles)) {
            throw new IllegalArgumentException("roles are 'user' and 'admin'");
        }
        byte[] value = String.join(",", new TreeSet<>(roles)).getBytes(StandardCharsets.UTF_8);
        String key = roleKey(name);
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<byte[]> current = roleStore.get(key);
            boolean written = current.isPresent()
                    ? roleStore.compareAndSet(key, current.get(), value, ROLE_TTL)
                    : roleStore.putIfAbsent(key, value, ROLE_TTL);
            if (written) {
                return;
            }
        }
        throw new IllegalStateException("the roles of '" + name + "' are being changed concurrently; try again");
    }

    /** @return the demo's user names */
    Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(credentials.keySet()));
    }

    private static String roleKey(String name) {
        return "demo:roles:" + name;
    }
}
