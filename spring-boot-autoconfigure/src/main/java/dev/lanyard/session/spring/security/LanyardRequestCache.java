package dev.lanyard.session.spring.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.savedrequest.SimpleSavedRequest;
import org.springframework.security.web.util.UrlUtils;

/**
 * Remembers where an unauthenticated user was going, as a plain URL string in the session, so that login can send
 * the user back there. Spring Security's own cache keeps a Java-serialized {@code DefaultSavedRequest}, which
 * Lanyard's attribute allow-list refuses. Only {@code GET} requests that are not XHR are remembered; nothing of
 * the request but its URL is replayed. Thread-safe.
 *
 * @since 0.1.0
 */
public final class LanyardRequestCache implements RequestCache {

    /** The session attribute holding the URL. */
    public static final String ATTRIBUTE = "dev.lanyard.session.spring.savedRequest";

    @Override
    public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
        if (!"GET".equals(request.getMethod()) || "XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
            return;
        }
        request.getSession().setAttribute(ATTRIBUTE, UrlUtils.buildFullRequestUrl(request));
    }

    @Override
    public SavedRequest getRequest(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        Object url = session == null ? null : session.getAttribute(ATTRIBUTE);
        return url instanceof String text ? new SimpleSavedRequest(text) : null;
    }

    /** Forgets the saved URL once the user arrives there; the request itself needs no replaying. */
    @Override
    public HttpServletRequest getMatchingRequest(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        if (session != null && UrlUtils.buildFullRequestUrl(request).equals(session.getAttribute(ATTRIBUTE))) {
            session.removeAttribute(ATTRIBUTE);
        }
        return null;
    }

    @Override
    public void removeRequest(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(ATTRIBUTE);
        }
    }
}
