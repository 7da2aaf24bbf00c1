package dev.lanyard.session.spring.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Enumeration;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps a failed login's exception out of the session store. Spring Security's failure handler puts the
 * {@link AuthenticationException} in the session for the login page to show; that exception carries the
 * authentication request, with the password that was tried, and is a Spring class Lanyard's allow-list refuses to
 * read back. This filter stores only the exception's message (a string) and gives the login page a fresh
 * {@link BadCredentialsException} with that message when it asks. Added to each chain by
 * {@link LanyardHttpConfigurer}; package-private.
 */
final class AuthenticationFailureScrubber extends OncePerRequestFilter {

    static final String MESSAGE_ATTRIBUTE = "dev.lanyard.session.spring.lastAuthenticationFailure";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(
                new HttpServletRequestWrapper(request) {
                    @Override
                    public HttpSession getSession(boolean create) {
                        HttpSession session = super.getSession(create);
                        return session == null ? null : new ScrubbingSession(session);
                    }

                    @Override
                    public HttpSession getSession() {
                        return new ScrubbingSession(super.getSession());
                    }
                },
                response);
    }

    /** Delegates everything but the authentication exception's attribute. */
    private record ScrubbingSession(HttpSession delegate) implements HttpSession {

        @Override
        public void setAttribute(String name, Object value) {
            if (WebAttributes.AUTHENTICATION_EXCEPTION.equals(name)) {
                if (value instanceof AuthenticationException failure) {
                    delegate.setAttribute(MESSAGE_ATTRIBUTE, String.valueOf(failure.getMessage()));
                    return;
                }
                if (value == null) {
                    delegate.removeAttribute(MESSAGE_ATTRIBUTE);
                    return;
                }
            }
            delegate.setAttribute(name, value);
        }

        @Override
        public Object getAttribute(String name) {
            if (WebAttributes.AUTHENTICATION_EXCEPTION.equals(name)) {
                Object message = delegate.getAttribute(MESSAGE_ATTRIBUTE);
                return message instanceof String text ? new BadCredentialsException(text) : null;
            }
            return delegate.getAttribute(name);
        }

        @Override
        public void removeAttribute(String name) {
            delegate.removeAttribute(WebAttributes.AUTHENTICATION_EXCEPTION.equals(name) ? MESSAGE_ATTRIBUTE : name);
        }

        @Override
        public long getCreationTime() {
            return delegate.getCreationTime();
        }

        @Override
        public String getId() {
            return delegate.getId();
        }

        @Override
        public long getLastAccessedTime() {
            return delegate.getLastAccessedTime();
        }

        @Override
        public jakarta.servlet.ServletContext getServletContext() {
            return delegate.getServletContext();
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
            delegate.setMaxInactiveInterval(interval);
        }

        @Override
        public int getMaxInactiveInterval() {
            return delegate.getMaxInactiveInterval();
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            return delegate.getAttributeNames();
        }

        @Override
        public void invalidate() {
            delegate.invalidate();
        }

        @Override
        public boolean isNew() {
            return delegate.isNew();
        }
    }
}
