package dev.lanyard.examples.war;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * Counts a visitor's requests in {@code HttpSession}: ordinary servlet code with no Lanyard import.
 * The Lanyard filter declared in {@code web.xml} makes the session shared, revocable and hardened.
 */
public class CounterServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Creates the servlet (the container calls this). */
    public CounterServlet() {}

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession();
        Integer count = (Integer) session.getAttribute("count");
        int next = count == null ? 1 : count + 1;
        session.setAttribute("count", next);
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().println("You have visited " + next + " time(s).");
    }
}
