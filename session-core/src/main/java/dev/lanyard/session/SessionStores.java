package dev.lanyard.session;

import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.SessionStoreProvider;
import java.net.URI;
import java.time.Clock;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Opens a session store by URI, choosing the adapter by scheme through {@link ServiceLoader}:
 * {@code memory:} is built in; {@code redis://}, {@code rediss://} and {@code redis-sentinel://}
 * come with {@code session-redis}; custom adapters register their own schemes.
 *
 * <p>Opening never needs the store's server to be reachable: an adapter that talks to a server
 * returns a store that connects in the background (see
 * {@link dev.lanyard.session.spi.HealthReportingStore}), and only a malformed location, an unknown
 * option or credentials the server refuses fail here.
 *
 * @since 0.1.0
 */
public final class SessionStores {

    /** A location that names only a scheme: {@code memory:} or {@code memory://}. */
    private static final java.util.regex.Pattern SCHEME_ONLY =
            java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):(?://?)?");

    private SessionStores() {}

    /**
     * Opens a store on the system clock.
     *
     * @param location a URI such as {@code memory:} or {@code redis://localhost:6379}
     * @return the store; the caller closes it
     * @throws IllegalArgumentException if no adapter handles the scheme, or the location is
     *     malformed (the message never repeats the location, which may hold a password)
     */
    public static SessionStore open(String location) {
        return open(location, Clock.systemUTC());
    }

    /**
     * Opens a store.
     *
     * @param location a URI such as {@code memory:} or {@code redis://localhost:6379}
     * @param clock the clock for stores that keep time themselves
     * @return the store; the caller closes it
     * @throws IllegalArgumentException if no adapter handles the scheme, or the location is malformed
     */
    public static SessionStore open(String location, Clock clock) {
        Objects.requireNonNull(location, "location");
        java.util.regex.Matcher schemeOnly = SCHEME_ONLY.matcher(location);
        URI uri;
        try {
            uri = schemeOnly.matches() ? URI.create(schemeOnly.group(1) + ":/") : URI.create(location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the session store location is not a valid URI", null);
        }
        return open(uri, clock);
    }

    /**
     * Opens a store.
     *
     * @param uri the store's URI
     * @param clock the clock for stores that keep time themselves
     * @return the store; the caller closes it
     * @throws IllegalArgumentException if no adapter handles the scheme
     */
    public static SessionStore open(URI uri, Clock clock) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(clock, "clock");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        TreeSet<String> known = new TreeSet<>();
        for (ClassLoader loader : loaders()) {
            Iterator<SessionStoreProvider> providers =
                    ServiceLoader.load(SessionStoreProvider.class, loader).iterator();
            while (true) {
                SessionStoreProvider provider;
                try {
                    if (!providers.hasNext()) {
                        break;
                    }
                    provider = providers.next();
                } catch (ServiceConfigurationError e) {
                    // a provider listed by a jar this loader cannot load (a filtered or partial class path): skip it
                    continue;
                }
                if (provider.schemes().contains(scheme)) {
                    return provider.open(uri, clock);
                }
                known.addAll(provider.schemes());
            }
        }
        throw new IllegalArgumentException("no session store adapter handles the scheme '" + scheme + "'; available: "
                + known + " (add the module that provides it, such as session-redis)");
    }

    private static ClassLoader[] loaders() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = SessionStores.class.getClassLoader();
        return context == null || context == own ? new ClassLoader[] {own} : new ClassLoader[] {context, own};
    }
}
