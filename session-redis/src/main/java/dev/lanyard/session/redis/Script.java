package dev.lanyard.session.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The server-side scripts of the store, one {@code .lua} resource each under {@code
 * dev/lanyard/session/redis/scripts/}, read once when the class loads. Each file states its {@code
 * KEYS} and {@code ARGV} by name in its header; the Java side passes arguments through {@link
 * #args()}, which checks them against those names, so neither side mirrors positions by hand. Every
 * key a script touches comes from {@code KEYS} and all of a script's keys share one Cluster slot
 * ({@code ScriptKeysTest} checks the files), except in scripts marked {@code SINGLE-SERVER}, which
 * also read the version key of the session's user, a key no caller can name before the session is
 * read; {@link CommandRunner} refuses to run those on Cluster. The schema they work on, and what
 * each one does, is in {@code docs/redis.md} ("Scripts").
 *
 * <p>Scripts run by SHA ({@code EVALSHA}); on {@code NOSCRIPT} (a restarted or new node, {@code
 * SCRIPT FLUSH}) the body is sent once with {@code EVAL}, which caches it on that node again.
 */
enum Script {
    LOAD("load.lua"),
    CREATE("create.lua"),
    UPDATE("update.lua"),
    UPDATE_LOAD("update-load.lua"),
    TAKE("take.lua"),
    DELETE("delete.lua"),
    CLAIM("claim.lua"),
    CONFIRM("confirm.lua"),
    GUARD("guard.lua"),
    RELEASE("release.lua"),
    ADMIT("admit.lua"),
    REVOKE_ALL("revoke-all.lua"),
    REVOKE_OTHERS("revoke-others.lua"),
    RESTAMP("restamp.lua"),
    PRUNE("prune.lua"),
    COMPARE_AND_SET("compare-and-set.lua");

    static final String RESOURCES = "/dev/lanyard/session/redis/scripts/";

    private final String file;
    private final String source;
    private final String body;
    private final String sha;
    private final List<String> keys;
    private final int requiredKeys;
    private final List<String> argv;
    private final boolean singleServer;

    Script(String file) {
        this.file = file;
        this.source = read(file);
        this.keys = names(source, "-- KEYS:");
        this.requiredKeys = (int) keys.stream().filter(k -> !k.endsWith("?")).count();
        this.argv = names(source, "-- ARGV:");
        this.singleServer = source.lines().anyMatch(l -> l.startsWith("-- SINGLE-SERVER:"));
        this.body = RedisSchema.luaPrelude() + expandIncludes(source);
        this.sha = RedisSchema.sha1(body);
    }

    /** The resource file's name. */
    String file() {
        return file;
    }

    /** The file as written, before the prelude and includes. */
    String source() {
        return source;
    }

    /** What Redis runs: the schema prelude, then the file with its includes expanded. */
    String body() {
        return body;
    }

    String sha() {
        return sha;
    }

    /** The names of the script's KEYS, in order; a name ending in {@code ?} may be left out. */
    List<String> keyNames() {
        return keys;
    }

    /** The names of the script's ARGV, in order; a last name starting {@code ...} takes the rest. */
    List<String> argNames() {
        return argv;
    }

    /** Whether the script also reads a key it derives from a session field (never on Cluster). */
    boolean singleServer() {
        return singleServer;
    }

    /**
     * @return a builder of this script's ARGV, given by name in the order the script declares
     */
    ScriptArgs args() {
        return new ScriptArgs(this);
    }

    /** Checks the KEYS of a call against the declared names (the count is known once, not per call). */
    void checkKeys(byte[][] given) {
        if (given.length < requiredKeys || given.length > keys.size()) {
            throw new IllegalArgumentException(this + " takes KEYS " + keys + ", not " + given.length + " key(s)");
        }
    }

    private static List<String> names(String source, String header) {
        for (String line : source.lines().toList()) {
            if (line.startsWith(header)) {
                String rest = line.substring(header.length()).trim();
                return rest.isEmpty() ? List.of() : List.of(rest.split("\\s+"));
            }
        }
        throw new IllegalStateException("script header without " + header.trim());
    }

    private static String expandIncludes(String source) {
        List<String> out = new ArrayList<>();
        for (String line : source.lines().toList()) {
            if (line.startsWith("-- INCLUDE:")) {
                out.add(read(line.substring("-- INCLUDE:".length()).trim()));
            } else {
                out.add(line + "\n");
            }
        }
        return String.join("", out);
    }

    static String read(String file) {
        try (InputStream in = Script.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + RESOURCES + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resource files of every script and fragment, for the script lint. */
    static List<String> files() {
        List<String> files = new ArrayList<>();
        Arrays.stream(values()).forEach(s -> files.add(s.file));
        files.add("read-session.lua");
        files.add("apply-delta.lua");
        return files;
    }
}
