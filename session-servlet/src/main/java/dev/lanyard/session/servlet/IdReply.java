package dev.lanyard.session.servlet;

import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one response tells the client about its session ID, through the request's {@link
 * SessionIdTransport}: a new ID (created or rotated), the removal of the ID (the session ended or
 * the presented ID was refused), or nothing. It is written once before the response commits; what
 * changes after that is written again at once while the response is still open.
 *
 * <p>Not thread-safe: {@link RequestSession} calls it under its lock.
 */
final class IdReply {

    private static final Logger LOG = LoggerFactory.getLogger(IdReply.class);

    private final SessionIdTransport transport;
    private final HttpServletResponse response;
    private final Clock clock;
    private SessionId idToSend;
    private boolean expire;
    private boolean written;

    /** @param clock the manager's clock, which caps a cookie's lifetime at its session's */
    IdReply(SessionIdTransport transport, HttpServletResponse response, Clock clock) {
        this.transport = transport;
        this.response = response;
        this.clock = clock;
    }

    /** Whether the reply has been written once (later changes are written at once). */
    boolean isWritten() {
        return written;
    }

    /** Whether the reply so far says nothing about the ID (no new ID, no removal). */
    boolean saysNothing() {
        return idToSend == null && !expire;
    }

    /**
     * From now on the reply sends this ID; once the reply was written, it is written again at once.
     *
     * @param session the session the ID leads to
     */
    void send(SessionId id, Session session) {
        idToSend = id;
        expire = false;
        if (written) {
            write(session);
        }
    }

    /**
     * From now on the reply tells the client to forget its ID; once the reply was written, it is
     * written again at once.
     */
    void expire() {
        idToSend = null;
        expire = true;
        if (written) {
            write(null);
        }
    }

    /** From now on the reply says nothing (a transient session, or the store is down). */
    void forgetId() {
        idToSend = null;
    }

    /**
     * Writes the reply to the response, unless it is committed (then the client keeps what it has).
     *
     * @param session the request's stored session, or {@code null}: a cookie lives no longer
     */
    void write(Session session) {
        written = true;
        if (idToSend == null && !expire) {
            return;
        }
        if (response.isCommitted()) {
            LOG.warn(
                    "the response was committed before the session {} could be sent; the client keeps its" + " old one",
                    idToSend != null ? idToSend.handle() : "removal");
            return;
        }
        if (idToSend != null) {
            Duration sessionLeft = session == null ? null : Duration.between(clock.instant(), session.absoluteExpiry());
            transport.send(response, idToSend, sessionLeft);
        } else {
            transport.expire(response);
        }
    }

    /**
     * Throws unless the response is uncommitted, when the caller is about to make an ID that this
     * reply must still be able to send.
     *
     * @param what what the caller was about to do, for the message
     */
    void requireUncommitted(String what) {
        if (response.isCommitted()) {
            throw new IllegalStateException("cannot "
                    + what
                    + " after the response has been committed: the session cookie could no longer be"
                    + " sent. Call request.getSession() (or log in) before writing the response body.");
        }
    }
}
