package dev.lanyard.session.jwt;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionListener;
import dev.lanyard.session.spi.AtomicValueStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps refresh-token families bound to their session when the session moves to a new handle
 * (login, privilege change, re-authentication, {@code changeSessionId}): on each
 * {@link SessionEvent.Rotated} it re-points the families of the old handle to the new one, so
 * the next refresh succeeds and mints access tokens with the new {@code sid} and {@code ver}
 * (older access tokens are still rejected by checked routes). Without it, such families end
 * with {@link RefreshRejection#SESSION_GONE}.
 *
 * <p>Register it on the session manager ({@code SessionManager.builder(store).listener(...)}),
 * with the same value store the {@link RefreshTokenService} uses. It runs in the thread that
 * rotated, costs a few store operations per rotation of a session that has families (one read
 * otherwise), and never throws: a failure is logged and the families then end as if it were not
 * registered. Thread-safe.
 *
 * @since 0.1.0
 */
public final class RefreshFamilyListener implements SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshFamilyListener.class);
    private static final int MAX_ATTEMPTS = 16;

    private final AtomicValueStore store;
    private final Clock clock;

    private RefreshFamilyListener(AtomicValueStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param store the value store of the refresh-token service
     * @param clock the session manager's clock
     * @return the listener
     */
    public static RefreshFamilyListener create(AtomicValueStore store, Clock clock) {
        return new RefreshFamilyListener(store, clock);
    }

    @Override
    public void onEvent(SessionEvent event) {
        if (event instanceof SessionEvent.Rotated rotated) {
            try {
                rebind(rotated.oldHandle(), rotated.newHandle());
            } catch (RuntimeException e) {
                LOG.warn(
                        "could not carry refresh-token families from session {} to {}: {}",
                        rotated.oldHandle(),
                        rotated.newHandle(),
                        e.getClass().getSimpleName());
            }
        }
    }

    /** Moves every live family of {@code from} to {@code to}; returns how many moved. */
    int rebind(SessionHandle from, SessionHandle to) {
        List<String> families = FamilyIndex.read(store, from);
        if (families.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        List<String> moved = new ArrayList<>();
        Instant latest = now;
        for (String familyId : families) {
            Instant absolute = move(familyId, from, to, now);
            if (absolute != null) {
                moved.add(familyId);
                latest = absolute.isAfter(latest) ? absolute : latest;
            }
        }
        if (!moved.isEmpty()) {
            FamilyIndex.add(store, to, moved, Duration.between(now, latest).plus(RefreshTokenService.TTL_MARGIN));
            LOG.debug("carried {} refresh-token families from session {} to {}", moved.size(), from, to);
        }
        store.remove(FamilyIndex.key(from));
        return moved.size();
    }

    /** Re-points one family; returns its absolute expiry, or {@code null} if it was not moved. */
    private Instant move(String familyId, SessionHandle from, SessionHandle to, Instant now) {
        String key = RefreshTokenService.FAMILY_PREFIX + familyId;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<byte[]> stored = store.get(key);
            if (stored.isEmpty()) {
                return null;
            }
            FamilyState family;
            try {
                family = FamilyState.decode(stored.get());
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (family.revoked() || !family.handle().equals(from) || !now.isBefore(family.absoluteExpiry())) {
                return null;
            }
            FamilyState moved = new FamilyState(
                    false,
                    to,
                    family.generation(),
                    family.currentHash(),
                    family.previousHash(),
                    family.graceUntil(),
                    family.sealedSuccessor(),
                    family.createdAt(),
                    family.lastUsedAt(),
                    family.absoluteExpiry());
            // The idle deadline is enforced from lastUsedAt at each refresh; the store TTL only needs to
            // outlive it, so the remaining absolute lifetime is used here.
            Duration ttl = RefreshTokenService.untilAbsolute(now, family.absoluteExpiry());
            if (store.compareAndSet(key, stored.get(), moved.encode(), ttl)) {
                return family.absoluteExpiry();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "RefreshFamilyListener";
    }
}
