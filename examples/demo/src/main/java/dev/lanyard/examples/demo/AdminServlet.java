package dev.lanyard.examples.demo;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /admin/users} and {@code POST /admin/users/{user}/roles} (form fields {@code role}),
 * for users with the {@code admin} role. The page also shows live charts of this node's session
 * meters ({@link ChartsServlet}).
 *
 * <p>A role change must reach the user's sessions, which hold the roles they logged in with.
 * Lanyard offers two tools, and the demo uses each where it applies:
 * <ul>
 *   <li>the administrator's <b>own</b> session: {@link LanyardSessions#privilegeChanged(Set)} replaces
 *       the roles, moves the session to a new ID and grows its version, in this response; the
 *       administrator's <b>other</b> sessions (another browser, a phone) still hold the old roles
 *       and cannot get the new ID either, so {@link LanyardSessions#revokeOthers()} ends them;
 *   <li><b>another</b> user's sessions cannot be given a new ID from here (the new ID would have to
 *       reach that user's browser), so the demo ends them all with
 *       {@link SessionManager#revokeAll(String)}, one store operation on every node. The user logs
 *       in again and gets the new roles in a session with a new version; access tokens of the old
 *       sessions fail at once on checked routes, and their refresh tokens stop working.
 * </ul>
 */
final class AdminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient Users users;
    private final transient SessionManager manager;

    AdminServlet(Users users, SessionManager manager) {
        this.users = users;
        this.manager = manager;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!allowed(request, response)) {
            return;
        }
        StringBuilder body = new StringBuilder("<table><tr><th>User</th><th>Roles</th></tr>");
        for (String name : users.names()) {
            Set<String> roles = users.roles(name);
            body.append("<tr><td>")
                    .append(Html.escape(name))
                    .append("</td><td>")
                    .append(Html.form(
                            request,
                            "/admin/users/" + name + "/roles",
                            checkbox(name, "user", roles) + checkbox(name, "admin", roles) + "<button id=\"save-"
                                    + Html.escape(name) + "\">Save roles</button>"))
                    .append("</td></tr>");
        }
        body.append("</table><p class=\"note\">Changing another user's roles signs them out everywhere; "
                + "changing your own gives your session a new ID and version.</p>");
        body.append(CHARTS);
        Html.page(request, response, "Users", body.toString());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!allowed(request, response)) {
            return;
        }
        String path = request.getPathInfo();
        String user =
                path == null || !path.endsWith("/roles") ? null : path.substring(1, path.length() - "/roles".length());
        if (user == null || !users.exists(user)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no such user");
            return;
        }
        String[] values = request.getParameterValues("role");
        Set<String> roles = values == null ? Set.of() : new TreeSet<>(Arrays.asList(values));
        try {
            users.setRoles(user, roles);
        } catch (IllegalArgumentException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        // [roles-start]
        LanyardSessions sessions = LanyardSessions.of(request);
        if (user.equals(request.getRemoteUser())) {
            sessions.privilegeChanged(roles); // my own session: new ID and version, in this response
            sessions.revokeOthers(); // my other devices still hold the old roles: end them
        } else {
            manager.revokeAll(user); // theirs: every session ends, on every node
        }
        // [roles-end]
        response.sendRedirect(roles.contains("admin") || !user.equals(request.getRemoteUser()) ? "/admin/users" : "/");
    }

    /** Anonymous: to the login page; logged in without the admin role: 403. */
    /**
     * Live charts of this node's session meters: one SVG per chart, drawn by a small hand-written
     * script from {@code GET /admin/charts.json} ({@link ChartsServlet}) every two seconds.
     */
    private static final String CHARTS = "<h2>This node's sessions, live</h2>"
            + "<p class=\"note\">From the demo's own meters (session-metrics), sampled every two seconds; "
            + "the last five minutes.</p><div id=\"charts\">"
            + svg("sessions", "Sessions created and revoked per minute")
            + svg("reuse", "Refresh-token reuse detections per minute")
            + svg("latency", "Store latency of successful calls (ms)")
            + svg("hit-ratio", "Near-cache hit ratio (0 where the store has no near cache, as memory: does not)")
            + "</div><script>" + script() + "</script>";

    private static String svg(String id, String title) {
        return "<figure style=\"display:inline-block;margin:.5em 1em .5em 0\"><figcaption>" + Html.escape(title)
                + "</figcaption><svg id=\"chart-" + id + "\" class=\"chart\" width=\"440\" height=\"170\" "
                + "viewBox=\"0 0 440 170\" role=\"img\" aria-label=\"" + Html.escape(title) + "\" data-points=\"0\">"
                + "</svg></figure>";
    }

    private static String script() {
        try (InputStream in = AdminServlet.class.getResourceAsStream("charts.js")) {
            if (in == null) {
                throw new IllegalStateException("charts.js is missing from the demo's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean allowed(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getRemoteUser() == null) {
            response.sendRedirect("/login?next=/admin/users");
            return false;
        }
        if (!request.isUserInRole("admin")) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "administrators only");
            return false;
        }
        return true;
    }

    private static String checkbox(String user, String role, Set<String> roles) {
        return "<label style=\"display:inline\"><input type=\"checkbox\" name=\"role\" value=\"" + role + "\""
                + " id=\"" + Html.escape(user) + "-" + role + "\"" + (roles.contains(role) ? " checked" : "") + "> "
                + role + "</label> ";
    }
}
