package dev.lanyard.session.memcached;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the Memcached store connects and how it behaves. Immutable and thread-safe; build one with
 * {@link #builder()}, read one from a location with {@link #fromUri(URI)}, or change one with
 * {@link #mutate()}. {@link Builder#build()} rejects values that cannot work, with a message naming
 * the option. Each option has one name, used alike by the builder method, the URI option and the
 * docs ({@code docs/memcached.md}).
 *
 * <p>Location form: {@code memcached://[user:password@]host1:11211,host2:11211[?option=value&...]},
 * with the options {@code keyPrefix}, {@code timeout}, {@code connectTimeout} and
 * {@code casRetries}. Durations are ISO-8601 ({@code PT0.5S}) or a number with {@code ms} or
 * {@code s} ({@code 500ms}).
 *
 * @since 0.1.0
 */
public final class MemcachedOptions {

    /** The port of a server named without one: 11211. */
    public static final int DEFAULT_PORT = 11211;
    /** Default prefix of every item key: {@code lanyard:}. */
    public static final String DEFAULT_KEY_PREFIX = "lanyard:";
    /** Default bound on one store operation, retries included: 500 milliseconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    /** Default bound on one connection attempt to one server: 1 second. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Default number of compare-and-set attempts a write makes before it reports contention: 64. */
    public static final int DEFAULT_CAS_RETRIES = 64;

    private static final int MAX_KEY_PREFIX = 100;

    private final List<String> servers;
    private final String keyPrefix;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final int casRetries;
    private final String username;
    private final String password;

    private MemcachedOptions(Builder b) {
        this.servers = List.copyOf(b.servers);
        this.keyPrefix = b.keyPrefix;
        this.timeout = b.timeout;
        this.connectTimeout = b.connectTimeout;
        this.casRetries = b.casRetries;
        this.username = b.username;
        this.password = b.password;
    }

    /**
     * Starts a builder with every default and no server.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding these options, to change some of them.
     *
     * @return a new builder
     */
    public Builder mutate() {
        Builder b = new Builder();
        b.servers.addAll(servers);
        b.keyPrefix = keyPrefix;
        b.timeout = timeout;
        b.connectTimeout = connectTimeout;
        b.casRetries = casRetries;
        b.username = username;
        b.password = password;
        return b;
    }

    /**
     * Reads options from a location such as {@code memcached://host1:11211,host2:11211?timeout=500ms}.
     * Option names are case-insensitive. Nothing is connected.
     *
     * @param uri the location, scheme {@code memcached}
     * @return the options
     * @throws IllegalArgumentException if the location is malformed; the message never repeats a
     *     password
     */
    public static MemcachedOptions fromUri(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("memcacheds")) {
            throw new IllegalArgumentException("memcacheds (TLS) is not supported: the Memcached client has no TLS;"
                    + " see docs/memcached.md for tunnelling");
        }
        if (!scheme.equals("memcached")) {
            throw new IllegalArgumentException("a Memcached location starts with memcached://");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException(
                    "a Memcached location names at least one server (memcached://host:11211)");
        }
        Builder b = builder();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("Memcached credentials are user:password");
            }
            b.credentials(decode(userInfo.substring(0, colon)), decode(userInfo.substring(colon + 1)));
        }
        for (String server : authority.split(",", -1)) {
            b.server(server);
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (parameter.isEmpty()) {
                    continue;
                }
                int eq = parameter.indexOf('=');
                String name = eq < 0 ? parameter : parameter.substring(0, eq);
                String value = eq < 0 ? "" : decode(parameter.substring(eq + 1));
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "keyprefix" -> b.keyPrefix(value);
                    case "timeout" -> b.timeout(duration("timeout", value));
                    case "connecttimeout" -> b.connectTimeout(duration("connectTimeout", value));
                    case "casretries" -> b.casRetries(integer("casRetries", value));
                    case "tls" ->
                        throw new IllegalArgumentException("tls is not supported: the Memcached client has no TLS;"
                                + " see docs/memcached.md for tunnelling");
                    default ->
                        throw new IllegalArgumentException("unknown Memcached option '" + name
                                + "' (known: keyPrefix, timeout, connectTimeout, casRetries)");
                }
            }
        }
        return b.build();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number (got '" + value + "')");
        }
    }

    /**
     * Reads a duration as the URI and init-parameters write it.
     *
     * @param option the option's name, for the message
     * @param value ISO-8601 ({@code PT0.5S}) or a number with {@code ms} or {@code s}
     * @return the duration
     */
    static Duration duration(String option, String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("pt")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(
                option + " must be a duration such as 500ms, 2s or PT0.5S (got '" + value + "')");
    }

    /** @return the servers, as {@code host:port}, in the order given */
    public List<String> servers() {
        return servers;
    }

    /** @return the prefix of every item key this store writes ({@link #DEFAULT_KEY_PREFIX}) */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** @return the bound on one store operation ({@link #DEFAULT_TIMEOUT}) */
    public Duration timeout() {
        return timeout;
    }

    /** @return the bound on one connection attempt ({@link #DEFAULT_CONNECT_TIMEOUT}) */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return how many compare-and-set attempts a write makes ({@link #DEFAULT_CAS_RETRIES}) */
    public int casRetries() {
        return casRetries;
    }

    /** @return the SASL user name, or {@code null} when the servers need no authentication */
    public String username() {
        return username;
    }

    /**
     * Returns the SASL password. It is never part of {@link #toString()}.
     *
     * @return the password, or {@code null} when the servers need no authentication
     */
    public String password() {
        return password;
    }

    /** Describes the options; never the password. */
    @Override
    public String toString() {
        return "MemcachedOptions[servers=" + servers + ", keyPrefix=" + keyPrefix + ", timeout=" + timeout
                + ", connectTimeout=" + connectTimeout + ", casRetries=" + casRetries
                + ", authenticated=" + (username != null) + "]";
    }

    /** Builds {@link MemcachedOptions}. Not thread-safe. */
    public static final class Builder {
        private final List<String> servers = new ArrayList<>();
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private int casRetries = DEFAULT_CAS_RETRIES;
        private String username;
        private String password;

        private Builder() {}

        /**
         * Adds a server. Sessions are spread over the servers by consistent hashing (ketama) of their
         * handle; the order does not matter, but every node must name the same servers.
         *
         * @param hostAndPort {@code host}, {@code host:port} or {@code [ipv6]:port}; the port defaults to
         *     {@link #DEFAULT_PORT}
         * @return this builder
         */
        public Builder server(String hostAndPort) {
            Objects.requireNonNull(hostAndPort, "server");
            String text = hostAndPort.trim();
            if (text.isEmpty()) {
                throw new IllegalArgumentException("server must not be empty");
            }
            int close = text.lastIndexOf(']');
            int colon = text.lastIndexOf(':');
            String host = text;
            int port = DEFAULT_PORT;
            if (colon > close && (close >= 0 || text.indexOf(':') == colon)) {
                host = text.substring(0, colon);
                String p = text.substring(colon + 1);
                if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                    throw new IllegalArgumentException(
                            "server " + text + ": the port must be a number from 1 to 65535");
                }
                port = Integer.parseInt(p);
            }
            if (host.isEmpty() || host.equals("[]")) {
                throw new IllegalArgumentException("server " + text + " names no host");
            }
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            servers.add(host + ":" + port);
            return this;
        }

        /**
         * Sets the prefix of every item key ({@link #DEFAULT_KEY_PREFIX}). Stores of different
         * applications on the same servers use different prefixes.
         *
         * @param value 0 to 100 printable ASCII characters without spaces
         * @return this builder
         */
        public Builder keyPrefix(String value) {
            this.keyPrefix = Objects.requireNonNull(value, "keyPrefix");
            return this;
        }

        /**
         * Sets the bound on one store operation, compare-and-set retries included ({@link #DEFAULT_TIMEOUT}).
         *
         * @param value a positive duration of at most one minute
         * @return this builder
         */
        public Builder timeout(Duration value) {
            this.timeout = Objects.requireNonNull(value, "timeout");
            return this;
        }

        /**
         * Sets the bound on one connection attempt to one server ({@link #DEFAULT_CONNECT_TIMEOUT}).
         *
         * @param value a positive duration of at most one minute
         * @return this builder
         */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
            return this;
        }

        /**
         * Sets how many compare-and-set attempts one write makes before it gives up and reports
         * contention as {@link dev.lanyard.session.StoreUnavailableException} ({@link #DEFAULT_CAS_RETRIES}).
         *
         * @param value 1 to 10000
         * @return this builder
         */
        public Builder casRetries(int value) {
            this.casRetries = value;
            return this;
        }

        /**
         * Authenticates with SASL PLAIN over the binary protocol, the same credentials on every server.
         * Without it the store connects unauthenticated and warns when a server is not on loopback.
         *
         * @param username the user
         * @param password the password; it is never logged
         * @return this builder
         */
        public Builder credentials(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Validates the values and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first option that does not fit
         */
        public MemcachedOptions build() {
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("servers must name at least one Memcached server");
            }
            if (servers.size() != servers.stream().distinct().count()) {
                throw new IllegalArgumentException("servers " + servers + " names a server twice");
            }
            if (keyPrefix.length() > MAX_KEY_PREFIX || !keyPrefix.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException(
                        "keyPrefix must be at most " + MAX_KEY_PREFIX + " printable ASCII characters without spaces");
            }
            bounded("timeout", timeout);
            bounded("connectTimeout", connectTimeout);
            if (casRetries < 1 || casRetries > 10_000) {
                throw new IllegalArgumentException("casRetries (" + casRetries + ") must be from 1 to 10000");
            }
            if (username != null && username.isEmpty()) {
                throw new IllegalArgumentException("credentials: the user name must not be empty");
            }
            return new MemcachedOptions(this);
        }

        private static void bounded(String name, Duration value) {
            if (value.isZero() || value.isNegative() || value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(name + " (" + value + ") must be positive and at most PT1M");
            }
        }
    }
}
