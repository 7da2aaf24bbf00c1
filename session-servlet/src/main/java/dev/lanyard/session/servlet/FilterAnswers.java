package dev.lanyard.session.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the filter answers instead of the application: {@code 503} when the store is down on a
 * fail-closed route, {@code 403} for a cross-site request, and the step-up answer. Bodies are short
 * plain text, never a stack trace; nothing is written to a committed response.
 */
final class FilterAnswers {

    private FilterAnswers() {}

    /** {@code 503} with {@code Retry-After}, replacing whatever the response held. */
    static void unavailable(FilterSettings s, HttpServletResponse response, String requestId) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        if (requestId != null) {
            response.setHeader(s.requestIdHeader, requestId);
        }
        response.setHeader("Retry-After", Long.toString(Math.max(1, s.retryAfter.toSeconds())));
        refuse(
                response,
                HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                "Service unavailable: sessions cannot be read right now. Retry later.\n");
    }

    /** {@code 403} for a request {@link CsrfGuard} refused. */
    static void crossSite(HttpServletResponse response) throws IOException {
        refuse(response, HttpServletResponse.SC_FORBIDDEN, "Forbidden: cross-site request refused\n");
    }

    /** A redirect to the route's step-up page, or {@code 401}. */
    static void stepUp(HttpServletRequest request, HttpServletResponse response, StepUpAnswer answer)
            throws IOException {
        if (answer.isRedirect()) {
            String location = answer.location();
            if (location.startsWith("/") && !location.startsWith("//")) {
                location = request.getContextPath() + location;
            }
            response.setHeader("Cache-Control", "no-store");
            response.sendRedirect(location);
            return;
        }
        response.setHeader("WWW-Authenticate", "Session realm=\"step-up\"");
        refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized: recent authentication required\n");
    }

    private static void refuse(HttpServletResponse response, int status, String body) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(bytes.length);
        try {
            ServletOutputStream out = response.getOutputStream();
            out.write(bytes);
        } catch (IllegalStateException writerInUse) {
            response.getWriter().write(body);
        }
    }
}
