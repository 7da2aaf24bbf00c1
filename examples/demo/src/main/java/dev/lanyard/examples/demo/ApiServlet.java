package dev.lanyard.examples.demo;

import dev.lanyard.session.jwt.VerifiedToken;
import dev.lanyard.session.jwt.servlet.BearerAuthenticator;
import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * JSON for scripts:
 * <ul>
 *   <li>{@code GET /api/me}: the session's user, roles, version, handle and authentication time, or 401;
 *   <li>{@code GET /api/csrf}: the session's CSRF token, for scripts that post with the session cookie
 *       ({@code null} without a session: none is created for it);
 *   <li>{@code GET /api/orders}: needs {@code Authorization: Bearer <access token>} (checked mode).
 * </ul>
 */
final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient BearerAuthenticator bearer;

    ApiServlet(BearerAuthenticator bearer) {
        this.bearer = bearer;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (request.getServletPath()) {
            case "/api/me" -> me(request, response);
            case "/api/csrf" -> csrf(request, response);
            case "/api/orders" -> orders(request, response);
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private static void me(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // [me-start]
        LanyardSessions sessions = LanyardSessions.of(request);
        if (sessions.userId().isEmpty()) {
            Html.json(response, HttpServletResponse.SC_UNAUTHORIZED, "{\"error\":\"login_required\"}");
            return;
        }
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("user", sessions.userId().get());
        me.put("roles", new TreeSet<>(sessions.roles()));
        me.put("version", sessions.version());
        me.put("handle", sessions.handle().map(Object::toString).orElse(null)); // public: safe to show and log
        me.put("authTime", sessions.authenticatedAt().map(Object::toString).orElse(null));
        Html.json(response, HttpServletResponse.SC_OK, Json.object(me));
        // [me-end]
    }

    private static void csrf(HttpServletRequest request, HttpServletResponse response) throws IOException {
        LanyardSessions sessions = LanyardSessions.of(request);
        Map<String, Object> csrf = new LinkedHashMap<>();
        csrf.put("header", sessions.csrfHeaderName());
        csrf.put("parameter", sessions.csrfParameterName());
        // Without a session there is nothing to forge a request with: answer without creating one
        // (each would be a stored record, and a GET anyone can send must not fill the store).
        csrf.put("token", request.getSession(false) == null ? null : sessions.csrfToken());
        Html.json(response, HttpServletResponse.SC_OK, Json.object(csrf));
    }

    private void orders(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<VerifiedToken> token = bearer.authenticate(request, response); // 401/503 already written if empty
        if (token.isEmpty()) {
            return;
        }
        Map<String, Object> orders = new LinkedHashMap<>();
        orders.put("user", token.get().subject());
        orders.put("orders", List.of(Map.of("id", "A-1001", "item", "Lanyard, navy blue", "status", "shipped")));
        Html.json(response, HttpServletResponse.SC_OK, Json.object(orders));
    }
}
