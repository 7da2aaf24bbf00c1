package dev.lanyard.session.redis;

import io.lettuce.core.RedisURI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed store location: the topology, the Lettuce URIs (one, or the cluster seeds), and the
 * options that belong to Lanyard rather than to Lettuce ({@code keyPrefix}). Parsing never puts
 * the location into an exception message, because it may hold a password.
 */
final class RedisLocation {

    /** The URI schemes this module opens. */
    static final Set<String> SCHEMES =
            Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster");

    /** The options Lanyard reads from a location's query; spelled as the builder methods are. */
    static final Set<String> LANYARD_OPTIONS = Set.of(
            "keyPrefix",
            "nearCache",
            "replicaAcks",
            "replicaAckTimeout",
            "expiryNotifications",
            "tcpUserTimeout",
            "reconnectAfterTimeouts");

    /** The options handed on to Lettuce (its {@code RedisURI} parameter names). */
    static final Set<String> LETTUCE_OPTIONS = Set.of(
            RedisURI.PARAMETER_NAME_TIMEOUT,
            RedisURI.PARAMETER_NAME_DATABASE,
            RedisURI.PARAMETER_NAME_DATABASE_ALT,
            RedisURI.PARAMETER_NAME_SENTINEL_MASTER_ID,
            RedisURI.PARAMETER_NAME_CLIENT_NAME,
            RedisURI.PARAMETER_NAME_LIBRARY_NAME,
            RedisURI.PARAMETER_NAME_LIBRARY_VERSION,
            RedisURI.PARAMETER_NAME_VERIFY_PEER);

    final RedisSessionStore.Topology topology;
    final List<RedisURI> uris;
    final String keyPrefix;
    final boolean timeoutGiven;
    /** {@code nearCache=true}: honoured by the provider, which wraps the store in a near cache. */
    final boolean nearCache;
    /** {@code replicaAcks=n}: writes wait for n replicas (0: they do not). */
    final int replicaAcks;
    /** {@code replicaAckTimeout=ms}, or null for the builder's default. */
    final Duration replicaAckTimeout;
    /** {@code expiryNotifications=true}: the store reports sessions that time out. */
    final boolean expiryNotifications;
    /** {@code tcpUserTimeout=ms}, or null for the default. */
    final Duration tcpUserTimeout;
    /** {@code reconnectAfterTimeouts=n}, or 0 for the default. */
    final int reconnectAfterTimeouts;

    private RedisLocation(
            RedisSessionStore.Topology topology,
            List<RedisURI> uris,
            String keyPrefix,
            boolean timeoutGiven,
            boolean nearCache,
            int replicaAcks,
            Duration replicaAckTimeout,
            boolean expiryNotifications,
            Duration tcpUserTimeout,
            int reconnectAfterTimeouts) {
        this.topology = topology;
        this.uris = List.copyOf(uris);
        this.keyPrefix = keyPrefix;
        this.timeoutGiven = timeoutGiven;
        this.nearCache = nearCache;
        this.replicaAcks = replicaAcks;
        this.replicaAckTimeout = replicaAckTimeout;
        this.expiryNotifications = expiryNotifications;
        this.tcpUserTimeout = tcpUserTimeout;
        this.reconnectAfterTimeouts = reconnectAfterTimeouts;
    }

