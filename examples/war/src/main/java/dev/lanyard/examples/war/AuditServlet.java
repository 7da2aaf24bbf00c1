package dev.lanyard.examples.war;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * Shows what the application's session listeners counted ({@code GET}); a {@code POST} with
 * {@code leave} first ends the visitor's session with {@code invalidate()}, as a logout form
 * would. Logout is never a {@code GET}: a link or an image on another site would log visitors out
 * (the filter's {@code csrf} check covers unsafe methods only).
 */
public class AuditServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Creates the servlet (the container calls this). */
    public AuditServlet() {}

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        snapshot(response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getParameter("leave") != null) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
        }
        snapshot(response);
    }

    private void snapshot(HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().println(SessionAudit.snapshot(getServletContext()));
    }
}
