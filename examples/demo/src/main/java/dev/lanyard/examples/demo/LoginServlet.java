package dev.lanyard.examples.demo;

import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET/POST /login} and {@code POST /logout}: the only place the demo authenticates. After the
 * password check it calls {@link LanyardSessions#login} (new session ID: the ID an attacker may
 * have planted before login is dead), or {@link LanyardSessions#reauthenticated} when the same user
 * confirms the password for a step-up route. Logout removes the record from the store.
 */
final class LoginServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient Users users;

    LoginServlet(Users users) {
        this.users = users;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"/login".equals(request.getServletPath())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        loginPage(request, response, null);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("/logout".equals(request.getServletPath())) {
            LanyardSessions.of(request).logout(); // the record is gone on every node
            response.sendRedirect("/");
            return;
        }
        // [login-start]
        LanyardSessions sessions = LanyardSessions.of(request);
        Optional<Users.User> user =
                users.authenticate(request.getParameter("username"), request.getParameter("password"));
        if (user.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            loginPage(request, response, "Wrong user name or password.");
            return;
        }
        if (sessions.userId().equals(Optional.of(user.get().name()))) {
            sessions.reauthenticated(); // step-up: new ID, authentication time is now
        } else {
            sessions.login(user.get().name(), user.get().roles()); // new ID; the anonymous cart is kept
        }
        response.sendRedirect(safeNext(request.getParameter("next")));
        // [login-end]
    }

    private void loginPage(HttpServletRequest request, HttpServletResponse response, String error) throws IOException {
        String next = safeNext(request.getParameter("next"));
        String user = request.getRemoteUser();
        String intro = user != null && !"/".equals(next)
                ? "<p id=\"step-up\">This page needs a recent login. Please confirm your password, " + Html.escape(user)
                        + ".</p>"
                : "<p class=\"note\">Demo users: <code>alice</code>/<code>alice</code> and "
                        + "<code>admin</code>/<code>admin</code>.</p>";
        String body = intro
                + (error == null ? "" : "<p id=\"error\" role=\"alert\">" + Html.escape(error) + "</p>")
                + Html.form(
                        request,
                        "/login",
                        "<input type=\"hidden\" name=\"next\" value=\"" + Html.escape(next) + "\">"
                                + "<label>User name <input id=\"username\" name=\"username\" autocomplete=\"username\" value=\""
                                + Html.escape(user == null ? "" : user) + "\" required></label>"
                                + "<label>Password <input id=\"password\" name=\"password\" type=\"password\" "
                                + "autocomplete=\"current-password\" required></label>"
                                + "<button id=\"login\">Log in</button>");
        Html.page(request, response, "Log in", body);
    }

    /** Only paths of this application: never {@code //evil.example} or {@code https://…} (open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            if (next.charAt(i) < 0x21 || next.charAt(i) > 0x7e) {
                return "/";
            }
        }
        return next;
    }
}