    static RedisLocation parse(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("the Redis location is empty");
        }
        int schemeEnd = location.indexOf("://");
        if (schemeEnd <= 0) {
            throw malformed("it has no scheme");
        }
        String scheme = location.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("the Redis location's scheme must be one of " + SCHEMES);
        }
        String rest = location.substring(schemeEnd + 3);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String keyPrefix = null;
        boolean timeoutGiven = false;
        boolean nearCache = false;
        boolean expiryNotifications = false;
        int replicaAcks = 0;
        Duration replicaAckTimeout = null;
        Duration tcpUserTimeout = null;
        int reconnectAfterTimeouts = 0;
        List<String> kept = new ArrayList<>();
        for (String parameter : query.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            if (name.equalsIgnoreCase("keyPrefix")) {
                keyPrefix = eq < 0 ? "" : URLDecoder.decode(parameter.substring(eq + 1), StandardCharsets.UTF_8);
            } else if (name.equalsIgnoreCase("nearCache")) {
                String value = eq < 0 ? "true" : parameter.substring(eq + 1).toLowerCase(Locale.ROOT);
                if (!value.equals("true") && !value.equals("false")) {
                    throw malformed("nearCache must be true or false");
                }
                nearCache = value.equals("true");
            } else if (name.equalsIgnoreCase("expiryNotifications")) {
                String value = eq < 0 ? "true" : parameter.substring(eq + 1).toLowerCase(Locale.ROOT);
                if (!value.equals("true") && !value.equals("false")) {
                    throw malformed("expiryNotifications must be true or false");
                }
                expiryNotifications = value.equals("true");
            } else if (name.equalsIgnoreCase("replicaAcks")) {
                replicaAcks = (int) number(parameter, eq, 1, 16, "replicaAcks must be a number from 1 to 16");
            } else if (name.equalsIgnoreCase("replicaAckTimeout")) {
                replicaAckTimeout = Duration.ofMillis(number(
                        parameter,
                        eq,
                        1,
                        60_000,
                        "replicaAckTimeout must be a number of milliseconds from 1 to 60000"));
            } else if (name.equalsIgnoreCase("tcpUserTimeout")) {
                tcpUserTimeout = Duration.ofMillis(number(
                        parameter,
                        eq,
                        1000,
                        ConnectionLiveness.MAXIMUM_TCP_USER_TIMEOUT.toMillis(),
                        "tcpUserTimeout must be a number of milliseconds from 1000 to 900000"));
            } else if (name.equalsIgnoreCase("reconnectAfterTimeouts")) {
                reconnectAfterTimeouts = (int) number(
                        parameter,
                        eq,
                        1,
                        ConnectionLiveness.MAXIMUM_TIMEOUTS_BEFORE_RECONNECT,
                        "reconnectAfterTimeouts must be a number from 1 to 100");
            } else if (LETTUCE_OPTIONS.stream().anyMatch(name::equalsIgnoreCase)) {
                timeoutGiven |= name.equalsIgnoreCase("timeout");
                kept.add(parameter);
            } else {
                throw malformed("unknown option '" + printable(name) + "'; the options are "
                        + new java.util.TreeSet<>(LANYARD_OPTIONS) + " and Lettuce's "
                        + new java.util.TreeSet<>(LETTUCE_OPTIONS));
            }
        }
        String lettuceQuery = kept.isEmpty() ? "" : "?" + String.join("&", kept);
        String authority = rest.substring(rest.lastIndexOf('@') + 1);
        for (char stop : new char[] {'/', '#'}) {
            int at = authority.indexOf(stop);
            if (at >= 0) {
                authority = authority.substring(0, at);
            }
        }
        for (String hostPort : authority.split(",")) {
            int close = hostPort.lastIndexOf(']');
            int colon = hostPort.lastIndexOf(':');
            if (colon > close && !hostPort.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw malformed("a port is not a number");
            }
        }
        if (scheme.endsWith("-sentinel")
                && !query.toLowerCase(Locale.ROOT).contains("sentinelmasterid=")
                && rest.indexOf('#') < 0) {
            throw malformed("a redis-sentinel location names its master (sentinelMasterId=... or #name)");
        }
        try {
            if (scheme.endsWith("-cluster")) {
                String base = scheme.startsWith("rediss") ? "rediss" : "redis";
                String userInfo = "";
                String hosts = rest;
                int at = rest.lastIndexOf('@');
                if (at >= 0) {
                    userInfo = rest.substring(0, at + 1);
                    hosts = rest.substring(at + 1);
                }
                int slash = hosts.indexOf('/');
                if (slash >= 0) {
                    hosts = hosts.substring(0, slash);
                }
                List<RedisURI> seeds = new ArrayList<>();
                for (String host : hosts.split(",")) {
                    if (host.isBlank()) {
                        continue;
                    }
                    seeds.add(checked(RedisURI.create(base + "://" + userInfo + host.trim() + lettuceQuery)));
                }
                if (seeds.isEmpty()) {
                    throw malformed("a cluster location names at least one seed node");
                }
                return new RedisLocation(
                        RedisSessionStore.Topology.CLUSTER,
                        seeds,
                        keyPrefix,
                        timeoutGiven,
                        nearCache,
                        replicaAcks,
                        replicaAckTimeout,
                        expiryNotifications,
                        tcpUserTimeout,
                        reconnectAfterTimeouts);
            }
            RedisURI uri = RedisURI.create(scheme + "://" + rest + lettuceQuery);
            if (!scheme.endsWith("-sentinel")) {
                checked(uri);
            }
            RedisSessionStore.Topology topology = scheme.endsWith("-sentinel")
                    ? RedisSessionStore.Topology.SENTINEL
                    : RedisSessionStore.Topology.STANDALONE;
            if (topology == RedisSessionStore.Topology.SENTINEL
                    && (uri.getSentinelMasterId() == null
                            || uri.getSentinelMasterId().isEmpty())) {
                throw malformed("a redis-sentinel location names its master (sentinelMasterId=... or #name)");
            }
            return new RedisLocation(
                    topology,
                    List.of(uri),
                    keyPrefix,
                    timeoutGiven,
                    nearCache,
                    replicaAcks,
                    replicaAckTimeout,
                    expiryNotifications,
                    tcpUserTimeout,
                    reconnectAfterTimeouts);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("the Redis location")) {
                throw e;
            }
            throw malformed("Lettuce could not parse it");
        } catch (RuntimeException e) {
            throw malformed("Lettuce could not parse it");
        }
    }

    private static RedisURI checked(RedisURI uri) {
        if (uri.getHost() == null || uri.getHost().isBlank() || uri.getPort() <= 0) {
            throw malformed("it names no host");
        }
        return uri;
    }

    static RedisLocation of(RedisSessionStore.Topology topology, List<RedisURI> uris) {
        return new RedisLocation(topology, uris, null, false, false, 0, null, false, null, 0);
    }

    /** Parses the value of {@code name=value} as a bounded number, with an optional {@code ms} suffix. */
    private static long number(String parameter, int eq, long min, long max, String rule) {
        String value = eq < 0 ? "" : parameter.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
        if (value.endsWith("ms")) {
            value = value.substring(0, value.length() - 2);
        }
        if (!value.matches("[0-9]{1,6}")) {
            throw malformed(rule);
        }
        long n = Long.parseLong(value);
        if (n < min || n > max) {
            throw malformed(rule);
        }
        return n;
    }

    /** An option name fit for a message: at most 40 printable ASCII characters. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < 40; i++) {
            char c = name.charAt(i);
            out.append(c > ' ' && c <= '~' ? c : '?');
        }
        return out.toString();
    }

    private static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("the Redis location is malformed: " + why
                + " (expected redis://, rediss://, redis-sentinel://host:port,...?sentinelMasterId=name or"
                + " redis-cluster://host:port,host:port)");
    }

    /** Every option a location accepts, Lanyard's and Lettuce's, sorted; unmodifiable. */
    static Set<String> allOptions() {
        Set<String> all = new java.util.TreeSet<>(LANYARD_OPTIONS);
        all.addAll(LETTUCE_OPTIONS);
        return java.util.Collections.unmodifiableSet(all);
    }

    /** The master that Sentinel names {@code masterId}, found through these sentinels. */
    static RedisLocation sentinel(String masterId, String... sentinels) {
        Objects.requireNonNull(masterId, "masterId");
        if (sentinels.length == 0) {
            throw new IllegalArgumentException("sentinels: name at least one sentinel host:port");
        }
        HostPort first = HostPort.parse(sentinels[0]);
        RedisURI.Builder b = RedisURI.Builder.sentinel(first.host(), first.port(), masterId);
        for (int i = 1; i < sentinels.length; i++) {
            HostPort s = HostPort.parse(sentinels[i]);
            b.withSentinel(s.host(), s.port());
        }
        return of(RedisSessionStore.Topology.SENTINEL, List.of(b.build()));
    }

    /** A Redis Cluster reached through these seed nodes. */
    static RedisLocation cluster(String... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("seeds: name at least one cluster node host:port");
        }
        List<RedisURI> uris = new ArrayList<>();
        for (String seed : seeds) {
            HostPort s = HostPort.parse(seed);
            uris.add(RedisURI.create(s.host(), s.port()));
        }
        return of(RedisSessionStore.Topology.CLUSTER, uris);
    }

    /** Hosts and ports (sentinels and master name for Sentinel), never credentials. */
    String describe() {
        List<String> nodes = new ArrayList<>();
        for (RedisURI uri : uris) {
            if (uri.getSentinels() != null && !uri.getSentinels().isEmpty()) {
                List<String> sentinels = new ArrayList<>();
                for (RedisURI s : uri.getSentinels()) {
                    sentinels.add(s.getHost() + ":" + s.getPort());
                }
                nodes.add(String.join(",", sentinels) + "#" + uri.getSentinelMasterId());
            } else {
                nodes.add(uri.getHost() + ":" + uri.getPort());
            }
        }
        return String.join(",", nodes);
    }

    /** A {@code host:port} of a seed or sentinel; an IPv6 host may be bracketed. */
    record HostPort(String host, int port) {
        static HostPort parse(String text) {
            Objects.requireNonNull(text, "host:port");
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException(
                        "expected host:port, got " + text.length() + " characters without a port");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port " + port + " is out of range");
                }
                return new HostPort(host, port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected host:port with a numeric port");
            }
        }
    }
}
