package dev.lanyard.session.servlet;

import dev.lanyard.session.StoreUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One pass of a request through {@link LanyardSessionFilter}: correlation ID, route, {@link
 * RequestSession#begin()}, the CSRF and step-up checks, the application with wrapped request and
 * response, then {@link RequestSession#finish()} (or {@code 503} when the store fails a fail-closed
 * route). Error dispatches that come back with the container's own request are wrapped on the same
 * {@link RequestSession}.
 */
final class RequestCycle {

    private static final Logger LOG = LoggerFactory.getLogger(LanyardSessionFilter.class);
    private static final int MAX_REQUEST_ID = 64;

    private RequestCycle() {}

    /** Runs an HTTP request through the filter. */
    static void run(
            FilterSettings s,
            ServletContext context,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain chain)
            throws IOException, ServletException {
        Object existing = request.getAttribute(LanyardSessions.REQUEST_ATTRIBUTE);
        if (existing != null) {
            if (existing instanceof LanyardSessions api && !isWrapped(request)) {
                redispatch(api.state(), request, response, chain);
            } else {
                // A forward, include or async dispatch of the wrapped request.
                chain.doFilter(request, response);
            }
            return;
        }
        String requestId = null;
        if (s.requestIdHeader != null) {
            requestId = requestId(request.getHeader(s.requestIdHeader));
            response.setHeader(s.requestIdHeader, requestId);
            MDC.put(LanyardSessionFilter.MDC_REQUEST_ID, requestId);
        }
        try {
            RoutePolicy route = s.routes.match(pathOf(request));
            RequestSession state = new RequestSession(s, context, request, response, route, requestId);
            request.setAttribute(LanyardSessions.REQUEST_ATTRIBUTE, state.api());
            if (!state.begin()) {
                state.abandon();
                FilterAnswers.unavailable(s, response, requestId);
                return;
            }
            if (!state.csrfAllows()) {
                if (finishOrUnavailable(s, state, response, requestId, null)) {
                    FilterAnswers.crossSite(response);
                }
                return;
            }
            if (state.stepUpRequired()) {
                if (finishOrUnavailable(s, state, response, requestId, null)) {
                    FilterAnswers.stepUp(request, response, route.stepUpAnswer());
                }
                return;
            }
            SessionResponse wrappedResponse = new SessionResponse(response, state);
            SessionRequest wrappedRequest = new SessionRequest(request, state, wrappedResponse);
            Throwable failure = null;
            try {
                chain.doFilter(wrappedRequest, wrappedResponse);
            } catch (IOException | ServletException | RuntimeException | Error e) {
                failure = e;
            }
            if (failure != null && causedByStore(failure) && !response.isCommitted()) {
                state.abandon();
                FilterAnswers.unavailable(s, response, requestId);
                return;
            }
            if (!wrappedRequest.isAsyncStarted()) {
                finishOrUnavailable(s, state, response, requestId, failure);
            }
            rethrow(failure);
        } finally {
            MDC.remove(LanyardSessionFilter.MDC_SESSION);
            if (requestId != null) {
                MDC.remove(LanyardSessionFilter.MDC_REQUEST_ID);
            }
        }
    }

    private static boolean isWrapped(ServletRequest request) {
        return request instanceof SessionRequest
                || request instanceof ServletRequestWrapper wrapper && wrapper.isWrapperFor(SessionRequest.class);
    }

    /**
     * An error dispatch reaches the filter again with the container's own request: wrap it on the
     * same per-request state, so that an error page sees the same session and never the container's.
     */
    private static void redispatch(
            RequestSession state, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        state.reopen();
        SessionResponse wrappedResponse = new SessionResponse(response, state);
        SessionRequest wrappedRequest = new SessionRequest(request, state, wrappedResponse);
        try {
            chain.doFilter(wrappedRequest, wrappedResponse);
        } finally {
            if (!wrappedRequest.isAsyncStarted()) {
                try {
                    state.finish();
                } catch (StoreUnavailableException e) {
                    LOG.warn(
                            "session changes of an error page were lost: the store is unavailable ({})",
                            e.getMessage());
                }
            }
        }
    }

    /** Returns {@code false} when the store failed and a 503 was sent instead. */
    private static boolean finishOrUnavailable(
            FilterSettings s, RequestSession state, HttpServletResponse response, String requestId, Throwable failure)
            throws IOException {
        try {
            state.finish();
            return true;
        } catch (StoreUnavailableException e) {
            if (!response.isCommitted() && failure == null) {
                FilterAnswers.unavailable(s, response, requestId);
            } else {
                LOG.warn("session changes of this request were lost: the store is unavailable ({})", e.getMessage());
            }
            return false;
        }
    }

    private static boolean causedByStore(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private static void rethrow(Throwable failure) throws IOException, ServletException {
        if (failure == null) {
            return;
        }
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof ServletException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) failure;
    }

    private static String pathOf(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        if (servletPath == null) {
            servletPath = "";
        }
        return pathInfo == null ? servletPath : servletPath + pathInfo;
    }

    /** The presented correlation ID when it is short and plain, a random one otherwise. */
    private static String requestId(String presented) {
        if (presented != null && !presented.isEmpty() && presented.length() <= MAX_REQUEST_ID) {
            boolean ok = true;
            for (int i = 0; i < presented.length() && ok; i++) {
                char c = presented.charAt(i);
                ok = (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9')
                        || c == '-'
                        || c == '_'
                        || c == '.'
                        || c == ':';
            }
            if (ok) {
                return presented;
            }
        }
        // A correlation ID is not a secret: a fast non-blocking generator is enough.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
