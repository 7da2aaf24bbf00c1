package dev.lanyard.examples.demo;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the session meters of {@code session-metrics} in the Prometheus text
 * format, for administrators only (401 without a session, 403 without the {@code admin} role):
 * the meters tell an outsider how many people are logged in and how the store is doing. In
 * production serve it on an internal management port that the public load balancer does not
 * route to, and let the scraper in by network rather than by session.
 */
final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient PrometheusMeterRegistry registry;

    MetricsServlet(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getRemoteUser() == null) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "log in as an administrator");
            return;
        }
        if (!request.isUserInRole("admin")) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "administrators only");
            return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain; version=0.0.4; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
