package dev.lanyard.session.spi;

import java.net.URI;
import java.time.Clock;
import java.util.Set;

/**
 * Opens stores for the URI schemes it knows. Providers are found with
 * {@link java.util.ServiceLoader}: an adapter lists its provider in
 * {@code META-INF/services/dev.lanyard.session.spi.SessionStoreProvider}, and
 * {@link dev.lanyard.session.SessionStores#open(String)} picks it by scheme.
 *
 * @since 0.1.0
 */
public interface SessionStoreProvider {

    /**
     * Returns the URI schemes this provider opens, in lower case (for example {@code redis}).
     *
     * @return the schemes
     */
    Set<String> schemes();

    /**
     * Opens a store. Opening may connect; a store is expensive to create and meant to be shared by
     * every request of the node.
     *
     * @param uri the store's location and options, with one of {@link #schemes()}
     * @param clock the clock the store uses for time to live, where it keeps time itself
     * @return the store; the caller closes it
     * @throws IllegalArgumentException if the URI is malformed (the message never repeats a password)
     */
    SessionStore open(URI uri, Clock clock);
}
