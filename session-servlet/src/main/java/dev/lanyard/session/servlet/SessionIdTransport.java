package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;

/**
 * How a session ID travels between client and server: read from the request, sent back in the
 * response, or expired there. The shape of Spring Session's {@code HttpSessionIdResolver}. Two
 * exist: {@link CookieIdTransport} (browsers) and {@link HeaderIdTransport} (API clients, when
 * {@code headerName} is set); {@link #of} picks one per request and the request keeps it.
 *
 * <p>Implementations are immutable and thread-safe. They parse attacker input: they never throw on
 * what a client sends, and never copy a value longer than a session ID can be.
 */
interface SessionIdTransport {

    /**
     * Reads what the request presented.
     *
     * @param request the request
     * @return the presented value, absent, or ambiguous; never {@code null}
     */
    PresentedId read(HttpServletRequest request);

    /**
     * Sends a (new) session ID to the client and keeps the response out of shared caches.
     *
     * @param response an uncommitted response
     * @param id the ID to send
     * @param sessionLeft the time until the session's absolute expiry, or {@code null} if unknown
     */
    void send(HttpServletResponse response, SessionId id, Duration sessionLeft);

    /**
     * Tells the client to forget its session ID (the session ended or the ID was refused).
     *
     * @param response an uncommitted response
     */
    void expire(HttpServletResponse response);

    /**
     * Whether the browser attaches the ID to requests by itself, which is what makes cross-site
     * request forgery possible and what {@code getRequestedSessionIdFromCookie()} reports.
     *
     * @return {@code true} for the cookie transport
     */
    boolean isCookie();

    /**
     * Picks the transport of a request: the header when one is configured and the request carries it
     * (even empty), the cookie otherwise.
     *
     * @param settings the filter's settings
     * @param request the request
     * @return the transport the request uses from start to end
     */
    static SessionIdTransport of(FilterSettings settings, HttpServletRequest request) {
        HeaderIdTransport header = settings.headerTransport;
        return header != null && header.isCarriedBy(request) ? header : settings.cookieTransport;
    }

    /**
     * What a request presented as its session ID.
     *
     * @param value the raw value (a secret: never logged), or {@code null} when none or ambiguous
     * @param ambiguous whether the request carried several different values (cookie tossing), in
     *     which case none is trusted
     */
    record PresentedId(String value, boolean ambiguous) {

        static final PresentedId NONE = new PresentedId(null, false);
        static final PresentedId AMBIGUOUS = new PresentedId(null, true);

        static PresentedId of(String value) {
            return value == null ? NONE : new PresentedId(value, false);
        }

        /** Names what was presented, never the value. */
        @Override
        public String toString() {
            return ambiguous ? "PresentedId[ambiguous]" : value == null ? "PresentedId[none]" : "PresentedId[…]";
        }
    }
}
