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
    private SessionId idToSend;
    private boolean expire;
    private boolean written;

    IdReply(SessionIdTransport transport, HttpServletResponse response) {
        this.transport = transport;
        this.response = response;
    }

    /** Whether the reply has been written once (later changes are written at once). */
    boolean isWritten() {
        return written;
    }

    /** Whether the reply so far says nothing about the ID (no new ID, no removal). */
    boolean saysNothing() {
        return idToSend == null && !expire;
    }

    /** From now on the reply sends this ID. */
    void send(SessionId id) {
        idToSend = id;
        expire = false;
    }

    /** From now on the reply tells the client to forget its ID. */
    void expire() {
        idToSend = null;
        expire = true;
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
    void write(Session session, Clock clock) {
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
}
