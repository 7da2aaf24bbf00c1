package dev.lanyard.examples.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;

/**
 * {@code GET /admin/charts.json}, for users with the {@code admin} role: the recent history of the
 * demo's session meters ({@link ChartHistory}), which the admin page draws.
 */
final class ChartsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient ChartHistory history;
    private final Duration interval;

    ChartsServlet(ChartHistory history, Duration interval) {
        this.history = history;
        this.interval = interval;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getRemoteUser() == null || !request.isUserInRole("admin")) {
            Html.json(response, request.getRemoteUser() == null ? 401 : 403, "{\"error\":\"administrators only\"}");
            return;
        }
        Html.json(response, 200, history.toJson(interval));
    }
}
