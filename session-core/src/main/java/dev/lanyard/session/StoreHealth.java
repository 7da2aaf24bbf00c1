package dev.lanyard.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A store's reachability at one moment: its {@link StoreState}, since when it has been in that
 * state, and, when it is not {@link StoreState#UP up}, a short cause (an exception's simple class
 * name or a Redis error code, never an address, a password or a session ID). An immutable value;
 * read it with {@link SessionManager#storeHealth()} for a readiness probe.
 *
 * @param state the state
 * @param since when the store entered it
 * @param cause why the store is not up, or {@code null} when it is up or the cause is unknown
 *
 * @since 0.1.0
 */
public record StoreHealth(StoreState state, Instant since, String cause) {

    /**
     * Checks the value.
     *
     * @param state the state
     * @param since when the store entered it
     * @param cause why the store is not up, or {@code null}
     */
    public StoreHealth {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
    }

    /**
     * A store that is up.
     *
     * @param since when it came up
     * @return the health
     */
    public static StoreHealth up(Instant since) {
        return new StoreHealth(StoreState.UP, since, null);
    }

    /** @return whether sessions work now: the state is {@link StoreState#UP} */
    public boolean isUp() {
        return state == StoreState.UP;
    }

    /** @return the cause, when the store is not up and the cause is known */
    public Optional<String> causeIfKnown() {
        return Optional.ofNullable(cause);
    }

    @Override
    public String toString() {
        return state + " since " + since + (cause == null ? "" : " (" + cause + ")");
    }
}
