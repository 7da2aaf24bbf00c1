package dev.lanyard.examples.demo;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionSummary;
import dev.lanyard.session.servlet.LanyardSessions;
import dev.lanyard.session.websocket.SocketSessions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The account pages:
 * <ul>
 *   <li>{@code GET /account/sessions}: the user's devices, with a "Sign out" button each;
 *   <li>{@code POST /account/sessions/{handle}/revoke}: sign that device out;
 *   <li>{@code POST /account/sessions/revoke-others}: sign out everywhere else;
 *   <li>{@code GET /account/security}: a page that needs a login within the last five minutes.
 *       The filter's route policy enforces that (see {@link DemoServer}); this servlet only
 *       renders.
 * </ul>
 */
final class AccountServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient SocketSessions sockets;

    AccountServlet(SocketSessions sockets) {
        this.sockets = sockets;
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        LanyardSessions sessions = LanyardSessions.of(request);
        if (sessions.userId().isEmpty()) {
            response.sendRedirect("/login?next=" + request.getServletPath());
            return;
        }
        if ("/account/security".equals(request.getServletPath())) {
            securityPage(request, response, sessions);
        } else if (request.getPathInfo() == null || "/".equals(request.getPathInfo())) {
            sessionsPage(request, response, sessions);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        LanyardSessions sessions = LanyardSessions.of(request);
        String path = request.getPathInfo();
        if (sessions.userId().isEmpty()) {
            response.sendRedirect("/login?next=/account/sessions");
            return;
        }
        if (!"/account/sessions".equals(request.getServletPath()) || path == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        // [revoke-start]
        if (path.equals("/revoke-others")) { // "sign out everywhere else"
            sessions.revokeOthers();
        } else if (path.endsWith("/revoke")) { // "/{handle}/revoke": sign that device out
            String handle = path.substring(1, path.length() - "/revoke".length());
            if (!SessionHandle.isWellFormed(handle)) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST, "not a session handle");
                return;
            }
            sessions.revoke(SessionHandle.of(handle)); // only ever a session of this user
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        // [revoke-end]
        response.sendRedirect(sessions.userId().isPresent() ? "/account/sessions" : "/");
    }

    private void sessionsPage(HttpServletRequest request, HttpServletResponse response, LanyardSessions sessions)
            throws IOException {
        Optional<SessionHandle> mine = sessions.handle();
        List<SessionSummary> devices = sessions.sessions();
        Map<SessionHandle, Integer> openSockets =
                sockets.openSocketsOf(sessions.userId().orElseThrow());
        StringBuilder body = new StringBuilder("<p class=\"note\">Every place you are signed in. ")
                .append("Signing a device out removes its session from the store: its next click finds no session, ")
                .append("and its <a id=\"live-link\" href=\"/live\">live page</a> socket closes at once.</p>")
                .append("<table id=\"sessions\"><tr><th>Device</th><th>Network</th><th>Created</th><th>Last seen</th>")
                .append("<th>Node</th><th>Live sockets</th><th></th></tr>");
        for (SessionSummary device : devices) {
            boolean current = Optional.of(device.handle()).equals(mine);
            String agent = device.client().userAgent().isEmpty()
                    ? "unknown browser"
                    : device.client().userAgent();
            body.append(current ? "<tr class=\"this\">" : "<tr>")
                    .append("<td>")
                    .append(Html.escape(agent))
                    .append("</td>")
                    .append("<td>")
                    .append(Html.escape(device.client().addressPrefix()))
                    .append("</td>")
                    .append("<td>")
                    .append(time(device.createdAt()))
                    .append("</td>")
                    .append("<td>")
                    .append(time(device.lastAccessedAt()))
                    .append("</td>")
                    .append("<td>")
                    .append(Html.escape(device.lastNode()))
                    .append("</td>")
                    .append("<td class=\"sockets\">")
                    .append(openSockets.getOrDefault(device.handle(), 0))
                    .append("</td><td>")
                    .append(
                            current
                                    ? "<b>this device</b>"
                                    : Html.form(
                                            request,
                                            "/account/sessions/"
                                                    + device.handle().value() + "/revoke",
                                            "<button class=\"revoke\" data-handle=\""
                                                    + Html.escape(
                                                            device.handle().value()) + "\">Sign out</button>"))
                    .append("</td></tr>");
        }
        body.append("</table>");
        if (devices.size() > 1) {
            body.append(Html.form(
                    request,
                    "/account/sessions/revoke-others",
                    "<button id=\"revoke-others\">Sign out everywhere else</button>"));
        }
        Html.page(request, response, "Your sessions", body.toString());
    }

    private static void securityPage(HttpServletRequest request, HttpServletResponse response, LanyardSessions sessions)
            throws IOException {
        String body = "<p id=\"security\">You confirmed your password at <b>"
                + sessions.authenticatedAt().map(AccountServlet::time).orElse("?")
                + "</b>. This page asks again when that is more than "
                + DemoServer.STEP_UP.toMinutes() + " minutes ago.</p>"
                + "<p>Session version: <b>" + sessions.version()
                + "</b> (it grows with every login, step-up and role change).</p>"
                + "<h2>API token</h2><p class=\"note\">A short-lived access token bound to this session, and a refresh token.</p>"
                + Html.form(request, "/api/token", "<button id=\"token\">Get an API token</button>");
        Html.page(request, response, "Account security", body);
    }

    private static String time(Instant instant) {
        return Html.escape(TIME.format(instant));
    }
}
