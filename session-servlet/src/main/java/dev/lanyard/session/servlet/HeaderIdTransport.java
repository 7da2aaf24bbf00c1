package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;

/**
 * The session ID in a dedicated request header ({@code headerName}), for API clients: the same
 * header brings a new ID back. Nothing is sent when a session ends; the client learns it from the
 * next answer. Browsers never attach the header by themselves, so CSRF checks do not apply.
 */
final class HeaderIdTransport implements SessionIdTransport {

    private final String name;

    HeaderIdTransport(String name) {
        this.name = name;
    }

    /**
     * @return whether the request carries the header, even empty
     */
    boolean isCarriedBy(HttpServletRequest request) {
        return request.getHeader(name) != null;
    }

    @Override
    public PresentedId read(HttpServletRequest request) {
        String header = request.getHeader(name);
        String value = header == null ? "" : header.trim();
        return value.isEmpty() ? PresentedId.NONE : PresentedId.of(value);
    }

    @Override
    public void send(HttpServletResponse response, SessionId id, Duration sessionLeft) {
        response.setHeader(name, id.value());
        response.setHeader("Cache-Control", "no-store");
    }

    @Override
    public void expire(HttpServletResponse response) {
        // The client drops the ID when the next answer refuses it.
    }

    @Override
    public boolean isCookie() {
        return false;
    }
}
