package dev.lanyard.session.servlet;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.servlet.SessionIdTransport.PresentedId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The session ID a request presented, and what became of it: read through the request's {@link
 * SessionIdTransport}, resolved once, and counted for guessing detection when it was refused. It
 * answers {@code getRequestedSessionId()} (the handle, never the ID), {@code
 * isRequestedSessionIdValid()} and {@code isRequestedSessionIdFromCookie()}.
 *
 * <p>Not thread-safe: {@link RequestSession} calls it under its lock.
 */
final class RequestedId {

    private final SessionIdTransport transport;
    private String handle;
    private boolean valid;
    /** The presented ID, kept to follow a renewal (never logged); {@code null} if none or malformed. */
    private SessionId presentedId;
    /** The handle a renewal moved the presented ID to, when the request followed it; else {@code null}. */
    private String renewedTo;

    RequestedId(SessionIdTransport transport) {
        this.transport = transport;
    }

    /**
     * Reads what the request presented and resolves it: at most one store read, none for absent,
     * duplicated or malformed values. Duplicated, malformed, unknown and unreadable values count
     * against the client's network prefix ({@link GuessingDetector}).
     *
     * @param mode whether a near cache may answer (the route's choice)
     * @return the resolution, or empty when nothing was presented or the values were ambiguous
     * @throws dev.lanyard.session.StoreUnavailableException when the store cannot answer
     */
    Optional<Resolution> resolve(
            HttpServletRequest request,
            SessionManager manager,
            ReadMode mode,
            GuessingDetector guessing,
            IdRenewal renewal) {
        PresentedId presented = transport.read(request);
        if (presented.ambiguous()) {
            // Several different values (cookie tossing): trust none, ask the store nothing, and leave
            // the cookies alone (clearing could only remove ours).
            guessing.badId(ClientInfo.prefixOf(request.getRemoteAddr()));
            return Optional.empty();
        }
        if (presented.value() == null) {
            return Optional.empty();
        }
        presentedId = SessionId.parse(presented.value()).orElse(null);
        handle = presentedId == null ? null : presentedId.handle().value();
        // A malformed value is refused (and reported to listeners) without a store call. A parsed
        // one is resolved as parsed, so its handle is hashed once per request, not twice.
        Resolution resolution =
                presentedId == null ? manager.resolve(presented.value(), mode) : manager.resolve(presentedId, mode);
        if (resolution.status() == ResolutionStatus.UNKNOWN && presentedId != null && renewal.isOn()) {
            // Renewed moments ago by a request of the same client: within the overlap it leads on.
            Resolution renewed = manager.resolveRenewed(presentedId);
            if (renewed.isFound()) {
                resolution = renewed;
                renewedTo = renewed.session().orElseThrow().handle().value();
            }
        }
        valid = resolution.isFound();
        ResolutionStatus status = resolution.status();
        if (status == ResolutionStatus.UNKNOWN
                || status == ResolutionStatus.UNREADABLE
                || status == ResolutionStatus.MALFORMED) {
            guessing.badId(ClientInfo.prefixOf(request.getRemoteAddr()));
        }
        return Optional.of(resolution);
    }

    /**
     * Follows a renewal made by another request after this one resolved {@code current}: the
     * session the presented ID now leads to, within the overlap.
     *
     * @return the renewed session, or empty when {@code current} is not what the client presented or
     *     was not renewed
     */
    Optional<Session> followRenewal(SessionManager manager, Session current) {
        if (presentedId == null || !presentedId.handle().equals(current.handle())) {
            return Optional.empty();
        }
        Optional<Session> renewed = manager.resolveRenewed(presentedId).session();
        renewed.ifPresent(s -> renewedTo = s.handle().value());
        return renewed;
    }

    /** Whether the presented ID was renewed by another request and this one followed it. */
    boolean followedRenewal() {
        return renewedTo != null;
    }

    /** The request no longer holds the session it presented (ended, or the store failed). */
    void invalidate() {
        valid = false;
    }

    /**
     * The handle of the presented ID, or {@code null} when none was presented or it was malformed.
     */
    String handle() {
        return handle;
    }

    /** Whether the presented ID named a live session that is still the request's {@code current}. */
    boolean isValidFor(Session current) {
        return valid
                && current != null
                && (current.handle().value().equals(handle)
                        || current.handle().value().equals(renewedTo));
    }

    boolean fromCookie() {
        return handle != null && transport.isCookie();
    }
}
