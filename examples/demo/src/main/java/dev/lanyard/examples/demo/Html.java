package dev.lanyard.examples.demo;

import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Renders the demo's pages. Every value that reaches HTML goes through {@link #escape}. */
final class Html {

    private Html() {}

    /**
     * Escapes text for an HTML element body or a quoted attribute value.
     *
     * @param text any text, or null
     * @return the escaped text ("" for null)
     */
    static String escape(Object text) {
        if (text == null) {
            return "";
        }
        String s = text.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A form that posts to {@code action}, carrying the session's CSRF token as a hidden field.
     *
     * <p>A visitor without a session gets the form without a token, so that merely looking at the
     * shop creates no session (no store write per anonymous page view, per bot). That is safe: the
     * filter asks for the token only from requests that present a session, and its origin check
     * still refuses cross-site posts. The post that needs a session (add to cart, log in) creates it.
     *
     * @param request the current request (gives the token)
     * @param action the path to post to (escaped here)
     * @param fields inner HTML: inputs and the submit button (already escaped)
     * @return the form's HTML
     */
    static String form(HttpServletRequest request, String action, String fields) {
        String token = "";
        if (request.getSession(false) != null) {
            LanyardSessions sessions = LanyardSessions.of(request);
            token = "<input type=\"hidden\" name=\"" + escape(sessions.csrfParameterName()) + "\" value=\""
                    + escape(sessions.csrfToken()) + "\">";
        }
        return "<form method=\"post\" action=\"" + escape(action) + "\">" + token + fields + "</form>";
    }

    /**
     * Writes a whole page. Pages show who is logged in and what is in their cart, so none may be
     * kept by the browser or a proxy: {@code Cache-Control: no-store} (the Back button after
     * logout then asks the server again, and the server says "log in").
     *
     * @param request the current request
     * @param response the response
     * @param title the page title (escaped here)
     * @param body the page body (already escaped)
     * @throws IOException if writing fails
     */
    static void page(HttpServletRequest request, HttpServletResponse response, String title, String body)
            throws IOException {
        String user = request.getRemoteUser();
        String nav = "<nav><a href=\"/\">Shop</a> · "
                + (user == null
                        ? "<a href=\"/login\">Log in</a>"
                        : "<a href=\"/account/sessions\">My sessions</a> · <a href=\"/account/security\">Security</a> · "
                                + (request.isUserInRole("admin") ? "<a href=\"/admin/users\">Users</a> · " : "")
                                + "signed in as <b id=\"user\">" + escape(user) + "</b> "
                                + form(request, "/logout", "<button id=\"logout\">Log out</button>"))
                + "</nav>";
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · Lanyard demo shop</title><style>" + STYLE + "</style></head><body>"
                + nav + "<main><h1>" + escape(title) + "</h1>" + body + "</main></body></html>";
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * Writes a JSON body (built by the caller with {@link Json}).
     *
     * @param response the response
     * @param status the HTTP status
     * @param json the JSON text
     * @throws IOException if writing fails
     */
    static void json(HttpServletResponse response, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:0;color:#222}"
            + "nav{background:#1f3a5f;color:#fff;padding:.6em 1em}nav a{color:#fff}nav form{display:inline}"
            + "main{padding:1em 2em;max-width:60em}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:.35em .7em;text-align:left;white-space:nowrap}"
            + ".this{background:#eef6ee}.note{color:#555}form{margin:.3em 0}label{display:block;margin:.3em 0}"
            + "button{cursor:pointer}";
}
