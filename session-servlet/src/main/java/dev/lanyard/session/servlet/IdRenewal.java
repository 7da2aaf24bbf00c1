package dev.lanyard.session.servlet;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a session's ID is old enough to be renewed (the filter's {@code idRenewalInterval}, OWASP's
 * "renewal timeout"), and for how long the old ID still leads to the session afterwards ({@code
 * idRenewalOverlap}). Immutable and thread-safe.
 *
 * <p>The store records when a session was created and when its user last authenticated, which are
 * the times a fresh ID was issued at creation, login and step-up. The other rotations (a renewal,
 * {@code changeSessionId}, a privilege change) are recorded by the filter in one reserved attribute,
 * {@value #ISSUED_AT}, written only while renewal is on. A session's ID was issued at the latest of
 * the three. A rotation made outside the filter (the manager called directly) is not recorded: that
 * ID counts as older than it is and is renewed early, never late.
 */
final class IdRenewal {

    private static final Logger LOG = LoggerFactory.getLogger(IdRenewal.class);

    /** The reserved attribute that records when the filter last gave the session a new ID. */
    static final String ISSUED_AT = RequestSession.RESERVED_PREFIX + "idIssuedAt";

    /** Renewal turned off. */
    static final IdRenewal OFF = new IdRenewal(null, LanyardSessionFilter.DEFAULT_ID_RENEWAL_OVERLAP);

    private final Duration interval;
    private final Duration overlap;

    IdRenewal(Duration interval, Duration overlap) {
        this.interval = interval;
        this.overlap = overlap;
    }

    /** Whether IDs are renewed at all. */
    boolean isOn() {
        return interval != null;
    }

    /** How long a renewed ID still leads to its session. */
    Duration overlap() {
        return overlap;
    }

    /**
     * Whether {@code session}'s ID is at least the interval old.
     *
     * @param recorded the value of {@link #ISSUED_AT}, or {@code null}
     */
    boolean due(Session session, Object recorded, Instant now) {
        return isOn() && !now.isBefore(issuedAt(session, recorded).plus(interval));
    }

    /**
     * Renews {@code session}'s ID when it is due: the step at the end of a request that may renew
     * (see {@code RequestSession.renewIfDue}). The store claims the renewal, so of several requests
     * that renew one session at once only one gets the new ID; a store that cannot be reached leaves
     * the renewal to a later request.
     *
     * @param recorded the value of {@link #ISSUED_AT}, or {@code null}
     * @return the session under its new ID, or empty when the ID is not due, the store is
     *     unavailable, the session ended, or another request renewed it meanwhile (its response
     *     carries the new ID)
     */
    Optional<NewSession> renewIfDue(SessionManager manager, Session session, Object recorded) {
        if (!due(session, recorded, manager.clock().instant())) {
            return Optional.empty();
        }
        try {
            return manager.renewId(session, overlap);
        } catch (StoreUnavailableException e) {
            LOG.debug("the session ID is due for renewal, but the store is unavailable; a later request renews it");
            return Optional.empty();
        }
    }

    /** When the session's current ID was issued, as far as the session tells. */
    static Instant issuedAt(Session session, Object recorded) {
        Instant at = session.createdAt();
        Instant authenticated = session.authenticatedAt().orElse(null);
        if (authenticated != null && authenticated.isAfter(at)) {
            at = authenticated;
        }
        Instant renewed = parse(recorded);
        if (renewed != null && renewed.isAfter(at)) {
            at = renewed;
        }
        return at;
    }

    /** The value of {@link #ISSUED_AT} for an ID issued at {@code now}. */
    static String record(Instant now) {
        return now.toString();
    }

    private static Instant parse(Object recorded) {
        if (!(recorded instanceof String text)) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
